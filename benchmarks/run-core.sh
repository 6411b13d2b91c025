#!/usr/bin/env bash
# Runs the core benchmarks of reactive-uring next to their C peers and prints a Markdown table of
# Java/peer ratios against the targets of issue 2:
#   NOP round trips, batch 1 and 32 ........ RingNopBenchmark        vs c/nop_bench.c (liburing)
#   4 KiB randread, hot cache, depth 32 ..... RingRandomReadBenchmark vs fio io_uring --invalidate=0
#   4 KiB randread, O_DIRECT, depth 32 ...... RingRandomReadBenchmark vs fio io_uring direct=1
#   allocation of the core loops ............ AllocationCheck (exact, per thread) and JMH -prof gc
# plus, for information, the JDK peers (FileChannel, AsynchronousFileChannel) and the EventLoop
# hand-off. The C NOP peer and fio's O_DIRECT job run right before and right after their Java run
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
. benchmarks/bench-lib.sh
bench_init "$@"
bench_need /usr/include/liburing.h:liburing-dev fio:fio gcc:gcc

# ---------------------------------------------------------------- builds
log "building the C baseline"
mkdir -p benchmarks/target/c
gcc -O2 -Wall -Wextra -o benchmarks/target/c/nop_bench benchmarks/c/nop_bench.c -luring
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
c_nop() {
  local b
  for b in 1 32; do
    benchmarks/target/c/nop_bench "$b" "$c_secs" | awk '{split($3, a, "="); print a[2]}'
  done
}

run_nop() {
  local r=$1 before after
  before=($(c_nop))
  run_jmh "$r" nop 'RingNopBenchmark'
  after=($(c_nop))
  sample "$r" c.nop.batch1 "$(( (before[0] + after[0]) / 2 ))"
  sample "$r" c.nop.batch32 "$(( (before[1] + after[1]) / 2 ))"
}

fio_iops() {
  BENCH_FILE="$data_file" RUNTIME="$fio_secs" fio --minimal "benchmarks/fio/randread-$1.fio" | awk -F';' '{print $8}'
}

run_fio() { sample "$1" "fio.$2" "$(fio_iops "$2")"; }

# O_DIRECT reads go at the speed of this VM's virtual disk, which drifts by several per cent within
# a minute: fio runs right before and right after the Java run, and its figure is their mean
run_direct() {
  local r=$1 before after
  before=$(fio_iops direct)
  run_jmh "$r" direct 'RingRandomReadBenchmark.direct'
  after=$(fio_iops direct)
  sample "$r" fio.direct "$(( (before + after) / 2 ))"
}

# -prof gc rides along in every round: its bytes per op feed the allocation table.
run_jmh() { jmh_round "$1" "$2" "$3" "${jmh[@]}" -prof gc; }

# ---------------------------------------------------------------- rounds, interleaved
for r in $(seq 1 "$rounds"); do
  log "round $r of $rounds"
  # the NOP and O_DIRECT peers run on both sides of their Java run; for the hot reads the order
  # flips every round, so that neither side always runs first in a warmer machine
  run_nop "$r"; run_jmh "$r" loop 'EventLoopNopBenchmark'
  if [ $((r % 2)) -eq 1 ]; then
    warm; run_fio "$r" hot; warm; run_jmh "$r" hot 'RingRandomReadBenchmark.hot|PeerRandomReadBenchmark'
  else
    warm; run_jmh "$r" hot 'RingRandomReadBenchmark.hot|PeerRandomReadBenchmark'; warm; run_fio "$r" hot
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
2|4 KiB randread hot, depth 32 (Ring vs fio --invalidate=0)|java.RingRandomReadBenchmark.hot|fio.hot|ops/s|>= 1.10
2|4 KiB randread O_DIRECT, depth 32, busy-polling like fio (Ring vs fio direct=1)|java.RingRandomReadBenchmark.directBusyPoll|fio.direct|ops/s|>= 0.95
2|4 KiB randread O_DIRECT, depth 32, sleeping in io_uring_enter (Ring vs fio direct=1)|java.RingRandomReadBenchmark.direct|fio.direct|ops/s|-
2|hot randread: Ring vs FileChannel (1 thread)|java.RingRandomReadBenchmark.hot|java.PeerRandomReadBenchmark.fileChannel|ops/s|-
2|hot randread: Ring vs AsynchronousFileChannel (depth 32)|java.RingRandomReadBenchmark.hot|java.PeerRandomReadBenchmark.asyncFileChannel|ops/s|-
2|NOP batch 1: EventLoop hand-off vs bare Ring|java.EventLoopNopBenchmark.batch1|java.RingNopBenchmark.batch1|ops/s|-
2|NOP batch 32: EventLoop hand-off vs bare Ring|java.EventLoopNopBenchmark.batch32|java.RingNopBenchmark.batch32|ops/s|-
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
  echo "Command: \`benchmarks/run-core.sh$([ "$quick" -eq 1 ] && echo ' --quick') --rounds $rounds\`," \
       "$rounds interleaved rounds, ${elapsed}s in all."
  bench_machine
  echo "$(fio --version), liburing $(dpkg-query -W -f '${Version}' liburing-dev 2>/dev/null || echo '?')."
  echo
  echo "Ratio = Java / peer within one round; the table gives the median over rounds and the min-max spread."
  echo "Throughputs are medians in operations per second (NOPs or 4 KiB reads)."
  echo "The C NOP and fio O_DIRECT figures of a round are the means of a run right before and one right after the Java run."
  echo "fio 3.33 never sleeps on this ring setup (strace: \`io_uring_enter(fd, 1, 0, GETEVENTS)\` per read), so the"
  echo "O_DIRECT target compares it with the Ring busy-polling the same way; the sleeping variant is shown for information."
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
