package dev.uring.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code struct io_uring_bpf} as the kernel's merged uapi ({@code linux/io_uring/bpf_filter.h}) and
 * liburing's {@code test/cbpf_filter.c} lay it out, checked byte by byte with offsets and numbers
 * written here from those headers (not from our ffi constants): cmd_type u16 @0 =
 * IO_URING_BPF_CMD_FILTER (1), cmd_flags u16 @2 = 0, resv u32 @4 = 0; the filter @8: opcode u32 @8,
 * flags u32 @12 (DENY_REST 1, SZ_STRICT 2), filter_len u32 @16, pdu_size u8 @20, resv @21..23,
 * filter_ptr u64 @24, resv2 u64[5] @32..71; each instruction a {@code struct sock_filter} of 8 bytes
 * (code u16, jt u8, jf u8, k u32).
 */
class BpfFilterEncodingTest {
    /** liburing's "AF_INET only" socket program: load family, equal to 2 goes on to allow, else deny. */
    private static final List<CbpfInstruction> INET_ONLY = List.of(
            CbpfInstruction.stmt(0x20, 16),            // BPF_LD|BPF_W|BPF_ABS, family
            CbpfInstruction.jump(0x15, 2, 0, 1),       // BPF_JMP|BPF_JEQ|BPF_K AF_INET
            CbpfInstruction.stmt(0x06, 1),             // BPF_RET|BPF_K allow
            CbpfInstruction.stmt(0x06, 0));            // BPF_RET|BPF_K deny

    private static int u8(MemorySegment s, long off) {
        return Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, off));
    }

    private static int u16(MemorySegment s, long off) {
        return u8(s, off) | u8(s, off + 1) << 8;
    }

    private static int u32(MemorySegment s, long off) {
        return u16(s, off) | u16(s, off + 2) << 16;
    }

    private static long u64(MemorySegment s, long off) {
        return (u32(s, off) & 0xffffffffL) | (long) u32(s, off + 4) << 32;
    }

    @Test
    void aSocketFilterIsEncodedAsTheKernelsStructIoUringBpf() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment arg = TaskRestrictions.encode(a, Opcode.SOCKET, 1, INET_ONLY);
            assertThat(arg.byteSize()).isEqualTo(72);
            assertThat(u16(arg, 0)).as("cmd_type").isEqualTo(1);
            assertThat(u16(arg, 2)).as("cmd_flags").isZero();
            assertThat(u32(arg, 4)).as("resv").isZero();
            assertThat(u32(arg, 8)).as("opcode (IORING_OP_SOCKET)").isEqualTo(45);
            assertThat(u32(arg, 12)).as("flags (DENY_REST)").isEqualTo(1);
            assertThat(u32(arg, 16)).as("filter_len").isEqualTo(4);
            assertThat(u8(arg, 20)).as("pdu_size: family, type, protocol").isEqualTo(12);
            for (int i = 21; i < 24; i++) {
                assertThat(u8(arg, i)).as("resv byte %d", i).isZero();
            }
            for (int i = 32; i < 72; i += 8) {
                assertThat(u64(arg, i)).as("resv2 at %d", i).isZero();
            }
            MemorySegment prog = MemorySegment.ofAddress(u64(arg, 24)).reinterpret(32);
            byte[] expected = {
                0x20, 0, 0, 0, 16, 0, 0, 0,
                0x15, 0, 0, 1, 2, 0, 0, 0,
                0x06, 0, 0, 0, 1, 0, 0, 0,
                0x06, 0, 0, 0, 0, 0, 0, 0};
            assertThat(prog.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(expected);
        }
    }

    @Test
    void openFiltersDeclareTheOpenPartOfTheContextAndOtherOpsNone() {
        try (Arena a = Arena.ofConfined()) {
            List<CbpfInstruction> allow = List.of(CbpfInstruction.stmt(0x06, 1));
            MemorySegment openat = TaskRestrictions.encode(a, Opcode.OPENAT, 0, allow);
            assertThat(u32(openat, 8)).as("IORING_OP_OPENAT").isEqualTo(18);
            assertThat(u8(openat, 20)).as("pdu_size: flags, mode, resolve (3 x u64)").isEqualTo(24);
            MemorySegment openat2 = TaskRestrictions.encode(a, Opcode.OPENAT2, 2, allow);
            assertThat(u32(openat2, 8)).as("IORING_OP_OPENAT2").isEqualTo(28);
            assertThat(u32(openat2, 12)).as("flags (SZ_STRICT)").isEqualTo(2);
            assertThat(u8(openat2, 20)).isEqualTo(24);
            MemorySegment nop = TaskRestrictions.encode(a, Opcode.NOP, 0, allow);
            assertThat(u32(nop, 8)).as("IORING_OP_NOP").isZero();
            assertThat(u8(nop, 20)).as("NOP has no op part").isZero();
            assertThat(u32(nop, 16)).isEqualTo(1);
        }
    }
}
