/*
 * C bound for EventLoopNopBenchmark: NOP round trips handed from a caller thread to a loop thread
 * that sleeps in io_uring_enter and is woken by a MSG_RING, the design of uring-core's EventLoop.
 *
 * The loop thread owns a ring set up like EventLoop.defaultOptions(256): SINGLE_ISSUER |
 * DEFER_TASKRUN, 256 entries, its fd registered. The caller publishes a request (a counter, where
 * EventLoop has a task queue) and, when the loop has said it is about to sleep, wakes it with one
 * MSG_RING from a small sender ring of its own (EventLoop's RingWaker). The loop then prepares
 * BATCH NOPs, submits, reaps them and publishes the completed count; the caller spins until it moves
 * (sched_yield after 1000 spins, as the Java benchmark's caller does). So it measures what any
 * sleeping-loop hand-off costs on this machine, with no queue, no completion dispatch and no JVM.
 *
 * With --busy-poll-us N the loop first polls (enters without waiting, then looks for a request) for
 * up to N microseconds before it sleeps, as EventLoop does with RingOptions.busyPoll.
 *
 * After a warm-up second it measures for SECONDS seconds and prints one parseable line:
 *
 *   handoff_bench batch=<BATCH> busy_poll_us=<N> ops_per_sec=<NOPs per second>
 *
 * Usage: handoff_bench BATCH [SECONDS] [--busy-poll-us N]     Build: see Makefile (... -luring -lpthread)
 */
#include <liburing.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOOP_ENTRIES 256
#define SPINS_BEFORE_YIELD 1000
/* not 0: a zeroed SQE's CQE must not pass for a NOP's (EventLoop's WAKE_TOKEN is non-zero too) */
#define NOP_TOKEN 1
#define WAKE_TOKEN 0x57414B45

static struct {
	/* written by the caller, read by the loop */
	_Atomic uint64_t requested;	/* requests published so far */
	_Atomic int stop;
	/* written by the loop */
	_Atomic uint64_t completed;	/* NOPs completed so far */
	_Atomic int sleeping;		/* the loop is about to sleep (or sleeps): a request must wake it */
	_Atomic int ring_fd;		/* the loop ring's real fd, the MSG_RING target; -1 until set up */
	unsigned batch;
	long long busy_poll_ns;
} sh;

