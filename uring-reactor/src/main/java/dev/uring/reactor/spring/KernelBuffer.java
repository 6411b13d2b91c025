package dev.uring.reactor.spring;

import dev.uring.reactor.file.ReactiveFile;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * One read into, or one write from, a {@link DataBuffer} whose memory the kernel may touch until
 * the op's completion. Such an op is never cancelled: a cancelled subscriber only makes the
 * buffer go back to its factory (released) once the kernel is done with it, so a pooled buffer
 * is never reused while the kernel still writes into it or reads from it.
 */
final class KernelBuffer {
    private KernelBuffer() {
    }

    /**
     * Reads exactly {@code length} bytes at {@code position} into a buffer from {@code factory}
     * (in place when the buffer's memory is direct); fails with {@link EOFException} when the
     * file ends first.
     */
    static Mono<DataBuffer> read(ReactiveFile file, long position, int length, DataBufferFactory factory) {
        return Mono.create(sink -> {
            AtomicBoolean cancelled = new AtomicBoolean();
            sink.onCancel(() -> cancelled.set(true));
            DataBuffer buffer = factory.allocateBuffer(length);
            DataBuffer.ByteBufferIterator views = buffer.ensureWritable(length).writableByteBuffers();
            ByteBuffer dst = views.next();
            dst.limit(dst.position() + Math.min(dst.remaining(), length));
            readRest(file, position, length, buffer, views, dst, sink, cancelled);
        });
    }

    private static void readRest(ReactiveFile file, long position, int length, DataBuffer buffer,
            DataBuffer.ByteBufferIterator views, ByteBuffer dst, MonoSink<DataBuffer> sink, AtomicBoolean cancelled) {
        int start = dst.position();
        file.read(dst, position).subscribe(n -> {
            if (n > 0 && !cancelled.get()) {
                buffer.writePosition(buffer.writePosition() + n);
                int done = buffer.readableByteCount();
                if (done < length && dst.hasRemaining()) {
                    readRest(file, position + n, length, buffer, views, dst, sink, cancelled);
                    return;
                }
                if (done < length) {
                    // the buffer's first view was smaller than asked: the rest through a copy
                    views.close();
                    copyRest(file, position + n, length - done, buffer, sink, cancelled);
                    return;
                }
            }
            views.close();
            if (cancelled.get()) {
                DataBufferUtils.release(buffer);
            } else if (n <= 0) {
                DataBufferUtils.release(buffer);
                sink.error(new EOFException(file.path() + " ended at byte " + position
                        + ", before the " + (length - (dst.position() - start)) + " bytes expected there"));
            } else {
                sink.success(buffer);
            }
        }, e -> {
            views.close();
            DataBufferUtils.release(buffer);
            sink.error(e);
        });
    }

    private static void copyRest(ReactiveFile file, long position, int rest, DataBuffer buffer,
            MonoSink<DataBuffer> sink, AtomicBoolean cancelled) {
        file.read(position, rest).defaultIfEmpty(ByteBuffer.allocate(0)).subscribe(b -> {
            if (cancelled.get()) {
                DataBufferUtils.release(buffer);
            } else if (b.remaining() < rest) {
                DataBufferUtils.release(buffer);
                sink.error(new EOFException(file.path() + " ended before byte " + (position + rest)));
            } else {
                sink.success(buffer.write(b));
            }
        }, e -> {
            DataBufferUtils.release(buffer);
            sink.error(e);
        });
    }

    /**
     * Writes all of {@code buffer}'s readable bytes at {@code position}, then releases it; yields
     * the bytes written.
     */
    static Mono<Long> write(ReactiveFile file, DataBuffer buffer, long position) {
        return Mono.create(sink -> {
            int length = buffer.readableByteCount();
            if (length == 0) {
                DataBufferUtils.release(buffer);
                sink.success(0L);
                return;
            }
            DataBuffer.ByteBufferIterator views = buffer.readableByteBuffers();
            writeNext(file, buffer, views, position, 0, sink);
        });
    }

    private static void writeNext(ReactiveFile file, DataBuffer buffer, DataBuffer.ByteBufferIterator views,
            long position, long written, MonoSink<Long> sink) {
        if (!views.hasNext()) {
            views.close();
            DataBufferUtils.release(buffer);
            sink.success(written);
            return;
        }
        ByteBuffer src = views.next();
        file.write(src, position).subscribe(
                n -> writeNext(file, buffer, views, position + n, written + n, sink),
                e -> {
                    views.close();
                    DataBufferUtils.release(buffer);
                    sink.error(e);
                });
    }
}
