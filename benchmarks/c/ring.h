/*
 * The io_uring every C program of the benchmarks runs on (the load generators tcp_pingpong.c and
 * udp_pingpong.c, the bound servers tcp_echo.c and udp_echo.c): one thread issues everything
 * (single issuer, deferred task work: completions' task work runs only inside its io_uring_enter, so
 * a batch of arrivals costs one wake-up), one provided buffer ring in group BGID, SQEs that submit
 * what is queued when the SQ is full, and the helpers their loops share.
 */
#ifndef BENCH_RING_H
#define BENCH_RING_H

#include <errno.h>
#include <liburing.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#define BGID 0

static inline void die(const char *what) {
    perror(what);
    exit(1);
}

/* dies naming -RC, a negative errno as liburing returns it */
static inline void die_rc(const char *what, int rc) {
    errno = -rc;
    die(what);
}

static inline uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct bench_ring {
    struct io_uring ring;
    struct io_uring_buf_ring *br;
    unsigned char *bufs;
    unsigned nbufs;
    unsigned bufsz;
    int mask;
    int recycled; /* buffers added back since the last ring_recycled */
};

static inline unsigned pow2_at_least(unsigned v) {
    unsigned p = 1;
    while (p < v) p <<= 1;
    return p;
}

/* the buffer a recv CQE filled */
static inline unsigned char *ring_buffer(struct bench_ring *u, unsigned bid) {
    return u->bufs + (size_t)bid * u->bufsz;
}

/* gives buffer BID back to the kernel at the next ring_recycled */
static inline void ring_recycle(struct bench_ring *u, unsigned bid) {
    io_uring_buf_ring_add(u->br, ring_buffer(u, bid), u->bufsz, (unsigned short)bid, u->mask, u->recycled++);
}

/* publishes the buffers given back since the last call */
static inline void ring_recycled(struct bench_ring *u) {
    io_uring_buf_ring_advance(u->br, u->recycled);
    u->recycled = 0;
}

/* A ring of SQ_ENTRIES and CQ_ENTRIES with NBUFS provided buffers of BUFSZ bytes, all with the kernel. */
static inline void ring_init(struct bench_ring *u, unsigned sq_entries, unsigned cq_entries, unsigned nbufs,
                             unsigned bufsz) {
    struct io_uring_params p = {0};
    p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_CQSIZE;
    p.cq_entries = cq_entries;
    int rc = io_uring_queue_init_params(sq_entries, &u->ring, &p);
    if (rc < 0) die_rc("io_uring_queue_init_params", rc);
    u->nbufs = nbufs;
    u->bufsz = bufsz;
    u->recycled = 0;
    u->br = mmap(NULL, (size_t)nbufs * sizeof(struct io_uring_buf), PROT_READ | PROT_WRITE,
                 MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
    if (u->br == MAP_FAILED) die("mmap");
    u->bufs = malloc((size_t)nbufs * bufsz);
    if (!u->bufs) die("malloc");
    struct io_uring_buf_reg reg = {.ring_addr = (uint64_t)(uintptr_t)u->br, .ring_entries = nbufs, .bgid = BGID};
    rc = io_uring_register_buf_ring(&u->ring, &reg, 0);
    if (rc < 0) die_rc("io_uring_register_buf_ring", rc);
    io_uring_buf_ring_init(u->br);
    u->mask = io_uring_buf_ring_mask(nbufs);
    for (unsigned b = 0; b < nbufs; b++) ring_recycle(u, b);
    ring_recycled(u);
}

/* An SQE, submitting what is queued first if the SQ is full. */
static inline struct io_uring_sqe *ring_sqe(struct bench_ring *u) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);
    if (!sqe) {
        int rc = io_uring_submit(&u->ring);
        if (rc < 0) die_rc("io_uring_submit", rc);
        sqe = io_uring_get_sqe(&u->ring);
        if (!sqe) {
            fprintf(stderr, "no SQE after a submit\n");
            exit(1);
        }
    }
    return sqe;
}

/* arms a multishot recv on FD into the buffer ring, its CQEs tagged DATA */
static inline void ring_queue_recv(struct bench_ring *u, int fd, uint64_t data) {
    struct io_uring_sqe *sqe = ring_sqe(u);
    io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = BGID;
    io_uring_sqe_set_data64(sqe, data);
}

/*
 * A server's wait: submits what is queued and returns once a CQE is ready. With BUSY_NS it first
 * polls (submit and run the deferred task work without sleeping) for up to that long, as
 * reactive-uring's opt-in busy poll does, and sleeps only if nothing came.
 */
static inline void ring_serve_wait(struct bench_ring *u, uint64_t busy_ns) {
    int rc;
    if (busy_ns) {
        uint64_t deadline = now_ns() + busy_ns;
        do {
            rc = io_uring_submit_and_get_events(&u->ring);
            if (rc < 0 && rc != -EINTR) die_rc("io_uring_submit_and_get_events", rc);
        } while (io_uring_cq_ready(&u->ring) == 0 && now_ns() < deadline);
    }
    if (io_uring_cq_ready(&u->ring) == 0) {
        rc = io_uring_submit_and_wait(&u->ring, 1);
        if (rc < 0 && rc != -EINTR) die_rc("io_uring_submit_and_wait", rc);
    }
}

#endif
