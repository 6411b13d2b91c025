package dev.uring.policy;

import static dev.uring.policy.Probes.SANDBOX;
import static dev.uring.policy.Probes.assertAllowed;
import static dev.uring.policy.Probes.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.loop.EventLoop;
import dev.uring.core.loop.EventLoopGroup;
import dev.uring.reactor.Uring;
import dev.uring.reactor.file.ReactiveFiles;
import dev.uring.reactor.tcp.DisposableServer;
import dev.uring.reactor.tcp.TcpOptions;
import dev.uring.reactor.tcp.TcpServer;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * The framework's own threads and runtimes: loops made in a scope carry it, and a runtime (the shared
 * one included) runs each op under the policy in force where the op is subscribed, whoever made it
 * or used it first.
 */
@Timeout(90)
class RuntimeInheritanceTest {
    private static final byte[] DATA = "policy".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private Path file() throws Exception {
        Path f = dir.resolve("data");
        if (!Files.exists(f)) {
            Files.write(f, DATA);
        }
        return f;
    }

    private static int onLoop(EventLoop loop) throws Exception {
        CompletableFuture<Integer> res = new CompletableFuture<>();
        loop.execute(() -> Probes.complete(res, Probes::socketOnNewRing));
        return res.get(30, TimeUnit.SECONDS);
    }

    private static Throwable denied(Mono<?> op) {
        Throwable t = Mono.from(op).then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(Duration.ofSeconds(30));
        assertThat(t).as("the op must fail").isNotNull();
        return t;
    }

    @Test
    void aRingOpenedOnTheThreadOfALoopMadeInAScopeIsRestrictedAndOnOneMadeOutsideItIsNot() throws Exception {
        try (EventLoopGroup inside = PolicyScope.call(SANDBOX, () -> EventLoopGroup.create(2));
             EventLoopGroup outside = EventLoopGroup.create(1)) {
            for (EventLoop loop : inside) {
                assertRefused(onLoop(loop));
            }
            assertAllowed(onLoop(outside.get(0)));
        }
    }

    @Test
    void aRuntimeMadeInAScopeRestrictsItsSchedulerAndItsOpsWhoeverSubscribes() throws Exception {
        Path f = file();
        try (Uring u = PolicyScope.call(SANDBOX, () -> Uring.create(2))) {
            assertRefused(Mono.fromCallable(Probes::socketOnNewRing).subscribeOn(u.scheduler()).block(Duration.ofSeconds(30)));
            assertThat(denied(ReactiveFiles.readAllBytes(u, f))).isInstanceOf(AccessDeniedException.class);
        }
    }

    @Test
    void aRuntimeMadeOutsideAnyScopeRunsOpsSubscribedInAScopeUnderThatScope() throws Exception {
        Path f = file();
        try (Uring u = Uring.create(2)) {
            assertThat(ReactiveFiles.readAllBytes(u, f).block(Duration.ofSeconds(30))).isEqualTo(DATA);
            assertThat(PolicyScope.call(SANDBOX, () -> denied(ReactiveFiles.readAllBytes(u, f))))
                    .isInstanceOf(AccessDeniedException.class);
            // a Mono assembled outside but subscribed inside: the subscriber's policy applies
            Mono<byte[]> outsideAssembled = ReactiveFiles.readAllBytes(u, f);
            assertThat(PolicyScope.call(SANDBOX, () -> denied(outsideAssembled))).isInstanceOf(AccessDeniedException.class);
            assertRefused(PolicyScope.call(SANDBOX, () ->
                    Mono.fromCallable(Probes::socketOnNewRing).subscribeOn(u.scheduler()).toFuture()).get(30, TimeUnit.SECONDS));
            // and the scope left nothing behind
            assertThat(ReactiveFiles.readAllBytes(u, f).block(Duration.ofSeconds(30))).isEqualTo(DATA);
            assertAllowed(Mono.fromCallable(Probes::socketOnNewRing).subscribeOn(u.scheduler()).block(Duration.ofSeconds(30)));
        }
    }

    @Test
    void aNestedScopeInsideARestrictedRuntimesOpsOnlyNarrows() throws Exception {
        Path f = file();
        RingPolicy noNetwork = PolicyProfiles.builtIn("no-network");
        try (Uring u = PolicyScope.call(noNetwork, () -> Uring.create(1))) {
            // the runtime denies sockets, the subscriber's scope denies opens: the op gets both
            assertThat(PolicyScope.call(SANDBOX, () -> denied(ReactiveFiles.readAllBytes(u, f))))
                    .isInstanceOf(AccessDeniedException.class);
            assertThat(denied(TcpServer.bind(u, new InetSocketAddress("127.0.0.1", 0), TcpOptions.defaults(),
                    c -> Mono.empty()))).isInstanceOf(AccessDeniedException.class);
            assertThat(ReactiveFiles.readAllBytes(u, f).block(Duration.ofSeconds(30))).isEqualTo(DATA);
        }
    }

