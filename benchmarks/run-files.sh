#!/usr/bin/env bash
# The shared fixed-file table (issue 3): FixedFileReadBenchmark, 4 KiB random reads of a hot file,
# 32 in flight per ring, two JMH threads each driving its own loop of one group, through one slot of
# the group's FixedFileTable (IOSQE_FIXED_FILE) vs a plain fd. The two sides alternate (fixed,
# plain / plain, fixed / ...), each in its own JMH invocation; each ratio is taken within a round.
# For information, InstallPropagationBenchmark.install: the latency of installing one file into a
# table shared by 1 and 2 rings (4 and 16 too in full mode), once after the rounds.
#
# Usage: benchmarks/run-files.sh [--quick|--full] [--rounds N] [--out DIR] [--note TEXT]
#   (common arguments: see benchmarks/bench-lib.sh); writes DIR/files.md and DIR/files.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
tag=files
. benchmarks/bench-lib.sh
bench_init "$@"
bench_jar

if [ "$quick" -eq 1 ]; then
  jmh=(-f 1 -wi 1 -w 300ms -i 1 -r 700ms -t 2 -p fileMiB=64); install=(-f 1 -wi 1 -w 300ms -i 1 -r 700ms -p rings=1,2)
else
  jmh=(-f 1 -wi 3 -w 2s -i 5 -r 2s -t 2 -p fileMiB=256); install=(-f 1 -wi 2 -w 1s -i 3 -r 2s -p rings=1,2,4,16)
fi

for r in $(seq 1 "$rounds"); do
  log "round $r of $rounds"
  if [ $((r % 2)) -eq 1 ]; then order=(fixedSlot plainFd); else order=(plainFd fixedSlot); fi
  for m in "${order[@]}"; do
    jmh_round "$r" "$m" "files.FixedFileReadBenchmark.$m\$" "${jmh[@]}"
  done
done
log "install propagation"
jmh_round 1 install 'files.InstallPropagationBenchmark.install$' "${install[@]}"

{
  cat <<'SPEC'
3|4 KiB hot randread, 2 rings x 32 in flight: fixed slot vs plain fd|java.FixedFileReadBenchmark.fixedSlot:fileMiB=64|java.FixedFileReadBenchmark.plainFd:fileMiB=64|ops/s|-
SPEC
  for n in 1 2 4 16; do
    echo "3|install one file into a table shared by $n ring(s) (mean latency)|java.InstallPropagationBenchmark.install:rings=$n|-|us|-"
  done
} | sed "s/fileMiB=64/fileMiB=$([ "$quick" -eq 1 ] && echo 64 || echo 256)/g" > "$work/spec"
bench_results < "$work/spec"
# rows for ring counts that were not run (quick mode) are dropped
awk -F'\t' '$10 != "no data" || $2 !~ /^install/' "$out/files.tsv" > "$work/files.tsv" && mv "$work/files.tsv" "$out/files.tsv"

elapsed=$(( $(date +%s) - started ))
{
  echo "# Fixed-file table, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`benchmarks/run-files.sh$(bench_mode_flag) --rounds $rounds\`," \
       "$rounds alternating rounds, ${elapsed}s in all."
  bench_machine
  echo
  echo "Reads per second summed over the two JMH threads; ratio = fixed slot / plain fd within a round."
  echo "Issue 3 sets no throughput target; the install rows give the mean latency in microseconds."
  [ -z "$note" ] || { echo; echo "Note: $note"; }
  echo
  bench_table
  bench_footer
} > "$out/files.md"
cat "$out/files.md"
log "written: $out/files.md, $out/files.tsv"
