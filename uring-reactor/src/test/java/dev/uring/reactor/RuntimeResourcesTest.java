package dev.uring.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.reactor.file.ReactiveFile;
import dev.uring.reactor.op.RuntimeResources;
import dev.uring.reactor.op.Runtimes;
import dev.uring.reactor.tcp.Connection;
import dev.uring.reactor.tcp.DisposableServer;
import dev.uring.reactor.tcp.TcpClient;
import dev.uring.reactor.tcp.TcpOptions;
import dev.uring.reactor.tcp.TcpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/** The runtime closes what registered with it (files, servers, connections), knowing none of their classes. */
@Timeout(60)
class RuntimeResourcesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void filesAndSocketsRegisterWhileOpenAndCloseWithTheRuntime(@TempDir Path dir) throws Exception {
        Path path = Files.writeString(dir.resolve("a.txt"), "abc");
        Uring uring = TestRuntimes.create(1);
        RuntimeResources resources = Runtimes.of(uring).resources();
        try {
            ReactiveFile kept = ReactiveFile.open(uring, path).block(WAIT);
            ReactiveFile closed = ReactiveFile.open(uring, path).block(WAIT);
            DisposableServer server = TcpServer.bind(uring, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    TcpOptions.defaults(), c -> Mono.never()).block(WAIT);
            Connection client = TcpClient.connect(uring, server.address(), TcpOptions.defaults()).block(WAIT);
            long deadline = System.nanoTime() + WAIT.toNanos();
            // two files, the server, the client connection and the one the server accepted
            while (resources.tracked() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(resources.tracked()).as("registered resources").isEqualTo(5);
            closed.close().block(WAIT);
            assertThat(resources.tracked()).as("a closed file leaves the registry").isEqualTo(4);

            uring.close();
            assertThat(kept.isOpen()).as("file closed with the runtime").isFalse();
            assertThat(client.isDisposed()).as("connection closed with the runtime").isTrue();
            assertThat(server.isDisposed()).as("server closed with the runtime").isTrue();
            client.onClose().block(WAIT);
            server.onDispose().block(WAIT);
            assertThat(resources.tracked()).as("nothing left registered").isZero();
        } finally {
            uring.close();
        }
    }
}
