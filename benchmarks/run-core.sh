#!/usr/bin/env bash
# Runs the core benchmarks of reactive-uring next to their C peers and prints a Markdown table of
# Java/peer ratios against the targets of issue 2:
#   NOP round trips, batch 1 and 32 ........ RingNopBenchmark        vs c/nop_bench.c (liburing)
#   4 KiB randread, hot cache, depth 32 ..... RingRandomReadBenchmark.hot vs fio tuned (fio/randread-hot.fio:
#                                             batches of 32, gtod_reduce; neither side registers)
#                                             .hotRegistered (fixed file, READ_FIXED) vs fio tuned +
#                                             registerfiles + fixedbufs (fio/randread-hot-registered.fio)
#   4 KiB randread, O_DIRECT, depth 32 ...... RingRandomReadBenchmark.direct (sleeping for a CQE, like tuned fio)
#                                             vs fio tuned direct=1 (fio/randread-direct.fio); busy-polling: info;
#                                             c/randread.c (the Ring's loop in liburing): the bound, for
#                                             O_DIRECT and both hot variants
#   allocation of the core loops ............ AllocationCheck (exact, per thread) and JMH -prof gc
# plus, for information, fio with its defaults (fio/randread-hot-default.fio, the peer of earlier
# reports), the JDK peers (FileChannel, AsynchronousFileChannel) and the EventLoop hand-off (issue 17):
#   NOP hand-off to a loop, batch 1 and 32 .. EventLoopNopBenchmark (busyPollUs=0: the default loop,
#                                             sleeping, woken by MSG_RING; 50: opt-in busy poll) vs the
#                                             bare RingNopBenchmark, and vs c/handoff_bench.c (the same
#                                             design in C, its bound; --busy-poll-us 50 for the busy poll),
#                                             which itself is set against c/nop_bench.c.
# Every row also gets the CPU time per op of each side: the JMH fork's (CpuProfiler), fio's own
# usr+sys from its --minimal line, the C programs' from bash's `times`. The C NOP and hand-off peers, fio's O_DIRECT job and the C O_DIRECT reader run right before and right after their Java run
# (the peer figure is the mean of the two); fio's hot job and the Java hot reads alternate, the
# order flipping every round. So both sides see the same machine state, and each ratio is taken
# within one round.
#
# Usage: benchmarks/run-core.sh [--quick|--full] [--rounds N] [--out DIR] [--note TEXT]
#   (common arguments: see benchmarks/bench-lib.sh); writes DIR/core.md and DIR/core.tsv.
# Environment: BENCH_DIR (default benchmarks/target/bench-data) holds the 1 GiB data file.
set -euo pipefail
cd "$(dirname "$0")/.."
tag=core
# full mode: 5 rounds, so that a ratio's min-max reflects the machine, not 3 samples (override with --rounds)
full_rounds=5
. benchmarks/bench-lib.sh
bench_init "$@"
bench_need /usr/include/liburing.h:liburing-dev fio:fio gcc:gcc

# ---------------------------------------------------------------- builds
log "building the C baseline"
mkdir -p benchmarks/target/c
gcc -O2 -Wall -Wextra -o benchmarks/target/c/nop_bench benchmarks/c/nop_bench.c -luring
gcc -O2 -Wall -Wextra -o benchmarks/target/c/handoff_bench benchmarks/c/handoff_bench.c -luring -lpthread
gcc -O2 -Wall -Wextra -o benchmarks/target/c/randread benchmarks/c/randread.c -luring
bench_jar
log "creating and warming the 1 GiB data file"
data_file=$("$java" "${jvm[@]}" -cp "$jar" dev.uring.benchmarks.BenchFile)
pin_data_file

if [ "$quick" -eq 1 ]; then
  # the JIT needs about 2 s to settle on the NOP loop (its first second runs about 10 % slower), so
  # the Java side warms for 2 s where the C side warms for 1 s: both are measured at steady state
  c_secs=1; fio_secs=1; jmh=(-f 1 -wi 2 -w 1s -i 1 -r 1s)
else
  c_secs=5; fio_secs=10; jmh=(-f 1 -wi 3 -w 2s -i 5 -r 2s)
