package dev.uring.nio;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The executor that runs completion handlers (and waits for blocking locks) of channels opened
 * without one: a cached pool of daemon threads named {@code uring-nio-handler-N}, as the JDK's
 * default pool for file channels, created on first use and never shut down. Never a loop thread.
 * Its threads inherit no inheritable thread-local, so none carries the policy of whichever thread
 * happened to make it.
 */
final class DefaultExecutor {
    static final ExecutorService INSTANCE = Executors.newCachedThreadPool(Thread.ofPlatform().daemon()
            .name("uring-nio-handler-", 0).inheritInheritableThreadLocals(false).factory());

    private DefaultExecutor() {
    }
}
