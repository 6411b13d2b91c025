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
 * @param family SOCKET's domain, or the sa_family of the destination of CONNECT, SENDMSG, SENDMSG_ZC,
 *     SEND and SEND_ZC; {@link #NO_DESTINATION} when a send names none (a connected socket's send,
 *     whose destination its checked CONNECT fixed)
 * @param type SOCKET's type, unmasked (NONBLOCK/CLOEXEC bits included)
 * @param protocol SOCKET's protocol
 * @param openFlags OPENAT/OPENAT2 open flags
 * @param resolve OPENAT2's resolve flags
 * @param port the destination's port (host order)
 * @param address the destination's IPv4 (4 bytes) or IPv6 (16 bytes) address, empty otherwise
 */
record OpArguments(Opcode op, int sqeFlags, int family, int type, int protocol, long openFlags, long resolve,
        int port, byte[] address) {

    /** The family of a send that names no destination: not a u16, so no sockaddr can carry it. */
    static final int NO_DESTINATION = -1;
    private static final long OPEN_HOW_SIZE = 24;
    private static final long MSGHDR_SIZE = 56;
    private static final byte[] NONE = new byte[0];
    /** Per op: the arguments of a send without a destination (the common case of a connected socket), shared. */
    private static final OpArguments[] UNADDRESSED = new OpArguments[Opcode.values().length];

    static {
        for (Opcode op : Opcode.values()) {
            UNADDRESSED[op.ordinal()] = new OpArguments(op, 0, NO_DESTINATION, 0, 0, 0, 0, 0, NONE);
        }
    }
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
            case SENDMSG, SENDMSG_ZC -> sendmsg(sqe, op, flags);
            case SEND, SEND_ZC -> {
                MemorySegment to = sqe.sendDestination();
                yield to.equals(MemorySegment.NULL) ? unaddressed(op, flags) : destination(op, flags, to);
            }
            default -> new OpArguments(op, flags, 0, 0, 0, 0, 0, 0, new byte[0]);
        };
    }

    private static OpArguments connect(Sqe sqe, int flags) {
        long len = Math.min(sqe.off(), SocketAddresses.STORAGE_SIZE);
        if (len < 2) {
            return new OpArguments(Opcode.CONNECT, flags, 0, 0, 0, 0, 0, 0, NONE);
        }
        return destination(Opcode.CONNECT, flags, sqe.addrSegment(len));
    }

    private static OpArguments unaddressed(Opcode op, int flags) {
        return flags == 0 ? UNADDRESSED[op.ordinal()] : new OpArguments(op, flags, NO_DESTINATION, 0, 0, 0, 0, 0, NONE);
    }

    /** SENDMSG's destination is the msghdr's msg_name (msg_namelen bytes); a null msg_name names none. */
    private static OpArguments sendmsg(Sqe sqe, Opcode op, int flags) {
        if (sqe.addr() == 0) {
            // no msghdr to read (the kernel would answer EFAULT): no destination can be checked, refused
            return new OpArguments(op, flags, 0, 0, 0, 0, 0, 0, NONE);
        }
        MemorySegment msg = sqe.addrSegment(MSGHDR_SIZE);
        long name = msg.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
        if (name == 0) {
            return unaddressed(op, flags);
        }
        long len = Integer.toUnsignedLong(msg.get(ValueLayout.JAVA_INT_UNALIGNED, 8));
        return destination(op, flags, MemorySegment.ofAddress(name).reinterpret(Math.min(len, SocketAddresses.STORAGE_SIZE)));
    }

    /**
     * The destination in sockaddr {@code sa}; too short to hold a family, it reads as family 0,
     * which no rule allows (the kernel treats an AF_UNSPEC UDP destination as IPv4, so it is no "none").
     */
    private static OpArguments destination(Opcode op, int flags, MemorySegment sa) {
        int len = (int) sa.byteSize();
        if (len < 2) {
            return new OpArguments(op, flags, 0, 0, 0, 0, 0, 0, NONE);
        }
        int family = Short.toUnsignedInt(sa.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0));
        // raw bytes, not InetAddress: Java turns an IPv4-mapped IPv6 address into a 4-byte one
        if (family == SocketAddresses.AF_INET && len >= 8) {
            return new OpArguments(op, flags, family, 0, 0, 0, 0, port(sa), sa.asSlice(4, 4).toArray(BYTES));
        }
        if (family == SocketAddresses.AF_INET6 && len >= 24) {
            return new OpArguments(op, flags, family, 0, 0, 0, 0, port(sa), sa.asSlice(8, 16).toArray(BYTES));
        }
        return new OpArguments(op, flags, family, 0, 0, 0, 0, 0, NONE);
    }

    /** Whether the op names no destination (a send on a connected socket). */
    boolean unaddressed() {
        return family == NO_DESTINATION;
    }

    private static int port(MemorySegment sa) {
        return Short.toUnsignedInt(sa.get(BE_SHORT, 2));
    }

    /** Whether OPENAT2's resolve flags confine the lookup beneath its dirfd. */
    boolean resolvesBeneath() {
        return (resolve & (OpenHow.RESOLVE_BENEATH | OpenHow.RESOLVE_IN_ROOT)) != 0;
    }
}
