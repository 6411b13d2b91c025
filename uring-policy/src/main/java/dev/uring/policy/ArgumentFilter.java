package dev.uring.policy;

import dev.uring.core.Opcode;
import dev.uring.core.SocketAddresses;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A rule on an op's arguments, for what a per-ring allow-list of ops cannot say. Every filter of a
 * {@link RingPolicy} must allow an SQE of the ops it names; ops it does not name pass it.
 * The socket, connect and open-flag rules are also compiled to cBPF for kernels that run io_uring
 * BPF filters ({@link CbpfCompiler}); the directory root and length rules are checked in Java only.
 */
public sealed interface ArgumentFilter
        permits ArgumentFilter.Socket, ArgumentFilter.Connect, ArgumentFilter.Open, ArgumentFilter.MaxLength {

    /** The ops this rule constrains. */
    Set<Opcode> ops();

    /** The rule in the profile syntax of {@link PolicyProfiles}. */
    String describe();

    /** SOCKET mask for the type field: the kernel keeps SOCK_NONBLOCK/SOCK_CLOEXEC above it. */
    int SOCK_TYPE_MASK = 0xf;

    /**
     * IORING_OP_SOCKET may only create sockets of these families, types ({@code type & 0xf}) and
     * protocols; an empty set allows any value.
     *
     * @param families allowed domains (AF_INET 2, AF_INET6 10, AF_UNIX 1, ...)
     * @param types allowed types (SOCK_STREAM 1, SOCK_DGRAM 2, ...)
     * @param protocols allowed protocols (0, IPPROTO_TCP 6, IPPROTO_UDP 17, ...)
     */
    record Socket(Set<Integer> families, Set<Integer> types, Set<Integer> protocols) implements ArgumentFilter {
        /** Copies the sets and checks the types fit the mask. */
        public Socket {
            families = Set.copyOf(new TreeSet<>(families));
            types = Set.copyOf(types);
            protocols = Set.copyOf(protocols);
            for (int t : types) {
                if (t < 0 || t > SOCK_TYPE_MASK) {
                    throw new IllegalArgumentException("socket type " + t + " is not a base type (0..15)");
                }
            }
        }

        @Override
        public Set<Opcode> ops() {
            return EnumSet.of(Opcode.SOCKET);
        }

        @Override
        public String describe() {
            return "socket" + list(" family=", families) + list(" type=", types) + list(" protocol=", protocols);
        }

        @Nullable String check(OpArguments a) {
            if (!families.isEmpty() && !families.contains(a.family())) {
                return "family " + a.family() + " is not one of " + new TreeSet<>(families);
            }
            int type = a.type() & SOCK_TYPE_MASK;
            if (!types.isEmpty() && !types.contains(type)) {
                return "type " + type + " is not one of " + new TreeSet<>(types);
            }
            if (!protocols.isEmpty() && !protocols.contains(a.protocol())) {
                return "protocol " + a.protocol() + " is not one of " + new TreeSet<>(protocols);
            }
            return null;
        }
    }

    /**
     * IORING_OP_CONNECT may only reach these destinations; with none, every connect is refused.
     * The same rule holds for the destination a send names: SENDMSG and SENDMSG_ZC (the msghdr's
     * msg_name), SEND and SEND_ZC (sendto's address). A send that names none passes: its socket is
     * connected, and the CONNECT was checked (a UDP socket sending without a destination and
     * without a connect fails in the kernel, EDESTADDRREQ). These sends are checked in Java only:
     * the kernel's cBPF context (7.2) has a destination for CONNECT alone.
     *
     * @param destinations the allowed destinations, any of which may match
     */
    record Connect(List<Destination> destinations) implements ArgumentFilter {
        /** Copies the list. */
        public Connect {
            destinations = List.copyOf(destinations);
        }

        /** The ops whose destination the rule checks. */
        public static final Set<Opcode> OPS = Set.copyOf(EnumSet.of(Opcode.CONNECT, Opcode.SENDMSG,
                Opcode.SENDMSG_ZC, Opcode.SEND, Opcode.SEND_ZC));

        @Override
        public Set<Opcode> ops() {
            return OPS;
        }

        @Override
        public String describe() {
            StringBuilder b = new StringBuilder("connect");
            for (Destination d : destinations) {
                b.append(' ').append(d);
            }
            return b.toString();
        }

        @Nullable String check(OpArguments a) {
            if (a.unaddressed() && a.op() != Opcode.CONNECT) {
                return null;
            }
            for (Destination d : destinations) {
                if (d.matches(a)) {
                    return null;
                }
            }
            return "destination family " + a.family() + (a.address().length == 0 ? "" : " " + address(a.address())
                    + " port " + a.port()) + " is not one of " + destinations;
        }

        private static String address(byte[] bytes) {
            try {
                return InetAddress.getByAddress(bytes).getHostAddress();
            } catch (UnknownHostException e) {
                return Arrays.toString(bytes);
            }
        }
    }

    /**
     * One allowed connect destination: a family, and for AF_INET/AF_INET6 an address range and a port range.
     *
     * @param family AF_INET 2, AF_INET6 10 or AF_UNIX 1 (AF_UNIX matches any path)
     * @param network the network address (4 or 16 bytes; empty for AF_UNIX)
     * @param prefixLength how many leading bits of {@code network} must match
     * @param portLow lowest allowed port
     * @param portHigh highest allowed port
     */
    record Destination(int family, byte[] network, int prefixLength, int portLow, int portHigh) {
        /** Checks the address length, prefix and ports against the family. */
        public Destination {
            network = network.clone();
            int bytes = family == SocketAddresses.AF_INET ? 4 : family == SocketAddresses.AF_INET6 ? 16 : 0;
            if (family != SocketAddresses.AF_INET && family != SocketAddresses.AF_INET6
                    && family != SocketAddresses.AF_UNIX) {
                throw new IllegalArgumentException("connect family " + family + " is not AF_INET, AF_INET6 or AF_UNIX");
            }
            if (network.length != bytes) {
                throw new IllegalArgumentException("family " + family + " needs a " + bytes + "-byte address, got "
                        + network.length);
            }
            if (prefixLength < 0 || prefixLength > bytes * 8) {
                throw new IllegalArgumentException("prefix length " + prefixLength + " out of 0.." + bytes * 8);
            }
            if (portLow < 0 || portHigh > 65535 || portLow > portHigh) {
                throw new IllegalArgumentException("port range " + portLow + "-" + portHigh + " is not within 0-65535");
            }
        }

        /** An AF_INET/AF_INET6 destination {@code address/prefix} with ports {@code low..high}. */
        public static Destination inet(InetAddress address, int prefix, int low, int high) {
            byte[] raw = address.getAddress();
            return new Destination(raw.length == 4 ? SocketAddresses.AF_INET : SocketAddresses.AF_INET6, raw, prefix,
                    low, high);
        }

        /** Any AF_UNIX destination. */
        public static Destination unix() {
            return new Destination(SocketAddresses.AF_UNIX, new byte[0], 0, 0, 65535);
        }

        boolean matches(OpArguments a) {
            if (a.family() != family) {
                return false;
            }
            if (family == SocketAddresses.AF_UNIX) {
                return true;
            }
            if (a.address().length != network.length || a.port() < portLow || a.port() > portHigh) {
                return false;
            }
            for (int bit = 0; bit < prefixLength; bit++) {
                int mask = 0x80 >>> (bit & 7);
                if ((a.address()[bit >>> 3] & mask) != (network[bit >>> 3] & mask)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Destination d && d.family == family && Arrays.equals(d.network, network)
                    && d.prefixLength == prefixLength && d.portLow == portLow && d.portHigh == portHigh;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(network) * 31 + family + prefixLength * 7 + portLow * 13 + portHigh;
        }

        @Override
        public String toString() {
            if (family == SocketAddresses.AF_UNIX) {
                return "unix";
            }
            String host = Connect.address(network);
            return (family == SocketAddresses.AF_INET6 ? "[" + host + "]" : host) + "/" + prefixLength + ":"
                    + portLow + (portLow == portHigh ? "" : "-" + portHigh);
        }
    }

    /**
     * IORING_OP_OPENAT and IORING_OP_OPENAT2 may open files only as allowed here.
     *
     * @param write whether write access (O_WRONLY, O_RDWR, O_TRUNC) is allowed
     * @param create whether O_CREAT and O_TMPFILE are allowed
     * @param root when not null, resolved paths must stay beneath this directory (Java check:
     *     {@code ..} components and symlinks leading out are refused)
     * @param beneath whether OPENAT2 must carry RESOLVE_BENEATH or RESOLVE_IN_ROOT, so that the kernel
     *     itself confines the lookup to the dirfd; OPENAT, which cannot carry them, is then refused
     */
    record Open(boolean write, boolean create, @Nullable Path root, boolean beneath) implements ArgumentFilter {
        /** Makes the root absolute and normal. */
        public Open {
            if (root != null) {
                root = root.toAbsolutePath().normalize();
            }
        }

        @Override
        public Set<Opcode> ops() {
            return EnumSet.of(Opcode.OPENAT, Opcode.OPENAT2);
        }

        @Override
        public String describe() {
            return "open write=" + write + " create=" + create + (root == null ? "" : " root=" + root)
                    + " beneath=" + beneath;
        }

        @Nullable String check(OpArguments a) {
            long f = a.openFlags();
            if (!write && ((f & OpenFlagBits.O_ACCMODE) != 0 || (f & OpenFlagBits.O_TRUNC) != 0)) {
                return "write access is not allowed (open flags 0x" + Long.toHexString(f) + ")";
            }
            if (!create && (f & OpenFlagBits.CREATE_BITS) != 0) {
                return "creating files is not allowed (open flags 0x" + Long.toHexString(f) + ")";
            }
            if (beneath && a.op() == Opcode.OPENAT) {
                return "OPENAT cannot carry RESOLVE_BENEATH: use OPENAT2 with RESOLVE_BENEATH or RESOLVE_IN_ROOT";
            }
            if (beneath && !a.resolvesBeneath()) {
                return "OPENAT2 must carry RESOLVE_BENEATH or RESOLVE_IN_ROOT (resolve 0x"
                        + Long.toHexString(a.resolve()) + ")";
            }
            return null;
        }
    }

    /**
     * The len field of these ops (bytes to read or write, buffer size) may not exceed {@code max}.
     *
     * @param ops the ops whose length is bounded
     * @param max the largest allowed length
     */
    record MaxLength(Set<Opcode> ops, long max) implements ArgumentFilter {
        /** Copies the ops and checks the bound. */
        public MaxLength {
            if (ops.isEmpty()) {
                throw new IllegalArgumentException("max-length needs at least one op");
            }
            ops = Set.copyOf(EnumSet.copyOf(ops));
            if (max < 0 || max > 0xffff_ffffL) {
                throw new IllegalArgumentException("max length " + max + " out of 0..4294967295");
            }
        }

        @Override
        public String describe() {
            List<String> names = new ArrayList<>();
            EnumSet.copyOf(ops).forEach(o -> names.add(o.name()));
            return "max-length ops=" + String.join(",", names) + " max=" + max;
        }
    }

    private static String list(String key, Set<Integer> values) {
        if (values.isEmpty()) {
            return "";
        }
        List<String> s = new ArrayList<>();
        new TreeSet<>(values).forEach(v -> s.add(Integer.toString(v)));
        return key + String.join(",", s);
    }
}
