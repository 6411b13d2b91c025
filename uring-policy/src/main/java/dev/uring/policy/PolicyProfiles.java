package dev.uring.policy;

import dev.uring.core.Opcode;
import dev.uring.core.RegisterOp;
import dev.uring.core.SocketAddresses;
import dev.uring.core.SqeFlags;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Policy profiles: a versioned text format, like a seccomp profile, that operators can ship.
 *
 * <pre>
 * # comments and blank lines are ignored
 * uring-policy 1                       (first line: format and version)
 * name read-only-files                 (exactly once)
 * allow-ops READ READV OPENAT CLOSE    (op names, or ALL; repeatable)
 * deny-ops SOCKET                      (removes ops allowed above)
 * allow-register-ops PROBE             (register op names, or ALL)
 * allow-sqe-flags IO_LINK ASYNC        (FIXED_FILE IO_DRAIN IO_LINK IO_HARDLINK ASYNC BUFFER_SELECT CQE_SKIP_SUCCESS, or ALL)
 * require-sqe-flags ASYNC
 * socket family=AF_INET,AF_INET6 type=SOCK_STREAM protocol=0,tcp
 * connect 127.0.0.0/8:1-65535 [::1]/128:8080 unix
 * open write=false create=false root=/srv/data beneath=false
 * max-length ops=READ,WRITE max=1048576
 * deny-all                             (allows nothing: the only way to write a profile without ops)
 * </pre>
 *
 * Unknown fields, unknown keys and bad values are refused with a {@link ProfileFormatException}
 * naming the line and the reason.
 */
public final class PolicyProfiles {
    /** The format version this loader reads. */
    public static final int VERSION = 1;

    private static final Map<String, String> BUILT_IN = new LinkedHashMap<>();

    static {
        BUILT_IN.put("read-only-files", """
                uring-policy 1
                name read-only-files
                allow-ops NOP READ READV READ_FIXED OPENAT OPENAT2 CLOSE STATX FADVISE ASYNC_CANCEL
                allow-ops TIMEOUT TIMEOUT_REMOVE LINK_TIMEOUT POLL_ADD POLL_REMOVE FILES_UPDATE FIXED_FD_INSTALL
                allow-register-ops PROBE
                allow-sqe-flags FIXED_FILE IO_LINK IO_HARDLINK ASYNC BUFFER_SELECT CQE_SKIP_SUCCESS
                open write=false create=false
                """);
        BUILT_IN.put("network-client", """
                uring-policy 1
                name network-client
                allow-ops NOP SOCKET CONNECT SEND RECV SENDMSG RECVMSG SEND_ZC SHUTDOWN CLOSE READ WRITE
                allow-ops ASYNC_CANCEL TIMEOUT TIMEOUT_REMOVE LINK_TIMEOUT POLL_ADD POLL_REMOVE FILES_UPDATE MSG_RING
                allow-register-ops PROBE
                allow-sqe-flags FIXED_FILE IO_LINK IO_HARDLINK ASYNC BUFFER_SELECT CQE_SKIP_SUCCESS
                socket family=AF_INET,AF_INET6 type=SOCK_STREAM,SOCK_DGRAM
                connect 0.0.0.0/0:1-65535 [::]/0:1-65535
                """);
        BUILT_IN.put("no-network", """
                uring-policy 1
                name no-network
                allow-ops ALL
                deny-ops SOCKET CONNECT ACCEPT BIND LISTEN SEND RECV SENDMSG RECVMSG SEND_ZC SENDMSG_ZC RECV_ZC
                deny-ops SHUTDOWN URING_CMD
                allow-register-ops ALL
                allow-sqe-flags ALL
                """);
    }

    private PolicyProfiles() {
    }

    /** The names of the built-in profiles. */
    public static Set<String> builtInNames() {
        return BUILT_IN.keySet();
    }

