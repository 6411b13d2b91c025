package dev.uring.policy;

import dev.uring.reactor.Uring;
import dev.uring.reactor.file.ReactiveFiles;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Run in its own JVM by {@link RuntimeInheritanceTest}: the first use of {@link Uring#shared()} is
 * inside a scope, and must not make the shared runtime restricted for code outside it.
 */
final class SharedRuntimeChild {
    private SharedRuntimeChild() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        check("first use, inside a scope: refused", PolicyScope.call(Probes.SANDBOX, () -> denied(file)));
        check("then outside any scope: allowed", !denied(file));
        check("inside again: refused", PolicyScope.call(Probes.SANDBOX, () -> denied(file)));
        System.out.println("ALL OK");
        System.exit(0);
    }

    private static boolean denied(Path file) {
        Throwable t = ReactiveFiles.readAllBytes(Uring.shared(), file).then(Mono.<Throwable>empty())
                .onErrorResume(Mono::just).block(Duration.ofSeconds(30));
        if (t != null && !(t instanceof AccessDeniedException)) {
            t.printStackTrace(System.out);
        }
        return t instanceof AccessDeniedException;
    }

    private static void check(String what, boolean ok) {
        System.out.println((ok ? "OK " : "FAIL ") + what);
        if (!ok) {
            System.exit(1);
        }
    }
}
