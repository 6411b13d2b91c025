#!/usr/bin/env bash
# Before/after on one machine: the same rows measured with the benchmark jar of an earlier commit (the
# base) and with this tree's, in alternating order round by round, so that a change that must not cost
# throughput (a package split, a new engine) is judged inside one run rather than against a report from
# another day or another machine. Rows (ratio = this tree / base, within a round; target: within noise):
#   reactor: ReactorRandomReadBenchmark.monoPerLoop and .coreLoops (4 KiB hot reads, 2 loops, depth 32)
#   tcp:     UringEchoServer (busy poll: the base's only mode) driven by benchmarks/c/tcp_pingpong at
#            64 B x 1, 4 KiB x 16 and 64 B x 256 connections; server CPU per request beside it
#
# Usage: benchmarks/run-ab.sh --base-jar JAR [--base-server-args ARGS] [common arguments of bench-lib.sh]
#   --base-jar JAR            the base's benchmarks.jar, built in a worktree of the base commit:
#                             git worktree add /tmp/base REV && (cd /tmp/base && ./mvnw -q -B -pl benchmarks -am package -DskipTests)
#                             (both jars must read the same offsets: compare BenchFile/ReactorRandomReadBenchmark)
#   --base-server-args ARGS   what the base's UringEchoServer takes for busy poll ("" before issue 18, the default)
#   writes DIR/ab.md and DIR/ab.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
tag=ab
quick_rounds=3
base_jar=""
base_server_args=""
rest=()
while [ $# -gt 0 ]; do
  case "$1" in
    --base-jar) base_jar="${2:?--base-jar needs a path}"; shift ;;
    --base-server-args) base_server_args="$2"; shift ;;
    *) rest+=("$1") ;;
  esac
  shift
done
. benchmarks/bench-lib.sh
bench_init "${rest[@]}"
[ -f "$base_jar" ] || { echo "--base-jar: no such jar: $base_jar" >&2; exit 2; }
bench_jar
bench_need /usr/include/liburing.h:liburing-dev gcc:gcc
new_jar=$jar
data_file=$bench_dir/randread-1g.dat

# CpuProfiler is newer than some bases: its classes ride on the class path of both sides
prof_dir="$work/prof"
mkdir -p "$prof_dir/dev/uring/benchmarks"
cp benchmarks/target/classes/dev/uring/benchmarks/CpuProfiler*.class "$prof_dir/dev/uring/benchmarks/"

if [ "$quick" -eq 1 ]; then
  jmh=(-f 1 -wi 3 -w 1s -i 3 -r 1s); secs=3; warmup=1
else
  jmh=(-f 1 -wi 4 -w 1s -i 5 -r 2s); secs=5; warmup=1
fi

# one JMH run of side $2 (base|new) in round $1; its samples are named <side>.<Class>.<method>
jmh_side() {
  local r=$1 side=$2 side_jar n
  side_jar=$([ "$side" = base ] && echo "$base_jar" || echo "$new_jar")
  n=$(wc -l < "$work/samples.tsv" 2>/dev/null || echo 0)
  warm
  jar_saved=$jar; jar=$side_jar
  java_saved=("${jvm[@]}"); jvm+=(-cp "$side_jar:$prof_dir" org.openjdk.jmh.Main)
  # jmh_run runs "$java" "${jvm[@]}" -jar "$jar" ...: -cp/Main above take over, the -jar is dropped below
  jmh_round "$r" "$side" 'reactor.ReactorRandomReadBenchmark.(monoPerLoop|coreLoops)$' "${jmh[@]}"
  jar=$jar_saved; jvm=("${java_saved[@]}")
  awk -v n="$n" -v s="$side" 'BEGIN { FS = OFS = "\t" } NR > n { sub(/^java\./, s ".", $2); sub(/^cpu\./, "cpu." s ".", $2) } { print }' \
    "$work/samples.tsv" > "$work/samples.tmp" && mv "$work/samples.tmp" "$work/samples.tsv"
}
# jmh_run calls: "$java" "${jvm[@]}" -jar "$jar" "$@"; with the main class in jvm, -jar must go
jmh_run() {
  local logf=$1; shift
  "$java" "${jvm[@]}" "$@" > "$logf" 2>&1 || { echo "JMH failed, see $logf" >&2; tail -20 "$logf" >&2; exit 1; }
}

# ---------------------------------------------------------------- reactor rows
[ -f "$data_file" ] || "$java" "${jvm[@]}" -cp "$new_jar" dev.uring.benchmarks.BenchFile >/dev/null 2>&1 || true
pin_data_file
: >> "$work/samples.tsv"
for r in $(seq 1 "$rounds"); do
  log "reactor round $r of $rounds"
  if [ $((r % 2)) -eq 1 ]; then jmh_side "$r" base; jmh_side "$r" new; else jmh_side "$r" new; jmh_side "$r" base; fi
