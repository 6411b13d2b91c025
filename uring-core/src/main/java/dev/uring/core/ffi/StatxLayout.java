package dev.uring.core.ffi;

/**
 * {@code struct statx} (256 bytes). Offsets of the fields read here.
 *
 * <pre>
 *   0 stx_mask u32   4 stx_blksize u32   8 stx_attributes u64   16 stx_nlink u32   20 stx_uid u32
 *  24 stx_gid u32   28 stx_mode u16     32 stx_ino u64          40 stx_size u64    48 stx_blocks u64
 *  64 stx_atime (tv_sec s64, tv_nsec u32)  80 stx_btime  96 stx_ctime  112 stx_mtime
 * </pre>
 */
public final class StatxLayout {
    public static final long SIZE = 256;
    public static final long MASK = 0;
    public static final long BLKSIZE = 4;
    public static final long NLINK = 16;
    public static final long UID = 20;
    public static final long GID = 24;
    public static final long MODE = 28;
    public static final long INO = 32;
    public static final long SIZE_FIELD = 40;
    public static final long BLOCKS = 48;
    public static final long ATIME = 64;
    public static final long CTIME = 96;
    public static final long MTIME = 112;
    public static final long DEV_MAJOR = 136;
    public static final long DEV_MINOR = 140;
    public static final int STATX_BASIC_STATS = 0x7ff;

    private StatxLayout() {
    }
}
