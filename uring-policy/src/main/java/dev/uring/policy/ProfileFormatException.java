package dev.uring.policy;

import java.io.Serial;

/** A policy profile that does not parse: names the source, the line and the reason. */
public final class ProfileFormatException extends IllegalArgumentException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final String reason;

    ProfileFormatException(String source, int line, String reason) {
        super(source + ":" + line + ": " + reason);
        this.source = source;
        this.line = line;
        this.reason = reason;
    }

    /** The profile's name or file. */
    public String source() {
        return source;
    }

    /** The 1-based line number of the error. */
    public int line() {
        return line;
    }

    /** What is wrong on that line. */
    public String reason() {
        return reason;
    }
}