done

# ---------------------------------------------------------------- tcp rows
gen=benchmarks/target/c/tcp_pingpong
mkdir -p benchmarks/target/c
gcc -O2 -Wall -Wextra -o "$gen" benchmarks/c/tcp_pingpong.c -luring
server_cpu=(); gen_cpu=()
if [ "$(nproc)" -ge 2 ]; then server_cpu=(taskset -c 0); gen_cpu=(taskset -c 1); fi
declare -A pid=() port=()
start_echo() {
  local side=$1 side_jar args i
  side_jar=$([ "$side" = base ] && echo "$base_jar" || echo "$new_jar")
  args=$([ "$side" = base ] && echo "$base_server_args" || echo busy-poll)
  # shellcheck disable=SC2086
  "${server_cpu[@]}" "$java" "${jvm[@]}" -Xms512m -Xmx512m -cp "$side_jar" dev.uring.benchmarks.tcp.UringEchoServer $args --threads 1 \
    > "$work/$side.out" 2> "$work/$side.err" 9>&- &
  pid[$side]=$!
  for i in $(seq 1 150); do
    if grep -q '^listening ' "$work/$side.out"; then read -r _ port[$side] _ < <(grep -m1 '^listening ' "$work/$side.out"); return 0; fi
    sleep 0.1
  done
  echo "the $side echo server did not start: $(head -3 "$work/$side.err")" >&2; exit 1
}
stop_echo() { local k; for k in "${!pid[@]}"; do kill "${pid[$k]}" 2>/dev/null || true; done; unpin_data_file; }
trap stop_echo EXIT
start_echo base; start_echo new
cells=("64 1" "4096 16" "64 256")
for r in $(seq 1 "$rounds"); do
  log "tcp round $r of $rounds"
  for cell in "${cells[@]}"; do
    read -r size conns <<< "$cell"
    order=(base new); [ $((r % 2)) -eq 1 ] || order=(new base)
    for side in "${order[@]}"; do
      before=$(proc_cpu "${pid[$side]}")
      line=$("${gen_cpu[@]}" "$gen" --mode uring 127.0.0.1 "${port[$side]}" "$conns" "$size" "$secs" "$warmup")
      after=$(proc_cpu "${pid[$side]}")
      field() { tr ' ' '\n' <<< "$line" | awk -F= -v k="$1" '$1 == k { print $2 }'; }
      sample "$r" "$side.tcp.${size}x$conns" "$(field req_per_s)"
      # server CPU over the whole run (warm-up included) per request measured: an upper bound
      sample "$r" "cpu.$side.tcp.${size}x$conns" "$(cpu_us_per_op "$(awk -v a="$before" -v b="$after" 'BEGIN { print b - a }')" "$(field requests)")"
    done
  done
done

# bench_results pairs java.X with its peer; name this tree's samples java.* and the base's peer.*
awk 'BEGIN { FS = OFS = "\t" } { sub(/^new\./, "java.", $2); sub(/^cpu\.new\./, "cpu.", $2) } { print }' \
  "$work/samples.tsv" > "$work/samples.tmp" && mv "$work/samples.tmp" "$work/samples.tsv"
bench_results <<'SPEC'
16|Mono per loop, 4 KiB hot reads, 2 loops (this tree vs base)|java.ReactorRandomReadBenchmark.monoPerLoop|base.ReactorRandomReadBenchmark.monoPerLoop|ops/s|-
16|core API on 2 loops, same reads (this tree vs base)|java.ReactorRandomReadBenchmark.coreLoops|base.ReactorRandomReadBenchmark.coreLoops|ops/s|-
16|TCP echo 64 B x 1 conn, busy poll (this tree vs base)|java.tcp.64x1|base.tcp.64x1|req/s|-
16|TCP echo 4 KiB x 16 conns, busy poll (this tree vs base)|java.tcp.4096x16|base.tcp.4096x16|req/s|-
16|TCP echo 64 B x 256 conns, busy poll (this tree vs base)|java.tcp.64x256|base.tcp.64x256|req/s|-
SPEC
{
  echo "# Before/after: this tree vs $base_jar, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`benchmarks/run-ab.sh --base-jar $base_jar${base_server_args:+ --base-server-args '$base_server_args'}$(bench_mode_flag) --rounds $rounds\`, the two sides alternating, $(( $(date +%s) - started ))s in all."
  bench_machine
  [ -z "$note" ] || { echo; echo "Note: $note"; }
  echo
  bench_table
  bench_footer
} > "$out/ab.md"
log "wrote $out/ab.md"
