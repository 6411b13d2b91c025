package dev.uring.benchmarks.tcp;

import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.Uring;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The command line every echo server takes: {@code [default|busy-poll] [--host H] [--port N] [--threads N]},
 * loopback, port 0 (the kernel picks a free one) and one event loop thread by default; the leading
 * word is reactive-uring's (busy-poll: its loops poll 50 us before they sleep, opt-in, see
 * {@code EventLoop.LOW_LATENCY_BUSY_POLL}). Shared by the UDP echo servers ({@code dev.uring.benchmarks.udp}).
 */
public record EchoArgs(String host, int port, int threads, boolean busyPoll) {

    /** Parses {@code args}, failing with a message that names a bad or unknown argument. */
    public static EchoArgs parse(String[] args) {
        String host = "127.0.0.1";
        int port = 0;
        int threads = 1;
        boolean busyPoll = args.length > 0 && args[0].equals("busy-poll");
        int first = busyPoll || (args.length > 0 && args[0].equals("default")) ? 1 : 0;
        for (int i = first; i < args.length; i++) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + name);
            }
            String value = args[++i];
            switch (name) {
                case "--host" -> host = value;
                case "--port" -> port = number(name, value, 0, 65535);
                case "--threads" -> threads = number(name, value, 1, 1024);
                default -> throw new IllegalArgumentException(
                        "unknown argument " + name + " (expected --host, --port or --threads)");
            }
        }
        return new EchoArgs(host, port, threads, busyPoll);
    }

    /** A reactive-uring runtime of {@link #threads} loops, busy-polling when asked. */
    public Uring uring() throws IOException {
        return busyPoll
                ? Uring.create(threads, EventLoop.defaultOptions(256).busyPoll(EventLoop.LOW_LATENCY_BUSY_POLL))
                : Uring.create(threads);
    }

    /** The address to bind. */
    public InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    /**
     * Tells the script that the server is up: one line {@code listening PORT TRANSPORT}, which
     * {@code run-tcp.sh} waits for before it starts the load generator.
     */
    public static void announce(int port, String transport) {
        System.out.println("listening " + port + " " + transport);
        System.out.flush();
    }

    private static int number(String name, String value, int min, int max) {
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a number, got " + value, e);
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(name + " must be in " + min + ".." + max + ", got " + n);
        }
        return n;
    }
}
