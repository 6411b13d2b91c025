/*
 * What the two C echo servers (tcp_echo.c, udp_echo.c) share besides ring.h: their arguments, the
 * socket bound to loopback, and the "listening PORT TRANSPORT" line the run scripts wait for.
 */
#ifndef ECHO_H
#define ECHO_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "ring.h"

/* [--port N] [--busy-poll-us N] into PORT and BUSY_US; 0, or 2 after NAME's usage line */
static inline int echo_args(int argc, char **argv, const char *name, int *port, long *busy_us) {
    for (int a = 1; a < argc; a += 2) {
        if (a + 1 < argc && strcmp(argv[a], "--port") == 0) *port = atoi(argv[a + 1]);
        else if (a + 1 < argc && strcmp(argv[a], "--busy-poll-us") == 0) *busy_us = atol(argv[a + 1]);
        else {
            fprintf(stderr, "usage: %s [--port N] [--busy-poll-us N]\n", name);
            return 2;
        }
    }
    return 0;
}

/* binds FD to 127.0.0.1:PORT (0: a free port) and gives the port it got */
static inline int echo_bind_loopback(int fd, int port) {
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
    socklen_t alen = sizeof addr;
    if (getsockname(fd, (struct sockaddr *)&addr, &alen) < 0) die("getsockname");
    return ntohs(addr.sin_port);
}

/* the line run-tcp.sh and run-udp.sh wait for, naming the busy poll window when there is one */
static inline void echo_announce(int port, long busy_us) {
    if (busy_us > 0) printf("listening %d c-io_uring-busy-poll-%ldus\n", port, busy_us);
    else printf("listening %d c-io_uring\n", port);
    fflush(stdout);
}

#endif