static void die(const char *what, int err)
{
	fprintf(stderr, "%s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* Whether the caller asked for something this loop has not served yet (EventLoop: !tasks.isEmpty()). */
static bool work_pending(uint64_t served)
{
	return atomic_load(&sh.requested) != served || atomic_load(&sh.stop);
}

/*
 * Polls for up to busy_poll_ns: each round enters the ring without waiting, since with DEFER_TASKRUN
 * completions are posted only inside io_uring_enter. Returns true when there is something to do.
 */
static bool busy_poll(struct io_uring *ring, uint64_t served)
{
	long long deadline = now_ns() + sh.busy_poll_ns;

	do {
		int ret = io_uring_submit_and_get_events(ring);
		if (ret < 0)
			die("io_uring_submit_and_get_events", ret);
		if (io_uring_cq_ready(ring) > 0 || work_pending(served))
			return true;
	} while (now_ns() - deadline < 0);
	return false;
}

static void *loop_main(void *arg)
{
	struct io_uring ring;
	uint64_t served = 0;
	(void) arg;

	/* created on this thread: SINGLE_ISSUER makes the creating task the only one allowed to submit */
	int ret = io_uring_queue_init(LOOP_ENTRIES, &ring, IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN);
	if (ret < 0)
		die("io_uring_queue_init (SINGLE_ISSUER|DEFER_TASKRUN)", ret);
	ret = io_uring_register_ring_fd(&ring);
	if (ret != 1)
		die("io_uring_register_ring_fd", ret);
	atomic_store(&sh.ring_fd, ring.ring_fd);

	for (;;) {
		/* EventLoop.runTasks: the one kind of task here preps BATCH NOPs */
		bool ran = false;
		uint64_t req = atomic_load(&sh.requested);
		if (req != served) {
			served = req;
			for (unsigned i = 0; i < sh.batch; i++) {
				struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

				io_uring_prep_nop(sqe);
				sqe->user_data = NOP_TOKEN;
			}
			ran = true;
		}
		if (atomic_load(&sh.stop))
			break;
		if (!ran && sh.busy_poll_ns > 0 && busy_poll(&ring, served)) {
			ret = 0; /* it entered the ring already: reap what it found */
		} else if (!work_pending(served)) {
			/*
			 * Say we are about to sleep, then look again: a caller publishes before it reads
			 * `sleeping` and the loop sets `sleeping` before it reads `requested` (both seq_cst),
			 * so either the loop sees the request or the caller sees the flag and wakes it.
			 */
			atomic_store(&sh.sleeping, 1);
			if (work_pending(served)) {
				atomic_store(&sh.sleeping, 0);
				ret = io_uring_submit(&ring);
			} else {
				ret = io_uring_submit_and_wait(&ring, 1);
				atomic_store(&sh.sleeping, 0);
			}
		} else {
			ret = io_uring_submit(&ring);
		}
		if (ret < 0)
			die("io_uring_submit", ret);

		struct io_uring_cqe *cqe;
		unsigned head, seen = 0, nops = 0;
		io_uring_for_each_cqe(&ring, head, cqe) {
			seen++;
			if (cqe->user_data == WAKE_TOKEN)
				continue;
			if (cqe->res < 0)
				die("NOP", cqe->res);
			nops++;
		}
		io_uring_cq_advance(&ring, seen);
		if (nops > 0)
			atomic_fetch_add_explicit(&sh.completed, nops, memory_order_release);
	}
	io_uring_queue_exit(&ring);
	return NULL;
}

/*
 * Wakes the loop when it said it is about to sleep; the exchange admits one waker per sleep, as
 * EventLoop.wakeUp's compareAndSet does. The MSG_RING posts a CQE (WAKE_TOKEN) on the loop's ring
 * and, with CQE_SKIP_SUCCESS, none on the sender's.
 */
static void wake_if_sleeping(struct io_uring *sender)
{
	if (!atomic_load(&sh.sleeping) || !atomic_exchange(&sh.sleeping, 0))
		return;
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0;
	/* only failed sends leave CQEs here: drop them, as RingWaker does */
	io_uring_for_each_cqe(sender, head, cqe)
		seen++;
	io_uring_cq_advance(sender, seen);

	struct io_uring_sqe *sqe = io_uring_get_sqe(sender);
	io_uring_prep_msg_ring(sqe, atomic_load(&sh.ring_fd), 0, WAKE_TOKEN, 0);
	sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
	sqe->user_data = 0;
	int ret = io_uring_submit(sender);
	if (ret < 0)
		die("io_uring_submit (MSG_RING)", ret);
}

/* Runs hand-offs for about `seconds` on the caller thread; returns the NOPs completed. */
static long long run(struct io_uring *sender, double seconds, double *elapsed)
{
	long long start = now_ns(), t = start, nops = 0;
	uint64_t done = atomic_load(&sh.completed);

	while (t - start < seconds * 1e9) {
		/* check the clock every 256 round trips, so that clock_gettime stays out of the cost */
		for (int round = 0; round < 256; round++) {
			uint64_t target = done + sh.batch;
			int spins = 0;

			atomic_fetch_add(&sh.requested, 1);
			wake_if_sleeping(sender);
			/* spin briefly, then give the core away: on 2 cores the loop thread needs it */
			while ((done = atomic_load_explicit(&sh.completed, memory_order_acquire)) != target) {
				if (++spins > SPINS_BEFORE_YIELD)
					sched_yield();
				else
					cpu_relax();
			}
			nops += sh.batch;
		}
		t = now_ns();
	}
	*elapsed = (t - start) / 1e9;
	return nops;
}

int main(int argc, char **argv)
{
	struct io_uring sender;
	pthread_t loop;
	double elapsed, seconds = 3.0;
	long busy_poll_us = 0;
	int batch = 0, positional = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--busy-poll-us") == 0 && i + 1 < argc)
			busy_poll_us = atol(argv[++i]);
		else if (positional == 0)
			batch = atoi(argv[i]), positional++;
		else if (positional == 1)
			seconds = atof(argv[i]), positional++;
		else
			batch = -1; /* an extra argument: print the usage */
	}
	if (batch < 1 || batch > LOOP_ENTRIES || seconds <= 0 || busy_poll_us < 0 || busy_poll_us > 1000) {
		fprintf(stderr, "usage: %s BATCH [SECONDS] [--busy-poll-us N]\n"
			"  BATCH 1..%d, SECONDS positive, N 0..1000 (RingOptions.busyPoll's range)\n",
			argv[0], LOOP_ENTRIES);
		return 2;
	}
	sh.batch = (unsigned) batch;
	sh.busy_poll_ns = busy_poll_us * 1000LL;
	atomic_store(&sh.ring_fd, -1);

	/* the sender only carries MSG_RING, submitted by this thread alone; registered like the loop's */
	int ret = io_uring_queue_init(8, &sender, 0);
	if (ret < 0)
		die("io_uring_queue_init (sender)", ret);
	ret = io_uring_register_ring_fd(&sender);
	if (ret != 1)
		die("io_uring_register_ring_fd (sender)", ret);
	ret = pthread_create(&loop, NULL, loop_main, NULL);
	if (ret != 0)
		die("pthread_create", ret);
	while (atomic_load(&sh.ring_fd) < 0)
		sched_yield();

	run(&sender, 1.0, &elapsed); /* warm-up */
	long long nops = run(&sender, seconds, &elapsed);
	printf("handoff_bench batch=%u busy_poll_us=%ld ops_per_sec=%.0f\n", sh.batch, busy_poll_us, nops / elapsed);
	fflush(stdout);

	atomic_store(&sh.stop, 1);
	wake_if_sleeping(&sender);
	pthread_join(loop, NULL);
	io_uring_queue_exit(&sender);
	return 0;
}
