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
# Usage: benchmarks/run-reactor.sh [--quick] [--rounds N] [--out FILE] [--note TEXT]
#   --quick     short runs (about 5 minutes on 2 cores)
#   --rounds N  rounds (default 3, at least 3)
#   --out FILE  where the table goes (default benchmarks/results/reactor-<date>.md)
#   --note TEXT a remark printed above the table (e.g. what else ran on the machine)
# Environment: BENCH_DIR (default benchmarks/target/bench-data) holds the 1 GiB data file.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0; rounds=3; out=""; note=""
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
if ! [ "$rounds" -ge 3 ] 2>/dev/null; then
  echo "--rounds must be a number of at least 3, got $rounds" >&2
  exit 2
fi
export LC_ALL=C
out="${out:-benchmarks/results/reactor-$(date -u +%Y-%m-%d).md}"
bench_dir="${BENCH_DIR:-benchmarks/target/bench-data}"
work="benchmarks/target/run-reactor"
mkdir -p "$work" "$(dirname "$out")"
rm -f "$work"/*.csv "$work"/*.log "$work"/samples.tsv "$work"/notes.txt
started=$(date +%s)
tag=run-reactor
. benchmarks/bench-lib.sh
log "java: $java"

if ! command -v fio >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "installing fio"
  $sudo apt-get install -y fio >/dev/null || { $sudo apt-get update >/dev/null && $sudo apt-get install -y fio >/dev/null; }
fi

log "building the JMH jar"
./mvnw -q -B -pl benchmarks -am package -DskipTests
jar=benchmarks/target/benchmarks.jar
jvm=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Duser.language=en
     "-During.bench.dir=$bench_dir")
log "creating and warming the 1 GiB data file"
data_file=$("$java" "${jvm[@]}" -cp "$jar" dev.uring.benchmarks.BenchFile)

if [ "$quick" -eq 1 ]; then
  fio_secs=3; jmh_rand=(-f 1 -wi 1 -w 1s -i 2 -r 1s); jmh_seq=(-f 1 -wi 1 -w 2s -i 2 -r 2s)
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

# Primary scores become java.<Class>.<method>; -prof gc's norm rate becomes alloc.<Class>.<method>.
run_jmh() {
  local r=$1 tag=$2 regex=$3; shift 3
  local csv="$work/jmh-$tag-$r.csv"
  jmh_run "$work/jmh-$tag-$r.log" "$regex" "$@" -rf csv -rff "$csv"
  awk -F, 'NR > 1 { gsub(/"/, ""); n = $1; sub(/.*\.reactor\./, "", n)
                    if (n !~ /:/) printf "%s\tjava.%s\t%s\n", r, n, $5
                    else if (n ~ /:gc.alloc.rate.norm$/) { sub(/:.*/, "", n); printf "%s\talloc.%s\t%s\n", r, n, $5 } }' \
    r="$r" "$csv" >> "$work/samples.tsv"
}

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

