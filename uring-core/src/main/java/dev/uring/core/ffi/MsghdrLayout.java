package dev.uring.core.ffi;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/**
 * {@code struct msghdr} (x86-64 and aarch64, 56 bytes), as SENDMSG and RECVMSG read it.
 *
 * <pre>
 *   0 msg_name ptr          8 msg_namelen u32    12 pad
 *  16 msg_iov ptr          24 msg_iovlen u64
 *  32 msg_control ptr      40 msg_controllen u64
 *  48 msg_flags s32        52 pad
 * </pre>
 */
public final class MsghdrLayout {
    public static final long SIZE = 56;
    public static final long NAME = 0;
    public static final long NAMELEN = 8;
    public static final long IOV = 16;
    public static final long IOVLEN = 24;
    public static final long CONTROL = 32;
    public static final long CONTROLLEN = 40;
    public static final long FLAGS = 48;

    private MsghdrLayout() {
    }

    /** Fills a zeroed msghdr. */
    public static void set(MemorySegment msg, long name, int nameLen, long iov, long iovLen, long control,
            long controlLen) {
        msg.set(JAVA_LONG, NAME, name);
        msg.set(JAVA_INT, NAMELEN, nameLen);
        msg.set(JAVA_LONG, IOV, iov);
        msg.set(JAVA_LONG, IOVLEN, iovLen);
        msg.set(JAVA_LONG, CONTROL, control);
        msg.set(JAVA_LONG, CONTROLLEN, controlLen);
    }

    public static long name(MemorySegment msg) {
        return msg.get(JAVA_LONG, NAME);
    }

    public static int nameLength(MemorySegment msg) {
        return msg.get(JAVA_INT, NAMELEN);
    }

    public static long controlLength(MemorySegment msg) {
        return msg.get(JAVA_LONG, CONTROLLEN);
    }

    public static int flags(MemorySegment msg) {
        return msg.get(JAVA_INT, FLAGS);
    }
}
