/** Inherited io_uring restrictions ("seccomp for io_uring"), attached to every ring a scope creates. */
module dev.uring.policy {
    requires dev.uring.core;
    requires static org.jspecify;
    requires jdk.jfr;

    exports dev.uring.policy;

    provides dev.uring.core.RingSetupHook with dev.uring.policy.PolicyRingSetupHook;
}
