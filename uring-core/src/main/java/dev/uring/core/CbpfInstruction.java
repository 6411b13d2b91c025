package dev.uring.core;

/**
 * One classic BPF instruction ({@code struct sock_filter}), as io_uring's BPF filters
 * (IORING_REGISTER_BPF_FILTER, Linux 7.0) take them.
 *
 * @param code the instruction class, size, mode and operation bits ({@code BPF_LD|BPF_W|BPF_ABS}, ...)
 * @param jt the forward jump when true (0..255)
 * @param jf the forward jump when false (0..255)
 * @param k the constant operand
 */
public record CbpfInstruction(int code, int jt, int jf, int k) {
    /** {@code BPF_LD|BPF_W|BPF_ABS}: A = ctx word at k. */
    public static final int LD_W_ABS = 0x20;
    /** {@code BPF_ALU|BPF_AND|BPF_K}: {@code A &= k}. */
    public static final int ALU_AND_K = 0x54;
    /** {@code BPF_ALU|BPF_LSH|BPF_K}: A &lt;&lt;= k. */
    public static final int ALU_LSH_K = 0x64;
    /** {@code BPF_ALU|BPF_RSH|BPF_K}: A &gt;&gt;&gt;= k. */
    public static final int ALU_RSH_K = 0x74;
    /** {@code BPF_ALU|BPF_OR|BPF_X}: A |= X. */
    public static final int ALU_OR_X = 0x4c;
    /** {@code BPF_MISC|BPF_TAX}: X = A. */
    public static final int MISC_TAX = 0x07;
    /** {@code BPF_JMP|BPF_JEQ|BPF_K}. */
    public static final int JEQ_K = 0x15;
    /** {@code BPF_JMP|BPF_JGT|BPF_K} (unsigned). */
    public static final int JGT_K = 0x25;
    /** {@code BPF_JMP|BPF_JGE|BPF_K} (unsigned). */
    public static final int JGE_K = 0x35;
    /** {@code BPF_JMP|BPF_JSET|BPF_K}: jump if A &amp; k != 0. */
    public static final int JSET_K = 0x45;
    /** {@code BPF_JMP|BPF_JA}: jump k forward. */
    public static final int JA = 0x05;
    /** {@code BPF_RET|BPF_K}: return k (0 denies). */
    public static final int RET_K = 0x06;

    /** Checks the fields fit {@code struct sock_filter}. */
    public CbpfInstruction {
        if (code < 0 || code > 0xffff) {
            throw new IllegalArgumentException("cBPF code " + code + " does not fit u16");
        }
        if (jt < 0 || jt > 255 || jf < 0 || jf > 255) {
            throw new IllegalArgumentException("cBPF jump offsets " + jt + "/" + jf + " do not fit u8");
        }
    }

    /** A statement (no jumps). */
    public static CbpfInstruction stmt(int code, int k) {
        return new CbpfInstruction(code, 0, 0, k);
    }

    /** A conditional jump. */
    public static CbpfInstruction jump(int code, int k, int jt, int jf) {
        return new CbpfInstruction(code, jt, jf, k);
    }
}
