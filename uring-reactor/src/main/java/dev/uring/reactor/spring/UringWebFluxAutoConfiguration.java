package dev.uring.reactor.spring;

import dev.uring.reactor.Uring;
import dev.uring.reactor.metrics.UringMetrics;
import java.io.IOException;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.handler.AbstractUrlHandlerMapping;
import org.springframework.web.reactive.resource.ResourceWebHandler;

/**
 * Spring Boot auto-configuration: a {@link Uring} runtime bean (closed with the context), and,
 * unless {@code reactive-uring.webflux.enabled=false}, the io_uring writers for file-system
 * resources and resource regions, registered as custom codecs (so controllers, handler functions
 * and {@code BodyInserters.fromResource} use them) and given to WebFlux's static-resource
 * handlers.
 *
 * <p>Properties: {@code reactive-uring.loops} (loop threads of the runtime, default one per
 * processor), {@code reactive-uring.webflux.buffer-size} (bytes per read, default 64 KiB),
 * {@code reactive-uring.webflux.read-ahead} (reads ahead of the network, default 4),
 * {@code reactive-uring.webflux.single-read-limit} (bodies and ranges of at most this many bytes
 * are read in one READ into one buffer, default 1 MiB),
 * {@code reactive-uring.webflux.open-files} (files kept open between responses, default 256, 0 for
 * none; closed with the context),
 * {@code reactive-uring.webflux.zero-copy-threshold} (bodies and single ranges longer than this many
 * bytes go by zero-copy sendfile, as Spring's stock writer sends them; default 64 KiB, -1 for never),
 * {@code reactive-uring.fixed-files} (slots of the runtime's shared fixed-file table, in which files
 * kept open are installed: {@link Uring#fixedFiles(int)}; default 0, off).
 *
 * <p>On a host where io_uring is unusable (a container's seccomp profile, the
 * {@code kernel.io_uring_disabled} sysctl) nothing here is created: one WARN line names the cause and
 * the fix, and WebFlux keeps its stock path; with {@value #REQUIRED_PROPERTY}{@code =true} startup
 * fails with that cause instead.
 *
 * <p>With Actuator: the runtime's Micrometer meters ({@link UringMetrics}) are bound to the
 * application's registry, and a health indicator ({@code uring}) checks that every loop answers a
 * NOP through its ring. {@code reactive-uring.events.slow-op} and {@code reactive-uring.events.stall}
 * (durations, {@code 0} for none) set the thresholds of the JFR slow-op and loop-stall events.
 */
@AutoConfiguration(afterName = "org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration",
        beforeName = "org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration")
@ConditionalOnClass({Uring.class, org.springframework.core.io.buffer.DataBuffer.class})
@Conditional(UringAvailableCondition.class)
public class UringWebFluxAutoConfiguration {
    /** The property that makes an unusable io_uring fail startup instead of leaving WebFlux on its stock path. */
    public static final String REQUIRED_PROPERTY = "reactive-uring.required";
    /** The property that switches the WebFlux writers off (the runtime bean stays). */
    public static final String ENABLED_PROPERTY = "reactive-uring.webflux.enabled";

    /** Created by Spring. */
    public UringWebFluxAutoConfiguration() {
    }

    /**
     * The runtime, unless the application defines its own; closed when the context closes.
     *
     * @throws IOException when io_uring is unavailable (the cause says why)
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Uring uring(Environment environment) throws IOException {
        int loops = environment.getProperty("reactive-uring.loops", Integer.class,
                Runtime.getRuntime().availableProcessors());
        Uring uring = Uring.create(loops);
        int fixedFiles = environment.getProperty("reactive-uring.fixed-files", Integer.class, 0);
        if (fixedFiles > 0) {
            uring.fixedFiles(fixedFiles);
        }
        Duration slowOp = duration(environment, "reactive-uring.events.slow-op");
        Duration stall = duration(environment, "reactive-uring.events.stall");
        if (slowOp != null || stall != null) {
            uring.events(slowOp != null ? slowOp : Uring.DEFAULT_SLOW_OP, stall != null ? stall : Uring.DEFAULT_STALL);
        }
        return uring;
    }

    /** A duration property in Boot's formats ({@code 50ms}, {@code PT1S}, a number of milliseconds), or null. */
    private static @Nullable Duration duration(Environment environment, String name) {
        String value = environment.getProperty(name);
        return value == null || value.isBlank() ? null : DurationStyle.detectAndParse(value.trim());
    }

