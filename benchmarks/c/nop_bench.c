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
 * Usage: nop_bench BATCH [SECONDS [--paired-restricted]]     Build: see Makefile (gcc -O2 ... -luring)
 *
 * With --paired-restricted it is the C bound of run-policy.sh's paired rows: two rings like
 * PairedPolicyBenchmark's (64 entries, ring fd not registered), the second restricted by the kernel
 * (IORING_SETUP_R_DISABLED, IORING_REGISTER_RESTRICTIONS allowing the benchmark policy's SQE ops:
 * NOP, READ, OPENAT, CLOSE, SOCKET, ASYNC_CANCEL; then enabled), one batch on each in alternating
 * order, each batch timed into its side; it prints
 *
 *   nop_bench batch=<BATCH> paired none_ns=<ns> restricted_ns=<ns> ratio=<none/restricted>
 *
 * (ratio = restricted throughput / unrestricted throughput, what the kernel's check costs).
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

/* One batch of NOPs, submitted and reaped in one io_uring_submit_and_wait; exits on a failed NOP. */
static unsigned batch_once(struct io_uring *ring, unsigned batch)
{
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
	return seen;
}

/* Runs round trips of `batch` NOPs for about `seconds`; returns the NOPs completed. */
static long long run(struct io_uring *ring, unsigned batch, double seconds, double *elapsed)
{
	long long nops = 0;
	double start = now_sec(), t = start;

	while (t - start < seconds) {
		/* check the clock every 1024 rounds, so that clock_gettime stays out of the cost */
		for (int round = 0; round < 1024; round++)
			nops += batch_once(ring, batch);
		t = now_sec();
	}
	*elapsed = t - start;
	return nops;
}

static long long nanos(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The paired run: alternating batches on an unrestricted and a restricted ring, each timed. */
static int paired(unsigned batch, double seconds)
{
	static const unsigned char ops[] = { IORING_OP_NOP, IORING_OP_READ, IORING_OP_OPENAT, IORING_OP_CLOSE,
					     IORING_OP_SOCKET, IORING_OP_ASYNC_CANCEL };
	struct io_uring_restriction res[sizeof(ops)];
	struct io_uring none, restricted;

	int ret = io_uring_queue_init(64, &none, 0);
	if (ret == 0)
		ret = io_uring_queue_init(64, &restricted, IORING_SETUP_R_DISABLED);
	if (ret < 0) {
		fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-ret));
		return 1;
	}
	memset(res, 0, sizeof(res));
	for (unsigned i = 0; i < sizeof(ops); i++) {
		res[i].opcode = IORING_RESTRICTION_SQE_OP;
		res[i].sqe_op = ops[i];
	}
	/* the raw register calls: Debian's liburing 2.3 does not export its wrappers for these two */
	ret = io_uring_register(restricted.ring_fd, IORING_REGISTER_RESTRICTIONS, res, sizeof(ops));
	if (ret == 0)
		ret = io_uring_register(restricted.ring_fd, IORING_REGISTER_ENABLE_RINGS, NULL, 0);
	if (ret < 0) {
		fprintf(stderr, "restricting the ring: %s\n", strerror(-ret));
		return 1;
	}
	long long t_none = 0, t_restricted = 0;
	int restricted_first = 0;
	for (int pass = 0; pass < 2; pass++) {
		/* pass 0 is the warm-up second; its times are dropped */
		double limit = pass == 0 ? 1.0 : seconds, start = now_sec();
		t_none = t_restricted = 0;
		while (now_sec() - start < limit) {
			for (int round = 0; round < 1024; round++) {
				struct io_uring *first = restricted_first ? &restricted : &none;
				struct io_uring *second = restricted_first ? &none : &restricted;
				long long t0 = nanos();
				batch_once(first, batch);
				long long t1 = nanos();
				batch_once(second, batch);
				long long t2 = nanos();
				t_restricted += restricted_first ? t1 - t0 : t2 - t1;
				t_none += restricted_first ? t2 - t1 : t1 - t0;
				restricted_first = !restricted_first;
			}
		}
	}
	printf("nop_bench batch=%u paired none_ns=%lld restricted_ns=%lld ratio=%.4f\n", batch, t_none, t_restricted,
	       (double) t_none / t_restricted);
	io_uring_queue_exit(&none);
	io_uring_queue_exit(&restricted);
	return 0;
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
	if (argc > 3 && strcmp(argv[3], "--paired-restricted") == 0)
		return paired(batch, seconds);
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
