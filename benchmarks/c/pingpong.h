/*
 * What the two closed-loop load generators (tcp_pingpong.c, udp_pingpong.c) share: the clock, the
 * process's CPU time, the latency histogram, and the io_uring of their uring mode (single issuer,
 * deferred task work, a multishot recv per socket into one provided buffer ring).
 *
 * The histogram is log-linear (HDR style): 32 sub-buckets per power of two of nanoseconds, so a
 * reported percentile is at most about 3 % above the true value. One generator thread: no locking.
 */
#ifndef PINGPONG_H
#define PINGPONG_H

#include <errno.h>
#include <liburing.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

#define SUB_BITS 5
#define SUBS (1 << SUB_BITS)
#define BUCKETS (64 * SUBS)

static uint64_t hist[BUCKETS];
static uint64_t hist_count;
static uint64_t hist_max;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

static double cpu_seconds(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* bucket = (exponent, top SUB_BITS bits below the leading one); values below SUBS are exact */
static int bucket_of(uint64_t v) {
    if (v < SUBS) return (int)v;
    int msb = 63 - __builtin_clzll(v);
    int shift = msb - SUB_BITS;
    return (shift + 1) * SUBS + (int)((v >> shift) & (SUBS - 1));
}

/* the upper bound of a bucket, the value a percentile reports */
static uint64_t bucket_top(int b) {
    if (b < SUBS) return (uint64_t)b;
    int shift = b / SUBS - 1;
    uint64_t sub = (uint64_t)(b % SUBS);
    return (((uint64_t)SUBS + sub + 1) << shift) - 1;
}

static void record(uint64_t ns) {
    hist[bucket_of(ns)]++;
    hist_count++;
    if (ns > hist_max) hist_max = ns;
}

/* forgets every latency recorded (the end of the warm-up) */
static void hist_reset(void) {
    memset(hist, 0, sizeof hist);
    hist_count = hist_max = 0;
}

static double percentile_us(double p) {
    if (hist_count == 0) return 0;
    uint64_t rank = (uint64_t)(p * (double)hist_count);
    if (rank >= hist_count) rank = hist_count - 1;
    uint64_t seen = 0;
    for (int b = 0; b < BUCKETS; b++) {
        seen += hist[b];
        if (seen > rank) {
            uint64_t top = bucket_top(b);
            return (double)(top < hist_max ? top : hist_max) / 1000.0;
        }
    }
    return (double)hist_max / 1000.0;
}

/* ---------------------------------------------------------------- the uring mode's ring */

#define BGID 0

struct gen_ring {
    struct io_uring ring;
    struct io_uring_buf_ring *br;
    unsigned char *bufs;
    unsigned nbufs;
    unsigned bufsz;
    int mask;
};

static unsigned pow2_at_least(unsigned v) {
    unsigned p = 1;
    while (p < v) p <<= 1;
    return p;
}

/*
 * A ring for SOCKETS sockets: one thread issues everything, and completions' task work runs only
 * inside its io_uring_enter, so a batch of arrivals costs one wake-up; NBUFS provided buffers of
 * BUFSZ bytes in buffer group BGID.
 */
static void gen_ring_init(struct gen_ring *u, unsigned sockets, unsigned nbufs, unsigned bufsz) {
    struct io_uring_params p = {0};
    p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_CQSIZE;
    p.cq_entries = pow2_at_least(sockets * 8 < 64 ? 64 : sockets * 8);
    int rc = io_uring_queue_init_params(pow2_at_least(sockets * 2 < 64 ? 64 : sockets * 2), &u->ring, &p);
    if (rc < 0) {
        errno = -rc;
        die("io_uring_queue_init_params");
    }
    u->nbufs = nbufs;
    u->bufsz = bufsz;
    u->br = mmap(NULL, (size_t)nbufs * sizeof(struct io_uring_buf), PROT_READ | PROT_WRITE,
                 MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
    if (u->br == MAP_FAILED) die("mmap");
    u->bufs = malloc((size_t)nbufs * bufsz);
    if (!u->bufs) die("malloc");
    struct io_uring_buf_reg reg = {.ring_addr = (uint64_t)(uintptr_t)u->br, .ring_entries = nbufs, .bgid = BGID};
    rc = io_uring_register_buf_ring(&u->ring, &reg, 0);
    if (rc < 0) {
        errno = -rc;
        die("io_uring_register_buf_ring");
    }
    io_uring_buf_ring_init(u->br);
    u->mask = io_uring_buf_ring_mask(nbufs);
    for (unsigned b = 0; b < nbufs; b++)
        io_uring_buf_ring_add(u->br, u->bufs + (size_t)b * bufsz, bufsz, (unsigned short)b, u->mask, (int)b);
    io_uring_buf_ring_advance(u->br, (int)nbufs);
}

/* An SQE, submitting what is queued first if the SQ is full (rare: it holds two per socket). */
static struct io_uring_sqe *gen_sqe(struct gen_ring *u) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);
    if (!sqe) {
        int rc = io_uring_submit(&u->ring);
        if (rc < 0) {
            errno = -rc;
            die("io_uring_submit");
        }
        sqe = io_uring_get_sqe(&u->ring);
        if (!sqe) {
            fprintf(stderr, "no SQE after a submit\n");
            exit(1);
        }
    }
    return sqe;
}

/* arms a multishot recv on FD into the buffer ring, its CQEs tagged DATA */
static void gen_queue_recv(struct gen_ring *u, int fd, uint64_t data) {
    struct io_uring_sqe *sqe = gen_sqe(u);
    io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = BGID;
    io_uring_sqe_set_data64(sqe, data);
}

/* submits every queued SQE and waits up to TIMEOUT_NS for at least one completion: one system call */
static void gen_submit_and_wait(struct gen_ring *u, long long timeout_ns) {
    struct __kernel_timespec limit = {.tv_sec = timeout_ns / 1000000000, .tv_nsec = timeout_ns % 1000000000};
    struct io_uring_cqe *cqe;
    int rc = io_uring_submit_and_wait_timeout(&u->ring, &cqe, 1, &limit, NULL);
    if (rc < 0 && rc != -ETIME && rc != -EINTR) {
        errno = -rc;
        die("io_uring_submit_and_wait_timeout");
    }
}

/* the buffer a recv CQE filled */
static unsigned char *gen_buffer(struct gen_ring *u, unsigned bid) {
    return u->bufs + (size_t)bid * u->bufsz;
}

#endif
