package dev.uring.reactor.file;

import java.nio.ByteBuffer;

/**
 * One read of {@link ReactiveFile#read(org.reactivestreams.Publisher, int, int)}: the bytes read at
 * {@link #position()}, in a buffer of the stream's own that is read into again once {@link #release()}d.
 * Release every chunk (from any thread) when done with its bytes, and touch neither the chunk nor
 * its buffer after: the stream reuses both, and frees its memory once the stream has ended and
 * every chunk is released.
 */
public final class FileChunk {
    // the stream's slot whose buffer this chunk shows: release hands it back without a search
    final FluxFileReads.Slot slot;
    final ByteBuffer view;
    long position;

    FileChunk(FluxFileReads.Slot slot, ByteBuffer view) {
        this.slot = slot;
        this.view = view;
    }

    /** Where in the file the bytes were read. */
    public long position() {
        return position;
    }

    /**
     * The bytes read: position 0, limit the count; fewer than asked near the end of the file, none
     * at or past it. A direct buffer of the stream, valid until {@link #release()}.
     */
    public ByteBuffer buffer() {
        return view;
    }

    /** Hands the buffer back to the stream for its next read; a second call does nothing. */
    public void release() {
        slot.stream.released(slot);
    }

    @Override
    public String toString() {
        return "FileChunk[position=" + position + ", bytes=" + view.remaining() + "]";
    }
}
