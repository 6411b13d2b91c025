package dev.uring.core.ffi;

/**
 * {@code struct io_uring_recvmsg_out} (16 bytes): namelen u32 @0, controllen u32 @4, payloadlen
 * u32 @8, flags u32 @12. A multishot RECVMSG writes it at the start of each provided buffer,
 * followed by the name ({@code msg_namelen} bytes of the SQE's msghdr, whatever the real address
 * length), the control data ({@code msg_controllen} bytes), then the payload up to the buffer's
 * end. namelen, controllen and payloadlen are the kernel's full lengths, which may exceed the room
 * the buffer had (then flags carries MSG_TRUNC or MSG_CTRUNC).
 */
public final class IoUringRecvmsgOut {
    public static final long SIZE = 16;
    public static final long NAMELEN = 0;
    public static final long CONTROLLEN = 4;
    public static final long PAYLOADLEN = 8;
    public static final long FLAGS = 12;

    private IoUringRecvmsgOut() {
    }
}
