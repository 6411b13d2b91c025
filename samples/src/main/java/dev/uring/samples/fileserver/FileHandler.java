package dev.uring.samples.fileserver;

import dev.uring.core.Statx;
import dev.uring.reactor.Uring;
import dev.uring.reactor.file.ReactiveFile;
import dev.uring.reactor.file.ReactiveFiles;
import dev.uring.reactor.spring.UringDataBuffers;
import dev.uring.reactor.spring.UringFileSystemResource;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * GET/HEAD of a file (the body written by whichever Resource writer WebFlux has: io_uring's when
 * reactive-uring's auto-configuration is on), GET of a directory as a JSON listing, PUT of a file
 * streamed to disk through io_uring (into a temporary file, renamed over the target when complete,
 * deleted when the upload fails or the client goes away; listings and GETs never show it).
 *
 * <p>Confined (the default): the request path is checked ({@link ServedRoot#resolve}), then the io_uring
 * writer opens the file only with OPENAT2 and RESOLVE_BENEATH relative to the root directory (or reuses a
 * file it kept open that way, while a STATX of the path still shows the same file), and uploads are
 * created the same way; a path that leaves the root by then (a symbolic link swapped in after the
 * check) is refused by the kernel (EXDEV) or the policy's filter (EACCES): 403. What still goes by path:
 * the handler's STATX (metadata only), directory listings (Java NIO), the rename of a finished upload
 * and the unlink of a failed one (io_uring has no RESOLVE_* for them), and, with Spring's stock writer,
 * the body (Spring opens the path itself).
 */
final class FileHandler {
    /** The route's prefix: {@code /files/a/b.txt} is {@code a/b.txt} under the root. */
    static final String PREFIX = "/files";
    /** Between an upload's target name and its random suffix: {@code .name.upload-1f2e...}. */
    static final String UPLOAD_INFIX = ".upload-";

    /** Test seam: runs with the checked path between the check and the open (a test swaps a link in). */
    static volatile @Nullable Consumer<Path> afterCheck;

    private final ServedRoot root;
    private final Uring uring;
    private final @Nullable ReactiveFile directory;
    private final boolean uringWriter;
    private final @Nullable InMemoryBodies inMemory;
    private final RecentStats stats;

    /**
     * A handler serving {@code root}; with {@code inMemory} (a measuring aid, off unless
     * {@value InMemoryBodies#PROPERTY} is set) file bodies come from memory instead of a Resource writer.
     */
    FileHandler(ServedRoot root, Uring uring, @Nullable ReactiveFile directory, boolean uringWriter,
            @Nullable InMemoryBodies inMemory) {
        this(root, uring, directory, uringWriter, inMemory, java.time.Duration.ZERO);
    }

    /** As above, reusing a path's STATX for {@code statTrust} ({@link RecentStats}; zero: never). */
    FileHandler(ServedRoot root, Uring uring, @Nullable ReactiveFile directory, boolean uringWriter,
            @Nullable InMemoryBodies inMemory, java.time.Duration statTrust) {
        this.root = root;
        this.uring = uring;
        this.directory = directory;
        this.uringWriter = uringWriter;
        this.inMemory = inMemory;
        if (statTrust.isNegative() || statTrust.compareTo(java.time.Duration.ofNanos(UringFileSystemResource.TRUST_NANOS)) > 0) {
            // the writer trusts a resource's STATX for at most that long: a longer window here would not be honoured
            throw new IllegalArgumentException("fileserver.stat-trust must be between 0 and 1s, got " + statTrust);
        }
        this.stats = new RecentStats(uring, statTrust.toNanos());
    }

    private Path resolve(ServerRequest request) throws ServedRoot.Refused, IOException {
        String raw = request.requestPath().pathWithinApplication().value();
        Path p = root.resolve(raw.length() > PREFIX.length() ? raw.substring(PREFIX.length()) : "");
        Consumer<Path> hook = afterCheck;
        if (hook != null) {
            hook.accept(p);
        }
        return p;
    }

    /** Whether {@code e} is the kernel or the policy refusing a path that leaves the root. */
    private static boolean leavesRoot(Throwable e) {
        if (e instanceof AccessDeniedException) {
            return true;
        }
        String m = String.valueOf(e.getMessage());
        return e instanceof FileSystemException && (m.contains("EXDEV") || m.contains("ELOOP"));
    }

    /** The checked path, relative to the root, as OPENAT2 beneath the root directory takes it. */
    private String beneath(Path checked) {
        String rel = root.relative(checked);
        return rel.isEmpty() ? "." : rel;
    }


    Mono<ServerResponse> get(ServerRequest request) {
        Path path;
        try {
            path = resolve(request);
        } catch (ServedRoot.Refused e) {
            return error(HttpStatus.FORBIDDEN, e.getMessage());
        } catch (IOException e) {
            return error(HttpStatus.NOT_FOUND, "no such file: " + request.path());
        }
        if (isUpload(path)) {
            // an upload in progress is nobody's business until it is renamed over its target
            return error(HttpStatus.NOT_FOUND, "no such file: " + request.path());
        }
        return stats.stat(path)
                .flatMap(stat -> stat.isDirectory() ? listing(path) : file(path, stat))
                .onErrorResume(NoSuchFileException.class, e -> error(HttpStatus.NOT_FOUND, "no such file: " + request.path()));
    }

    private Mono<ServerResponse> file(Path path, Statx stat) {
        if (!stat.isRegularFile()) {
            return error(HttpStatus.FORBIDDEN, "not a regular file");
        }
        if (inMemory != null) {
            return inMemory.response(path);
        }
        ReactiveFile dir = directory;
        if (dir != null && uringWriter) {
            // the io_uring writer opens it only beneath the root directory (OPENAT2 RESOLVE_BENEATH), or
            // reuses a file it kept open that way: a path that leaves the root by then gets a 403
            return ServerResponse.ok().body(BodyInserters.fromResource(UringFileSystemResource.beneath(dir, beneath(path), stat)));
        }
        // the STATX just taken goes along: the io_uring writer then needs no STATX of its own
        return ServerResponse.ok().body(BodyInserters.fromResource(new UringFileSystemResource(path, stat)));
    }

    /** io_uring has no directory read: the listing runs on boundedElastic. */
    private Mono<ServerResponse> listing(Path dir) {
        return Mono.fromCallable(() -> {
            try (Stream<Path> entries = Files.list(dir)) {
                return entries.filter(p -> !isUpload(p)).sorted(Comparator.comparing(Path::getFileName))
                        .map(this::entry)
                        .toList();
            }
        }).subscribeOn(Schedulers.boundedElastic())
                .flatMap(entries -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("path", "/" + root.relative(dir), "entries", entries)));
    }

    private Map<String, Object> entry(Path p) {
        boolean dir = Files.isDirectory(p);
        long size;
        try {
            size = dir ? 0 : Files.size(p);
        } catch (IOException e) {
            size = -1;
        }
        return Map.of("name", p.getFileName().toString(), "type", dir ? "directory" : "file", "size", size);
    }

    Mono<ServerResponse> put(ServerRequest request) {
        Path target;
        try {
            target = resolve(request);
        } catch (ServedRoot.Refused e) {
            return error(HttpStatus.FORBIDDEN, e.getMessage());
        } catch (IOException e) {
            return error(HttpStatus.CONFLICT, "the parent directory does not exist: " + request.path());
        }
        if (target.equals(root.path())) {
            return error(HttpStatus.FORBIDDEN, "cannot replace the served root");
        }
        Path temp = target.resolveSibling("." + target.getFileName() + UPLOAD_INFIX
                // not UUID.randomUUID(): its SecureRandom may block on a server thread
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        // A client that drops the connection mid-body cancels this response. The upload itself is not
        // cancelled from outside (a cancelled OPENAT may still create the file after a delete): the
        // cancel fails its body instead, so the file is closed, then deleted, in that order.
        Sinks.Empty<Void> aborted = Sinks.empty();
        Flux<DataBuffer> body = request.bodyToFlux(DataBuffer.class)
                // the other publisher only ever fails: the body ends with its own end or with the abort
                .takeUntilOther(aborted.asMono().then(Mono.error(() -> new CancellationException("the client went away"))));
        ReactiveFile dir = directory;
        Mono<Long> written = dir == null
                ? UringDataBuffers.write(uring, body, temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
                : Mono.usingWhen(ReactiveFile.openBeneath(uring, dir, beneath(temp), StandardOpenOption.CREATE_NEW,
                                StandardOpenOption.WRITE),
                        f -> UringDataBuffers.write(f, body, 0),
                        ReactiveFile::close);
        Mono<ServerResponse> upload = written
                .flatMap(bytes -> ReactiveFiles.move(uring, temp, target, StandardCopyOption.REPLACE_EXISTING)
                        .doOnSuccess(v -> stats.forget(target))
                        .then(ServerResponse.status(HttpStatus.CREATED).contentType(MediaType.APPLICATION_JSON)
                                .bodyValue(Map.of("path", "/" + root.relative(target), "bytes", bytes))))
                .onErrorResume(e -> ReactiveFiles.delete(uring, temp).onErrorComplete()
                        .then(e instanceof CancellationException ? Mono.empty()
                                : leavesRoot(e) ? error(HttpStatus.FORBIDDEN, "resolves outside the served root: " + request.path())
                                : e instanceof FileAlreadyExistsException || e instanceof java.nio.file.FileSystemException
                                ? error(HttpStatus.CONFLICT, String.valueOf(e.getMessage()))
                                : Mono.error(e)));
        return Mono.create(sink -> {
            sink.onCancel(() -> aborted.tryEmitEmpty());
            upload.subscribe(sink::success, sink::error, sink::success);
        });
    }

    /** Whether {@code p} is the temporary file of an upload in progress ({@code .name.upload-hex}). */
    static boolean isUpload(Path p) {
        Path name = p.getFileName();
        if (name == null) {
            return false;
        }
        String n = name.toString();
        int i = n.lastIndexOf(UPLOAD_INFIX);
        return n.startsWith(".") && i > 0 && n.length() > i + UPLOAD_INFIX.length()
                && n.substring(i + UPLOAD_INFIX.length()).chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    static Mono<ServerResponse> error(HttpStatus status, String message) {
        return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("status", status.value(), "error", message));
    }
}
