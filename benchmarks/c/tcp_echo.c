/*
 * A minimal TCP echo server in C on io_uring: the "bound" row of benchmarks/run-tcp.sh, an estimate of
 * what a server with no runtime around the ring at all reaches under the same load generator on the
 * same machine. It is information for reading the comparison, not a target.
 *
 * One thread, one ring (single issuer, deferred task work), a multishot accept, a multishot recv per
 * connection into a provided buffer ring, and the filled buffer sent back as it is; the buffer returns
 * to the ring when its send completes. A connection has at most one send in flight (the others wait
 * in its queue) so that the echo keeps the byte order. One io_uring_enter per batch submits every send
 * and re-arm queued since the last one and waits for the next completions. TCP_NODELAY on accepted
 * sockets, like the Java servers. With --busy-poll-us N it polls the ring (submit and run task work
 * without waiting) for up to N microseconds before it sleeps, as reactive-uring's echo server does
 * with its 50 us window: without it, a quiet moment costs a sleep and a wake-up, which at 1 and 16
 * connections makes the plain C server slower than a polling one.
 *
 * Prints "listening PORT c-io_uring[-busy-poll-Nus]" once it accepts, then serves until killed.
 *
 * Usage: tcp_echo [--port N] [--busy-poll-us N]   (loopback, port 0 = the kernel picks one)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "echo.h"

#define NBUFS 4096
#define BUFSZ 16384
#define MAX_CONNS 4096
/* a connection's queue of received buffers waiting for their send: NBUFS bounds it */
#define QCAP 64

enum { KIND_ACCEPT, KIND_RECV, KIND_SEND };

struct conn {
    int fd;
    uint32_t gen;         /* tells its CQEs from those of an earlier connection on the same fd */
    int sending;          /* a send is in flight */
    unsigned sent;        /* bytes of the head buffer already sent */
    unsigned qhead, qlen; /* queue of (bid, len) */
    unsigned short qbid[QCAP];
    unsigned qbytes[QCAP];
};

static struct bench_ring r;
static struct conn *conns[MAX_CONNS]; /* by fd */
static uint32_t gens[MAX_CONNS];      /* the generation the next connection on an fd gets */

/* user_data: generation << 32 | fd << 2 | kind */
static uint64_t data_of(int kind, int fd, uint32_t gen) { return (uint64_t)gen << 32 | (uint64_t)fd << 2 | (uint64_t)kind; }

static void queue_accept(int lfd) {
    struct io_uring_sqe *sqe = ring_sqe(&r);
    io_uring_prep_multishot_accept(sqe, lfd, NULL, NULL, 0);
    io_uring_sqe_set_data64(sqe, data_of(KIND_ACCEPT, lfd, 0));
}

static void queue_recv(struct conn *c) {
    ring_queue_recv(&r, c->fd, data_of(KIND_RECV, c->fd, c->gen));
}

/* sends the rest of the head of c's queue */
static void queue_send(struct conn *c) {
    unsigned short bid = c->qbid[c->qhead];
    struct io_uring_sqe *sqe = ring_sqe(&r);
    io_uring_prep_send(sqe, c->fd, ring_buffer(&r, bid) + c->sent, c->qbytes[c->qhead] - c->sent, MSG_NOSIGNAL);
    io_uring_sqe_set_data64(sqe, data_of(KIND_SEND, c->fd, c->gen));
    c->sending = 1;
}

static void drop(struct conn *c) {
    for (unsigned k = 0; k < c->qlen; k++) ring_recycle(&r, c->qbid[(c->qhead + k) % QCAP]);
    conns[c->fd] = NULL;
    close(c->fd); /* cancels its multishot recv; a send in flight completes with an error we ignore */
    free(c);
}

int main(int argc, char **argv) {
    int port = 0;
    long busy_us = 0;
    if (echo_args(argc, argv, "tcp_echo", &port, &busy_us) != 0) return 2;
    uint64_t busy_ns = busy_us > 0 ? (uint64_t)busy_us * 1000 : 0;
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (lfd < 0) die("socket");
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    port = echo_bind_loopback(lfd, port);
    if (listen(lfd, 1024) < 0) die("listen");

    ring_init(&r, 4096, 16384, NBUFS, BUFSZ);

    queue_accept(lfd);
    echo_announce(port, busy_us);

    for (;;) {
        ring_serve_wait(&r, busy_ns);
        struct io_uring_cqe *cqe;
        unsigned head, seen = 0;
        io_uring_for_each_cqe(&r.ring, head, cqe) {
            seen++;
            int kind = (int)(cqe->user_data & 3);
            int fd = (int)((cqe->user_data >> 2) & 0x3fffffff);
            uint32_t gen = (uint32_t)(cqe->user_data >> 32);
            if (kind == KIND_ACCEPT) {
                if (cqe->res >= 0) {
                    int cfd = cqe->res;
                    if (cfd >= MAX_CONNS) {
                        close(cfd);
                    } else {
                        setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                        struct conn *c = calloc(1, sizeof *c);
                        if (!c) die("calloc");
                        c->fd = cfd;
                        c->gen = gens[cfd]++;
                        conns[cfd] = c;
                        queue_recv(c);
                    }
                }
                if (!(cqe->flags & IORING_CQE_F_MORE)) queue_accept(lfd);
                continue;
            }
            struct conn *c = conns[fd];
            if (c && c->gen != gen) c = NULL; /* a CQE of a connection already dropped */
            if (kind == KIND_SEND) {
                if (!c) continue;
                c->sending = 0;
                if (cqe->res < 0) {
                    drop(c);
                    continue;
                }
                c->sent += (unsigned)cqe->res;
                if (c->sent == c->qbytes[c->qhead]) {
                    ring_recycle(&r, c->qbid[c->qhead]);
                    c->qhead = (c->qhead + 1) % QCAP;
                    c->qlen--;
                    c->sent = 0;
                }
                if (c->qlen > 0) queue_send(c);
                continue;
            }
            /* KIND_RECV */
            if (cqe->res > 0) {
                unsigned short bid = (unsigned short)(cqe->flags >> IORING_CQE_BUFFER_SHIFT);
                if (!c || c->qlen == QCAP) {
                    ring_recycle(&r, bid);
                    if (c) drop(c);
                    continue;
                }
                unsigned tail = (c->qhead + c->qlen) % QCAP;
                c->qbid[tail] = bid;
                c->qbytes[tail] = (unsigned)cqe->res;
                c->qlen++;
                if (!c->sending) queue_send(c);
                if (!(cqe->flags & IORING_CQE_F_MORE)) queue_recv(c);
            } else if (cqe->res == -ENOBUFS && c) {
                queue_recv(c);
            } else if (c) {
                drop(c); /* end of stream or an error: the client went away */
            }
        }
        ring_recycled(&r);
        io_uring_cq_advance(&r.ring, seen);
    }
}