fi

# C NOP runs of both batch sizes, once before and once after the Java run (run_nop): the peer
# figure is their mean, so that a machine drifting during the round moves both sides alike
# prints "ops/s CPU-us/op" per batch size (CPU: the program's user + system time over its ops; `times`
# also counts the program's warm-up second, so the ops are its rate over c_secs + 1 seconds)
c_nop() {
  local b line
  for b in 1 32; do
    line=$(cpu_of_cmd "$work/nop.cpu" benchmarks/target/c/nop_bench "$b" "$c_secs")
    echo "$line" | awk -v c="$(cat "$work/nop.cpu")" -v s="$c_secs" '{ split($3, a, "="); printf "%d %.5f\n", a[2], c * 1e6 / (a[2] * (s + 1)) }'
  done
}

run_nop() {
  local r=$1 before after
  before=($(c_nop))
  run_jmh "$r" nop 'RingNopBenchmark'
  after=($(c_nop))
  sample "$r" c.nop.batch1 "$(( (before[0] + after[0]) / 2 ))"
  sample "$r" c.nop.batch32 "$(( (before[2] + after[2]) / 2 ))"
  sample "$r" cpu.c.nop.batch1 "$(awk -v a="${before[1]}" -v b="${after[1]}" 'BEGIN { print (a + b) / 2 }')"
  sample "$r" cpu.c.nop.batch32 "$(awk -v a="${before[3]}" -v b="${after[3]}" 'BEGIN { print (a + b) / 2 }')"
}

# C hand-off runs (c/handoff_bench.c), the bound of EventLoopNopBenchmark: the sleeping loop and the
# loop busy-polling 50 us, batch 1 and 32, in the order of the samples c_handoff_names lists; prints
# "ops/s CPU-us/op" per run (CPU: both threads of the program, user + system, over its ops, the warm-up
# second's included as in c_nop)
c_handoff_names=(c.handoff.batch1 c.handoff.batch32 c.handoff-poll50.batch1 c.handoff-poll50.batch32)
c_handoff() {
  local p b line
  for p in 0 50; do
    for b in 1 32; do
      line=$(cpu_of_cmd "$work/handoff.cpu" benchmarks/target/c/handoff_bench "$b" "$c_secs" --busy-poll-us "$p")
      echo "$line" | awk -v c="$(cat "$work/handoff.cpu")" -v s="$c_secs" '{ split($4, a, "="); printf "%d %.5f\n", a[2], c * 1e6 / (a[2] * (s + 1)) }'
    done
  done
}

# the EventLoop hand-off (both busy poll windows) between two C hand-off runs, whose mean is the peer figure
run_loop() {
  local r=$1 before after i
  before=($(c_handoff))
  run_jmh "$r" loop 'EventLoopNopBenchmark'
  after=($(c_handoff))
  for i in "${!c_handoff_names[@]}"; do
    sample "$r" "${c_handoff_names[i]}" "$(( (before[2 * i] + after[2 * i]) / 2 ))"
    sample "$r" "cpu.${c_handoff_names[i]}" "$(awk -v a="${before[2 * i + 1]}" -v b="${after[2 * i + 1]}" 'BEGIN { print (a + b) / 2 }')"
  done
}

# fio job $1 (benchmarks/fio/randread-$1.fio): prints "IOPS CPU-us/op", CPU from fio's own usr% and sys%
# (terse fields 88, 89: of the job's run time) over its IOPS. A job that reports an error (terse
# field 5) or no IOPS prints "0 0" and leaves a note: the round's row shows it (failed.<sample>).
fio_iops() {
  local line
  line=$(BENCH_FILE="$data_file" RUNTIME="$fio_secs" fio --minimal "benchmarks/fio/randread-$1.fio" 2>"$work/fio.err") || true
  echo "$line" | awk -F';' 'NF >= 89 && $5 == 0 && $8 > 0 { u = $88; s = $89; sub(/%/, "", u); sub(/%/, "", s)
                                                           printf "%d %.5f\n", $8, (u + s) / 100 * 1e6 / $8; ok = 1 }
                            END { if (!ok) print "0 0" }'
}

