package dev.uring.core.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A loop thread knows its loop: {@link EventLoopGroup#current()} answers it, and only for its own group. */
@Timeout(60)
class EventLoopCurrentTest {
    @Test
    void eachLoopThreadIsAnsweredItsOwnLoopAndOtherThreadsGetTheNextOne() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(3); EventLoopGroup other = EventLoopGroup.create(2)) {
            for (EventLoop loop : group) {
                CompletableFuture<EventLoop[]> seen = new CompletableFuture<>();
                loop.execute(() -> seen.complete(new EventLoop[] {EventLoop.current(), group.current(), other.current()}));
                EventLoop[] s = seen.get(10, TimeUnit.SECONDS);
                assertThat(s[0]).isSameAs(loop);
                assertThat(s[1]).isSameAs(loop);
                // a loop of another group is not this group's: that group places round-robin
                assertThat(other.loops()).contains(s[2]);
            }
            assertThat(EventLoop.current()).isNull();
            EventLoop a = group.current();
            EventLoop b = group.current();
            assertThat(group.loops()).contains(a, b);
            assertThat(a).isNotSameAs(b);

            // a completion runs on the loop thread too, inside the same binding
            EventLoop first = group.get(0);
            CompletableFuture<EventLoop> inCompletion = new CompletableFuture<>();
            first.execute(() -> first.nextSqe().prepNop()
                    .userData(first.register((res, flags) -> inCompletion.complete(group.current()))));
            assertThat(inCompletion.get(10, TimeUnit.SECONDS)).isSameAs(first);
        }
    }

    @Test
    void aLoneLoopIsNotTakenForALoopOfAGroup() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(2);
             EventLoop lone = EventLoop.start(EventLoop.defaultOptions(8).setupHooks(false),
                     EventLoopGroup.daemonThreads("lone"))) {
            CompletableFuture<EventLoop[]> seen = new CompletableFuture<>();
            lone.execute(() -> seen.complete(new EventLoop[] {EventLoop.current(), group.current()}));
            EventLoop[] s = seen.get(10, TimeUnit.SECONDS);
            assertThat(s[0]).isSameAs(lone);
            assertThat(s[1]).isNotSameAs(lone).isIn(group.loops());
        }
    }
}
