/*
 * A minimal UDP echo server in C on io_uring: the "bound" rows of benchmarks/run-udp.sh, what a server
 * with nothing around the ring reaches under the same load generator on the same machine, sleeping
 * like reactive-uring's default loops or (with --busy-poll-us N) polling the ring N microseconds
 * before it sleeps, like its opt-in busy poll. Information for reading the comparison, not a target.
 *
 * One thread, one ring (single issuer, deferred task work), one multishot RECVMSG into a provided
 * buffer ring (each buffer: io_uring_recvmsg_out, the sender's address, the payload), each datagram
 * sent back with SENDMSG from the buffer it arrived in; the buffer returns to the ring when its send
 * completes. One io_uring_enter per batch submits the sends queued since the last one and waits.
 *
 * Prints "listening PORT c-io_uring[-busy-poll-Nus]" once bound, then serves until killed.
 *
 * Usage: udp_echo [--port N] [--busy-poll-us N]   (loopback, port 0 = the kernel picks one)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "echo.h"

#define NBUFS 1024
#define BUFSZ 2048
#define NAMELEN 32
#define RECV_TAG (1ull << 63)

static struct bench_ring r;
static struct msghdr recv_msg = {.msg_namelen = NAMELEN};
static struct msghdr send_msg[NBUFS];
static struct iovec send_iov[NBUFS];

static void queue_recv(int fd) {
    struct io_uring_sqe *sqe = ring_sqe(&r);
    io_uring_prep_recvmsg_multishot(sqe, fd, &recv_msg, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = BGID;
    io_uring_sqe_set_data64(sqe, RECV_TAG);
}

int main(int argc, char **argv) {
    int port = 0;
    long busy_us = 0;
    if (echo_args(argc, argv, "udp_echo", &port, &busy_us) != 0) return 2;
    uint64_t busy_ns = busy_us > 0 ? (uint64_t)busy_us * 1000 : 0;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) die("socket");
    port = echo_bind_loopback(fd, port);

    ring_init(&r, 1024, 4096, NBUFS, BUFSZ);

    queue_recv(fd);
    echo_announce(port, busy_us);

    for (;;) {
        ring_serve_wait(&r, busy_ns);
        struct io_uring_cqe *cqe;
        unsigned head, seen = 0;
        io_uring_for_each_cqe(&r.ring, head, cqe) {
            seen++;
            if (cqe->user_data != RECV_TAG) {
                ring_recycle(&r, (unsigned short)cqe->user_data); /* a send ended, failed or not: its buffer is free */
                continue;
            }
            if (!(cqe->flags & IORING_CQE_F_MORE)) queue_recv(fd);
            if (cqe->res < 0) continue; /* ENOBUFS: re-armed above once buffers come back */
            unsigned short bid = (unsigned short)(cqe->flags >> IORING_CQE_BUFFER_SHIFT);
            unsigned char *b = ring_buffer(&r, bid);
            struct io_uring_recvmsg_out *o = io_uring_recvmsg_validate(b, cqe->res, &recv_msg);
            if (!o || o->namelen > NAMELEN) {
                ring_recycle(&r, bid);
                continue;
            }
            send_iov[bid].iov_base = io_uring_recvmsg_payload(o, &recv_msg);
            send_iov[bid].iov_len = io_uring_recvmsg_payload_length(o, cqe->res, &recv_msg);
            send_msg[bid].msg_name = io_uring_recvmsg_name(o);
            send_msg[bid].msg_namelen = o->namelen;
            send_msg[bid].msg_iov = &send_iov[bid];
            send_msg[bid].msg_iovlen = 1;
            struct io_uring_sqe *sqe = ring_sqe(&r);
            io_uring_prep_sendmsg(sqe, fd, &send_msg[bid], 0);
            io_uring_sqe_set_data64(sqe, bid);
        }
        ring_recycled(&r);
        io_uring_cq_advance(&r.ring, seen);
    }
}
