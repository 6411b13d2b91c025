#!/usr/bin/env bash
# What a ring policy costs (issue 4): PolicyOverheadBenchmark, 32 NOPs and 32 hot 4 KiB reads per
# submit-and-wait on one ring, with no policy, with the kernel's restrictions only (target >= 0.98x
# of no policy) and with the kernel's restrictions plus two Java argument filters (the filter path,
# for information). Each round runs every side in its own JMH invocation, the order rotating every
# round (none, kernel, filters / kernel, filters, none / ...); each ratio is taken within a round.
# Forks of one side differ by up to 20 % from one another, more than the 2 % under test, so the judged
# rows also come from PairedPolicyBenchmark: the two rings in one fork, one batch on each per invocation.
#
# Usage: benchmarks/run-policy.sh [--quick|--full] [--rounds N] [--out DIR] [--note TEXT] [--paired-only]
#   --paired-only  only the paired run (the per-side forks are left out: their rows say "no data")
#   (common arguments: see benchmarks/bench-lib.sh; --quick runs 2 rounds and full mode 5 unless --rounds says);
#   writes DIR/policy.md and DIR/policy.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
tag=policy
quick_rounds=2
full_rounds=5
paired_only=0
args=()
for a in "$@"; do if [ "$a" = --paired-only ]; then paired_only=1; else args+=("$a"); fi; done
. benchmarks/bench-lib.sh
bench_init "${args[@]}"
bench_need /usr/include/liburing.h:liburing-dev gcc:gcc
log "building the C bound (nop_bench --paired-restricted)"
mkdir -p benchmarks/target/c
gcc -O2 -Wall -Wextra -o benchmarks/target/c/nop_bench benchmarks/c/nop_bench.c -luring
bench_jar

if [ "$quick" -eq 1 ]; then
  # long enough that the JIT has settled: shorter runs spread wider than the 2 % the target allows
  jmh=(-f 1 -wi 2 -w 1s -i 1 -r 2s); c_secs=2
else
  jmh=(-f 1 -wi 3 -w 2s -i 5 -r 3s); c_secs=10
fi
sides=(none kernel bothFilters)

for r in $(seq 1 "$rounds"); do
  [ "$paired_only" -eq 0 ] || break
  log "round $r of $rounds"
  for k in 0 1 2; do
    side=${sides[$(( (k + r - 1) % 3 ))]}
    jmh_round "$r" "$side" 'policy.PolicyOverheadBenchmark' -p policy="$side" "${jmh[@]}"
  done
done

# the paired run: both sides in one fork, batch by batch (PairedPolicyBenchmark); its wall-time counters
# become samples paired.<op>.none / paired.<op>.kernel (ns per iteration; kernel/none throughput = none/kernel)
paired_rounds=$rounds
if ! "${java%java}jar" tf "$jar" | grep -q 'policy/PairedPolicyBenchmark.class'; then
  log "this jar has no PairedPolicyBenchmark: the paired rows are left out"; paired_rounds=0
fi
for r in $(seq 1 "$paired_rounds"); do
  jmh_round "$r" paired 'policy.PairedPolicyBenchmark' "${jmh[@]}"
  awk -F, -v r="$r" '{ sub(/\r$/, ""); gsub(/"/, "") }
           NR == 1 { for (i = 1; i <= NF; i++) if ($i == "Param: op") c = i; next }
           $1 ~ /:noneNanos$/ { printf "%s\tpaired.%s.none\t%s\n", r, $c, $5 }
           $1 ~ /:kernelNanos$/ { printf "%s\tpaired.%s.kernel\t%s\n", r, $c, $5 }' \
    "$work/jmh-paired-$r.csv" >> "$work/samples.tsv"
  # the C bound of the NOP row: liburing, an unrestricted and a kernel-restricted ring, batch by batch
  benchmarks/target/c/nop_bench 32 "$c_secs" --paired-restricted | tee -a "$work/c-paired.log" \
    | awk -v r="$r" '{ for (i = 1; i <= NF; i++) { split($i, kv, "=");
                         if (kv[1] == "none_ns") printf "%s\tc.paired.nop.none\t%s\n", r, kv[2];
                         if (kv[1] == "restricted_ns") printf "%s\tc.paired.nop.restricted\t%s\n", r, kv[2] } }' \
    >> "$work/samples.tsv"
done

bench_results <<'SPEC'
4|NOP batch 32, kernel-only policy vs none, both in one fork batch by batch (throughput ratio = none's time / kernel's)|paired.nop.none|paired.nop.kernel|ns|>= 0.98
4|4 KiB hot read depth 32, kernel-only policy vs none, both in one fork batch by batch|paired.read.none|paired.read.kernel|ns|>= 0.98
4|bound: C liburing NOP batch 32, kernel-restricted ring vs none, batch by batch in one process (what the kernel's check costs; throughput ratio = none's time / restricted's)|c.paired.nop.none|c.paired.nop.restricted|ns|-
4|NOP batch 32, kernel-only policy vs none|java.PolicyOverheadBenchmark.nopBatch32:policy=kernel|java.PolicyOverheadBenchmark.nopBatch32:policy=none|batches/s|>= 0.98
4|4 KiB hot read depth 32, kernel-only policy vs none|java.PolicyOverheadBenchmark.read4kDepth32:policy=kernel|java.PolicyOverheadBenchmark.read4kDepth32:policy=none|batches/s|>= 0.98
4|NOP batch 32, kernel policy + 2 argument filters vs none|java.PolicyOverheadBenchmark.nopBatch32:policy=bothFilters|java.PolicyOverheadBenchmark.nopBatch32:policy=none|batches/s|-
4|4 KiB hot read depth 32, kernel policy + 2 argument filters vs none|java.PolicyOverheadBenchmark.read4kDepth32:policy=bothFilters|java.PolicyOverheadBenchmark.read4kDepth32:policy=none|batches/s|-
SPEC

elapsed=$(( $(date +%s) - started ))
{
  echo "# Policy overhead, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`benchmarks/run-policy.sh$(bench_mode_flag) --rounds $rounds$([ "$paired_only" -eq 0 ] || echo " --paired-only")\`," \
       "$rounds rounds, the three sides rotating, ${elapsed}s in all."
  bench_machine
  echo
  echo "Scores are batches of 32 per second (one submit-and-wait each; unit batches/s, not ops). Ratio = with policy / without, within a round."
  echo "CPU us/op: user + system CPU microseconds per batch of 32 of the whole JMH fork."
  echo "Issue 4's target (>= 0.98x) is for the kernel-only policy; the argument-filter rows show what the"
  echo "Java filters checked before submission cost on top. The paired rows' Java / peer columns are the"
  echo "nanoseconds per iteration spent in the batches of the ring without a policy / with it; their ratio"
  echo "is the policy side's throughput relative to none, measured batch by batch in one fork."
  echo "The bound row runs the same pairing in C (benchmarks/c/nop_bench.c --paired-restricted: liburing,"
  echo "IORING_REGISTER_RESTRICTIONS with the benchmark policy's SQE ops): the share of the NOP row's cost that"
  echo "the kernel's restriction check takes whatever the caller; the Java paired NOP ratio can at best equal it."
  [ -z "$note" ] || { echo; echo "Note: $note"; }
  echo
  bench_table
  bench_footer
} > "$out/policy.md"
cat "$out/policy.md"
log "written: $out/policy.md, $out/policy.tsv"
