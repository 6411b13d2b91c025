/*
 * Closed-loop TCP ping-pong load generator for the issue 6 comparison (benchmarks/run-tcp.sh).
 *
 * Opens CONNS connections to HOST:PORT (TCP_NODELAY on); each sends SIZE bytes and waits for the
 * whole echo before sending again. One thread. After WARMUP seconds the counters are reset and it
 * measures for SECONDS seconds, then prints one line:
 *
 *   req_per_s=N p50_us=X p99_us=X p999_us=X max_us=X requests=N conns=N size=N cpu=F mode=M
 *
 * Two I/O modes drive the same closed loop:
 *   --mode epoll   non-blocking sockets, epoll_wait, then one read and one write system call per
 *                  request (the default of the binary);
 *   --mode uring   one io_uring (single issuer, deferred task work): a multishot recv per connection
 *                  into a provided buffer ring, sends as SQEs, and one io_uring_enter per batch that
 *                  submits every send queued since the last one and waits for the next completions.
 *                  At 16 and 256 connections it needs far less CPU per request than epoll, so that the
 *                  server, not the generator, is what limits the rate on a 2-CPU machine.
 *
 * cpu is this process's CPU time over the measured wall time: near 1.00 means the generator, not
 * the server, may be what limits the rate.
 *
 * Latency is taken per request (send start to last echoed byte) with CLOCK_MONOTONIC and kept in
 * a log-linear histogram (HDR style): 32 sub-buckets per power of two of nanoseconds, so a
 * reported percentile is at most about 3 % above the true value. Every echoed byte is checked
 * against what was sent, so a server that corrupts or reorders data fails the run (exit 1).
 *
 * Usage: tcp_pingpong [--mode epoll|uring] HOST PORT CONNS SIZE SECONDS [WARMUP]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pingpong.h"

struct conn {
    int fd;
    size_t sent;      /* bytes of the current request written */
    size_t received;  /* bytes of its echo read */
    uint64_t started; /* ns, when the request began */
};

/* what both modes share: the connections, the payload, the clock of the measured window */
struct run {
    struct conn *cs;
    int conns;
    size_t size;
    const unsigned char *out; /* the request every connection sends; its echo must match it */
    uint64_t measure_from;    /* ns; moved to when the warm-up really ended */
    uint64_t end;             /* ns */
    int measuring;
    uint64_t requests;
    double cpu_from;
};

/* Called after each wait: once the warm-up time is over, forgets its requests and latencies. */
static void maybe_end_warmup(struct run *run, uint64_t now) {
    if (run->measuring || now < run->measure_from) return;
    hist_reset();
    run->requests = 0;
    run->measuring = 1;
    run->measure_from = now;
    run->cpu_from = cpu_seconds();
}

/* Checks R echoed bytes at IN against the request; returns 1 when this completed the echo (and
 * counts it), 0 while more is due; exits on a mismatch or on more bytes than were sent. */
static int take_echo(struct run *run, struct conn *c, const unsigned char *in, size_t r) {
    if (r > run->size - c->received) {
        fprintf(stderr, "echo longer than the request (%zu bytes after %zu of %zu)\n", r, c->received, run->size);
        exit(1);
    }
    if (memcmp(in, run->out + c->received, r) != 0) {
        fprintf(stderr, "echo mismatch at byte %zu\n", c->received);
        exit(1);
    }
    c->received += r;
    if (c->received < run->size) return 0;
    uint64_t done = now_ns();
    if (run->measuring) {
        record(done - c->started);
        run->requests++;
    }
    c->received = 0;
    c->started = done;
    return 1;
}

/* ---------------------------------------------------------------- epoll mode */

static uint64_t run_epoll(struct run *run) {
    const size_t size = run->size;
    const unsigned char *out = run->out;
    unsigned char *in = malloc(size);
    if (!in) die("malloc");
    int ep = epoll_create1(0);
    if (ep < 0) die("epoll_create1");
    for (int i = 0; i < run->conns; i++) {
        int fd = run->cs[i].fd;
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
    }

    /* every connection starts its first request; a short write is finished on EPOLLOUT */
    for (int i = 0; i < run->conns; i++) {
        struct conn *c = &run->cs[i];
        c->started = now_ns();
        ssize_t n = write(c->fd, out, size);
        if (n < 0 && errno != EAGAIN) die("write");
        c->sent = n > 0 ? (size_t)n : 0;
        if (c->sent < size) {
            struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u32 = (uint32_t)i};
            epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
        }
    }

    struct epoll_event evs[512];
    uint64_t now = now_ns();
    while (now < run->end) {
        int n = epoll_wait(ep, evs, 512, 100);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        now = now_ns();
        maybe_end_warmup(run, now);
        for (int e = 0; e < n; e++) {
            struct conn *c = &run->cs[evs[e].data.u32];
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
                    exit(1);
                }
                if (!take_echo(run, c, in, (size_t)r)) continue;
                /* the echo is complete: send the next request */
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
    close(ep);
    free(in);
    return now;
}

