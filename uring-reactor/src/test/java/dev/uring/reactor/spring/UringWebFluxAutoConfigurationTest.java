package dev.uring.reactor.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.reactor.Uring;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.codec.ServerCodecConfigurer;

/** The auto-configuration: the runtime's lifecycle, the writers, and the switch. */
class UringWebFluxAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UringWebFluxAutoConfiguration.class))
            .withPropertyValues("reactive-uring.loops=1");

    @Test
    void registersTheRuntimeAndClosesItWithTheContext() {
        AtomicReference<Uring> seen = new AtomicReference<>();
        runner.run(context -> {
            Uring uring = context.getBean(Uring.class);
            assertThat(uring.isClosed()).isFalse();
            assertThat(uring.group().size()).isEqualTo(1);
            seen.set(uring);
        });
        assertThat(seen.get().isClosed()).isTrue();
    }

    @Test
    void codecCustomizerPutsTheIoUringWritersFirst() {
        runner.run(context -> {
            ServerCodecConfigurer codecs = ServerCodecConfigurer.create();
            context.getBeansOfType(CodecCustomizer.class).values().forEach(c -> c.customize(codecs));
            assertThat(codecs.getWriters()).first().isInstanceOf(UringResourceHttpMessageWriter.class);
            assertThat(codecs.getWriters()).anyMatch(UringResourceRegionHttpMessageWriter.class::isInstance);
        });
    }

    @Test
    void theWritersKeptOpenFilesAreClosedWithTheContext() {
        AtomicReference<OpenFiles> seen = new AtomicReference<>();
        runner.run(context -> {
            OpenFiles files = context.getBean(UringResourceHttpMessageWriter.class).openFiles();
            assertThat(files.isClosed()).isFalse();
            seen.set(files);
        });
        assertThat(seen.get().isClosed()).isTrue();
    }

    @Test
    void bothWritersShareOneSetOfKeptFiles() {
        runner.run(context -> {
            OpenFiles resources = context.getBean(UringResourceHttpMessageWriter.class).openFiles();
            OpenFiles regions = context.getBean(UringResourceRegionHttpMessageWriter.class).openFiles();
            assertThat(regions).isSameAs(resources);
        });
    }

    @Test
    void thePropertySwitchesTheWritersOffButKeepsTheRuntime() {
        runner.withPropertyValues(UringWebFluxAutoConfiguration.ENABLED_PROPERTY + "=false").run(context -> {
            assertThat(context).hasSingleBean(Uring.class);
            assertThat(context).doesNotHaveBean(UringResourceHttpMessageWriter.class);
            assertThat(context).doesNotHaveBean(CodecCustomizer.class);
        });
    }

    @Test
    void anApplicationsOwnRuntimeIsKept() {
        runner.withBean("mine", Uring.class, () -> {
            try {
                return Uring.create(1);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).run(context -> assertThat(context).hasSingleBean(Uring.class).hasBean("mine"));
    }

    @Test
    void withMicrometerAndBootHealthTheMetersAndTheHealthIndicatorAreRegistered() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(dev.uring.reactor.metrics.UringMetrics.class);
            assertThat(context).hasSingleBean(UringHealthIndicator.class);
            io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                    new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
            context.getBean(dev.uring.reactor.metrics.UringMetrics.class).bindTo(registry);
            assertThat(registry.find("reactive.uring.ops.in.flight").gauges()).hasSize(1);
            assertThat(context.getBean(Uring.class).isCounting()).isTrue();
        });
    }

    @Test
    void theHealthIsUpWhileEveryLoopAnswersAndDownOnceTheRuntimeIsClosed() {
        runner.run(context -> {
            Uring uring = context.getBean(Uring.class);
            UringHealthIndicator health = context.getBean(UringHealthIndicator.class);
            org.springframework.boot.health.contributor.Health up = health.health().block(java.time.Duration.ofSeconds(10));
            assertThat(up.getStatus()).isEqualTo(org.springframework.boot.health.contributor.Status.UP);
            assertThat(up.getDetails()).containsEntry("runtime", uring.name()).containsKey("loops");
            uring.close();
            assertThat(health.health().block(java.time.Duration.ofSeconds(10)).getStatus())
                    .isEqualTo(org.springframework.boot.health.contributor.Status.DOWN);
        });
    }

    @Test
    void theEventPropertiesTurnCountingOnWithTheirThresholds() {
        runner.withPropertyValues("reactive-uring.events.slow-op=50ms", "reactive-uring.events.stall=20ms")
                .run(context -> assertThat(context.getBean(Uring.class).isCounting()).isTrue());
        runner.withPropertyValues(UringWebFluxAutoConfiguration.ENABLED_PROPERTY + "=false")
                .withClassLoader(new org.springframework.boot.test.context.FilteredClassLoader(
                        "io.micrometer.core.instrument.binder.MeterBinder"))
                .run(context -> {
                    assertThat(context).doesNotHaveBean(dev.uring.reactor.metrics.UringMetrics.class);
                    assertThat(context.getBean(Uring.class).isCounting()).as("off by default").isFalse();
                });
    }

    @Test
    void requiredTrueWhereIoUringIsAvailableChangesNothing() {
        runner.withPropertyValues(UringWebFluxAutoConfiguration.REQUIRED_PROPERTY + "=true")
                .run(context -> assertThat(context).hasSingleBean(Uring.class));
    }

    @Test
    void zeroCopyThresholdAndFixedFilesComeFromProperties() {
        runner.run(context -> {
            assertThat(context.getBean(UringResourceHttpMessageWriter.class).getZeroCopyThreshold())
                    .isEqualTo(UringResourceHttpMessageWriter.DEFAULT_ZERO_COPY_THRESHOLD);
            assertThat(context.getBean(Uring.class).fixedFileTable()).as("fixed files off by default").isNull();
        });
        runner.withPropertyValues("reactive-uring.webflux.zero-copy-threshold=-1", "reactive-uring.fixed-files=16")
                .run(context -> {
                    assertThat(context.getBean(UringResourceHttpMessageWriter.class).getZeroCopyThreshold()).isEqualTo(-1);
                    assertThat(context.getBean(Uring.class).fixedFileTable()).isNotNull()
                            .satisfies(t -> assertThat(t.groupSlots()).isEqualTo(16));
                });
    }
}