    /** The runtime's meters, bound by Spring Boot to the application's registry when Actuator is present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"io.micrometer.core.instrument.binder.MeterBinder",
            "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration"})
    public static class Metrics {
        /** Created by Spring. */
        public Metrics() {
        }

        /** The meters of the runtime bean (Boot binds every MeterBinder bean to its registry). */
        @Bean
        @ConditionalOnMissingBean
        public UringMetrics uringMetrics(Uring uring) {
            return new UringMetrics(uring);
        }
    }

    /** The {@code uring} health indicator, when Spring Boot's health support is present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.ReactiveHealthIndicator")
    public static class Health {
        /** Created by Spring. */
        public Health() {
        }

        /** UP when every loop of the runtime answers a NOP through its ring. */
        @Bean
        @ConditionalOnMissingBean(name = "uringHealthIndicator")
        public UringHealthIndicator uringHealthIndicator(Uring uring) {
            return new UringHealthIndicator(uring);
        }
    }

    /** The io_uring writers for WebFlux, on unless {@value #ENABLED_PROPERTY} is false. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({CodecCustomizer.class, ResourceWebHandler.class})
    @ConditionalOnProperty(name = ENABLED_PROPERTY, havingValue = "true", matchIfMissing = true)
    public static class WebFluxWriters {
        /** Created by Spring. */
        public WebFluxWriters() {
        }

        /** The writer for file-system resources. */
        @Bean
        @ConditionalOnMissingBean
        public UringResourceHttpMessageWriter uringResourceHttpMessageWriter(Uring uring, Environment environment) {
            return new UringResourceHttpMessageWriter(uring, bufferSize(environment), readAhead(environment),
                    singleReadLimit(environment), openFiles(environment), environment.getProperty(
                            "reactive-uring.webflux.zero-copy-threshold", Long.class,
                            UringResourceHttpMessageWriter.DEFAULT_ZERO_COPY_THRESHOLD));
        }

        /** The writer for resource regions, sharing the resource writer's settings and files kept open. */
        @Bean
        @ConditionalOnMissingBean
        public UringResourceRegionHttpMessageWriter uringResourceRegionHttpMessageWriter(
                UringResourceHttpMessageWriter resources) {
            return new UringResourceRegionHttpMessageWriter(resources);
        }

        /** Puts both writers ahead of WebFlux's default ones. */
        @Bean
        public CodecCustomizer uringCodecCustomizer(UringResourceHttpMessageWriter resources,
                UringResourceRegionHttpMessageWriter regions) {
            return configurer -> {
                configurer.customCodecs().register(resources);
                configurer.customCodecs().register(regions);
            };
        }

        /** Gives the resource writer to the static-resource handlers ({@code spring.web.resources}). */
        @Bean
        public static BeanPostProcessor uringResourceWebHandlers(ObjectProvider<UringResourceHttpMessageWriter> writer) {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    if (bean instanceof AbstractUrlHandlerMapping mapping) {
                        for (Object handler : mapping.getHandlerMap().values()) {
                            if (handler instanceof ResourceWebHandler resources) {
                                resources.setResourceHttpMessageWriter(writer.getObject());
                            }
                        }
                    }
                    return bean;
                }
            };
        }

        private static int bufferSize(Environment environment) {
            return environment.getProperty("reactive-uring.webflux.buffer-size", Integer.class,
                    UringDataBuffers.DEFAULT_BUFFER_SIZE);
        }

        private static int singleReadLimit(Environment environment) {
            return environment.getProperty("reactive-uring.webflux.single-read-limit", Integer.class,
                    UringResourceHttpMessageWriter.DEFAULT_SINGLE_READ_LIMIT);
        }

        private static int openFiles(Environment environment) {
            return environment.getProperty("reactive-uring.webflux.open-files", Integer.class,
                    UringResourceHttpMessageWriter.DEFAULT_OPEN_FILES);
        }

        private static int readAhead(Environment environment) {
            return environment.getProperty("reactive-uring.webflux.read-ahead", Integer.class,
                    UringDataBuffers.DEFAULT_DEPTH);
        }
    }
}