# one fio sample (and its CPU) for round $1, job $2; a failed fio run is recorded as failed.fio.$2
run_fio() {
  local v
  v=($(fio_iops "$2"))
  if [ "${v[0]}" -gt 0 ]; then sample "$1" "fio.$2" "${v[0]}"; sample "$1" "cpu.fio.$2" "${v[1]}"
  else sample "$1" "failed.fio.$2" 1; echo "fio $2 failed in round $1: $(head -c 300 "$work/fio.err")" >> "$work/notes.txt"; fi
}

# The C reader (c/randread.c, the Ring benchmark's loop in liburing) in mode $1 (direct, hot or
# registered): prints "ops/s CPU-us/op" (CPU over its ops, its warm-up second included as in c_nop),
# or "0 0" when it failed
c_read() {
  local line
  line=$(cpu_of_cmd "$work/read.cpu" benchmarks/target/c/randread "$data_file" "$c_secs" 32 "$1" 2>"$work/read.err") || true
  echo "$line" | awk -v c="$(cat "$work/read.cpu")" -v s="$c_secs" '
    { split($4, a, "="); if (a[2] > 0) { printf "%d %.5f\n", a[2], c * 1e6 / (a[2] * (s + 1)); ok = 1 } }
    END { if (!ok) print "0 0" }'
}
c_direct() { c_read direct; }

# one C reader sample (and its CPU) for round $1, mode $2 (hot or registered): c.$2, or failed.c.$2
run_c_read() {
  local v
  v=($(c_read "$2"))
  if [ "${v[0]}" -gt 0 ]; then sample "$1" "c.$2" "${v[0]}"; sample "$1" "cpu.c.$2" "${v[1]}"
  else sample "$1" "failed.c.$2" 1; echo "C randread $2 failed in round $1: $(head -c 300 "$work/read.err")" >> "$work/notes.txt"; fi
}

# O_DIRECT reads go at the speed of this VM's virtual disk, which drifts by several per cent within
# a minute: fio and the C reader run right before and right after the Java run, and their figures are
# the means
run_direct() {
  local r=$1 before after cb ca
  before=($(fio_iops direct)); cb=($(c_direct))
  run_jmh "$r" direct 'RingRandomReadBenchmark.direct'
  ca=($(c_direct)); after=($(fio_iops direct))
  if [ "${before[0]}" -gt 0 ] && [ "${after[0]}" -gt 0 ]; then
    sample "$r" fio.direct "$(( (before[0] + after[0]) / 2 ))"
    sample "$r" cpu.fio.direct "$(awk -v a="${before[1]}" -v b="${after[1]}" 'BEGIN { print (a + b) / 2 }')"
  else
    sample "$r" failed.fio.direct 1; echo "fio direct failed in round $r: $(head -c 300 "$work/fio.err")" >> "$work/notes.txt"
  fi
  if [ "${cb[0]}" -gt 0 ] && [ "${ca[0]}" -gt 0 ]; then
    sample "$r" c.direct "$(( (cb[0] + ca[0]) / 2 ))"
    sample "$r" cpu.c.direct "$(awk -v a="${cb[1]}" -v b="${ca[1]}" 'BEGIN { print (a + b) / 2 }')"
  else
    sample "$r" failed.c.direct 1; echo "C randread direct failed in round $r: $(head -c 300 "$work/read.err")" >> "$work/notes.txt"
  fi
}

# the hot peers: fio tuned (judged), tuned + registered (judged against hotRegistered), defaults (info),
# and the Ring's loop in C, plain and registered (the bounds)
run_fio_hot() {
  local j
  for j in hot hot-registered hot-default; do warm; run_fio "$1" "$j"; done
  for j in hot registered; do warm; run_c_read "$1" "$j"; done
}

# -prof gc rides along in every round: its bytes per op feed the allocation table.
run_jmh() { jmh_round "$1" "$2" "$3" "${jmh[@]}" -prof gc; }

