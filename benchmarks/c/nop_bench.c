/*
 * C baseline for RingNopBenchmark: NOP round trips through liburing.
 *
 * Each round prepares BATCH NOPs, submits them and waits for BATCH completions in one
 * io_uring_submit_and_wait, then reaps them. The ring matches the Java side: 64 entries, no setup
 * flags, the ring fd registered (io_uring_register_ring_fd, like RingOptions.registerRingFd: in a
 * multi-threaded process such as the JVM an unregistered ring fd costs a file reference count per
 * io_uring_enter). After a warm-up second it measures for SECONDS seconds and prints one parseable line:
 *
 *   nop_bench batch=<BATCH> ops_per_sec=<NOPs per second>
 *
 * Usage: nop_bench BATCH [SECONDS]     Build: see Makefile (gcc -O2 ... -luring)
 */
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs round trips of `batch` NOPs for about `seconds`; returns the NOPs completed. */
static long long run(struct io_uring *ring, unsigned batch, double seconds, double *elapsed)
{
	long long nops = 0;
	double start = now_sec(), t = start;

	while (t - start < seconds) {
		/* check the clock every 1024 rounds, so that clock_gettime stays out of the cost */
		for (int round = 0; round < 1024; round++) {
			struct io_uring_cqe *cqe;
			unsigned head, seen = 0;

			for (unsigned i = 0; i < batch; i++) {
				struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

				io_uring_prep_nop(sqe);
				sqe->user_data = i;
			}
			int ret = io_uring_submit_and_wait(ring, batch);
			if (ret < 0) {
				fprintf(stderr, "io_uring_submit_and_wait: %s\n", strerror(-ret));
				exit(1);
			}
			io_uring_for_each_cqe(ring, head, cqe) {
				if (cqe->res < 0) {
					fprintf(stderr, "NOP failed: %s\n", strerror(-cqe->res));
					exit(1);
				}
				seen++;
			}
			io_uring_cq_advance(ring, seen);
			nops += seen;
		}
		t = now_sec();
	}
	*elapsed = t - start;
	return nops;
}

int main(int argc, char **argv)
{
	struct io_uring ring;
	double elapsed;

	if (argc < 2) {
		fprintf(stderr, "usage: %s BATCH [SECONDS]\n", argv[0]);
		return 2;
	}
	unsigned batch = (unsigned) atoi(argv[1]);
	double seconds = argc > 2 ? atof(argv[2]) : 3.0;
	if (batch < 1 || batch > 64 || seconds <= 0) {
		fprintf(stderr, "BATCH must be 1..64 and SECONDS positive\n");
		return 2;
	}
	int ret = io_uring_queue_init(64, &ring, 0);
	if (ret < 0) {
		fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-ret));
		return 1;
	}
	ret = io_uring_register_ring_fd(&ring);
	if (ret != 1) {
		fprintf(stderr, "io_uring_register_ring_fd: %s\n", strerror(-ret));
		return 1;
	}
	run(&ring, batch, 1.0, &elapsed); /* warm-up */
	long long nops = run(&ring, batch, seconds, &elapsed);
	printf("nop_bench batch=%u ops_per_sec=%.0f\n", batch, nops / elapsed);
	io_uring_queue_exit(&ring);
	return 0;
}
