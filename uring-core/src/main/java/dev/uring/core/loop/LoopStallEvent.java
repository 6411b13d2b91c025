package dev.uring.core.loop;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The JFR event ({@code dev.uring.LoopStall}) recorded when one pass of an event loop (its tasks,
 * completions and submission, between two io_uring_enter calls) ran longer than the loop's stall
 * threshold ({@link EventLoop#enableStats}): every op of that loop waited meanwhile. A handler that
 * blocks or computes on a loop thread is the usual cause.
 */
@Name("dev.uring.LoopStall")
@Label("io_uring Event Loop Stall")
@Category({"reactive-uring", "I/O"})
@Description("An event loop pass that ran longer than the configured threshold")
@StackTrace(false)
public final class LoopStallEvent extends jdk.jfr.Event {
    @Label("Loop")
    @Description("The event loop's index in its group")
    int loop;

    @Label("Pass Duration")
    @Timespan(Timespan.NANOSECONDS)
    long pass;

    /** Created by the event loop; public only because JFR needs to see event classes. */
    public LoopStallEvent() {
    }

    static void commit(int loop, long passNanos) {
        LoopStallEvent e = new LoopStallEvent();
        if (e.isEnabled()) {
            e.loop = loop;
            e.pass = passNanos;
            e.commit();
        }
    }
}
