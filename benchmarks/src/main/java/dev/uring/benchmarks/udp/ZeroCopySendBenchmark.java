package dev.uring.benchmarks.udp;

import dev.uring.reactor.Uring;
import dev.uring.reactor.tcp.Connection;
import dev.uring.reactor.tcp.DisposableServer;
import dev.uring.reactor.tcp.ReceivedBuffer;
import dev.uring.reactor.tcp.TcpClient;
import dev.uring.reactor.tcp.TcpOptions;
import dev.uring.reactor.tcp.TcpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import reactor.core.publisher.Flux;

/**
 * Large TCP writes with zero-copy SEND_ZC against plain SEND ({@link TcpOptions#zeroCopyThreshold}),
 * the measurement issue 21 asks for before zero copy may become a default: one loopback connection
 * between two runtimes of one loop each, the client sending {@value #WRITES} direct buffers of
 * {@code size} bytes per invocation (one send in flight, as {@link Connection#send} does), the server
 * draining them. The score is writes per second; times {@code size}, bytes per second.
 *
 * <p>Over loopback the kernel still copies the pages of a zero-copy send when it hands them to the
 * receiving socket, so what this measures here is the cost of zero copy's bookkeeping (pinning,
 * the notification CQE, the op held until it), not its gain, which needs a real NIC.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Thread)
public class ZeroCopySendBenchmark {
    /** Writes per invocation. */
    static final int WRITES = 64;

    /** Bytes per write: 64 KiB and up, where zero copy is meant to pay. */
    @Param({"65536", "262144", "1048576"})
    public int size;

    /** Whether the writes are zero-copy (threshold 64 KiB) or plain (threshold 0: off). */
    @Param({"false", "true"})
    public boolean zeroCopy;

    @SuppressWarnings("NullAway.Init")
    Uring serverRuntime;
    @SuppressWarnings("NullAway.Init")
    Uring clientRuntime;
    @SuppressWarnings("NullAway.Init")
    DisposableServer server;
    @SuppressWarnings("NullAway.Init")
    Connection connection;
    @SuppressWarnings("NullAway.Init")
    Flux<ByteBuffer> writes;

    /** Starts a draining server and connects to it with or without zero copy. */
    @Setup(Level.Trial)
    public void open() throws Exception {
        serverRuntime = Uring.create(1);
        clientRuntime = Uring.create(1);
        server = Objects.requireNonNull(TcpServer.bind(serverRuntime,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TcpOptions.defaults(),
                c -> c.receive().doOnNext(ReceivedBuffer::release).then()).block(Duration.ofSeconds(10)));
        TcpOptions options = TcpOptions.defaults().zeroCopyThreshold(zeroCopy ? 64 * 1024 : 0);
        connection = Objects.requireNonNull(TcpClient.connect(clientRuntime, server.address(), options)
                .block(Duration.ofSeconds(10)));
        ByteBuffer[] buffers = new ByteBuffer[WRITES];
        for (int i = 0; i < WRITES; i++) {
            buffers[i] = ByteBuffer.allocateDirect(size);
        }
        // each subscription sends fresh duplicates of the same buffers: the contents do not matter
        writes = Flux.range(0, WRITES).map(i -> buffers[i].duplicate());
    }

    /** Closes the connection, the server and both runtimes. */
    @TearDown(Level.Trial)
    public void close() {
        connection.close().block(Duration.ofSeconds(10));
        server.dispose();
        server.onDispose().block(Duration.ofSeconds(10));
        clientRuntime.close();
        serverRuntime.close();
    }

    /** {@value #WRITES} writes of {@code size} bytes, one in flight at a time. */
    @Benchmark
    @OperationsPerInvocation(WRITES)
    public void send() {
        connection.send(writes).block(Duration.ofSeconds(30));
    }
}
