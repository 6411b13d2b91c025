#!/usr/bin/env bash
# Runs the core benchmarks of reactive-uring next to their C peers and prints a Markdown table of
# Java/peer ratios against the targets of issue 2:
#   NOP round trips, batch 1 and 32 ........ RingNopBenchmark        vs c/nop_bench.c (liburing)
#   4 KiB randread, hot cache, depth 32 ..... RingRandomReadBenchmark vs fio io_uring --invalidate=0
#   4 KiB randread, O_DIRECT, depth 32 ...... RingRandomReadBenchmark vs fio io_uring direct=1
#   allocation of the core loops ............ AllocationCheck (exact, per thread) and JMH -prof gc
# plus, for information, the JDK peers (FileChannel, AsynchronousFileChannel) and the EventLoop
# hand-off. Java and peer runs alternate (C, Java, fio, Java, ...; the order flips every round) so
# that both sides see the same machine state; each ratio is taken within one round.
#
# Usage: benchmarks/run-core.sh [--quick] [--rounds N] [--out FILE]
#   --quick     short runs (the whole script stays within about 5 minutes on 2 cores)
#   --rounds N  rounds of each comparison (default 3, at least 3)
#   --out FILE  where the table goes (default benchmarks/results/core-<date>.md)
#   --note TEXT a remark printed above the table (e.g. what else ran on the machine)
# Environment: BENCH_DIR (default benchmarks/target/bench-data) holds the 1 GiB data file.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
rounds=3
out=""
note=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --rounds) rounds="$2"; shift ;;
    --out) out="$2"; shift ;;
    --note) note="$2"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$rounds" -lt 3 ] 2>/dev/null; then
  echo "--rounds must be at least 3, got $rounds" >&2
  exit 2
