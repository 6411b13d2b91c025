package dev.uring.nio;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Locks, as the JDK's tests exercise them: regions, overlap within the JVM, a lock held by another
 * process (a child JVM, {@link LockHolder}) that makes tryLock answer null and lock wait, release,
 * and locks dropped by close.
 */
@Timeout(120)
class LockTest {
    @TempDir
    Path dir;

    private Path file() throws Exception {
        Path f = dir.resolve("locked");
        Files.write(f, new byte[100]);
        return f;
    }

    @Test
    void lockAndTryLockGiveRegionsOwnedByTheChannel() throws Exception {
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(file(), READ, WRITE)) {
            FileLock l = ch.lock(10, 0, false).get();
            assertThat(l.acquiredBy()).isSameAs(ch);
            assertThat(l.position()).isEqualTo(10);
            assertThat(l.size()).isEqualTo(Long.MAX_VALUE - 10); // as the JDK: 0 means to the end of any file
            assertThat(l.isShared()).isFalse();
            assertThat(l.isValid()).isTrue();
            assertThatThrownBy(ch::tryLock).isInstanceOf(OverlappingFileLockException.class);
            assertThatThrownBy(() -> ch.lock(0, 20, true)).isInstanceOf(OverlappingFileLockException.class);
            l.release();
            assertThat(l.isValid()).isFalse();

            FileLock shared = ch.tryLock(0, 50, true);
            assertThat(shared).isNotNull();
            assertThat(shared.isShared()).isTrue();
            FileLock disjoint = ch.tryLock(50, 50, false);
            assertThat(disjoint).isNotNull();
            CompletableFuture<Handlers.Call<FileLock>> h = new CompletableFuture<>();
            ch.lock(200, 10, false, "att", Handlers.recording(h));
            Handlers.Call<FileLock> c = h.get(10, TimeUnit.SECONDS);
            assertThat(c.value().position()).isEqualTo(200);
            assertThat(c.attachment()).isEqualTo("att");
            assertThat(c.thread().getName()).startsWith("uring-nio-handler-");
        }
    }

    @Test
    void locksOverlapAcrossChannelsOfTheJvm() throws Exception {
        Path f = file();
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, READ, WRITE);
                FileChannel jdk = FileChannel.open(f, READ, WRITE)) {
            FileLock mine = ch.tryLock(0, 10, false);
            assertThat(mine).isNotNull();
            assertThatThrownBy(() -> jdk.tryLock(5, 10, false)).isInstanceOf(OverlappingFileLockException.class);
            mine.release();
            assertThat(jdk.tryLock(5, 10, false)).isNotNull();
        }
    }

    @Test
    void closeReleasesTheLocksAndLaterLocksFail() throws Exception {
        Path f = file();
        AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, READ, WRITE);
        FileLock l = ch.lock().get();
        ch.close();
        assertThat(l.isValid()).isFalse();
        assertThatThrownBy(l::release).isInstanceOf(ClosedChannelException.class);
        try (FileChannel jdk = FileChannel.open(f, READ, WRITE)) {
            FileLock again = jdk.tryLock();
            assertThat(again).as("the region is free after close").isNotNull();
        }
    }

    @Test
    void aLockHeldByAnotherProcessMakesTryLockNullAndLockWaitOffTheLoops() throws Exception {
        Path f = file();
        Process holder = LockHolder.start(f);
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, READ, WRITE)) {
            assertThat(ch.tryLock()).isNull();
            Future<FileLock> waiting = ch.lock();
            assertThatThrownBy(() -> waiting.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            // the loops are free meanwhile
            assertThat(ch.size()).isEqualTo(100);
            LockHolder.release(holder);
            FileLock got = waiting.get(30, TimeUnit.SECONDS);
            assertThat(got.isValid()).isTrue();
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void closeFailsALockThatWaitsWithAsynchronousCloseException() throws Exception {
        Path f = file();
        Process holder = LockHolder.start(f);
        try {
            AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, READ, WRITE);
            Future<FileLock> waiting = ch.lock();
            assertThatThrownBy(() -> waiting.get(200, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            ch.close();
            assertThatThrownBy(() -> waiting.get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(AsynchronousCloseException.class);
        } finally {
            holder.destroyForcibly();
        }
    }

    /** A child JVM that locks a whole file, says LOCKED, and exits (releasing it) at a line on stdin. */
    static final class LockHolder {
        @SuppressWarnings("try") // the lock is held for the try block's length
        public static void main(String[] args) throws Exception {
            try (FileChannel ch = FileChannel.open(Path.of(args[0]), READ, WRITE); FileLock l = ch.lock()) {
                System.out.println("LOCKED");
                System.out.flush();
                System.in.read();
            }
        }

        static Process start(Path f) throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    LockHolder.class.getName(), f.toString()).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            // a JVM with JAVA_TOOL_OPTIONS set (CI's guests) says so first
            while (line != null && line.startsWith("Picked up ")) {
                line = out.readLine();
            }
            if (!"LOCKED".equals(line)) {
                p.destroyForcibly();
            }
            assertThat(line).as("the child's first line").isEqualTo("LOCKED");
            return p;
        }

        static void release(Process p) throws Exception {
            p.getOutputStream().write('\n');
            p.getOutputStream().flush();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
