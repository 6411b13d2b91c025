package dev.uring.core.loop;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The JFR event ({@code dev.uring.SlowOp}) recorded when an op's final completion came later after
 * its submission than the loop's slow-op threshold ({@link EventLoop#enableStats}). The latency is
 * measured to the loop pass: from the pass that submitted the op to the wake-up that reaped it.
 */
@Name("dev.uring.SlowOp")
@Label("io_uring Slow Operation")
@Category({"reactive-uring", "I/O"})
@Description("An io_uring operation that took longer than the configured threshold")
@StackTrace(false)
public final class SlowOpEvent extends jdk.jfr.Event {
    @Label("Operation")
    @Description("The SQE opcode")
    String op = "";

    @Label("Result")
    @Description("The CQE result: bytes or a count when non-negative, -errno on failure")
    int result;

    @Label("Loop")
    @Description("The event loop's index in its group")
    int loop;

    @Label("Latency")
    @Timespan(Timespan.NANOSECONDS)
    long latency;

    /** Created by the event loop; public only because JFR needs to see event classes. */
    public SlowOpEvent() {
    }

    static void commit(int loop, String op, int result, long latencyNanos) {
        SlowOpEvent e = new SlowOpEvent();
        if (e.isEnabled()) {
            e.op = op;
            e.result = result;
            e.loop = loop;
            e.latency = latencyNanos;
            e.commit();
        }
    }
}
