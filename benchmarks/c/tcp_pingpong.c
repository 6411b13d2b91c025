/*
 * Closed-loop TCP ping-pong load generator for the issue 6 comparison (benchmarks/run-tcp.sh).
 *
 * Opens CONNS connections to HOST:PORT (TCP_NODELAY on); each sends SIZE bytes and waits for the
 * whole echo before sending again. One thread, epoll, non-blocking sockets. After WARMUP seconds
 * the counters are reset and it measures for SECONDS seconds, then prints one line:
 *
 *   req_per_s=N p50_us=X p99_us=X p999_us=X max_us=X requests=N conns=N size=N cpu=F
 *
 * cpu is this process's CPU time over the measured wall time: near 1.00 means the generator, not
 * the server, may be what limits the rate.
 *
 * Latency is taken per request (send start to last echoed byte) with CLOCK_MONOTONIC and kept in
 * a log-linear histogram (HDR style): 32 sub-buckets per power of two of nanoseconds, so a
 * reported percentile is at most about 3 % above the true value. Every echoed byte is checked
 * against what was sent, so a server that corrupts or reorders data fails the run (exit 1).
 *
 * Usage: tcp_pingpong HOST PORT CONNS SIZE SECONDS [WARMUP]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SUB_BITS 5
#define SUBS (1 << SUB_BITS)
#define BUCKETS (64 * SUBS)

struct conn {
    int fd;
    size_t sent;      /* bytes of the current request written */
    size_t received;  /* bytes of its echo read */
    uint64_t started; /* ns, when the request began */
};

static uint64_t hist[BUCKETS];
static uint64_t hist_count;
static uint64_t hist_max;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
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

static double cpu_seconds(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: %s HOST PORT CONNS SIZE SECONDS [WARMUP]\n", argv[0]);
        return 2;
    }
    const char *host = argv[1];
    const char *port = argv[2];
    int conns = atoi(argv[3]);
    size_t size = (size_t)atol(argv[4]);
    double seconds = atof(argv[5]);
    double warmup = argc > 6 ? atof(argv[6]) : 1.0;
    if (conns < 1 || size < 1 || seconds <= 0 || warmup < 0) {
        fprintf(stderr, "CONNS and SIZE must be positive, SECONDS > 0, WARMUP >= 0\n");
        return 2;
    }

    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai;
    int rc = getaddrinfo(host, port, &hints, &ai);
    if (rc != 0) {
        fprintf(stderr, "getaddrinfo %s:%s: %s\n", host, port, gai_strerror(rc));
        return 1;
    }

    /* the payload varies by byte so that a misordered echo is caught */
    unsigned char *out = malloc(size), *in = malloc(size);
    if (!out || !in) die("malloc");
    for (size_t i = 0; i < size; i++) out[i] = (unsigned char)(i * 31 + 7);

    int ep = epoll_create1(0);
    if (ep < 0) die("epoll_create1");
    struct conn *cs = calloc((size_t)conns, sizeof *cs);
    if (!cs) die("calloc");
    for (int i = 0; i < conns; i++) {
        int fd = socket(ai->ai_family, SOCK_STREAM, 0);
        if (fd < 0) die("socket");
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
            fprintf(stderr, "connect %s:%s: %s\n", host, port, strerror(errno));
            return 1;
        }
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        cs[i].fd = fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
    }
    freeaddrinfo(ai);

    uint64_t t0 = now_ns();
    uint64_t measure_from = t0 + (uint64_t)(warmup * 1e9);
    uint64_t end = measure_from + (uint64_t)(seconds * 1e9);
    int measuring = warmup == 0;
    uint64_t requests = 0;
    double cpu_from = cpu_seconds();

    /* every connection starts its first request; a short write is finished on EPOLLOUT */
    for (int i = 0; i < conns; i++) {
        cs[i].started = now_ns();
        ssize_t n = write(cs[i].fd, out, size);
        if (n < 0 && errno != EAGAIN) die("write");
        cs[i].sent = n > 0 ? (size_t)n : 0;
        if (cs[i].sent < size) {
            struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u32 = (uint32_t)i};
            epoll_ctl(ep, EPOLL_CTL_MOD, cs[i].fd, &ev);
        }
    }

    struct epoll_event evs[512];
    uint64_t now = now_ns();
    while (now < end) {
        int n = epoll_wait(ep, evs, 512, 100);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        now = now_ns();
        if (!measuring && now >= measure_from) {
            /* warm-up over: forget its requests and latencies */
            memset(hist, 0, sizeof hist);
            hist_count = hist_max = 0;
            requests = 0;
            measuring = 1;
            measure_from = now;
            cpu_from = cpu_seconds();
        }
        for (int e = 0; e < n; e++) {
            struct conn *c = &cs[evs[e].data.u32];
            if (evs[e].events & EPOLLOUT && c->sent < size) {
                ssize_t w = write(c->fd, out + c->sent, size - c->sent);
                if (w < 0 && errno != EAGAIN) die("write");
                if (w > 0) c->sent += (size_t)w;
                if (c->sent == size) {
                    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = evs[e].data.u32};
                    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
                }
            }
            if (!(evs[e].events & (EPOLLIN | EPOLLERR | EPOLLHUP))) continue;
            for (;;) {
                ssize_t r = read(c->fd, in, size - c->received);
                if (r < 0) {
                    if (errno == EAGAIN) break;
                    die("read");
                }
                if (r == 0) {
                    fprintf(stderr, "server closed a connection\n");
                    return 1;
                }
                if (memcmp(in, out + c->received, (size_t)r) != 0) {
                    fprintf(stderr, "echo mismatch at byte %zu\n", c->received);
                    return 1;
                }
                c->received += (size_t)r;
                if (c->received < size) continue;
                /* the echo is complete: count it and send the next request */
                uint64_t done = now_ns();
                if (measuring) {
                    record(done - c->started);
                    requests++;
                }
                c->received = 0;
                c->started = done;
                ssize_t w = write(c->fd, out, size);
                if (w < 0 && errno != EAGAIN) die("write");
                c->sent = w > 0 ? (size_t)w : 0;
                if (c->sent < size) {
                    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u32 = evs[e].data.u32};
                    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
                }
                break;
            }
        }
        now = now_ns();
    }
    double elapsed = (double)(now - measure_from) / 1e9;
    double cpu = (cpu_seconds() - cpu_from) / elapsed;
    printf("req_per_s=%.0f p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f requests=%llu conns=%d size=%zu cpu=%.2f\n",
           (double)requests / elapsed, percentile_us(0.50), percentile_us(0.99), percentile_us(0.999),
           (double)hist_max / 1000.0, (unsigned long long)requests, conns, size, cpu);
    for (int i = 0; i < conns; i++) close(cs[i].fd);
    return 0;
}
