package dev.uring.core;

/** Slot arguments of the direct-descriptor ops (OPENAT, SOCKET, ACCEPT, MSG_RING, FILES_UPDATE). */
public final class FileIndex {
    /** Let the kernel pick a free slot ({@code IORING_FILE_INDEX_ALLOC}); the CQE's res is the slot. */
    public static final int ALLOC = -1;

    private FileIndex() {
    }
}
