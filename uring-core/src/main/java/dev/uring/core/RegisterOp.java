package dev.uring.core;

/** io_uring_register(2) opcodes ({@code IORING_REGISTER_*}), each carrying its kernel number. */
public enum RegisterOp {
    BUFFERS(0), UNREGISTER_BUFFERS(1), FILES(2), UNREGISTER_FILES(3), EVENTFD(4), UNREGISTER_EVENTFD(5),
    FILES_UPDATE(6), EVENTFD_ASYNC(7), PROBE(8), PERSONALITY(9), UNREGISTER_PERSONALITY(10),
    RESTRICTIONS(11), ENABLE_RINGS(12), FILES2(13), FILES_UPDATE2(14), BUFFERS2(15), BUFFERS_UPDATE(16),
    IOWQ_AFF(17), UNREGISTER_IOWQ_AFF(18), IOWQ_MAX_WORKERS(19), RING_FDS(20), UNREGISTER_RING_FDS(21),
    PBUF_RING(22), UNREGISTER_PBUF_RING(23), SYNC_CANCEL(24), FILE_ALLOC_RANGE(25), PBUF_STATUS(26),
    NAPI(27), UNREGISTER_NAPI(28), CLOCK(29), CLONE_BUFFERS(30), SEND_MSG_RING(31), ZCRX_IFQ(32),
    RESIZE_RINGS(33), MEM_REGION(34), QUERY(35), ZCRX_CTRL(36), BPF_FILTER(37);

    private static final RegisterOp[] BY_CODE = values();

    private final int code;

    RegisterOp(int code) {
        this.code = code;
    }

    /** The kernel's number for this register op. */
    public int code() {
        return code;
    }

    /**
     * The register op with kernel number {@code code}.
     *
     * @throws IllegalArgumentException when no register op has that number
     */
    public static RegisterOp of(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("unknown io_uring register opcode " + code);
        }
        return BY_CODE[code];
    }
}
