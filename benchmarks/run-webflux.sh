#!/usr/bin/env bash
# Issue 7: the WebFlux file server (samples' FileServerApplication) serving 4 KiB and 1 MiB files
# with reactive-uring's io_uring Resource writer, against the same app with
# reactive-uring.webflux.enabled=false (Spring's stock ResourceHttpMessageWriter, which on Reactor
# Netty over plain HTTP/1.1 sends file bodies with zero-copy sendfile). Load: wrk, keep-alive, on
# loopback. Target: >= 1.3x requests/s. Both servers run side by side on their own free ports,
# each warmed up, then the wrk runs alternate A, B, B, A ... within every round, and each ratio
# is taken within a round.
#
# Usage: benchmarks/run-webflux.sh [--quick] [--rounds N] [--out DIR]
#   --quick     short runs (about a minute on 2 cores; 5 s of warm-up per server and file, 2 s runs)
#   --rounds N  rounds (default 3 quick, 5 full)
#   --out DIR   writes DIR/webflux.md and DIR/webflux.tsv (default benchmarks/results)
# Environment: URING_SERVER_ARGS, extra arguments for the io_uring server only, to try settings,
#   e.g. "--reactive-uring.webflux.single-read-limit=65536 --reactive-uring.webflux.open-files=0".
#   "--fileserver.measure.in-memory-bodies=true" measures the upper bound instead: that server
#   answers the same URLs with the files' bytes from memory (no file I/O at all), so the table
#   says what a writer with zero-cost file I/O would reach against stock on this machine.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0; rounds=""; outdir="benchmarks/results"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --rounds) rounds="$2"; shift ;;
    --out) outdir="$2"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
