package dev.uring.nio;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Many readers and writers on one channel at once, at many positions, every byte checked. */
@Timeout(120)
class ConcurrentAccessTest {
    private static final int BLOCK = 4096 + 123; // not a page multiple: blocks straddle pages
    private static final int BLOCKS = 512;

    @TempDir
    Path dir;

    /** The byte at {@code offset} of block {@code b}: distinct per block and position. */
    private static byte expected(int b, int offset) {
        return (byte) (b * 31 + offset * 7 + (offset >> 8));
    }

    private static byte[] block(int b) {
        byte[] out = new byte[BLOCK];
        for (int i = 0; i < BLOCK; i++) {
            out[i] = expected(b, i);
        }
        return out;
    }

    @Test
    void threadsWritingAndReadingDistinctBlocksSeeEveryByte() throws Exception {
        Path f = dir.resolve("concurrent");
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, CREATE, READ, WRITE)) {
            List<Integer> order = new ArrayList<>();
            for (int b = 0; b < BLOCKS; b++) {
                order.add(b);
            }
            Collections.shuffle(order, new java.util.Random(42));
            // 8 threads each write a share of the blocks, half through Futures, half through handlers
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int id = t;
                writers.add(Thread.ofPlatform().start(() -> {
                    try {
                        List<Future<Integer>> pending = new ArrayList<>();
                        CountDownLatch handled = new CountDownLatch((int) order.stream().filter(b -> b % 8 == id && b % 2 == 1).count());
                        for (int b : order) {
                            if (b % 8 != id) {
                                continue;
                            }
                            ByteBuffer src = b % 3 == 0 ? ByteBuffer.allocateDirect(BLOCK).put(block(b)).flip()
                                    : ByteBuffer.wrap(block(b));
                            if (b % 2 == 0) {
                                pending.add(ch.write(src, (long) b * BLOCK));
                            } else {
                                ch.write(src, (long) b * BLOCK, null, new CompletionHandler<Integer, Object>() {
                                    @Override
                                    public void completed(Integer n, Object a) {
                                        if (n != BLOCK) {
                                            errors.add(new AssertionError("short write " + n));
                                        }
                                        handled.countDown();
                                    }

                                    @Override
                                    public void failed(Throwable e, Object a) {
                                        errors.add(e);
                                        handled.countDown();
                                    }
                                });
                            }
                        }
                        for (Future<Integer> p : pending) {
                            assertThat(p.get()).isEqualTo(BLOCK);
                        }
                        assertThat(handled.await(60, TimeUnit.SECONDS)).isTrue();
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }));
            }
            for (Thread w : writers) {
                w.join();
            }
            assertThat(errors).isEmpty();
            assertThat(ch.size()).isEqualTo((long) BLOCKS * BLOCK);

            // now every block read back at once from 8 threads, into heap and direct buffers
            List<CompletableFuture<Void>> checks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int id = t;
                checks.add(CompletableFuture.runAsync(() -> {
                    List<Future<Integer>> reads = new ArrayList<>();
                    List<ByteBuffer> buffers = new ArrayList<>();
                    List<Integer> blocks = new ArrayList<>();
                    for (int b = id; b < BLOCKS; b += 8) {
                        ByteBuffer dst = b % 2 == 0 ? ByteBuffer.allocate(BLOCK) : ByteBuffer.allocateDirect(BLOCK);
                        buffers.add(dst);
                        blocks.add(b);
                        reads.add(ch.read(dst, (long) b * BLOCK));
                    }
                    for (int i = 0; i < reads.size(); i++) {
                        try {
                            assertThat(reads.get(i).get()).isEqualTo(BLOCK);
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                        ByteBuffer d = buffers.get(i).flip();
                        byte[] got = new byte[BLOCK];
                        d.get(got);
                        assertThat(got).as("block " + blocks.get(i)).isEqualTo(block(blocks.get(i)));
                    }
                }, Thread::startVirtualThread));
            }
            CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }
        byte[] all = Files.readAllBytes(f);
        for (int b = 0; b < BLOCKS; b++) {
            for (int i = 0; i < BLOCK; i++) {
                if (all[b * BLOCK + i] != expected(b, i)) {
                    throw new AssertionError("byte " + i + " of block " + b);
                }
            }
        }
    }

    @Test
    void manyChannelsOnOneFileFromManyThreads() throws Exception {
        Path f = dir.resolve("many");
        Files.write(f, new byte[BLOCK * 64]);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int id = t;
            all.add(CompletableFuture.runAsync(() -> {
                try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, READ, WRITE)) {
                    for (int b = id; b < 64; b += 16) {
                        assertThat(ch.write(ByteBuffer.wrap(block(b)), (long) b * BLOCK).get()).isEqualTo(BLOCK);
                        ByteBuffer back = ByteBuffer.allocate(BLOCK);
                        assertThat(ch.read(back, (long) b * BLOCK).get()).isEqualTo(BLOCK);
                        assertThat(back.array()).isEqualTo(block(b));
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, Thread::startVirtualThread));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }
}
