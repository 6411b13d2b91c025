package dev.uring.samples;

import dev.uring.core.AtFlags;
import dev.uring.core.Errors;
import dev.uring.core.Opcode;
import dev.uring.core.OpenFlags;
import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import dev.uring.core.SocketAddresses;
import dev.uring.core.Sqe;
import dev.uring.policy.AccessDenials;
import dev.uring.policy.PolicyProfiles;
import dev.uring.policy.PolicyScope;
import dev.uring.policy.PolicyViolation;
import dev.uring.policy.PolicyViolations;
import dev.uring.policy.RingPolicy;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A ring in a sandbox: created inside a {@link PolicyScope} with the built-in {@code read-only-files}
 * profile, it reads a file, has a SOCKET refused by the kernel's own restrictions and an open for
 * writing refused by the Java argument filter, and prints the audit trail of both. Run with no arguments.
 */
public final class SandboxDemo {
    private static final long READ = 1;
    private static final long SOCKET = 2;
    private static final long OPEN_FOR_WRITE = 3;

    private SandboxDemo() {
    }

    /**
     * What the sandboxed ring did.
     *
     * @param text          the file content read through the ring
     * @param socketDenied  the SOCKET's refusal (the kernel's)
     * @param writeDenied   the open-for-write's refusal (the argument filter's)
     * @param audit         the violations reported for the ring, in order
     */
    public record Outcome(String text, AccessDeniedException socketDenied, AccessDeniedException writeDenied,
            List<PolicyViolation> audit) {
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        Path file = Files.createTempFile("reactive-uring-sandbox", ".txt");
        try {
            Files.writeString(file, "readable inside the sandbox\n");
            Outcome o = run(file);
            System.out.print("read through the sandboxed ring: " + o.text());
            System.out.println("SOCKET refused: " + o.socketDenied().getMessage());
            System.out.println("open for write refused: " + o.writeDenied().getMessage());
            System.out.println("audit trail:");
            for (PolicyViolation v : o.audit()) {
                System.out.println("  " + v.time() + " " + v.layer() + " " + v.op() + " ring fd " + v.ringFd()
                        + " thread " + v.thread() + ": " + v.reason());
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Runs the demo against {@code file}, which must exist and be readable. */
    public static Outcome run(Path file) throws IOException {
        RingPolicy readOnly = PolicyProfiles.builtIn("read-only-files");
        List<PolicyViolation> audit = new CopyOnWriteArrayList<>();
        try (PolicyViolations.Registration reg = PolicyViolations.addListener(audit::add);
             // the scope's policy is attached to every ring opened inside it, here by Ring.open's setup hook
             Ring ring = PolicyScope.call(readOnly, () -> Ring.open(RingOptions.defaults().entries(8)));
             Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(file.toString());
            int fd = submitOne(ring, READ, s -> s.prepOpenat(AtFlags.FDCWD, path, OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC, 0));
            if (fd < 0) {
                throw Errors.toException(fd, "OPENAT", file.toString());
            }
            MemorySegment buf = arena.allocate(4096);
            int n = submitOne(ring, READ, s -> s.prepRead(fd, buf, 0));
            submitOne(ring, READ, s -> s.prepClose(fd));
            if (n < 0) {
                throw Errors.toException(n, "READ", file.toString());
            }
            String text = new String(buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                    java.nio.charset.StandardCharsets.UTF_8);

            // SOCKET is not in the profile: the kernel's restrictions refuse it with -EACCES
            int s = submitOne(ring, SOCKET, sqe -> sqe.prepSocket(SocketAddresses.AF_INET, 1, 0, 0));
            AccessDeniedException socketDenied = denial(ring, Opcode.SOCKET, SOCKET, s);

            // OPENAT is allowed, but the profile's "open write=false" argument filter refuses O_WRONLY
            int w = submitOne(ring, OPEN_FOR_WRITE, sqe -> sqe.prepOpenat(AtFlags.FDCWD, path, OpenFlags.O_WRONLY, 0));
            AccessDeniedException writeDenied = denial(ring, Opcode.OPENAT, OPEN_FOR_WRITE, w);

            int ringFd = ring.fd();
            return new Outcome(text, socketDenied, writeDenied, audit.stream().filter(v -> v.ringFd() == ringFd).toList());
        }
    }

    private static AccessDeniedException denial(Ring ring, Opcode op, long userData, int res) {
        if (!AccessDenials.isDenied(res)) {
            throw new IllegalStateException(op + " was not refused (result " + res + "): the sandbox is not in force");
        }
        return AccessDenials.forCompletion(ring, op, userData);
    }

    /** Submits one SQE and waits for its CQE; returns the result. */
    private static int submitOne(Ring ring, long userData, Consumer<Sqe> prep) throws IOException {
        Sqe sqe = ring.nextSqe();
        prep.accept(sqe);
        sqe.userData(userData);
        ring.submitAndWait(1);
        int[] res = {0};
        boolean[] seen = {false};
        while (!seen[0]) {
            if (ring.reapCqes((ud, r, f) -> {
                if (ud == userData) {
                    seen[0] = true;
                    res[0] = r;
                }
            }) == 0) {
                ring.submitAndWait(1);
            }
        }
        return res[0];
    }
}
