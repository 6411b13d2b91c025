/*
 * Closed-loop UDP request/response load generator for the issue 21 comparison (benchmarks/run-udp.sh).
 *
 * Opens FLOWS UDP sockets, each connected to HOST:PORT; each flow sends one SIZE-byte datagram
 * and waits for the reply before sending the next. One thread, epoll over the flows, one send and
 * one recv system call per request. After WARMUP seconds the counters are reset and it measures for
 * SECONDS seconds, then prints one line:
 *
 *   req_per_s=N p50_us=X p99_us=X p999_us=X max_us=X requests=N flows=N size=N lost=N cpu=F mode=epoll
 *
 * Each request carries a sequence number in its first 8 bytes (then a pattern derived from it);
 * the reply must be the same datagram, whole, or the run fails (exit 1). UDP may drop a datagram:
 * a flow whose reply has not come within 200 ms counts one loss and sends a new request (a reply
 * that comes later is recognised by its old sequence number and ignored). A run that lost more than
 * 1 % of its requests fails, since its rate would measure the timeout, not the server.
 *
 * cpu is this process's CPU time over the measured wall time: near 1.00 means the generator, not
 * the server, may be what limits the rate. Latency (send to reply) is kept in the same log-linear
 * histogram as tcp_pingpong.c: 32 sub-buckets per power of two, within about 3 %.
 *
 * Usage: udp_pingpong HOST PORT FLOWS SIZE SECONDS [WARMUP]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
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
#define LOSS_NS 200000000ull

struct flow {
    int fd;
    uint64_t seq;     /* the sequence number of the request in flight */
    uint64_t started; /* ns, when it was sent */
};

static uint64_t hist[BUCKETS];
static uint64_t hist_count;
static uint64_t hist_max;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int bucket_of(uint64_t v) {
    if (v < SUBS) return (int)v;
    int msb = 63 - __builtin_clzll(v);
    int shift = msb - SUB_BITS;
    return (shift + 1) * SUBS + (int)((v >> shift) & (SUBS - 1));
}

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

static void fill(unsigned char *buf, size_t size, uint64_t seq) {
    memcpy(buf, &seq, size < 8 ? size : 8);
    for (size_t i = 8; i < size; i++) buf[i] = (unsigned char)(seq * 31 + i);
}

static void send_request(struct flow *f, unsigned char *buf, size_t size, uint64_t seq) {
    f->seq = seq;
    fill(buf, size, seq);
    f->started = now_ns();
    for (;;) {
        ssize_t w = send(f->fd, buf, size, 0);
        if (w == (ssize_t)size) return;
        if (w < 0 && (errno == EINTR || errno == EAGAIN || errno == ENOBUFS)) continue;
        if (w < 0 && errno == ECONNREFUSED) {
            fprintf(stderr, "server port unreachable\n");
            exit(1);
        }
        die("send");
    }
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: udp_pingpong HOST PORT FLOWS SIZE SECONDS [WARMUP]\n");
        return 2;
    }
    const char *host = argv[1], *port = argv[2];
    int flows = atoi(argv[3]);
    size_t size = (size_t)atol(argv[4]);
    double seconds = atof(argv[5]);
    double warmup = argc > 6 ? atof(argv[6]) : 0;
    if (flows <= 0 || size < 8 || size > 65507 || seconds <= 0 || warmup < 0) {
        fprintf(stderr, "FLOWS must be positive, SIZE in 8..65507, SECONDS > 0, WARMUP >= 0\n");
        return 2;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM}, *ai;
    int rc = getaddrinfo(host, port, &hints, &ai);
    if (rc != 0) {
        fprintf(stderr, "getaddrinfo %s:%s: %s\n", host, port, gai_strerror(rc));
        return 1;
    }
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    struct flow *fs = calloc((size_t)flows, sizeof *fs);
    unsigned char *out = malloc(size), *in = malloc(size + 1);
    if (!fs || !out || !in) die("malloc");
    for (int i = 0; i < flows; i++) {
        int fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) die("socket");
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) die("connect");
        fs[i].fd = fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
    }
    freeaddrinfo(ai);

    uint64_t start = now_ns();
    uint64_t measure_from = start + (uint64_t)(warmup * 1e9);
    uint64_t end = measure_from + (uint64_t)(seconds * 1e9);
    uint64_t next_seq = 1, requests = 0, lost = 0, last_loss_check = start;
    int measuring = warmup == 0;
    double cpu_from = cpu_seconds();
    for (int i = 0; i < flows; i++) send_request(&fs[i], out, size, next_seq++);
    struct epoll_event evs[256];
    for (;;) {
        int n = epoll_wait(ep, evs, 256, 10);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        uint64_t now = now_ns();
        if (!measuring && now >= measure_from) {
            memset(hist, 0, sizeof hist);
            hist_count = hist_max = 0;
            requests = lost = 0;
            measuring = 1;
            measure_from = now;
            cpu_from = cpu_seconds();
        }
        if (now >= end) break;
        for (int e = 0; e < n; e++) {
            struct flow *f = &fs[evs[e].data.u32];
            for (;;) {
                ssize_t r = recv(f->fd, in, size + 1, 0);
                if (r < 0) {
                    if (errno == EAGAIN || errno == EINTR) break;
                    if (errno == ECONNREFUSED) {
                        fprintf(stderr, "server port unreachable\n");
                        return 1;
                    }
                    die("recv");
                }
                uint64_t seq = 0;
                memcpy(&seq, in, r < 8 ? (size_t)r : 8);
                if (seq != f->seq) continue; /* a late reply to a request counted lost */
                fill(out, size, seq);
                if ((size_t)r != size || memcmp(in, out, size) != 0) {
                    fprintf(stderr, "reply %llu differs from its request (%zd of %zu bytes)\n",
                            (unsigned long long)seq, r, size);
                    return 1;
                }
                uint64_t t = now_ns();
                record(t - f->started);
                requests++;
                send_request(f, out, size, next_seq++);
            }
        }
        now = now_ns(); /* the sends above started after the now of the wait */
        if (now - last_loss_check > LOSS_NS / 4) {
            last_loss_check = now;
            for (int i = 0; i < flows; i++) {
                if (now > fs[i].started && now - fs[i].started > LOSS_NS) {
                    lost++;
                    send_request(&fs[i], out, size, next_seq++);
                }
            }
        }
    }
    uint64_t done = now_ns();
    double wall = (double)(done - measure_from) / 1e9;
    double cpu = (cpu_seconds() - cpu_from) / wall;
    printf("req_per_s=%.0f p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f requests=%llu flows=%d size=%zu lost=%llu cpu=%.2f mode=epoll\n",
           (double)requests / wall, percentile_us(0.50), percentile_us(0.99), percentile_us(0.999),
           (double)hist_max / 1000.0, (unsigned long long)requests, flows, size, (unsigned long long)lost, cpu);
    if (lost * 100 > requests + lost) {
        fprintf(stderr, "lost %llu of %llu requests (more than 1 %%)\n", (unsigned long long)lost,
                (unsigned long long)(requests + lost));
        return 1;
    }
    return 0;
}
