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
}
