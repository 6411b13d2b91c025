/**
 * The io_uring ring over Panama FFM: ring setup and registration, SQE preparation, CQE reaping,
 * per-core event loops, registered and provided buffers, and the fixed-file table shared across a
 * group's rings. The FFM bindings ({@code dev.uring.core.ffi}) are not exported.
 */
module dev.uring.core {
    requires static org.jspecify;
    requires jdk.jfr;
    // the event loops' task queue: org.jctools.queues.varhandle (reads org.jctools.core transitively)
    requires org.jctools.core.jdk11;

    exports dev.uring.core;
    exports dev.uring.core.buffers;
    exports dev.uring.core.loop;
    exports dev.uring.core.files;

    uses dev.uring.core.RingSetupHook;
}
