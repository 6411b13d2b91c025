/*
 * The least an HTTP file server can spend per response: the bound row of run-webflux.sh. THREADS threads
 * (default: one per online CPU, as nginx's worker_processes auto), each with its own SO_REUSEPORT
 * listening socket and epoll, keep-alive; each file under ROOT opened once per thread and kept open; a
 * GET /files/NAME answered with
 * a fixed header (send with MSG_MORE) and the whole file by sendfile(2), continued on EPOLLOUT when
 * the socket is full. No parsing beyond the request line, no other headers, no logging: what is left
 * is the kernel's work for the body, which every server that sends files by sendfile pays too.
 *
 * Prints "listening PORT c-sendfile" once it accepts connections.
 *
 * Usage: http_sendfile --root DIR [--port N] [--threads N]     Build: see Makefile
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "echo.h"

#define MAX_CONNS 4096
#define MAX_FILES 64

struct file { char name[64]; int fd; off_t size; };
/* one connection: the request bytes read so far, the body being sent, whether it waits for EPOLLOUT */
struct conn { char in[4096]; size_t have; int file; off_t off; int sending, waits_out; };

static __thread struct file files[MAX_FILES];
static __thread int nfiles;
static const char *root;

/* the kept-open regular file named NAME (no '/': only ROOT's own), opened on first use; -1 when none */
static int file_of(const char *name, size_t len) {
    if (len == 0 || len >= sizeof files[0].name || memchr(name, '/', len))
        return -1;
    for (int i = 0; i < nfiles; i++)
        if (strlen(files[i].name) == len && !memcmp(files[i].name, name, len)) return i;
    if (nfiles == MAX_FILES) return -1;
    char path[4096];
    snprintf(path, sizeof path, "%s/%.*s", root, (int)len, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0) close(fd);
        return -1;
    }
    memcpy(files[nfiles].name, name, len);
    files[nfiles].name[len] = 0;
    files[nfiles].fd = fd;
    files[nfiles].size = st.st_size;
    return nfiles++;
}

/* sends what is left of C's body; 0 when done, 1 when the socket is full, -1 on an error */
static int send_body(int s, struct conn *c) {
    while (c->off < files[c->file].size) {
        ssize_t n = sendfile(s, files[c->file].fd, &c->off, (size_t)(files[c->file].size - c->off));
        if (n < 0) return errno == EAGAIN ? 1 : -1;
        if (n == 0) return -1;
    }
    c->sending = 0;
    return 0;
}

/* answers the request at the start of C's input, if whole: 0 when answered or incomplete, 1 when the
 * body waits for the socket, -1: close */
static int answer(int s, struct conn *c) {
    char *end = memmem(c->in, c->have, "\r\n\r\n", 4);
    if (!end) return c->have == sizeof c->in ? -1 : 0;
    size_t used = (size_t)(end + 4 - c->in);
    const char *sp;
    char head[256];
    int n, f = -1;
    if (c->have > 11 && !memcmp(c->in, "GET /files/", 11) && (sp = memchr(c->in + 11, ' ', used - 11)))
        f = file_of(c->in + 11, (size_t)(sp - (c->in + 11)));
    memmove(c->in, c->in + used, c->have - used);
    c->have -= used;
    if (f < 0) {
        static const char nf[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
        return send(s, nf, sizeof nf - 1, MSG_NOSIGNAL) == (ssize_t)(sizeof nf - 1) ? 0 : -1;
    }
    n = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                 "Content-Length: %lld\r\n\r\n", (long long)files[f].size);
    if (send(s, head, (size_t)n, MSG_NOSIGNAL | MSG_MORE) != n) return -1;
    c->file = f;
    c->off = 0;
    c->sending = 1;
    return send_body(s, c);
}

/* a listening socket on 127.0.0.1:PORT (0: a free one) that other threads' sockets may share */
static int listener(int *port) {
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
    if (ls < 0) die("socket");
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(ls, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    *port = echo_bind_loopback(ls, *port);
    if (listen(ls, 1024) < 0) die("listen");
    return ls;
}

/* one thread's event loop over its listening socket LS (an int smuggled through the pointer) */
static void *serve(void *arg) {
    int ls = (int)(intptr_t)arg, one = 1;
    struct conn **conns = calloc(MAX_CONNS, sizeof *conns);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = ls}, evs[64];
    if (!conns || ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev) < 0) die("epoll");
    for (;;) {
        int n = epoll_wait(ep, evs, 64, -1);
        if (n < 0 && errno != EINTR) die("epoll_wait");
        for (int i = 0; i < n; i++) {
            int s = evs[i].data.fd, r = 0;
            if (s == ls) {
                int cs;
                while ((cs = accept4(ls, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                    if (cs >= MAX_CONNS || !(conns[cs] = calloc(1, sizeof(struct conn)))) {
                        close(cs);
                        continue;
                    }
                    setsockopt(cs, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    ev.events = EPOLLIN;
                    ev.data.fd = cs;
                    if (epoll_ctl(ep, EPOLL_CTL_ADD, cs, &ev) < 0) die("epoll_ctl");
                }
                continue;
            }
            struct conn *c = conns[s];
            if (c->sending) {
                r = send_body(s, c);
            } else {
                ssize_t got = recv(s, c->in + c->have, sizeof c->in - c->have, 0);
                if (got <= 0) r = got < 0 && errno == EAGAIN ? 0 : -1;
                else c->have += (size_t)got;
            }
            /* answers every whole request read so far, one body at a time */
            size_t before = 0;
            while (r == 0 && !c->sending && c->have > 0 && c->have != before) {
                before = c->have;
                r = answer(s, c);
            }
            if (r < 0) {
                close(s);
                free(c);
                conns[s] = NULL;
                continue;
            }
            if (c->waits_out != (r == 1)) {
                c->waits_out = r == 1;
                ev.events = c->waits_out ? EPOLLOUT : EPOLLIN;
                ev.data.fd = s;
                if (epoll_ctl(ep, EPOLL_CTL_MOD, s, &ev) < 0) die("epoll_ctl");
            }
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    int port = 0;
    long threads = sysconf(_SC_NPROCESSORS_ONLN);
    for (int a = 1; a + 1 < argc; a += 2) {
        if (!strcmp(argv[a], "--port")) port = atoi(argv[a + 1]);
        else if (!strcmp(argv[a], "--root")) root = argv[a + 1];
        else if (!strcmp(argv[a], "--threads")) threads = atol(argv[a + 1]);
        else root = NULL;
    }
    if (!root || argc % 2 == 0 || threads < 1 || threads > 256) {
        fprintf(stderr, "usage: %s --root DIR [--port N] [--threads 1-256]\n", argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN); /* sendfile has no MSG_NOSIGNAL: a client gone mid-body is an EPIPE, not a kill */
    int first = listener(&port);
    for (long t = 1; t < threads; t++) {
        pthread_t tid;
        if (pthread_create(&tid, NULL, serve, (void *)(intptr_t)listener(&port))) die("pthread_create");
    }
    printf("listening %d c-sendfile\n", port);
    fflush(stdout);
    serve((void *)(intptr_t)first);
    return 0;
}
