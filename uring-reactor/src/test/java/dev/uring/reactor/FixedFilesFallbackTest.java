package dev.uring.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.Opcode;
import dev.uring.core.RegisterOp;
import dev.uring.core.Restriction;
import dev.uring.core.SqeFlags;
import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.file.ReactiveFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Rings whose policy refuses what a fixed slot needs: files fall back to their fds, and the runtime says so once. */
@Timeout(60)
class FixedFilesFallbackTest {
    private static final Duration T = Duration.ofSeconds(10);
    @TempDir
    Path dir;

    private static String text(ByteBuffer b) {
        return StandardCharsets.UTF_8.decode(b).toString();
    }

    private static List<Restriction> restrictions(boolean allowTable) {
        List<Restriction> rs = new ArrayList<>();
        // what the loops, the reads and the table's own clears need, but not FILES_UPDATE
        for (Opcode op : List.of(Opcode.READ, Opcode.ASYNC_CANCEL, Opcode.OPENAT, Opcode.CLOSE, Opcode.MSG_RING,
                Opcode.STATX, Opcode.NOP)) {
            rs.add(Restriction.sqeOp(op));
        }
        rs.add(Restriction.sqeFlagsAllowed(SqeFlags.FIXED_FILE));
        if (allowTable) {
            rs.add(Restriction.registerOp(RegisterOp.FILES2));
            rs.add(Restriction.registerOp(RegisterOp.FILE_ALLOC_RANGE));
            rs.add(Restriction.registerOp(RegisterOp.UNREGISTER_FILES));
        }
        return rs;
    }

    @Test
    void aPolicyThatRefusesFilesUpdateFallsBackToTheFdAndSaysSoOnce() throws Exception {
        List<Restriction> rs = restrictions(true);
        long before = ReactorInvariants.openFdsBesidesJars();
        try (Uring uring = Uring.create(2, EventLoop.defaultOptions(64).customizer(r -> r.registerRestrictions(rs)))
                .fixedFiles(8)) {
            assertThat(uring.fixedFileTable()).as("the table itself was allowed").isNotNull();
            for (int i = 0; i < 2; i++) {
                ReactiveFile f = ReactiveFile.open(uring, Files.writeString(dir.resolve("p" + i), "refused " + i)).block(T);
                for (int k = 0; k < 3; k++) {
                    assertThat(text(f.read(0, 16).block(T))).isEqualTo("refused " + i);
                }
                int n = i + 1;
                assertThat(ReactorInvariants.eventually(() -> uring.fixedFileFallbacks() == n)).isTrue();
                assertThat(f.fixedSlot()).isEqualTo(-1);
                assertThat(text(f.read(0, 16).block(T))).isEqualTo("refused " + i);
                f.close().block(T);
            }
            assertThat(uring.fixedFileTable().slotsInUse()).isZero();
            assertThat(uring.fixedFileWarningsLogged()).as("said once").isEqualTo(1);
        }
        assertThat(ReactorInvariants.openFdsBesidesJars()).isEqualTo(before);
    }

    @Test
    void ringsThatRefuseTheTableLeaveEveryFileOnItsFd() throws Exception {
        List<Restriction> rs = restrictions(false);
        try (Uring uring = Uring.create(2, EventLoop.defaultOptions(64).customizer(r -> r.registerRestrictions(rs)))
                .fixedFiles(8)) {
            assertThat(uring.fixedFileTable()).isNull();
            assertThat(uring.fixedFileFallbacks()).isEqualTo(1);
            assertThat(uring.fixedFileWarningsLogged()).isEqualTo(1);
            ReactiveFile f = ReactiveFile.open(uring, Files.writeString(dir.resolve("t"), "no table")).block(T);
            for (int k = 0; k < 3; k++) {
                assertThat(text(f.read(0, 16).block(T))).isEqualTo("no table");
            }
            assertThat(f.fixedSlot()).isEqualTo(-1);
            f.close().block(T);
        }
    }
}