    @Test
    void aConnectionMadeOutsideAnyScopeRefusesSendAndReceiveSubscribedInAScopeAndServesThemOutside() throws Exception {
        RingPolicy noNetwork = PolicyProfiles.builtIn("no-network");
        try (Uring u = Uring.create(2)) {
            DisposableServer server = TcpServer.bind(u, new InetSocketAddress("127.0.0.1", 0), TcpOptions.defaults(),
                    c -> c.sendReceived(c.receive())).block(Duration.ofSeconds(30));
            try {
                dev.uring.reactor.tcp.Connection conn = dev.uring.reactor.tcp.TcpClient.connect(u, server.address(),
                        TcpOptions.defaults()).block(Duration.ofSeconds(30));
                try {
                    java.nio.ByteBuffer ping = java.nio.ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII));
                    // the connection's loop is not of the scope's policy, and its ops cannot move: refused
                    assertThat(PolicyScope.call(noNetwork, () -> denied(conn.send(Mono.just(ping.duplicate())))))
                            .isInstanceOf(AccessDeniedException.class);
                    assertThat(PolicyScope.call(noNetwork, () -> denied(conn.receive().next())))
                            .isInstanceOf(AccessDeniedException.class);
                    // outside any scope it works, and a scope's refusal left nothing behind
                    conn.send(Mono.just(ping.duplicate())).block(Duration.ofSeconds(30));
                    dev.uring.reactor.tcp.ReceivedBuffer echoed = conn.receive().next().block(Duration.ofSeconds(30));
                    assertThat(echoed.buffer().remaining()).isEqualTo(4);
                    echoed.release();
                } finally {
                    // closing is never refused, from a scope either
                    PolicyScope.run(noNetwork, () -> conn.close().block(Duration.ofSeconds(30)));
                }
            } finally {
                server.dispose();
            }
        }
    }

    @Test
    void aFileOpenedOutsideAnyScopeIsReadUnderTheScopeThatReadsItAndClosedFromIt() throws Exception {
        Path f = file();
        RingPolicy readOnly = PolicyProfiles.builtIn("read-only-files");
        try (Uring u = Uring.create(1)) {
            dev.uring.reactor.file.ReactiveFile file = dev.uring.reactor.file.ReactiveFile.open(u, f,
                    java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE).block(Duration.ofSeconds(30));
            // a READ is allowed by the scope, a WRITE is not: the ops run on rings of the scope's policy
            assertThat(PolicyScope.call(readOnly, () -> file.read(0, 16).block(Duration.ofSeconds(30))).remaining())
                    .isEqualTo(DATA.length);
            assertThat(PolicyScope.call(readOnly, () -> denied(file.write(java.nio.ByteBuffer.wrap(DATA), 0))))
                    .isInstanceOf(AccessDeniedException.class);
            assertThat(file.write(java.nio.ByteBuffer.wrap(DATA), 0).block(Duration.ofSeconds(30))).isEqualTo(DATA.length);
            PolicyScope.run(readOnly, () -> file.close().block(Duration.ofSeconds(30)));
            assertThat(file.isOpen()).isFalse();
        }
    }

    @Test
    void theSharedRuntimeRunsEachOpUnderThePolicyWhereItIsSubscribedWhicheverCameFirst() throws Exception {
        Path f = file();
        for (int round = 0; round < 2; round++) {
            assertThat(PolicyScope.call(SANDBOX, () -> denied(ReactiveFiles.readAllBytes(Uring.shared(), f))))
                    .isInstanceOf(AccessDeniedException.class);
            assertThat(ReactiveFiles.readAllBytes(Uring.shared(), f).block(Duration.ofSeconds(30))).isEqualTo(DATA);
            assertThat(PolicyScope.call(SANDBOX, () -> denied(TcpServer.bind(Uring.shared(),
                    new InetSocketAddress("127.0.0.1", 0), TcpOptions.defaults(), c -> Mono.empty()))))
                    .isInstanceOf(AccessDeniedException.class);
            DisposableServer server = TcpServer.bind(Uring.shared(), new InetSocketAddress("127.0.0.1", 0),
                    TcpOptions.defaults(), c -> Mono.empty()).block(Duration.ofSeconds(30));
            server.dispose();
            assertRefused(PolicyScope.call(SANDBOX, () -> Mono.fromCallable(Probes::socketOnNewRing)
                    .subscribeOn(Uring.shared().scheduler()).toFuture()).get(30, TimeUnit.SECONDS));
            assertAllowed(Mono.fromCallable(Probes::socketOnNewRing).subscribeOn(Uring.shared().scheduler())
                    .block(Duration.ofSeconds(30)));
        }
    }

    @Test
    void theSharedRuntimeFirstUsedInAScopeDoesNotRestrictCodeOutsideIt() throws Exception {
        // a fresh JVM, so that the scope really is the first to touch the shared runtime
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "--enable-preview", "-cp",
                System.getProperty("java.class.path"), SharedRuntimeChild.class.getName(), file().toString()))
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(exited).as(out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("OK first use, inside a scope: refused").contains("OK then outside any scope: allowed")
                .contains("OK inside again: refused").contains("ALL OK");
    }
}
