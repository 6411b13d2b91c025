package dev.uring.policy;

import dev.uring.core.Opcode;
import dev.uring.core.OpenHow;
import dev.uring.core.Sqe;
import dev.uring.core.SocketAddresses;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The arguments of one SQE that argument filters look at, in the same terms as the kernel's
 * {@code struct io_uring_bpf_ctx}, so that the Java check and the compiled cBPF program decide on
 * the same values. Fields that do not apply to the op are zero.
 *
 * @param op the SQE opcode
 * @param sqeFlags the SQE flags
 * @param family SOCKET's domain, or CONNECT's sa_family
 * @param type SOCKET's type, unmasked (NONBLOCK/CLOEXEC bits included)
 * @param protocol SOCKET's protocol
 * @param openFlags OPENAT/OPENAT2 open flags
 * @param resolve OPENAT2's resolve flags
 * @param port CONNECT's port (host order)
 * @param address CONNECT's IPv4 (4 bytes) or IPv6 (16 bytes) address, empty otherwise
 */
record OpArguments(Opcode op, int sqeFlags, int family, int type, int protocol, long openFlags, long resolve,
        int port, byte[] address) {

    private static final long OPEN_HOW_SIZE = 24;
    private static final ValueLayout.OfByte BYTES = ValueLayout.JAVA_BYTE;
    private static final ValueLayout.OfShort BE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);

    static OpArguments of(Opcode op) {
        return new OpArguments(op, 0, 0, 0, 0, 0, 0, 0, new byte[0]);
    }

    /** Reads the arguments of {@code sqe} (the caller's memory for OPENAT2's open_how and CONNECT's sockaddr). */
    static OpArguments from(Sqe sqe) {
        Opcode op = sqe.opcode();
        int flags = sqe.flagsValue();
        return switch (op) {
            case SOCKET -> new OpArguments(op, flags, sqe.fd(), (int) sqe.off(), sqe.len(), 0, 0, 0, new byte[0]);
            case OPENAT -> new OpArguments(op, flags, 0, 0, 0, Integer.toUnsignedLong(sqe.opFlags()), 0, 0,
                    new byte[0]);
            case OPENAT2 -> {
                MemorySegment how = sqe.offSegment(OPEN_HOW_SIZE);
                yield new OpArguments(op, flags, 0, 0, 0, how.get(ValueLayout.JAVA_LONG_UNALIGNED, 0), 
                        how.get(ValueLayout.JAVA_LONG_UNALIGNED, 16), 0, new byte[0]);
            }
            case CONNECT -> connect(sqe, flags);
            default -> new OpArguments(op, flags, 0, 0, 0, 0, 0, 0, new byte[0]);
        };
    }

    private static OpArguments connect(Sqe sqe, int flags) {
        int len = (int) Math.min(sqe.off(), SocketAddresses.STORAGE_SIZE);
        if (len < 2) {
            return new OpArguments(Opcode.CONNECT, flags, 0, 0, 0, 0, 0, 0, new byte[0]);
        }
        MemorySegment sa = sqe.addrSegment(len);
        int family = Short.toUnsignedInt(sa.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0));
        // raw bytes, not InetAddress: Java turns an IPv4-mapped IPv6 address into a 4-byte one
        if (family == SocketAddresses.AF_INET && len >= 8) {
            return new OpArguments(Opcode.CONNECT, flags, family, 0, 0, 0, 0, port(sa), sa.asSlice(4, 4).toArray(BYTES));
        }
        if (family == SocketAddresses.AF_INET6 && len >= 24) {
            return new OpArguments(Opcode.CONNECT, flags, family, 0, 0, 0, 0, port(sa), sa.asSlice(8, 16).toArray(BYTES));
        }
        return new OpArguments(Opcode.CONNECT, flags, family, 0, 0, 0, 0, 0, new byte[0]);
    }

    private static int port(MemorySegment sa) {
        return Short.toUnsignedInt(sa.get(BE_SHORT, 2));
    }

    /** Whether OPENAT2's resolve flags confine the lookup beneath its dirfd. */
    boolean resolvesBeneath() {
        return (resolve & (OpenHow.RESOLVE_BENEATH | OpenHow.RESOLVE_IN_ROOT)) != 0;
    }
}