    /**
     * A built-in profile: {@code read-only-files} (reads and read-only opens, no sockets),
     * {@code network-client} (outgoing TCP/UDP, no files opened, no listening), {@code no-network}
     * (everything but socket ops).
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static RingPolicy builtIn(String name) {
        String text = BUILT_IN.get(name);
        if (text == null) {
            throw new IllegalArgumentException("no built-in profile '" + name + "' (known: " + BUILT_IN.keySet() + ")");
        }
        return parse(text, "built-in:" + name);
    }

    /** Loads a profile file (UTF-8). */
    public static RingPolicy load(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * Parses a profile.
     *
     * @param source the file or name, for error messages
     * @throws ProfileFormatException naming the line and the reason
     */
    public static RingPolicy parse(String text, String source) {
        return new Parser(source).parse(text);
    }

    /** Writes {@code policy} in the profile format; {@link #parse} reads it back equal. */
    public static String format(RingPolicy policy) {
        StringBuilder b = new StringBuilder("uring-policy ").append(VERSION).append('\n');
        b.append("name ").append(policy.name().replaceAll("\\s+", "_")).append('\n');
        if (policy.sqeOps().isEmpty() && policy.registerOps().isEmpty()) {
            return b.append("deny-all\n").toString();
        }
        b.append("allow-ops");
        EnumSet<Opcode> ops = policy.sqeOps().isEmpty() ? EnumSet.noneOf(Opcode.class) : EnumSet.copyOf(policy.sqeOps());
        ops.forEach(o -> b.append(' ').append(o.name()));
        b.append("\nallow-register-ops");
        EnumSet<RegisterOp> reg = policy.registerOps().isEmpty() ? EnumSet.noneOf(RegisterOp.class)
                : EnumSet.copyOf(policy.registerOps());
        reg.forEach(o -> b.append(' ').append(o.name()));
        b.append("\nallow-sqe-flags").append(flagNames(policy.sqeFlagsAllowed() & ~policy.sqeFlagsRequired()));
        b.append("\nrequire-sqe-flags").append(flagNames(policy.sqeFlagsRequired())).append('\n');
        for (ArgumentFilter f : policy.filters()) {
            b.append(f.describe()).append('\n');
        }
        return b.toString();
    }

    private static final Map<String, Integer> FLAGS = Map.of("FIXED_FILE", SqeFlags.FIXED_FILE,
            "IO_DRAIN", SqeFlags.IO_DRAIN, "IO_LINK", SqeFlags.IO_LINK, "IO_HARDLINK", SqeFlags.IO_HARDLINK,
            "ASYNC", SqeFlags.ASYNC, "BUFFER_SELECT", SqeFlags.BUFFER_SELECT,
            "CQE_SKIP_SUCCESS", SqeFlags.CQE_SKIP_SUCCESS);
    private static final Map<String, Integer> FAMILIES = Map.of("AF_UNIX", SocketAddresses.AF_UNIX,
            "AF_INET", SocketAddresses.AF_INET, "AF_INET6", SocketAddresses.AF_INET6);
    private static final Map<String, Integer> TYPES = Map.of("SOCK_STREAM", 1, "SOCK_DGRAM", 2, "SOCK_RAW", 3,
            "SOCK_SEQPACKET", 5);
    private static final Map<String, Integer> PROTOCOLS = Map.of("tcp", 6, "udp", 17);

    private static String flagNames(int flags) {
        StringBuilder b = new StringBuilder();
        for (String n : new TreeSet<>(FLAGS.keySet())) {
            if ((flags & FLAGS.get(n)) != 0) {
                b.append(' ').append(n);
            }
        }
        return b.toString();
    }

    /** One parse: tracks the line for errors. */
    private static final class Parser {
        private final String source;
        private int line;

        Parser(String source) {
            this.source = source;
        }

        RingPolicy parse(String text) {
            String name = null;
            boolean header = false;
            EnumSet<Opcode> ops = EnumSet.noneOf(Opcode.class);
            EnumSet<RegisterOp> reg = EnumSet.noneOf(RegisterOp.class);
            int allowed = 0;
            int required = 0;
            List<ArgumentFilter> filters = new ArrayList<>();
            boolean denyAll = false;
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                line = i + 1;
                String l = lines[i].strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                String[] words = l.split("\\s+");
                String field = words[0];
                List<String> args = List.of(words).subList(1, words.length);
                if (!header) {
                    if (!field.equals("uring-policy")) {
                        throw fail("the first line must be 'uring-policy " + VERSION + "', got '" + l + "'");
                    }
                    if (args.size() != 1 || !args.get(0).equals(Integer.toString(VERSION))) {
                        throw fail("unsupported format version '" + String.join(" ", args) + "' (this loader reads "
                                + VERSION + ")");
                    }
                    header = true;
                    continue;
                }
                switch (field) {
                    case "uring-policy" -> throw fail("the version line may appear only once");
                    case "name" -> {
                        if (name != null) {
                            throw fail("name given twice");
                        }
                        if (args.size() != 1) {
                            throw fail("name takes one word, got " + args.size());
                        }
                        name = args.get(0);
                    }
                    case "allow-ops" -> ops.addAll(enums(args, Opcode.class));
                    case "deny-ops" -> ops.removeAll(enums(args, Opcode.class));
                    case "allow-register-ops" -> reg.addAll(enums(args, RegisterOp.class));
                    case "allow-sqe-flags" -> allowed |= flags(args);
                    case "require-sqe-flags" -> required |= flags(args);
                    case "socket" -> filters.add(socket(args));
                    case "connect" -> filters.add(connect(args));
                    case "open" -> filters.add(open(args));
                    case "max-length" -> filters.add(maxLength(args));
                    case "deny-all" -> {
                        if (!args.isEmpty()) {
                            throw fail("deny-all takes no arguments");
                        }
                        denyAll = true;
                    }
                    default -> throw fail("unknown field '" + field + "' (known: name, allow-ops, deny-ops, "
                            + "allow-register-ops, allow-sqe-flags, require-sqe-flags, socket, connect, open, max-length, "
                            + "deny-all)");
                }
            }
            line = lines.length;
            if (!header) {
                throw fail("empty profile: expected 'uring-policy " + VERSION + "'");
            }
            if (name == null) {
                throw fail("the profile has no 'name' line");
            }
            if (denyAll) {
                if (!ops.isEmpty() || !reg.isEmpty()) {
                    throw fail("deny-all cannot be combined with allowed ops or register ops");
                }
                return RingPolicy.denyAll(name);
            }
            if (ops.isEmpty() && reg.isEmpty()) {
                throw fail("the profile allows nothing (no SQE op, no register op); write 'deny-all' if that is meant");
            }
            RingPolicy.Builder b = RingPolicy.builder(name).allowOps(ops).allowRegisterOps(reg).allowFlags(allowed)
                    .requireFlags(required);
            filters.forEach(b::filter);
            return b.build();
        }

        private ProfileFormatException fail(String reason) {
            return new ProfileFormatException(source, line, reason);
        }

        private <E extends Enum<E>> EnumSet<E> enums(List<String> args, Class<E> type) {
            EnumSet<E> out = EnumSet.noneOf(type);
            for (String a : args) {
                if (a.equals("ALL")) {
                    out.addAll(EnumSet.allOf(type));
                    continue;
                }
                try {
                    out.add(Enum.valueOf(type, a));
                } catch (IllegalArgumentException e) {
                    throw fail("unknown " + (type == Opcode.class ? "op" : "register op") + " '" + a + "'");
                }
            }
            return out;
        }

        private int flags(List<String> args) {
            int f = 0;
            for (String a : args) {
                if (a.equals("ALL")) {
                    f |= SqeFlags.ALL;
                } else if (FLAGS.containsKey(a)) {
                    f |= FLAGS.get(a);
                } else {
                    throw fail("unknown SQE flag '" + a + "' (known: " + new TreeSet<>(FLAGS.keySet()) + ")");
                }
            }
            return f;
        }

        private Map<String, String> keys(List<String> args, Set<String> known, String field) {
            Map<String, String> out = new HashMap<>();
            for (String a : args) {
                int eq = a.indexOf('=');
                if (eq <= 0) {
                    throw fail(field + ": expected key=value, got '" + a + "'");
                }
                String k = a.substring(0, eq);
                if (!known.contains(k)) {
                    throw fail(field + ": unknown key '" + k + "' (known: " + new TreeSet<>(known) + ")");
                }
                if (out.put(k, a.substring(eq + 1)) != null) {
                    throw fail(field + ": key '" + k + "' given twice");
                }
            }
            return out;
        }

        private Set<Integer> numbers(String field, String key, String list, Map<String, Integer> names) {
            Set<Integer> out = new HashSet<>();
            for (String v : list.split(",")) {
                Integer n = names.get(v);
                if (n == null) {
                    try {
                        n = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        throw fail(field + ": bad " + key + " '" + v + "' (a number or one of "
                                + new TreeSet<>(names.keySet()) + ")");
                    }
                    if (n < 0) {
                        throw fail(field + ": " + key + " must not be negative, got " + n);
                    }
                }
                out.add(n);
            }
            return out;
        }

        private ArgumentFilter socket(List<String> args) {
            Map<String, String> k = keys(args, Set.of("family", "type", "protocol"), "socket");
            Set<Integer> types = k.containsKey("type") ? numbers("socket", "type", k.get("type"), TYPES) : Set.of();
            for (int t : types) {
                if (t > ArgumentFilter.SOCK_TYPE_MASK) {
                    throw fail("socket: type " + t + " is not a base type (0..15; NONBLOCK/CLOEXEC are masked off)");
                }
            }
            return new ArgumentFilter.Socket(
                    k.containsKey("family") ? numbers("socket", "family", k.get("family"), FAMILIES) : Set.of(), types,
                    k.containsKey("protocol") ? numbers("socket", "protocol", k.get("protocol"), PROTOCOLS) : Set.of());
        }

        private ArgumentFilter connect(List<String> args) {
            List<ArgumentFilter.Destination> out = new ArrayList<>();
            for (String a : args) {
                out.add(destination(a));
            }
            return new ArgumentFilter.Connect(out);
        }

        /** {@code unix}, {@code a.b.c.d/prefix:port[-port]} or {@code [v6]/prefix:port[-port]}. */
        private ArgumentFilter.Destination destination(String a) {
            if (a.equals("unix")) {
                return ArgumentFilter.Destination.unix();
            }
            int colon = a.lastIndexOf(':');
            int slash = a.lastIndexOf('/', colon);
            if (colon < 0 || slash < 0) {
                throw fail("connect: expected address/prefix:ports or 'unix', got '" + a + "'");
            }
            String host = a.substring(0, slash);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.contains(":")) {
                throw fail("connect: write IPv6 addresses in brackets, got '" + a + "'");
            }
            if (!host.matches("[0-9a-fA-F.:]+")) {
                throw fail("connect: '" + host + "' is not a numeric address (names are not resolved)");
            }
            InetAddress addr;
            try {
                addr = InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                throw fail("connect: bad address '" + host + "'");
            }
            int prefix = integer("connect", "prefix", a.substring(slash + 1, colon));
            String ports = a.substring(colon + 1);
            int dash = ports.indexOf('-');
            int low = integer("connect", "port", dash < 0 ? ports : ports.substring(0, dash));
            int high = dash < 0 ? low : integer("connect", "port", ports.substring(dash + 1));
            try {
                if (addr.getAddress().length == 4 && a.startsWith("[")) {
                    throw fail("connect: IPv4-mapped addresses are not supported, got '" + a + "'");
                }
                return ArgumentFilter.Destination.inet(addr, prefix, low, high);
            } catch (IllegalArgumentException e) {
                if (e instanceof ProfileFormatException p) {
                    throw p;
                }
                throw fail("connect: " + e.getMessage());
            }
        }

