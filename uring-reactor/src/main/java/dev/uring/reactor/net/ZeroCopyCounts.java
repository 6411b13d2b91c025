package dev.uring.reactor.net;

import java.util.concurrent.atomic.LongAdder;

/** Zero-copy sends and their notifications, process-wide, for TCP and UDP (tests check a send ends only after its own). */
public final class ZeroCopyCounts {
    /** Zero-copy notifications seen. */
    public static final LongAdder NOTIFICATIONS = new LongAdder();
    /** Zero-copy sends submitted. */
    public static final LongAdder SENDS = new LongAdder();

    private ZeroCopyCounts() {
    }
}
