package dev.uring.reactor.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.files.FixedFileTable;
import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.Uring;
import dev.uring.reactor.ReactorInvariants;
import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Files installed in the runtime's shared fixed-file table ({@link Uring#fixedFiles(int)}), on the real kernel. */
@Timeout(60)
class FixedSlotFileTest {
    private static final Duration T = Duration.ofSeconds(10);
    @TempDir
    Path dir;

    private Path fileWith(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static String text(ByteBuffer b) {
        return StandardCharsets.UTF_8.decode(b).toString();
    }

    /** Makes a file used more than once, which installs it, and waits until it has its slot. */
    private static void installed(ReactiveFile f) throws InterruptedException {
        f.read(0, 1).block(T);
        f.read(0, 1).block(T);
        assertThat(ReactorInvariants.eventually(() -> f.fixedSlot() >= 0)).as("installed in a slot").isTrue();
    }

    /** A read subscribed on {@code loop}'s own thread, so that it runs on that loop's ring. */
    private static String readOn(EventLoop loop, ReactiveFile f, boolean direct) throws Exception {
        CompletableFuture<String> r = new CompletableFuture<>();
        loop.execute(() -> {
            Mono<String> m = direct
                    ? Mono.defer(() -> {
                        ByteBuffer b = ByteBuffer.allocateDirect(64);
                        return f.read(b, 0).map(n -> text(b.flip()));
                    })
                    : f.read(0, 64).map(FixedSlotFileTest::text);
            m.subscribe(r::complete, r::completeExceptionally);
        });
        return r.get(10, TimeUnit.SECONDS);
    }

    private static final class Libc {
        static final Linker L = Linker.nativeLinker();
        static final MethodHandle DUP2 = L.downcallHandle(L.defaultLookup().find("dup2").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        static final MethodHandle OPEN = L.downcallHandle(L.defaultLookup().find("open").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        static final MethodHandle CLOSE = L.downcallHandle(L.defaultLookup().find("close").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    @Test
    void everyLoopReadsThroughTheSharedSlotNotTheFd() throws Throwable {
        Path original = fileWith("original", "the original file");
        Path decoy = fileWith("decoy", "a decoy behind the same fd number, longer");
        long before = ReactorInvariants.openFdsBesidesJars();
        try (Uring uring = Uring.create(2).fixedFiles(8)) {
            FixedFileTable table = uring.fixedFileTable();
            assertThat(table).isNotNull();
            ReactiveFile f = ReactiveFile.open(uring, original).block(T);
            assertThat(f.fixedSlot()).as("one op does not install").isEqualTo(-1);
            installed(f);
            assertThat(table.slotsInUse()).isEqualTo(1);
            assertThat(table.liveFiles()).isEqualTo(1);
            // point the plain fd at another file: an op that names the fd now reads the decoy, one
            // that names the slot (IOSQE_FIXED_FILE) still reads the file installed there
            int decoyFd;
            try (var a = java.lang.foreign.Arena.ofConfined()) {
                decoyFd = (int) Libc.OPEN.invokeExact(a.allocateFrom(decoy.toString()), 0);
            }
            assertThat(decoyFd).isNotNegative();
            assertThat((int) Libc.DUP2.invokeExact(decoyFd, f.handle().fd())).isEqualTo(f.handle().fd());
            assertThat((int) Libc.CLOSE.invokeExact(decoyFd)).isZero();
            // STATX needs the fd: it sees the decoy, which shows the dup2 took
            assertThat(f.size().block(T)).isEqualTo(Files.size(decoy));
            for (EventLoop loop : uring.group().loops()) {
                assertThat(readOn(loop, f, false)).as("heap read on " + loop).isEqualTo("the original file");
                assertThat(readOn(loop, f, true)).as("direct read on " + loop).isEqualTo("the original file");
            }
            // the streaming read too (its loop is the runtime's pick)
            String streamed = f.read(Flux.just(0L, 0L), 64, 2)
                    .map(c -> {
                        String t = text(c.buffer());
                        c.release();
                        return t;
                    })
                    .collectList().block(T).stream().distinct().collect(java.util.stream.Collectors.joining("|"));
            assertThat(streamed).as("streamed reads").isEqualTo("the original file");
            f.close().block(T);
            // the slot was cleared on every ring before the CLOSE of the fd completed the close
            assertThat(table.slotsInUse()).isZero();
            assertThat(uring.fixedFileFallbacks()).isZero();
        }
        assertThat(ReactorInvariants.openFdsBesidesJars()).isEqualTo(before);
    }

    @Test
    void offByDefaultEveryOpUsesTheFd() throws Exception {
        Path p = fileWith("plain", "plain");
        try (Uring uring = Uring.create(2)) {
            assertThat(uring.fixedFileTable()).isNull();
            ReactiveFile f = ReactiveFile.open(uring, p).block(T);
            for (int i = 0; i < 4; i++) {
                assertThat(text(f.read(0, 16).block(T))).isEqualTo("plain");
            }
            assertThat(f.fixedSlot()).isEqualTo(-1);
            f.close().block(T);
        }
    }

    @Test
    void closeLeavesNoSlotAndNoFdEvenForManyFiles() throws Exception {
        long before = ReactorInvariants.openFdsBesidesJars();
        try (Uring uring = Uring.create(2).fixedFiles(4)) {
            FixedFileTable table = uring.fixedFileTable();
            long withRuntime = ReactorInvariants.openFdsBesidesJars();
            List<ReactiveFile> files = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ReactiveFile f = ReactiveFile.open(uring, fileWith("f" + i, "file " + i)).block(T);
                f.read(0, 1).block(T);
                f.read(0, 1).block(T);
                files.add(f);
            }
            // 4 slots for 6 files: two use their fds (the table is full), and say so
            assertThat(ReactorInvariants.eventually(() -> files.stream().filter(f -> f.fixedSlot() >= 0).count() == 4
                    && uring.fixedFileFallbacks() == 2)).isTrue();
            for (int i = 0; i < 6; i++) {
                assertThat(text(files.get(i).read(0, 16).block(T))).isEqualTo("file " + i);
            }
            assertThat(table.slotsInUse()).isEqualTo(4);
            Flux.fromIterable(files).flatMap(ReactiveFile::close).blockLast(T);
            assertThat(table.slotsInUse()).isZero();
            assertThat(ReactorInvariants.openFdsBesidesJars()).isEqualTo(withRuntime);
        }
        assertThat(ReactorInvariants.openFdsBesidesJars()).isEqualTo(before);
    }

    @Test
    void closeWithReadsInFlightClearsTheSlotThenClosesTheFd() throws Exception {
        byte[] data = new byte[4 << 20];
        new java.util.Random(7).nextBytes(data);
        Path p = Files.write(dir.resolve("big"), data);
        long before = ReactorInvariants.openFdsBesidesJars();
        try (Uring uring = Uring.create(2).fixedFiles(8)) {
            FixedFileTable table = uring.fixedFileTable();
            for (int round = 0; round < 20; round++) {
                ReactiveFile f = ReactiveFile.open(uring, p).block(T);
                if (round % 2 == 0) {
                    installed(f);
                }
                // odd rounds: the close races the install itself
                List<Throwable> errors = new CopyOnWriteArrayList<>();
                Flux<Integer> reads = Flux.range(0, 32).flatMap(i -> f.read(i * 65536L, 65536)
                        .map(ByteBuffer::remaining)
                        .onErrorResume(e -> {
                            errors.add(e);
                            return Mono.empty();
                        }), 32);
                CompletableFuture<Long> done = reads.count().toFuture();
                f.close().block(T);
                long ok = done.get(10, TimeUnit.SECONDS);
                assertThat(ok + errors.size()).isEqualTo(32);
                assertThat(errors).allMatch(e -> e instanceof ClosedChannelException, "closed-file errors only");
                assertThat(table.slotsInUse()).as("round " + round).isZero();
            }
        }
        assertThat(ReactorInvariants.openFdsBesidesJars()).isEqualTo(before);
    }
}
