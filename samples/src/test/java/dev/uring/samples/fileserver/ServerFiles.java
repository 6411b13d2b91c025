package dev.uring.samples.fileserver;

import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.Uring;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/** Test files for the server tests: random content made quickly, SHA-256 checksums, the ring's op count. */
final class ServerFiles {
    private ServerFiles() {
    }

    /** A served root, created once per test class. */
    static Path newRoot() {
        try {
            return Files.createTempDirectory("fileserver-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code size} bytes: a 4 MiB block of random bytes repeated (big files in a fraction of a second). */
    static Path randomFile(Path file, long size, long seed) throws IOException {
        byte[] block = new byte[(int) Math.min(size, 4 << 20)];
        new Random(seed).nextBytes(block);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= block.length) {
                out.write(block, 0, (int) Math.min(left, block.length));
            }
        }
        return file;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    static String sha256(InputStream in) throws IOException {
        MessageDigest md = digest();
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Completions the runtime's rings have produced so far: how a test sees io_uring at work. */
    static long completions(Uring uring) {
        long n = 0;
        for (EventLoop loop : uring.group()) {
            // the count belongs to the loop thread: read it there
            n += CompletableFuture.supplyAsync(loop::completions, loop).join();
        }
        return n;
    }

    /** Runs curl with {@code args}; returns its exit status after it ends, its stdout in {@code out}. */
    static int curl(Path out, String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 4];
        cmd[0] = "curl";
        cmd[1] = "-sS";
        cmd[2] = "-o";
        cmd[3] = out.toString();
        System.arraycopy(args, 0, cmd, 4, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return p.waitFor();
    }
}