export LC_ALL=C
if [ "$quick" -eq 1 ]; then secs=2; warmup=5; rounds=${rounds:-3}; else secs=10; warmup=10; rounds=${rounds:-5}; fi
if ! [ "$rounds" -ge 1 ] 2>/dev/null; then echo "--rounds must be a positive number, got $rounds" >&2; exit 2; fi
work="benchmarks/target/run-webflux"
mkdir -p "$work" "$outdir"
rm -f "$work"/samples.tsv "$work"/*.log "$work"/notes.txt
started=$(date +%s)
tag=run-webflux
. benchmarks/bench-lib.sh

# the machine-wide lock of bench-lib.sh: no other benchmark script runs beside this one
bench_lock

if ! command -v wrk >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "installing wrk"
  $sudo apt-get install -y wrk >/dev/null 2>&1 || { $sudo apt-get update >/dev/null && $sudo apt-get install -y wrk >/dev/null; }
fi

log "building the samples"
./mvnw -q -B -pl samples -am compile dependency:build-classpath -Dmdep.outputFile="$PWD/$work/classpath.txt" >/dev/null
cp="samples/target/classes:$(cat "$work/classpath.txt")"

root="$work/files"
mkdir -p "$root"
head -c 4096 /dev/urandom > "$root/4k.bin"
head -c 1048576 /dev/urandom > "$root/1m.bin"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# start_server NAME ENABLED [ARGS...]: the file server on a free port, its port in $port
start_server() {
  local name=$1 enabled=$2 i; shift 2
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$java" --enable-native-access=ALL-UNNAMED -Xms512m -Xmx512m -cp "$cp" \
    dev.uring.samples.fileserver.FileServerApplication "$PWD/$root" --server.port="$port" \
    --reactive-uring.webflux.enabled="$enabled" --logging.level.root=warn "$@" > "$work/$name.log" 2>&1 &
  pids+=($!)
  for i in $(seq 1 120); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/files/4k.bin" && return 0
    sleep 0.5
  done
  echo "the $name server did not start, see $work/$name.log" >&2; tail -20 "$work/$name.log" >&2; exit 1
}
# shellcheck disable=SC2086
start_server uring true ${URING_SERVER_ARGS:-}; uring_port=$port
start_server stock false; stock_port=$port
log "servers: io_uring writer on port $uring_port${URING_SERVER_ARGS:+ ($URING_SERVER_ARGS)}, Spring's stock writer on port $stock_port"

# the same bytes from both
for f in 4k.bin 1m.bin; do
  a=$(curl -sf "http://127.0.0.1:$uring_port/files/$f" | sha256sum); b=$(curl -sf "http://127.0.0.1:$stock_port/files/$f" | sha256sum)
  c=$(sha256sum < "$root/$f")
  [ "$a" = "$c" ] && [ "$b" = "$c" ] || { echo "checksum mismatch for $f" >&2; exit 1; }
done

# wrk with 1 thread (the servers need the other core), 16 connections for 4 KiB, 8 for 1 MiB
run_wrk() {
  local r=$1 side=$2 port=$3 file=$4 conns=$5 d=$6 v
  v=$(wrk -t1 -c"$conns" -d"${d}s" "http://127.0.0.1:$port/files/$file" | tee "$work/wrk-$side-$file-$r.log" \
      | awk '/Requests\/sec:/ {print $2}')
  [ "$r" = warmup ] || sample "$r" "$side.$file" "$v"
}
log "warming up both servers (${warmup}s each per file)"
for f in "4k.bin 16" "1m.bin 8"; do
  set -- $f
  run_wrk warmup uring "$uring_port" "$1" "$2" "$warmup"; run_wrk warmup stock "$stock_port" "$1" "$2" "$warmup"
done
for r in $(seq 1 "$rounds"); do
  log "round $r of $rounds"
  for f in "4k.bin 16" "1m.bin 8"; do
    set -- $f
    if [ $((r % 2)) -eq 1 ]; then
      run_wrk "$r" uring "$uring_port" "$1" "$2" "$secs"; run_wrk "$r" stock "$stock_port" "$1" "$2" "$secs"
    else
      run_wrk "$r" stock "$stock_port" "$1" "$2" "$secs"; run_wrk "$r" uring "$uring_port" "$1" "$2" "$secs"
    fi
  done
done

elapsed=$(( $(date +%s) - started ))
tsv="$outdir/webflux.tsv"; md="$outdir/webflux.md"
printf 'issue\tcomparison\tjava\tpeer\tunit\tratio_median\tratio_min\tratio_max\ttarget\tmet\n' > "$tsv"
awk -F'\t' '
  { v[$2, $1] = $3; rounds[$1] = 1 }
  function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function row(label, file,   r, n, m, ratios, os, ps, lo, hi) {
    n = 0
    for (r in rounds) if ((("uring." file), r) in v && (("stock." file), r) in v && v["stock." file, r] > 0) {
      n++; ratios[n] = v["uring." file, r] / v["stock." file, r]; os[n] = v["uring." file, r]; ps[n] = v["stock." file, r]
    }
    if (n == 0) return
    lo = hi = ratios[1]
    for (m = 2; m <= n; m++) { if (ratios[m] < lo) lo = ratios[m]; if (ratios[m] > hi) hi = ratios[m] }
    m = median(ratios, n)
    printf "7\t%s\t%.0f\t%.0f\treq/s\t%.2f\t%.2f\t%.2f\t>= 1.30\t%s\n", label, median(os, n), median(ps, n), m, lo, hi, (m >= 1.3) ? "yes" : "no"
  }
  END {
    row("WebFlux file server GET 4 KiB, wrk 16 conns (io_uring writer vs Spring stock)", "4k.bin")
    row("WebFlux file server GET 1 MiB, wrk 8 conns (io_uring writer vs Spring stock)", "1m.bin")
  }' "$work/samples.tsv" >> "$tsv"
{
  echo "# WebFlux file server: io_uring writer vs Spring's stock writer, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`benchmarks/run-webflux.sh$([ "$quick" -eq 1 ] && echo ' --quick') --rounds $rounds\`, ${elapsed}s in all;" \
       "wrk ${secs}s per run, 1 thread, keep-alive, loopback; the two servers run side by side, alternating within each round."
  echo "Machine: $(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), Linux $(uname -r)," \
       "$("$java" -version 2>&1 | head -1)."
  echo
  echo "Both sides are \`dev.uring.samples.fileserver.FileServerApplication\` (Spring Boot 4.1.1, Reactor Netty);"
  echo "the peer runs with \`reactive-uring.webflux.enabled=false\`, so its bodies go through Spring's"
  echo "ResourceHttpMessageWriter, which on Reactor Netty over plain HTTP/1.1 uses zero-copy sendfile."
  echo "Both pay the same handler (path confinement, one STATX through io_uring); the io_uring writer"
  echo "reuses that STATX and keeps the files open between responses (reactive-uring.webflux.open-files)."
  [ -z "${URING_SERVER_ARGS:-}" ] || echo "io_uring server arguments: \`$URING_SERVER_ARGS\`."
  echo
  echo "| comparison | io_uring req/s | stock req/s | ratio median (min-max) | target | met |"
  echo "|---|---:|---:|---:|---:|:---:|"
  awk -F'\t' 'NR > 1 { printf "| %s | %s | %s | %sx (%s-%s) | %s | %s |\n", $2, $3, $4, $6, $7, $8, $9, $10 }' "$tsv"
  if [ -f "$work/notes.txt" ]; then echo; echo "Warning: $(sort -u "$work/notes.txt" | tr '\n' ' ')(noisier numbers)."; fi
  echo
  echo "Raw samples (round, side.file, req/s):"
  echo
  echo '```'
  sort -k2,2 -k1,1n "$work/samples.tsv"
  echo '```'
} > "$md"
cat "$md"
log "written: $md and $tsv"
