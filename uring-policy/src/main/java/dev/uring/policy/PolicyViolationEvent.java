package dev.uring.policy;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The JFR event recorded for every {@link PolicyViolation} ({@code dev.uring.PolicyViolation}); the
 * event's own thread and start time are the violation's. Enabled by default in any recording.
 */
@Name("dev.uring.PolicyViolation")
@Label("io_uring Policy Violation")
@Category({"reactive-uring", "Security"})
@Description("An io_uring operation refused by a ring policy")
@StackTrace(false)
public final class PolicyViolationEvent extends jdk.jfr.Event {
    @Label("Operation")
    @Description("The SQE op or register op refused")
    String op = "";

    @Label("Rule")
    @Description("The rule that refused it")
    String rule = "";

    @Label("Layer")
    @Description("KERNEL, FILTER or REGISTER")
    String layer = "";

    @Label("Policy")
    String policy = "";

    @Label("Ring File Descriptor")
    int ringFd;

    /** Created by {@link PolicyViolations}; public only because JFR needs to see event classes. */
    public PolicyViolationEvent() {
    }

    /** Commits an event for {@code v} when a recording enables it. */
    static void commit(PolicyViolation v) {
        PolicyViolationEvent e = new PolicyViolationEvent();
        if (e.isEnabled()) {
            e.op = v.op();
            e.rule = v.reason();
            e.layer = v.layer().name();
            e.policy = v.policy();
            e.ringFd = v.ringFd();
            e.commit();
        }
    }
}