# ---------------------------------------------------------------- rounds, interleaved
for r in $(seq 1 "$rounds"); do
  log "round $r of $rounds"
  # the NOP and O_DIRECT peers run on both sides of their Java run; for the hot reads the order
  # flips every round, so that neither side always runs first in a warmer machine
  run_nop "$r"; run_loop "$r"
  if [ $((r % 2)) -eq 1 ]; then
    run_fio_hot "$r"; warm; run_jmh "$r" hot 'RingRandomReadBenchmark.hot|PeerRandomReadBenchmark'
  else
    warm; run_jmh "$r" hot 'RingRandomReadBenchmark.hot|PeerRandomReadBenchmark'; run_fio_hot "$r"
  fi
  run_direct "$r"
done

# ---------------------------------------------------------------- allocation
log "allocation: exact per-thread check"
alloc_ok=1
"$java" "${jvm[@]}" -cp "$jar" dev.uring.benchmarks.AllocationCheck > "$work/alloc.txt" || alloc_ok=0
awk '$1 == "alloc" { printf "1\texact.%s\t%s\n", $2, $3 }' "$work/alloc.txt" >> "$work/samples.tsv"

# ---------------------------------------------------------------- results
bench_results <<'SPEC'
2|NOP round trip, batch 1 (Ring vs liburing)|java.RingNopBenchmark.batch1|c.nop.batch1|ops/s|>= 0.90
2|NOP round trip, batch 32 (Ring vs liburing)|java.RingNopBenchmark.batch32|c.nop.batch32|ops/s|>= 0.95
2|4 KiB randread hot, depth 32, plain fd + buffers (Ring vs fio tuned: batch 32, gtod_reduce)|java.RingRandomReadBenchmark.hot|fio.hot|ops/s|>= 1.10
2|4 KiB randread hot, depth 32, registered fd + buffers (Ring READ_FIXED vs fio tuned + registerfiles, fixedbufs)|java.RingRandomReadBenchmark.hotRegistered|fio.hot-registered|ops/s|>= 1.10
2|bound: 4 KiB randread hot, depth 32, plain fd + buffers, the Ring's loop in C (c/randread.c hot, liburing) vs fio tuned|c.hot|fio.hot|ops/s|-
2|info: 4 KiB randread hot, depth 32, plain fd + buffers, Ring vs the same loop in C (c/randread.c hot: what Java and the Ring API cost)|java.RingRandomReadBenchmark.hot|c.hot|ops/s|-
2|bound: 4 KiB randread hot, depth 32, registered fd + buffers, the Ring's loop in C (c/randread.c registered: READ_FIXED, liburing) vs fio tuned + registerfiles, fixedbufs|c.registered|fio.hot-registered|ops/s|-
2|info: 4 KiB randread hot, depth 32, registered fd + buffers, Ring READ_FIXED vs the same loop in C (c/randread.c registered)|java.RingRandomReadBenchmark.hotRegistered|c.registered|ops/s|-
2|info: 4 KiB randread hot, depth 32 (Ring vs fio defaults: no batching, clock per I/O; the peer of earlier reports)|java.RingRandomReadBenchmark.hot|fio.hot-default|ops/s|-
2|4 KiB randread O_DIRECT, depth 32, both submitting, then sleeping in io_uring_enter for a CQE (Ring vs fio tuned direct=1)|java.RingRandomReadBenchmark.direct|fio.direct|ops/s|>= 0.95
2|bound: 4 KiB randread O_DIRECT, depth 32, the Ring's loop in C (c/randread.c direct, liburing) vs fio tuned direct=1|c.direct|fio.direct|ops/s|-
2|info: 4 KiB randread O_DIRECT, depth 32, Ring vs the same loop in C (c/randread.c direct: what Java and the Ring API cost)|java.RingRandomReadBenchmark.direct|c.direct|ops/s|-
2|info: 4 KiB randread O_DIRECT, depth 32, Ring busy-polling the CQ, never sleeping (vs fio tuned direct=1, which sleeps)|java.RingRandomReadBenchmark.directBusyPoll|fio.direct|ops/s|-
2|hot randread: Ring vs FileChannel (1 thread)|java.RingRandomReadBenchmark.hot|java.PeerRandomReadBenchmark.fileChannel|ops/s|-
2|hot randread: Ring vs AsynchronousFileChannel (depth 32)|java.RingRandomReadBenchmark.hot|java.PeerRandomReadBenchmark.asyncFileChannel|ops/s|-
17|NOP batch 1: EventLoop hand-off, default loop (sleeps, woken by MSG_RING) vs bare Ring (target: 2x the 0.06x of issue 17's filing)|java.EventLoopNopBenchmark.batch1:busyPollUs=0|java.RingNopBenchmark.batch1|ops/s|>= 0.12
17|NOP batch 32: EventLoop hand-off, default loop (sleeps, woken by MSG_RING) vs bare Ring (target: 2x the 0.23x of issue 17's filing)|java.EventLoopNopBenchmark.batch32:busyPollUs=0|java.RingNopBenchmark.batch32|ops/s|>= 0.46
17|info: NOP batch 1: C hand-off, sleeping loop woken by MSG_RING (the ratio any sleeping-loop design reaches here) vs C bare NOP loop|c.handoff.batch1|c.nop.batch1|ops/s|-
17|info: NOP batch 32: C hand-off, sleeping loop woken by MSG_RING (the ratio any sleeping-loop design reaches here) vs C bare NOP loop|c.handoff.batch32|c.nop.batch32|ops/s|-
17|info: NOP batch 1: EventLoop hand-off, default loop vs C hand-off, same design (C: a counter for a task queue, no completion dispatch, sender ring fd registered)|java.EventLoopNopBenchmark.batch1:busyPollUs=0|c.handoff.batch1|ops/s|-
17|info: NOP batch 32: EventLoop hand-off, default loop vs C hand-off, same design (C: a counter for a task queue, no completion dispatch, sender ring fd registered)|java.EventLoopNopBenchmark.batch32:busyPollUs=0|c.handoff.batch32|ops/s|-
17|info: NOP batch 1: EventLoop hand-off, loop busy-polls 50 us, opt-in (burns a core while idle) vs bare Ring|java.EventLoopNopBenchmark.batch1:busyPollUs=50|java.RingNopBenchmark.batch1|ops/s|-
17|info: NOP batch 32: EventLoop hand-off, loop busy-polls 50 us, opt-in (burns a core while idle) vs bare Ring|java.EventLoopNopBenchmark.batch32:busyPollUs=50|java.RingNopBenchmark.batch32|ops/s|-
17|info: NOP batch 1: C hand-off, loop busy-polls 50 us (the bound of the opt-in) vs C bare NOP loop|c.handoff-poll50.batch1|c.nop.batch1|ops/s|-
17|info: NOP batch 32: C hand-off, loop busy-polls 50 us (the bound of the opt-in) vs C bare NOP loop|c.handoff-poll50.batch32|c.nop.batch32|ops/s|-
17|info: NOP batch 1: EventLoop hand-off vs C hand-off, both loops busy-polling 50 us (C: a counter for a task queue, no completion dispatch, sender ring fd registered)|java.EventLoopNopBenchmark.batch1:busyPollUs=50|c.handoff-poll50.batch1|ops/s|-
17|info: NOP batch 32: EventLoop hand-off vs C hand-off, both loops busy-polling 50 us (C: a counter for a task queue, no completion dispatch, sender ring fd registered)|java.EventLoopNopBenchmark.batch32:busyPollUs=50|c.handoff-poll50.batch32|ops/s|-
2|allocation, Ring NOP batch 1 (exact, benchmark thread)|exact.RingNopBenchmark.batch1|-|B/op|<= 0
2|allocation, Ring NOP batch 32 (exact, benchmark thread)|exact.RingNopBenchmark.batch32|-|B/op|<= 0
2|allocation, Ring randread hot (exact, benchmark thread)|exact.RingRandomReadBenchmark.hot|-|B/op|<= 0
2|allocation, Ring randread O_DIRECT (exact, benchmark thread)|exact.RingRandomReadBenchmark.direct|-|B/op|<= 0
2|allocation, Ring randread O_DIRECT busy-polling (exact, benchmark thread)|exact.RingRandomReadBenchmark.directBusyPoll|-|B/op|<= 0
SPEC

elapsed=$(( $(date +%s) - started ))
{
  echo "# Core benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`benchmarks/run-core.sh$(bench_mode_flag) --rounds $rounds\`," \
       "$rounds interleaved rounds, ${elapsed}s in all."
  bench_machine
  echo "$(fio --version) (jobs: benchmarks/fio/randread-{hot,hot-registered,hot-default,direct}.fio), liburing $(dpkg-query -W -f '${Version}' liburing-dev 2>/dev/null || echo '?')."
  echo
  echo "Ratio = Java / peer within one round; the table gives the median over rounds and the min-max spread."
  echo "Throughputs are medians in operations per second (NOPs or 4 KiB reads). CPU us/op: user + system CPU"
  echo "microseconds per op of the process doing the work (the whole JMH fork; fio's own usr+sys; the C programs, all their threads)."
  echo "The C NOP, C hand-off, fio O_DIRECT and C O_DIRECT figures of a round are the means of a run right before and one right after the Java run."
  echo "Hand-off (issue 17): a caller thread hands each batch of NOPs to a loop thread and spins (yielding after 1000"
  echo "spins) until they completed. \`c/handoff_bench.c\` is EventLoop's design in C (SINGLE_ISSUER|DEFER_TASKRUN ring of"
  echo "256 entries on the loop thread, a \"sleeping\" flag, one MSG_RING from the caller's own ring per wake-up), so"
  echo "C hand-off / C bare is what any sleeping loop reaches on this machine, and EventLoop / C hand-off is our cost"
  echo "within that design. Busy poll 50 us (\`RingOptions.busyPoll\`, opt-in): the idle loop polls that long before it sleeps."
  echo "fio is tuned as its documentation suggests for IOPS (\`iodepth_batch_submit=32 iodepth_batch_complete_max=32"
  echo "gtod_reduce=1\`; \`registerfiles=1 fixedbufs=1\` only against the Ring's registered variant; no hipri or"
  echo "sqthread_poll, which the Ring does not use); its defaults (the peer of earlier reports) are an info row."
  echo "Random offsets: both sides draw 4 KiB-aligned offsets over the whole 1 GiB file (the Ring cycles 1 Mi"
  echo "precomputed offsets, fio uses norandommap)."
  echo "O_DIRECT: tuned fio 3.33 submits without GETEVENTS and then sleeps in \`io_uring_enter(fd, 0, 1, GETEVENTS)\`"
  echo "for a completion (strace); the Ring's loop does the same (\`Ring.submitWithoutGetEvents\`, then \`submitAndWait(1)\`"
  echo "when no CQE is ready: submitting in the enter that waits was slower, in C too), and so does the C bound"
  echo "(c/randread.c, liburing: \`io_uring_submit\`, \`io_uring_wait_cqe\`; its hot and registered modes are the"
  echo "bounds of the hot rows, run in the same alternation as fio's hot jobs);"
  echo "the Ring's busy-polling variant (never sleeps, burns its core, as fio did with its defaults) is an info row."
  [ -z "$note" ] || { echo; echo "Note: $note"; }
  echo
  bench_table
  echo
  echo "Allocation (target 0 B/op): exact bytes per op on the benchmark thread after JIT warm-up"
  echo "(\`AllocationCheck\`, rows above), and JMH \`-prof gc\` \`gc.alloc.rate.norm\` per round, which also"
  echo "counts JMH's own threads (the EventLoop path is not held to 0 B/op: each execute() enqueues a task):"
  echo
  awk -F'\t' '$2 ~ /^alloc\./ { n = $2; sub(/^alloc\./, "", n); s[n] = s[n] sprintf(" %.3f", $3) }
              END { for (n in s) printf "- %s:%s B/op\n", n, s[n] }' "$work/samples.tsv" | sort
  [ "$alloc_ok" -eq 1 ] || echo "AllocationCheck reported an allocating loop (see $work/alloc.txt)."
  bench_footer
} > "$out/core.md"
cat "$out/core.md"
log "written: $out/core.md, $out/core.tsv"
