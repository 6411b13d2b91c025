/*
 * Closed-loop UDP request/response load generator for the issue 21 comparison (benchmarks/run-udp.sh).
 *
 * Opens FLOWS UDP sockets, each connected to HOST:PORT; each flow sends one SIZE-byte datagram
 * and waits for the reply before sending the next. One thread. After WARMUP seconds the counters are
 * reset and it measures for SECONDS seconds, then prints one line:
 *
 *   req_per_s=N p50_us=X p99_us=X p999_us=X max_us=X requests=N flows=N size=N lost=N cpu=F mode=M
 *
 * Two I/O modes drive the same closed loop:
 *   --mode epoll   non-blocking sockets, epoll_wait, then one send and one recv system call per
 *                  request (the default);
 *   --mode uring   one io_uring (single issuer, deferred task work): a multishot recv per flow into a
 *                  provided buffer ring, sends as SQEs that post no CQE on success, and one
 *                  io_uring_enter per batch that submits every send queued since the last one and
 *                  waits for the next replies. It needs less CPU per request at 16 flows, so that the
 *                  server, not the generator, is what limits the rate on a 2-CPU machine.
 *
 * Each request carries a sequence number in its first 8 bytes (then a pattern derived from it);
 * the reply must be the same datagram, whole, or the run fails (exit 1). UDP may drop a datagram:
 * a flow whose reply has not come within 200 ms counts one loss and sends a new request (a reply
 * that comes later is recognised by its old sequence number and ignored). A run that lost more than
 * 1 % of its requests fails, since its rate would measure the timeout, not the server.
 *
 * cpu is this process's CPU time over the measured wall time: near 1.00 means the generator, not
 * the server, may be what limits the rate. Latency (send to reply) is kept in the same log-linear
 * histogram as tcp_pingpong.c (pingpong.h): 32 sub-buckets per power of two, within about 3 %.
 *
 * Usage: udp_pingpong [--mode epoll|uring] HOST PORT FLOWS SIZE SECONDS [WARMUP]
 */
#define _GNU_SOURCE
#include <netdb.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pingpong.h"

#define LOSS_NS 200000000ull

struct flow {
    int fd;
    uint64_t seq;        /* the sequence number of the request in flight */
    uint64_t started;    /* ns, when it was sent */
    unsigned char *out;  /* the request in flight (the uring mode sends from it after returning) */
};

/* what both modes share: the flows, the counters and the measuring window */
struct run {
    struct flow *fs;
    int flows;
    size_t size;
    unsigned char *expect; /* scratch: the datagram a reply must equal */
    uint64_t next_seq, requests, lost, last_loss_check;
    uint64_t measure_from, end;
    int measuring;
    double cpu_from;
};

static void fill(unsigned char *buf, size_t size, uint64_t seq) {
    memcpy(buf, &seq, size < 8 ? size : 8);
    for (size_t i = 8; i < size; i++) buf[i] = (unsigned char)(seq * 31 + i);
}

/* starts a new request on flow f: its sequence number, its bytes and its start time */
static void begin_request(struct run *run, struct flow *f) {
    f->seq = run->next_seq++;
    fill(f->out, run->size, f->seq);
    f->started = now_ns();
}

static void die_unreachable(void) {
    fprintf(stderr, "server port unreachable\n");
    exit(1);
}

/* resets the counters once the warm-up is over */
static void maybe_end_warmup(struct run *run, uint64_t now) {
    if (run->measuring || now < run->measure_from) return;
    hist_reset();
    run->requests = run->lost = 0;
    run->measuring = 1;
    run->measure_from = now;
    run->cpu_from = cpu_seconds();
}

/* checks a reply of r bytes in buf for flow f; 1 if it answers the request in flight, 0 if it is a
   late reply to a request counted lost; a wrong reply ends the run */
static int take_reply(struct run *run, struct flow *f, const unsigned char *buf, ssize_t r) {
    uint64_t seq = 0;
    memcpy(&seq, buf, r < 8 ? (size_t)r : 8);
    if (seq != f->seq) return 0;
    fill(run->expect, run->size, seq);
    if ((size_t)r != run->size || memcmp(buf, run->expect, run->size) != 0) {
        fprintf(stderr, "reply %llu differs from its request (%zd of %zu bytes)\n", (unsigned long long)seq, r,
                run->size);
        exit(1);
    }
    record(now_ns() - f->started);
    run->requests++;
    return 1;
}

/* the flows whose reply has not come within LOSS_NS, each counted lost once a check */
static int next_lost(struct run *run, uint64_t now, int from) {
    for (int i = from; i < run->flows; i++) {
        struct flow *f = &run->fs[i];
        if (now > f->started && now - f->started > LOSS_NS) return i;
    }
    return -1;
}

/* ---------------------------------------------------------------- epoll mode */

static void send_now(struct run *run, struct flow *f) {
    begin_request(run, f);
    for (;;) {
        ssize_t w = send(f->fd, f->out, run->size, 0);
        if (w == (ssize_t)run->size) return;
        if (w < 0 && (errno == EINTR || errno == EAGAIN || errno == ENOBUFS)) continue;
        if (w < 0 && errno == ECONNREFUSED) die_unreachable();
        die("send");
    }
}