elapsed=$(( $(date +%s) - started ))
{
  echo "# uring-reactor benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`benchmarks/run-reactor.sh$([ "$quick" -eq 1 ] && echo ' --quick') --rounds $rounds\`," \
       "$rounds interleaved rounds, ${elapsed}s in all."
  echo "Machine: $(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), Linux $(uname -r)," \
       "$("$java" -version 2>&1 | head -1), $(fio --version)."
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
  echo "| comparison | ours | peer | ratio median (min-max) | target | met |"
  echo "|---|---:|---:|---:|---:|:---:|"
  awk -F'\t' '
    { v[$2, $1] = $3; rounds[$1] = 1 }
    function median(a, n,   i, j, t) {
      for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function human(x) {
      return x >= 1e6 ? sprintf("%.2f M", x / 1e6) : x >= 1e3 ? sprintf("%.0f k", x / 1e3) : sprintf("%.2f", x)
    }
    function row(label, ours, peer, target,   r, n, m, ratios, os, ps, lo, hi) {
      n = 0
      for (r in rounds) if (((ours, r) in v) && ((peer, r) in v) && v[peer, r] > 0) {
        n++; ratios[n] = v[ours, r] / v[peer, r]; os[n] = v[ours, r]; ps[n] = v[peer, r]
      }
      if (n == 0) { printf "| %s | - | - | no data | >= %.2fx | - |\n", label, target; return }
      lo = hi = ratios[1]
      for (m = 2; m <= n; m++) { if (ratios[m] < lo) lo = ratios[m]; if (ratios[m] > hi) hi = ratios[m] }
      m = median(ratios, n)
      printf "| %s | %s | %s | %.2fx (%.2f-%.2f) | >= %.2fx | %s |\n", label, human(median(os, n)), human(median(ps, n)),
        m, lo, hi, target, (m >= target) ? "yes" : "**no**"
    }
    function alloc(label, name, target,   r, n, a, m, lo, hi) {
      n = 0
      for (r in rounds) if ((name, r) in v) { n++; a[n] = v[name, r] }
      if (n == 0) { printf "| %s | no data | | | <= %d B/op | - |\n", label, target; return }
      lo = hi = a[1]
      for (m = 2; m <= n; m++) { if (a[m] < lo) lo = a[m]; if (a[m] > hi) hi = a[m] }
      m = median(a, n)
      printf "| %s | %.0f B/op | | (%.0f-%.0f) | <= %d B/op | %s |\n", label, m, lo, hi, target, (m <= target) ? "yes" : "**no**"
    }
    END {
      row("4 KiB randread, Mono vs AsynchronousFileChannel (depth 32)", "java.ReactorRandomReadBenchmark.mono", "java.ReactorRandomReadBenchmark.asyncFileChannel", 1.5)
      row("4 KiB randread, Mono (2 loops) vs FileChannel (2 threads)", "java.ReactorRandomReadBenchmark.mono", "java.ReactorRandomReadBenchmark.fileChannel", 1.0)
      row("4 KiB randread, Mono vs fio io_uring (2 jobs x 16)", "java.ReactorRandomReadBenchmark.mono", "fio.randread", 0.9)
      row("4 KiB randread, Mono one flatMap per loop vs FileChannel (2 threads)", "java.ReactorRandomReadBenchmark.monoPerLoop", "java.ReactorRandomReadBenchmark.fileChannel", 1.0)
      row("4 KiB randread, Mono one flatMap per loop vs fio io_uring (2 jobs x 16)", "java.ReactorRandomReadBenchmark.monoPerLoop", "fio.randread", 0.9)
      row("1 GiB sequential read, readAll vs Spring DataBufferUtils.read (files/s)", "java.ReactorSequentialReadBenchmark.readAll", "java.ReactorSequentialReadBenchmark.springDataBufferUtils", 1.3)
      alloc("bytes allocated per Mono read (-prof gc, whole fork)", "alloc.ReactorRandomReadBenchmark.mono", 200)
    }' "$work/samples.tsv"
  echo
  echo "\`gc.alloc.rate.norm\` divides the bytes allocated by every thread of the fork (the loop threads, JMH's"
  echo "own threads) by the reads done; for comparison, per read on the peers:"
  awk -F'\t' '$2 ~ /^alloc\./ && $2 !~ /mono$/ { n = $2; sub(/^alloc\./, "", n); s[n] = s[n] sprintf(" %.0f", $3) }
              END { for (n in s) printf "%s:%s B/op (per round).\n", n, s[n] }' "$work/samples.tsv" | sort
  if [ -f "$work/notes.txt" ]; then
    echo
    echo "Warning: $(sort -u "$work/notes.txt" | tr '\n' ' ')(these numbers are noisier)."
  fi
  echo
  echo "Raw samples (round, name, ops/s or B/op):"
  echo
  echo '```'
  sort -k2,2 -k1,1n "$work/samples.tsv"
  echo '```'
} > "$out"
cat "$out"
log "table written to $out"
