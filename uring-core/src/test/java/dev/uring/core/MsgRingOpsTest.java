package dev.uring.core;

import static dev.uring.core.TestRing.one;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.TestRing.Cqe;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** MSG_RING between two real rings: data messages and fixed files passed across. */
@Timeout(30)
class MsgRingOpsTest {
    @TempDir
    Path dir;

    @Test
    void msgRingPostsACqeWithResAndUserDataOnTheTargetRing() throws Exception {
        try (Ring a = TestRing.open(8); Ring b = TestRing.open(8)) {
            a.nextSqe().prepMsgRing(b.fd(), 1234, 0xABCDEFL, 0).userData(1);
            assertThat(one(a).res()).isZero();
            Cqe got = one(b);
            assertThat(got.userData()).isEqualTo(0xABCDEFL);
            assertThat(got.res()).isEqualTo(1234);
        }
    }

    @Test
    void msgRingSendFdMovesAFixedFileIntoTheOtherRingsSparseTable() throws Exception {
        Files.writeString(dir.resolve("shared"), "passed");
        try (Ring a = TestRing.open(8); Ring b = TestRing.open(8); Arena arena = Arena.ofConfined()) {
            a.registerFilesSparse(4);
            b.registerFilesSparse(4);
            a.nextSqe().prepOpenatDirect(AtFlags.FDCWD, arena.allocateFrom(dir.resolve("shared").toString()),
                    OpenFlags.O_RDONLY, 0, 1).userData(1);
            assertThat(one(a).res()).isZero();
            a.nextSqe().prepMsgRingFd(b.fd(), 1, 3, 0x77, 0).userData(2);
            assertThat(one(a).res()).isZero();
            Cqe arrived = one(b);
            assertThat(arrived.userData()).isEqualTo(0x77);
            assertThat(arrived.res()).isZero();
            MemorySegment buf = arena.allocate(6);
            b.nextSqe().prepRead(3, buf, 0).flags(SqeFlags.FIXED_FILE).userData(3);
            assertThat(one(b).res()).isEqualTo(6);
            assertThat(TestRing.string(buf, 6)).isEqualTo("passed");
        }
    }
}
