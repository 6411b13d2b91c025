package dev.uring.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uring.core.IoUring;
import dev.uring.core.NoNewPrivileges;
import dev.uring.core.Opcode;
import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import dev.uring.core.TaskRestrictions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Layer 3, the kernel's task-level restrictions and BPF filters (Linux 7.0). On 6.18 they are absent and
 * must be reported as such; on 7.0+ they must bind a thread. Both run on a throwaway thread: the
 * kernel binds the calling task (thread) for good.
 */
@Timeout(60)
class TaskPolicyTest {
    @Test
    void supportMatchesTheKernelsRegisterOpcodeCount() {
        int registerOps = IoUring.query().map(IoUring.QueryResult::registerOpcodes).orElse(0); // no QUERY before 6.18
        assertThat(TaskPolicy.isSupported()).isEqualTo(registerOps > 37 && TaskRestrictions.bpfFiltersSupported());
        if (registerOps <= 37) {
            assertThat(TaskPolicy.isSupported()).isFalse();
        }
    }

    @Test
    void installBindsAThreadOrSaysTheKernelLacksIt() throws Exception {
        RingPolicy noSockets = PolicyProfiles.builtIn("no-network");
        CompletableFuture<Object> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                TaskPolicy.install(noSockets, true);
                try (Ring ring = Ring.open(RingOptions.defaults().entries(4).setupHooks(false))) {
                    result.complete(OneShot.run(ring, 1, s -> s.prepSocket(2, 1, 0, 0)));
                }
            } catch (Throwable e) {
                result.complete(e);
            }
        }, "task-policy-test");
        t.start();
        Object r = result.get(30, TimeUnit.SECONDS);
        t.join();
        if (TaskPolicy.isSupported()) {
            assertThat(r).isEqualTo(-13);
        } else {
            assertThat(r).isInstanceOf(UnsupportedOperationException.class);
            assertThat(((Throwable) r).getMessage()).contains("Linux 7.0");
        }
    }

    @Test
    void noNewPrivilegesIsPerThreadAndSticks() throws Exception {
        CompletableFuture<boolean[]> r = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                boolean before = NoNewPrivileges.isSet();
                NoNewPrivileges.set();
                r.complete(new boolean[] {before, NoNewPrivileges.isSet()});
            } catch (Throwable e) {
                r.completeExceptionally(e);
            }
        }, "nnp-test");
        t.start();
        boolean[] seen = r.get(30, TimeUnit.SECONDS);
        t.join();
        assertThat(seen[1]).isTrue();
        assertThat(NoNewPrivileges.isSet()).isEqualTo(seen[0]);
    }

    @Test
    void filterRegistrationOnThisKernelFailsClearly() {
        if (!TaskRestrictions.bpfFiltersSupported()) {
            assertThatThrownBy(() -> TaskRestrictions.filterTask(Opcode.SOCKET, 0,
                    CbpfCompiler.compile(PolicyProfiles.builtIn("network-client")).get(Opcode.SOCKET)))
                    .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("BPF");
        } else {
            assertThat(CbpfCompiler.compile(PolicyProfiles.builtIn("network-client"))).containsKey(Opcode.SOCKET);
        }
    }
}
