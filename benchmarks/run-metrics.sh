#!/usr/bin/env bash
# What metrics cost (issue 20): MetricsOverheadBenchmark with metrics off and on, on two hot paths:
# EventLoop NOP round trips in batches of 32 (every op pays the loop's counting and nothing else) and
# 4 KiB random reads of the hot 1 GiB file through ReactiveFile.read Monos, one flatMap per loop. "on"
# is what Uring.metrics(registry) sets: counting on every loop, a SimpleMeterRegistry bound, the JFR
# thresholds at their defaults. Target (issue 20: "at most 3 % when on"): on/off >= 0.97 on both.
# Each round runs off and on in their own JMH invocations, the order flipping every round (off, on /
# on, off / ...); each ratio is taken within a round. CPU per op: the whole JMH fork's (CpuProfiler).
#
# Usage: benchmarks/run-metrics.sh [--quick|--full|--smoke] [--rounds N] [--out DIR] [--note TEXT]
#   (common arguments: see benchmarks/bench-lib.sh; full mode runs 5 rounds unless --rounds says);
#   writes DIR/metrics.md and DIR/metrics.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
tag=metrics
quick_rounds=2
full_rounds=5
. benchmarks/bench-lib.sh
bench_init "$@"
bench_jar
log "creating and warming the 1 GiB data file"
data_file=$("$java" "${jvm[@]}" -cp "$jar" dev.uring.benchmarks.BenchFile)
pin_data_file

if [ "$quick" -eq 1 ]; then
  # the Mono shape needs a few seconds of JIT warm-up before it reaches its steady state
  jmh=(-f 1 -wi 3 -w 1s -i 1 -r 2s)
else
  jmh=(-f 1 -wi 3 -w 2s -i 5 -r 3s)
fi

for r in $(seq 1 "$rounds"); do
  log "round $r of $rounds"
  if [ $((r % 2)) -eq 1 ]; then order=(off on); else order=(on off); fi
  for m in "${order[@]}"; do
    warm; jmh_round "$r" "$m" 'metrics.MetricsOverheadBenchmark' -p metrics="$m" "${jmh[@]}"
  done
done

bench_results <<'SPEC'
20|EventLoop NOP batch 32, metrics on vs off (counting on the loop)|java.MetricsOverheadBenchmark.loopNopBatch32:metrics=on|java.MetricsOverheadBenchmark.loopNopBatch32:metrics=off|ops/s|>= 0.97
20|4 KiB hot randread, Mono per loop (2 loops), metrics on vs off (Uring.metrics(SimpleMeterRegistry))|java.MetricsOverheadBenchmark.monoPerLoop:metrics=on|java.MetricsOverheadBenchmark.monoPerLoop:metrics=off|ops/s|>= 0.97
SPEC

elapsed=$(( $(date +%s) - started ))
{
  echo "# Metrics overhead, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`benchmarks/run-metrics.sh$(bench_mode_flag) --rounds $rounds\`," \
       "$rounds rounds, off and on alternating, ${elapsed}s in all."
  bench_machine
  echo
  echo "Scores are NOPs or 4 KiB reads per second. Ratio = metrics on / off, within a round. Issue 20's target:"
  echo "metrics on cost at most 3 % (>= 0.97x). CPU us/op: user + system CPU microseconds per op of the whole JMH fork."
  [ -z "$note" ] || { echo; echo "Note: $note"; }
  echo
  bench_table
  bench_footer
} > "$out/metrics.md"
cat "$out/metrics.md"
log "written: $out/metrics.md, $out/metrics.tsv"
