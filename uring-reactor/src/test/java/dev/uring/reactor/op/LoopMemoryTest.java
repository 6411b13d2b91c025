package dev.uring.reactor.op;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.TestRuntimes;
import dev.uring.reactor.Uring;
import dev.uring.reactor.file.ReactiveFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/** Ops borrow their kernel memory from the loop's pool and give every block back after the final CQE. */
@Timeout(60)
class LoopMemoryTest {
    @AutoClose
    static final Uring uring = TestRuntimes.create(1);
    @TempDir
    Path dir;

    private static int lentOnTheLoop() throws Exception {
        EventLoop loop = Runtimes.of(uring).group().get(0);
        CompletableFuture<Integer> lent = new CompletableFuture<>();
        loop.execute(() -> {
            LoopMemory m = LoopMemory.current();
            lent.complete(m == null ? -1 : m.lent());
        });
        return lent.get(10, TimeUnit.SECONDS);
    }

    @Test
    void everyBlockComesBackAfterReadsTimeoutsAndCancels() throws Exception {
        Path p = dir.resolve("f");
        Files.write(p, new byte[1 << 16]);
        ReactiveFile f = ReactiveFile.open(uring, p).block(Duration.ofSeconds(10));
        ReactiveFile timed = f.withTimeout(Duration.ofSeconds(5));
        // reads into new buffers (pooled bounce), heap buffers (pooled bounce), with link timeouts (pooled timespecs)
        Flux.range(0, 2000)
                .flatMap(i -> i % 2 == 0 ? timed.read((long) (i % 16) * 4096, 4096)
                        : f.read(ByteBuffer.allocate(1000), i).map(n -> ByteBuffer.allocate(0)), 32)
                .blockLast(Duration.ofSeconds(30));
        // cancelled timers: their timespecs stay lent until the final CQE, then come back
        for (int i = 0; i < 50; i++) {
            uring.timer(Duration.ofSeconds(30)).subscribe().dispose();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (lentOnTheLoop() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(lentOnTheLoop()).as("blocks still lent by the loop's pool").isZero();
        f.close().block(Duration.ofSeconds(10));
    }
}
