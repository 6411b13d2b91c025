/*
 * C bound of RingRandomReadBenchmark: 4 KiB random reads of one file, DEPTH in flight, with the Ring
 * benchmark's loop (ReadPipeline) in liburing: a ring of DEPTH SQ and CQ entries set up with
 * SINGLE_ISSUER|DEFER_TASKRUN|COOP_TASKRUN and its fd registered, each CQE's slot refilled at once with
 * the next random 4 KiB-aligned offset (drawn afresh, as fio's norandommap; the Ring cycles 1 Mi
 * precomputed ones), the refills submitted without GETEVENTS (io_uring_submit), then a sleep for a
 * completion when none is ready (io_uring_wait_cqe), as fio does. MODE picks the file and the READ:
 *   direct      O_DIRECT, plain fd and buffers (RingRandomReadBenchmark.direct)
 *   hot         page-cached, plain fd and buffers (.hot)
 *   registered  page-cached, the fd in fixed-file slot 0 and READ_FIXED into registered buffers
 *               (.hotRegistered; fio's registerfiles=1 fixedbufs=1)
 * What the Ring's loop reaches in C on the same machine: the Ring against it is the cost of Java and the
 * Ring API, and this against fio is what the loop's design gives.
 *
 * After a warm-up second it measures for SECONDS seconds and prints one parseable line:
 *
 *   randread mode=<MODE> depth=<DEPTH> ops_per_sec=<reads per second>
 *
 * Usage: randread FILE [SECONDS [DEPTH [MODE]]]   (MODE defaults to direct)   Build: see Makefile
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BLOCK 4096

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* xorshift64*: a uniform block index below blocks; the Java side draws from SplittableRandom */
static uint64_t next_block(uint64_t *state, uint64_t blocks)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return (x * 0x2545F4914F6CDD1DULL) % blocks;
}

/* fixed: the fd is fixed-file slot 0 and the buffers are registered, buffer index = slot */
static void prep(struct io_uring *ring, int fd, int fixed, char *buf, unsigned slot, uint64_t *rng,
		 uint64_t blocks)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	char *at = buf + (size_t)slot * BLOCK;
	uint64_t offset = next_block(rng, blocks) * BLOCK;

	if (fixed) {
		io_uring_prep_read_fixed(sqe, 0, at, BLOCK, offset, (int)slot);
		sqe->flags |= IOSQE_FIXED_FILE;
	} else {
		io_uring_prep_read(sqe, fd, at, BLOCK, offset);
	}
	sqe->user_data = slot;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE [SECONDS [DEPTH [direct|hot|registered]]]\n", argv[0]);
		return 2;
	}
	double seconds = argc > 2 ? atof(argv[2]) : 5;
	unsigned depth = argc > 3 ? (unsigned)atoi(argv[3]) : 32;
	const char *mode = argc > 4 ? argv[4] : "direct";
	int direct = strcmp(mode, "direct") == 0, fixed = strcmp(mode, "registered") == 0;

	if (!direct && !fixed && strcmp(mode, "hot") != 0) {
		fprintf(stderr, "mode is direct, hot or registered, not %s\n", mode);
		return 2;
	}
	int fd = open(argv[1], O_RDONLY | O_CLOEXEC | (direct ? O_DIRECT : 0));
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(argv[1]);
		return 1;
	}
	uint64_t blocks = (uint64_t)st.st_size / BLOCK;
	if (blocks == 0 || depth == 0 || depth > 4096) {
		fprintf(stderr, "a file of at least one block and a depth of 1 to 4096, please\n");
		return 2;
	}
	char *buf;
	if (posix_memalign((void **)&buf, BLOCK, (size_t)depth * BLOCK)) {
		fprintf(stderr, "posix_memalign failed\n");
		return 1;
	}
	struct io_uring ring;
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_COOP_TASKRUN
		| IORING_SETUP_CQSIZE;
	p.cq_entries = depth;
	int ret = io_uring_queue_init_params(depth, &ring, &p);
	if (ret < 0) {
		fprintf(stderr, "io_uring_queue_init_params: %s\n", strerror(-ret));
		return 1;
	}
	io_uring_register_ring_fd(&ring);
	if (fixed) {
		struct iovec *iov = calloc(depth, sizeof(*iov));

		for (unsigned i = 0; iov && i < depth; i++) {
			iov[i].iov_base = buf + (size_t)i * BLOCK;
			iov[i].iov_len = BLOCK;
		}
		ret = iov ? io_uring_register_files(&ring, &fd, 1) : -ENOMEM;
		if (ret == 0)
			ret = io_uring_register_buffers(&ring, iov, depth);
		free(iov);
		if (ret < 0) {
			fprintf(stderr, "registering the file and buffers: %s\n", strerror(-ret));
			return 1;
		}
	}
	uint64_t rng = 0x9E3779B97F4A7C15ULL;
	for (unsigned i = 0; i < depth; i++)
		prep(&ring, fd, fixed, buf, i, &rng, blocks);

	double start = now_sec(), measured_from = start + 1, end = measured_from + seconds;
	unsigned long long reads = 0, counted = 0;
	int measuring = 0;
	for (;;) {
		struct io_uring_cqe *cqe;

		ret = io_uring_submit(&ring);
		if (ret >= 0)
			ret = io_uring_wait_cqe(&ring, &cqe);
		if (ret < 0 && ret != -EINTR) {
			fprintf(stderr, "io_uring_submit or io_uring_wait_cqe: %s\n", strerror(-ret));
			return 1;
		}
		unsigned head, seen = 0;

		io_uring_for_each_cqe(&ring, head, cqe) {
			if (cqe->res != BLOCK) {
				fprintf(stderr, "read failed: %s\n", cqe->res < 0 ? strerror(-cqe->res) : "short read");
				return 1;
			}
			prep(&ring, fd, fixed, buf, (unsigned)cqe->user_data, &rng, blocks);
			seen++;
		}
		io_uring_cq_advance(&ring, seen);
		reads += seen;
		if ((reads & 255) < seen || seen >= 256) {
			double t = now_sec();

			if (!measuring && t >= measured_from) {
				measuring = 1;
				counted = reads;
				measured_from = t;
				end = t + seconds;
			} else if (measuring && t >= end) {
				printf("randread mode=%s depth=%u ops_per_sec=%.0f\n", mode, depth,
				       (reads - counted) / (t - measured_from));
				return 0;
			}
		}
	}
}
