#!/usr/bin/env bash
# Runs the uring-reactor benchmarks (issue 5) next to their peers and prints a Markdown table of
# ratios against the targets:
#   4 KiB randread, hot 1 GiB file, 32 in flight, Uring of 2 loops (ReactorRandomReadBenchmark.mono)
#     vs AsynchronousFileChannel at depth 32 ........ >= 1.5x  (same JMH run)
#     vs FileChannel pread on 2 threads ............. >= 1.0x  (same JMH run)
#     vs fio io_uring, 2 jobs x iodepth 16 .......... >= 0.9x  (interleaved with the JMH runs)
#   sequential read of the 1 GiB file, 64 KiB chunks (ReactorSequentialReadBenchmark)
#     ReactiveFile.readAll vs Spring DataBufferUtils.read ... >= 1.3x
#   bytes allocated per Mono read, JMH -prof gc gc.alloc.rate.norm ... <= 200 B/op
# The fio and JMH runs alternate, the order flipping every round; each ratio is taken within a round.
#
# Usage: benchmarks/run-reactor.sh [--quick|--full] [--rounds N] [--out DIR] [--note TEXT]
#   (common arguments: see benchmarks/bench-lib.sh); writes DIR/reactor.md and DIR/reactor.tsv.
# Environment: BENCH_DIR (default benchmarks/target/bench-data) holds the 1 GiB data file.
set -euo pipefail
cd "$(dirname "$0")/.."
tag=reactor
. benchmarks/bench-lib.sh
bench_init "$@"
bench_need fio:fio

bench_jar
log "creating and warming the 1 GiB data file"
data_file=$("$java" "${jvm[@]}" -cp "$jar" dev.uring.benchmarks.BenchFile)

if [ "$quick" -eq 1 ]; then
  fio_secs=1; jmh_rand=(-f 1 -wi 1 -w 500ms -i 1 -r 1s); jmh_seq=(-f 1 -wi 1 -w 1s -i 1 -r 1s)
else
  fio_secs=10; jmh_rand=(-f 1 -wi 3 -w 2s -i 5 -r 2s); jmh_seq=(-f 1 -wi 2 -w 4s -i 5 -r 4s)
fi


# fio with as many jobs as the Uring has loops, 32 reads in flight in total, like the Monos.
run_fio() {
  local r=$1 v
  v=$(fio --minimal --group_reporting --name=randread-hot-2x16 --ioengine=io_uring --filename="$data_file" \
        --size=1g --rw=randread --bs=4k --iodepth=16 --numjobs=2 --direct=0 --invalidate=0 --norandommap \
        --randrepeat=0 --time_based --runtime="$fio_secs" --ramp_time=1 | awk -F';' '{print $8}')
  sample "$r" fio.randread "$v"
}

run_jmh() { jmh_round "$@"; }

for r in $(seq 1 "$rounds"); do
  log "round $r of $rounds"
  if [ $((r % 2)) -eq 1 ]; then
    warm; run_fio "$r"; warm; run_jmh "$r" rand 'reactor.ReactorRandomReadBenchmark' "${jmh_rand[@]}" -prof gc
    warm; run_jmh "$r" seq 'reactor.ReactorSequentialReadBenchmark' "${jmh_seq[@]}"
  else
    warm; run_jmh "$r" seq 'reactor.ReactorSequentialReadBenchmark' "${jmh_seq[@]}"
    warm; run_jmh "$r" rand 'reactor.ReactorRandomReadBenchmark' "${jmh_rand[@]}" -prof gc; warm; run_fio "$r"
  fi
done

bench_results <<'SPEC'
5|4 KiB randread, Mono vs AsynchronousFileChannel (depth 32)|java.ReactorRandomReadBenchmark.mono|java.ReactorRandomReadBenchmark.asyncFileChannel|ops/s|>= 1.50
5|4 KiB randread, Mono (2 loops) vs FileChannel (2 threads)|java.ReactorRandomReadBenchmark.mono|java.ReactorRandomReadBenchmark.fileChannel|ops/s|>= 1.00
5|4 KiB randread, Mono vs fio io_uring (2 jobs x 16)|java.ReactorRandomReadBenchmark.mono|fio.randread|ops/s|>= 0.90
5|4 KiB randread, Mono one flatMap per loop vs FileChannel (2 threads)|java.ReactorRandomReadBenchmark.monoPerLoop|java.ReactorRandomReadBenchmark.fileChannel|ops/s|>= 1.00
5|4 KiB randread, Mono one flatMap per loop vs fio io_uring (2 jobs x 16)|java.ReactorRandomReadBenchmark.monoPerLoop|fio.randread|ops/s|>= 0.90
5|1 GiB sequential read, readAll vs Spring DataBufferUtils.read|java.ReactorSequentialReadBenchmark.readAll|java.ReactorSequentialReadBenchmark.springDataBufferUtils|files/s|>= 1.30
5|bytes allocated per Mono read (-prof gc, whole fork)|alloc.ReactorRandomReadBenchmark.mono|-|B/op|<= 200
SPEC

elapsed=$(( $(date +%s) - started ))
{
  echo "# uring-reactor benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`benchmarks/run-reactor.sh$([ "$quick" -eq 1 ] && echo ' --quick') --rounds $rounds\`," \
       "$rounds interleaved rounds, ${elapsed}s in all."
  bench_machine
  echo "$(fio --version)."
  echo
  echo "Random reads: 4 KiB at random 4 KiB-aligned offsets of the hot (page-cached) 1 GiB file, 32 in flight in"
  echo "total. Mono = \`Flux.range(0, 1024).flatMap(i -> file.read(buf[i], off[i]), 32)\` per invocation over a"
  echo "\`Uring.create(2)\`; AsynchronousFileChannel at depth 32; FileChannel pread on 2 JMH threads (summed);"
  echo "fio \`ioengine=io_uring numjobs=2 iodepth=16 bs=4k rw=randread invalidate=0\` (2 jobs like the 2 loops, 32 in flight in all)."
  echo "Sequential: the whole file in 64 KiB chunks, bytes counted; readAll 4 reads ahead; Spring's"
  echo "\`DataBufferUtils.read(path, DefaultDataBufferFactory, 65536)\`, buffers released. One op = one whole file (1 GiB)."
  echo "Ratio = ours / peer within one round; median over rounds with the min-max spread."
  [ -z "$note" ] || { echo; echo "Note: $note"; }
  echo
  bench_table
  echo
  echo "\`gc.alloc.rate.norm\` divides the bytes allocated by every thread of the fork (the loop threads, JMH's"
  echo "own threads) by the reads done; for comparison, per read on the peers:"
  awk -F'\t' '$2 ~ /^alloc\./ && $2 !~ /mono$/ { n = $2; sub(/^alloc\./, "", n); s[n] = s[n] sprintf(" %.0f", $3) }
              END { for (n in s) printf "%s:%s B/op (per round).\n", n, s[n] }' "$work/samples.tsv" | sort
  bench_footer
} > "$out/reactor.md"
cat "$out/reactor.md"
log "written: $out/reactor.md, $out/reactor.tsv"
