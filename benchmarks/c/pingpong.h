/*
 * What the two closed-loop load generators (tcp_pingpong.c, udp_pingpong.c) share besides ring.h:
 * the process's CPU time, the latency histogram, and the wait of their uring mode.
 *
 * The histogram is log-linear (HDR style): 32 sub-buckets per power of two of nanoseconds, so a
 * reported percentile is at most about 3 % above the true value. One generator thread: no locking.
 */
#ifndef PINGPONG_H
#define PINGPONG_H

#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "ring.h"

#define SUB_BITS 5
#define SUBS (1 << SUB_BITS)
#define BUCKETS (64 * SUBS)

static uint64_t hist[BUCKETS];
static uint64_t hist_count;
static uint64_t hist_max;

static inline double cpu_seconds(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* bucket = (exponent, top SUB_BITS bits below the leading one); values below SUBS are exact */
static inline int bucket_of(uint64_t v) {
    if (v < SUBS) return (int)v;
    int msb = 63 - __builtin_clzll(v);
    int shift = msb - SUB_BITS;
    return (shift + 1) * SUBS + (int)((v >> shift) & (SUBS - 1));
}

/* the upper bound of a bucket, the value a percentile reports */
static inline uint64_t bucket_top(int b) {
    if (b < SUBS) return (uint64_t)b;
    int shift = b / SUBS - 1;
    uint64_t sub = (uint64_t)(b % SUBS);
    return (((uint64_t)SUBS + sub + 1) << shift) - 1;
}

static inline void record(uint64_t ns) {
    hist[bucket_of(ns)]++;
    hist_count++;
    if (ns > hist_max) hist_max = ns;
}

/* forgets every latency recorded (the end of the warm-up) */
static inline void hist_reset(void) {
    memset(hist, 0, sizeof hist);
    hist_count = hist_max = 0;
}

static inline double percentile_us(double p) {
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

/* the ring of the uring mode for SOCKETS sockets: two SQEs and eight CQEs of room per socket */
static inline void gen_ring_init(struct bench_ring *u, unsigned sockets, unsigned nbufs, unsigned bufsz) {
    ring_init(u, pow2_at_least(sockets * 2 < 64 ? 64 : sockets * 2), pow2_at_least(sockets * 8 < 64 ? 64 : sockets * 8),
              nbufs, bufsz);
}

/* submits every queued SQE and waits up to TIMEOUT_NS for at least one completion: one system call */
static inline void gen_submit_and_wait(struct bench_ring *u, long long timeout_ns) {
    struct __kernel_timespec limit = {.tv_sec = timeout_ns / 1000000000, .tv_nsec = timeout_ns % 1000000000};
    struct io_uring_cqe *cqe;
    int rc = io_uring_submit_and_wait_timeout(&u->ring, &cqe, 1, &limit, NULL);
    if (rc < 0 && rc != -ETIME && rc != -EINTR) die_rc("io_uring_submit_and_wait_timeout", rc);
}

/* takes a leading "--mode epoll|uring" off the arguments: 1 for uring, 0 for epoll (also when absent),
   -1 (after a message) for another mode */
static inline int gen_mode(int *argc, char ***argv) {
    if (*argc <= 2 || strcmp((*argv)[1], "--mode") != 0) return 0;
    const char *mode = (*argv)[2];
    *argc -= 2;
    *argv += 2;
    if (strcmp(mode, "uring") == 0) return 1;
    if (strcmp(mode, "epoll") == 0) return 0;
    fprintf(stderr, "--mode is epoll or uring, got %s\n", mode);
    return -1;
}

/* HOST:PORT resolved for sockets of SOCKTYPE; NULL (after a message) when it does not resolve */
static inline struct addrinfo *gen_resolve(const char *host, const char *port, int socktype) {
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = socktype}, *ai;
    int rc = getaddrinfo(host, port, &hints, &ai);
    if (rc != 0) {
        fprintf(stderr, "getaddrinfo %s:%s: %s\n", host, port, gai_strerror(rc));
        return NULL;
    }
    return ai;
}

/* the result line's start, the same for both generators: throughput and latency over SECONDS */
static inline void gen_print_rates(uint64_t requests, double seconds) {
    printf("req_per_s=%.0f p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f requests=%llu",
           (double)requests / seconds, percentile_us(0.50), percentile_us(0.99), percentile_us(0.999),
           (double)hist_max / 1000.0, (unsigned long long)requests);
}

#endif