        private int integer(String field, String what, String v) {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw fail(field + ": bad " + what + " '" + v + "'");
            }
        }

        private boolean bool(String field, String key, String v) {
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw fail(field + ": " + key + " must be true or false, got '" + v + "'");
            };
        }

        private ArgumentFilter open(List<String> args) {
            Map<String, String> k = keys(args, Set.of("write", "create", "root", "beneath"), "open");
            Path root = null;
            if (k.containsKey("root")) {
                String r = k.get("root");
                if (!r.startsWith("/")) {
                    throw fail("open: root must be an absolute path, got '" + r + "'");
                }
                root = Path.of(r);
            }
            return new ArgumentFilter.Open(bool("open", "write", k.getOrDefault("write", "true")),
                    bool("open", "create", k.getOrDefault("create", "true")), root,
                    bool("open", "beneath", k.getOrDefault("beneath", "false")));
        }

        private ArgumentFilter maxLength(List<String> args) {
            Map<String, String> k = keys(args, Set.of("ops", "max"), "max-length");
            if (!k.containsKey("ops") || !k.containsKey("max")) {
                throw fail("max-length needs ops= and max=");
            }
            long max;
            try {
                max = Long.parseLong(k.get("max"));
            } catch (NumberFormatException e) {
                throw fail("max-length: bad max '" + k.get("max") + "'");
            }
            if (max < 0 || max > 0xffff_ffffL) {
                throw fail("max-length: max " + max + " out of 0..4294967295");
            }
            return new ArgumentFilter.MaxLength(enums(List.of(k.get("ops").split(",")), Opcode.class), max);
        }
    }
}