static uint64_t run_epoll(struct run *run) {
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    for (int i = 0; i < run->flows; i++) {
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, run->fs[i].fd, &ev) < 0) die("epoll_ctl");
    }
    unsigned char *in = malloc(run->size + 1);
    if (!in) die("malloc");
    for (int i = 0; i < run->flows; i++) send_now(run, &run->fs[i]);
    struct epoll_event evs[256];
    for (;;) {
        int n = epoll_wait(ep, evs, 256, 10);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        uint64_t now = now_ns();
        maybe_end_warmup(run, now);
        if (now >= run->end) return now;
        for (int e = 0; e < n; e++) {
            struct flow *f = &run->fs[evs[e].data.u32];
            for (;;) {
                ssize_t r = recv(f->fd, in, run->size + 1, 0);
                if (r < 0) {
                    if (errno == EAGAIN || errno == EINTR) break;
                    if (errno == ECONNREFUSED) die_unreachable();
                    die("recv");
                }
                if (take_reply(run, f, in, r)) send_now(run, f);
            }
        }
        now = now_ns(); /* the sends above started after the now of the wait */
        if (now - run->last_loss_check > LOSS_NS / 4) {
            run->last_loss_check = now;
            for (int i = next_lost(run, now, 0); i >= 0; i = next_lost(run, now, i + 1)) {
                run->lost++;
                send_now(run, &run->fs[i]);
            }
        }
    }
}

/* ---------------------------------------------------------------- io_uring mode */

/* a UDP send on loopback completes at once: only a failure posts a CQE (user_data ~0) */
static void queue_send(struct bench_ring *u, struct run *run, int i) {
    struct flow *f = &run->fs[i];
    begin_request(run, f);
    struct io_uring_sqe *sqe = ring_sqe(u);
    io_uring_prep_send(sqe, f->fd, f->out, run->size, 0);
    sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
    io_uring_sqe_set_data64(sqe, ~0ull);
}

static uint64_t run_uring(struct run *run) {
    struct bench_ring u;
    unsigned flows = (unsigned)run->flows;
    /* one byte more than a request, so that a longer reply shows as one */
    unsigned nbufs = pow2_at_least(flows * 4 < 64 ? 64 : flows * 4);
    gen_ring_init(&u, flows, nbufs > 32768 ? 32768 : nbufs, (unsigned)run->size + 1);
    for (unsigned i = 0; i < flows; i++) {
        ring_queue_recv(&u, run->fs[i].fd, i);
        queue_send(&u, run, (int)i);
    }
    uint64_t now = now_ns();
    while (now < run->end) {
        /* the sends queued since the last wait go with it; 10 ms at most, for the loss check */
        gen_submit_and_wait(&u, 10 * 1000 * 1000);
        struct io_uring_cqe *cqe;
        now = now_ns();
        maybe_end_warmup(run, now);
        unsigned head, seen = 0;
        io_uring_for_each_cqe(&u.ring, head, cqe) {
            seen++;
            if (cqe->user_data == ~0ull) {
                if (cqe->res == -ECONNREFUSED) die_unreachable();
                die_rc("send", cqe->res);
            }
            int i = (int)cqe->user_data;
            if (cqe->res >= 0) {
                unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
                unsigned char *buf = ring_buffer(&u, bid);
                int answered = take_reply(run, &run->fs[i], buf, cqe->res);
                ring_recycle(&u, bid);
                if (answered) queue_send(&u, run, i);
            } else if (cqe->res == -ECONNREFUSED) {
                die_unreachable();
            } else if (cqe->res != -ENOBUFS) {
                die_rc("recv", cqe->res);
            }
            /* a multishot recv ends on ENOBUFS (all buffers were out) or when the kernel chooses */
            if (!(cqe->flags & IORING_CQE_F_MORE)) ring_queue_recv(&u, run->fs[i].fd, (uint64_t)i);
        }
        ring_recycled(&u);
        io_uring_cq_advance(&u.ring, seen);
        now = now_ns();
        if (now - run->last_loss_check > LOSS_NS / 4) {
            run->last_loss_check = now;
            for (int i = next_lost(run, now, 0); i >= 0; i = next_lost(run, now, i + 1)) {
                run->lost++;
                queue_send(&u, run, i);
            }
        }
    }
    io_uring_queue_exit(&u.ring);
    return now;
}

int main(int argc, char **argv) {
    int uring = gen_mode(&argc, &argv);
    if (uring < 0) return 2;
    if (argc < 6) {
        fprintf(stderr, "usage: udp_pingpong [--mode epoll|uring] HOST PORT FLOWS SIZE SECONDS [WARMUP]\n");
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
    struct addrinfo *ai = gen_resolve(host, port, SOCK_DGRAM);
    if (!ai) return 1;
    struct flow *fs = calloc((size_t)flows, sizeof *fs);
    unsigned char *expect = malloc(size);
    if (!fs || !expect) die("malloc");
    for (int i = 0; i < flows; i++) {
        int fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) die("socket");
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) die("connect");
        fs[i].fd = fd;
        fs[i].out = malloc(size);
        if (!fs[i].out) die("malloc");
    }
    freeaddrinfo(ai);

    uint64_t start = now_ns();
    struct run run = {
        .fs = fs, .flows = flows, .size = size, .expect = expect, .next_seq = 1,
        .last_loss_check = start,
        .measure_from = start + (uint64_t)(warmup * 1e9),
        .measuring = warmup == 0,
        .cpu_from = cpu_seconds(),
    };
    run.end = run.measure_from + (uint64_t)(seconds * 1e9);
    uint64_t done = uring ? run_uring(&run) : run_epoll(&run);

    double wall = (double)(done - run.measure_from) / 1e9;
    double cpu = (cpu_seconds() - run.cpu_from) / wall;
    gen_print_rates(run.requests, wall);
    printf(" flows=%d size=%zu lost=%llu cpu=%.2f mode=%s\n", flows, size, (unsigned long long)run.lost, cpu,
           uring ? "uring" : "epoll");
    if (run.lost * 100 > run.requests + run.lost) {
        fprintf(stderr, "lost %llu of %llu requests (more than 1 %%)\n", (unsigned long long)run.lost,
                (unsigned long long)(run.requests + run.lost));
        return 1;
    }
    return 0;
}