fi
export LC_ALL=C
out="${out:-benchmarks/results/core-$(date -u +%Y-%m-%d).md}"
bench_dir="${BENCH_DIR:-benchmarks/target/bench-data}"
work="benchmarks/target/run-core"
mkdir -p "$work" "$(dirname "$out")"
rm -f "$work"/*.csv "$work"/samples.tsv "$work"/notes.txt
started=$(date +%s)

tag=run-core
. benchmarks/bench-lib.sh
log "java: $java ($(uring_java_major "$java"))"

# ---------------------------------------------------------------- tools: liburing-dev, fio, gcc
missing=()
dpkg -s liburing-dev >/dev/null 2>&1 || [ -f /usr/include/liburing.h ] || missing+=(liburing-dev)
command -v fio >/dev/null 2>&1 || missing+=(fio)
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "installing ${missing[*]}"
  $sudo apt-get install -y "${missing[@]}" >/dev/null || { $sudo apt-get update >/dev/null && $sudo apt-get install -y "${missing[@]}" >/dev/null; }
fi

# ---------------------------------------------------------------- builds
log "building the C baseline"
mkdir -p benchmarks/target/c
gcc -O2 -Wall -Wextra -o benchmarks/target/c/nop_bench benchmarks/c/nop_bench.c -luring
log "building the JMH jar"
./mvnw -q -B -pl benchmarks -am package -DskipTests
jar=benchmarks/target/benchmarks.jar

jvm=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Duser.language=en
     "-During.bench.dir=$bench_dir")
log "creating and warming the 1 GiB data file"
data_file=$("$java" "${jvm[@]}" -cp "$jar" dev.uring.benchmarks.BenchFile)

if [ "$quick" -eq 1 ]; then
  c_secs=2; fio_secs=3; jmh=(-f 1 -wi 1 -w 1s -i 2 -r 1s)
else
  c_secs=5; fio_secs=10; jmh=(-f 1 -wi 3 -w 2s -i 5 -r 2s)
fi

# Each sample is one line "round<TAB>name<TAB>value" in samples.tsv.

run_c_nop() {
  local r=$1 b
  for b in 1 32; do
    v=$(benchmarks/target/c/nop_bench "$b" "$c_secs" | awk '{split($3, a, "="); print a[2]}')
    sample "$r" "c.nop.batch$b" "$v"
  done
}

run_fio() {
  local r=$1 job=$2
  v=$(BENCH_FILE="$data_file" RUNTIME="$fio_secs" fio --minimal "benchmarks/fio/randread-$job.fio" | awk -F';' '{print $8}')
  sample "$r" "fio.$job" "$v"
}

run_jmh() {
  local r=$1 tag=$2 regex=$3
  local csv="$work/jmh-$tag-$r.csv"
  jmh_run "$work/jmh-$tag-$r.log" "$regex" "${jmh[@]}" -rf csv -rff "$csv"
  awk -F, 'NR > 1 { gsub(/"/, ""); n = $1; sub(/.*\.benchmarks\./, "", n); printf "%s\tjava.%s\t%s\n", r, n, $5 }' \
    r="$r" "$csv" >> "$work/samples.tsv"
}

# ---------------------------------------------------------------- rounds, interleaved
for r in $(seq 1 "$rounds"); do
  log "round $r of $rounds"
  # the order flips every round, so that neither side always runs first in a warmer machine
  if [ $((r % 2)) -eq 1 ]; then
    run_c_nop "$r"; run_jmh "$r" nop 'RingNopBenchmark|EventLoopNopBenchmark'
    warm; run_fio "$r" hot; warm; run_jmh "$r" hot 'RingRandomReadBenchmark.hot|PeerRandomReadBenchmark'
    run_fio "$r" direct; run_jmh "$r" direct 'RingRandomReadBenchmark.direct'
  else
    run_jmh "$r" nop 'RingNopBenchmark|EventLoopNopBenchmark'; run_c_nop "$r"
    warm; run_jmh "$r" hot 'RingRandomReadBenchmark.hot|PeerRandomReadBenchmark'; warm; run_fio "$r" hot
    run_jmh "$r" direct 'RingRandomReadBenchmark.direct'; run_fio "$r" direct
  fi
done

# ---------------------------------------------------------------- allocation
log "allocation: exact per-thread check"
alloc_ok=1
"$java" "${jvm[@]}" -cp "$jar" dev.uring.benchmarks.AllocationCheck > "$work/alloc.txt" || alloc_ok=0
log "allocation: JMH -prof gc"
warm
jmh_run "$work/gc.log" 'RingNopBenchmark|RingRandomReadBenchmark|EventLoopNopBenchmark' "${jmh[@]}" -prof gc \
  -rf csv -rff "$work/gc.csv"

# ---------------------------------------------------------------- table
elapsed=$(( $(date +%s) - started ))
{
  echo "# Core benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`benchmarks/run-core.sh$([ "$quick" -eq 1 ] && echo ' --quick') --rounds $rounds\`," \
       "$rounds interleaved rounds, ${elapsed}s in all."
  echo "Machine: $(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), Linux $(uname -r)," \
       "$("$java" -version 2>&1 | head -1), $(fio --version), liburing $(dpkg-query -W -f '${Version}' liburing-dev 2>/dev/null || echo '?')."
  echo
  echo "Ratio = Java / peer within one round; the table gives the median over rounds and the min-max spread."
  echo "Throughputs are medians in operations per second (NOPs or 4 KiB reads)."
  echo "fio 3.33 never sleeps on this ring setup (strace: \`io_uring_enter(fd, 1, 0, GETEVENTS)\` per read), so the"
  echo "O_DIRECT target compares it with the Ring busy-polling the same way; the sleeping variant is shown for information."
  [ -z "$note" ] || { echo; echo "Note: $note"; }
  echo
  echo "| comparison | Java | peer | Java/peer median (min-max) | target | met |"
  echo "|---|---:|---:|---:|---:|:---:|"
  awk -F'\t' -v OFS='\t' '
    { v[$2, $1] = $3; rounds[$1] = 1 }
    function median(a, n,   i, j, t) {
      for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function human(x) {
      return x >= 1e6 ? sprintf("%.2f M", x / 1e6) : x >= 1e3 ? sprintf("%.0f k", x / 1e3) : sprintf("%.0f", x)
    }
    function row(label, java, peer, target,   r, n, m, ratios, js, ps, lo, hi, jm, pm, met) {
      n = 0
      for (r in rounds) if (((java, r) in v) && ((peer, r) in v) && v[peer, r] > 0) {
        n++; ratios[n] = v[java, r] / v[peer, r]; js[n] = v[java, r]; ps[n] = v[peer, r]
      }
      if (n == 0) { printf "| %s | - | - | no data | %s | - |\n", label, target == "" ? "-" : ">= " target "x"; return }
      lo = hi = ratios[1]
      for (m = 2; m <= n; m++) { if (ratios[m] < lo) lo = ratios[m]; if (ratios[m] > hi) hi = ratios[m] }
      jm = median(js, n); pm = median(ps, n); m = median(ratios, n)
      met = target == "" ? "info" : (m >= target ? "yes" : "**no**")
      printf "| %s | %s | %s | %.2fx (%.2f-%.2f) | %s | %s |\n", label, human(jm), human(pm), m, lo, hi,
        target == "" ? "-" : ">= " sprintf("%.2f", target) "x", met
    }
    END {
      row("NOP round trip, batch 1 (Ring vs liburing)", "java.RingNopBenchmark.batch1", "c.nop.batch1", 0.90)
      row("NOP round trip, batch 32 (Ring vs liburing)", "java.RingNopBenchmark.batch32", "c.nop.batch32", 0.95)
      row("4 KiB randread hot, depth 32 (Ring vs fio --invalidate=0)", "java.RingRandomReadBenchmark.hot", "fio.hot", 1.10)
      row("4 KiB randread O_DIRECT, depth 32, busy-polling like fio (Ring vs fio direct=1)", "java.RingRandomReadBenchmark.directBusyPoll", "fio.direct", 0.95)
      row("4 KiB randread O_DIRECT, depth 32, sleeping in io_uring_enter (Ring vs fio direct=1)", "java.RingRandomReadBenchmark.direct", "fio.direct", "")
      row("hot randread: Ring vs FileChannel (1 thread)", "java.RingRandomReadBenchmark.hot", "java.PeerRandomReadBenchmark.fileChannel", "")
      row("hot randread: Ring vs AsynchronousFileChannel (depth 32)", "java.RingRandomReadBenchmark.hot", "java.PeerRandomReadBenchmark.asyncFileChannel", "")
      row("NOP batch 1: EventLoop hand-off vs bare Ring", "java.EventLoopNopBenchmark.batch1", "java.RingNopBenchmark.batch1", "")
      row("NOP batch 32: EventLoop hand-off vs bare Ring", "java.EventLoopNopBenchmark.batch32", "java.RingNopBenchmark.batch32", "")
    }' "$work/samples.tsv"
  echo
  echo "Allocation (target 0 B/op): exact bytes per op on the benchmark thread after JIT warm-up"
  echo "(\`AllocationCheck\`), and JMH \`-prof gc\` \`gc.alloc.rate.norm\`, which also counts JMH's own threads."
  echo
  echo "| loop | exact B/op (benchmark thread) | -prof gc B/op (whole fork) | met |"
  echo "|---|---:|---:|:---:|"
  awk -F, 'NR > 1 && /alloc.rate.norm/ { gsub(/"/, ""); n = $1; sub(/.*\.benchmarks\./, "", n); sub(/:.*/, "", n); print "gc", n, $5 }' \
      "$work/gc.csv" > "$work/alloc-gc.txt"
  awk 'FNR == NR { gc[$2] = $3; next } $1 == "alloc" {
         printf "| %s | %.4f | %s | %s |\n", $2, $3, ($2 in gc) ? sprintf("%.3f", gc[$2]) : "-", $3 == 0 ? "yes" : "**no**" }' \
      "$work/alloc-gc.txt" "$work/alloc.txt"
  # the EventLoop path is not held to 0 B/op: each execute() enqueues into a ConcurrentLinkedQueue
  awk '$2 ~ /^EventLoop/ { printf "| %s | - | %.3f | info |\n", $2, $3 }' "$work/alloc-gc.txt"
  [ "$alloc_ok" -eq 1 ] || echo "AllocationCheck reported an allocating loop (see $work/alloc.txt)."
  if [ -f "$work/notes.txt" ]; then
    echo
    echo "Warning: $(sort -u "$work/notes.txt" | tr '\n' ' ')(JMH runs overlapped; these numbers are noisier)."
  fi
  echo
  echo "Raw samples (round, name, ops/s):"
  echo
  echo '```'
  sort -k2,2 -k1,1n "$work/samples.tsv"
  echo '```'
} > "$out"
cat "$out"
log "table written to $out"