/* ---------------------------------------------------------------- io_uring mode */

/* user_data: connection index << 1 | kind */
#define KIND_RECV 0u
#define KIND_SEND 1u

/* queues the rest of connection i's request (from byte c->sent) */
static void queue_send(struct bench_ring *u, struct run *run, int i) {
    struct conn *c = &run->cs[i];
    struct io_uring_sqe *sqe = ring_sqe(u);
    io_uring_prep_send(sqe, c->fd, run->out + c->sent, run->size - c->sent, MSG_NOSIGNAL);
    io_uring_sqe_set_data64(sqe, (uint64_t)i << 1 | KIND_SEND);
}

static uint64_t run_uring(struct run *run) {
    struct bench_ring u;
    unsigned conns = (unsigned)run->conns;
    /* the provided buffers: a 4 KiB message may arrive in pieces, each taking one buffer until its
       CQE is handled, so several per connection */
    unsigned nbufs = pow2_at_least(conns * 4 < 64 ? 64 : conns * 4);
    gen_ring_init(&u, conns, nbufs > 32768 ? 32768 : nbufs,
                  run->size < 4096 ? 4096 : (run->size > 65536 ? 65536 : (unsigned)run->size));

    for (unsigned i = 0; i < conns; i++) {
        ring_queue_recv(&u, run->cs[i].fd, (uint64_t)i << 1 | KIND_RECV);
        run->cs[i].started = now_ns();
        run->cs[i].sent = 0;
        queue_send(&u, run, (int)i);
    }

    uint64_t now = now_ns();
    while (now < run->end) {
        /* the sends queued since the last wait go with it; 100 ms at most, to see the end */
        gen_submit_and_wait(&u, 100 * 1000 * 1000);
        struct io_uring_cqe *cqe;
        now = now_ns();
        maybe_end_warmup(run, now);
        unsigned head, seen = 0;
        io_uring_for_each_cqe(&u.ring, head, cqe) {
            seen++;
            int i = (int)(cqe->user_data >> 1);
            struct conn *c = &run->cs[i];
            if ((cqe->user_data & 1) == KIND_SEND) {
                if (cqe->res < 0) {
                    die_rc("send", cqe->res);
                }
                c->sent += (size_t)cqe->res;
                if (c->sent < run->size) queue_send(&u, run, i);
                continue;
            }
            if (cqe->res > 0) {
                unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
                unsigned char *buf = ring_buffer(&u, bid);
                int complete = take_echo(run, c, buf, (size_t)cqe->res);
                ring_recycle(&u, bid);
                if (complete) {
                    c->sent = 0;
                    queue_send(&u, run, i);
                }
            } else if (cqe->res == 0) {
                fprintf(stderr, "server closed a connection\n");
                exit(1);
            } else if (cqe->res != -ENOBUFS) {
                die_rc("recv", cqe->res);
            }
            /* a multishot recv ends on ENOBUFS (all buffers were out) or when the kernel chooses */
            if (!(cqe->flags & IORING_CQE_F_MORE)) ring_queue_recv(&u, c->fd, (uint64_t)i << 1 | KIND_RECV);
        }
        ring_recycled(&u);
        io_uring_cq_advance(&u.ring, seen);
        now = now_ns();
    }
    io_uring_queue_exit(&u.ring);
    return now;
}

int main(int argc, char **argv) {
    int uring = gen_mode(&argc, &argv);
    if (uring < 0) return 2;
    if (argc < 6) {
        fprintf(stderr, "usage: tcp_pingpong [--mode epoll|uring] HOST PORT CONNS SIZE SECONDS [WARMUP]\n");
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

    struct addrinfo *ai = gen_resolve(host, port, SOCK_STREAM);
    if (!ai) return 1;

    /* the payload varies by byte so that a misordered echo is caught */
    unsigned char *out = malloc(size);
    if (!out) die("malloc");
    for (size_t i = 0; i < size; i++) out[i] = (unsigned char)(i * 31 + 7);

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
        cs[i].fd = fd;
    }
    freeaddrinfo(ai);

    uint64_t t0 = now_ns();
    struct run run = {
        .cs = cs, .conns = conns, .size = size, .out = out,
        .measure_from = t0 + (uint64_t)(warmup * 1e9),
        .measuring = warmup == 0,
        .cpu_from = cpu_seconds(),
    };
    run.end = run.measure_from + (uint64_t)(seconds * 1e9);
    uint64_t now = uring ? run_uring(&run) : run_epoll(&run);

    double elapsed = (double)(now - run.measure_from) / 1e9;
    double cpu = (cpu_seconds() - run.cpu_from) / elapsed;
    gen_print_rates(run.requests, elapsed);
    printf(" conns=%d size=%zu cpu=%.2f mode=%s\n", conns, size, cpu, uring ? "uring" : "epoll");
    for (int i = 0; i < conns; i++) close(cs[i].fd);
    return 0;
}
