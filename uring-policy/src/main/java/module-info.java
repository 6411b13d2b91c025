/** Inherited io_uring restrictions ("seccomp for io_uring"), attached to every ring a scope creates. */
module dev.uring.policy {
    requires dev.uring.core;
    requires static org.jspecify;
    requires jdk.jfr;
    // optional: policies across Reactor scheduler hops and Micrometer context-propagation snapshots
    requires static reactor.core;
    requires static context.propagation;
    // optional: the refusal counter (dev.uring.policy.metrics) where the application has Micrometer
    requires static micrometer.core;
    // optional: the Spring Boot auto-configuration that switches propagation on
    requires static spring.beans;
    requires static spring.context;
    requires static spring.core;
    requires static spring.boot.autoconfigure;

    exports dev.uring.policy;
    exports dev.uring.policy.spring;
    exports dev.uring.policy.metrics;
    opens dev.uring.policy.spring to spring.core, spring.beans, spring.context;

    provides dev.uring.core.RingSetupHook with dev.uring.policy.PolicyRingSetupHook;
    provides io.micrometer.context.ThreadLocalAccessor with dev.uring.policy.PolicyThreadLocalAccessor;
}
