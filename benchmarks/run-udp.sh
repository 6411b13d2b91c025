#!/usr/bin/env bash
# UDP request/response and zero-copy sends (issue 21).
#
# 1. Ping-pong: reactive-uring's UdpServer echo (dev.uring.benchmarks.udp.UringUdpEchoServer: one
#    multishot RECVMSG, replies sent from the received buffers) against Netty 4.2.18's epoll and
#    io_uring datagram channels (NettyUdpEchoServer epoll|io_uring), all driven by the same closed-loop
#    C load generator (benchmarks/c/udp_pingpong.c) in its own process: FLOWS connected UDP sockets,
#    each sending one SIZE-byte datagram and waiting for its reply before the next. Cells: 64 B and
#    1 KiB x 1 and 16 flows. The servers start once and stay up; every round drives each server once
#    per cell, in an order that rotates round by round, and each ratio is taken within one round.
#    With 2 or more CPUs the servers are pinned to CPU 0 and the generator to CPU 1.
# 2. Zero copy: dev.uring.benchmarks.udp.ZeroCopySendBenchmark (JMH), TCP writes of 64 KiB, 256 KiB
#    and 1 MiB over one loopback connection with SEND_ZC (TcpOptions.zeroCopyThreshold) against plain
#    SEND, the two alternating round by round (information: zero copy is off by default until this
#    says it pays; over loopback the kernel copies anyway, so expect it to cost a little here).
#
# Usage: benchmarks/run-udp.sh [--quick|--full] [--rounds N] [--out DIR] [--note TEXT]
#   --quick: cells 64 B x 1 and 1 KiB x 16, 0.5 s warm-up + 1.5 s per run, zero copy at 64 KiB only
#   (about 90 s after the build); full: all 4 cells, 1 s + 5 s per run, all three write sizes.
#   Common arguments: see benchmarks/bench-lib.sh; writes DIR/udp.md and DIR/udp.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
tag=udp
quick_rounds=2
. benchmarks/bench-lib.sh
bench_init "$@"
bench_need gcc:gcc taskset:util-linux
bench_jar

if [ "$quick" -eq 1 ]; then
  warmup=0.5; secs=1.5
  cells=("64 1" "1024 16")
  zc_sizes=65536
  zc_jmh=(-f 1 -wi 1 -w 1s -i 1 -r 2s)
else
  warmup=1; secs=5
  cells=("64 1" "64 16" "1024 1" "1024 16")
  zc_sizes=65536,262144,1048576
  zc_jmh=(-f 1 -wi 2 -w 2s -i 3 -r 3s)
fi

log "building the load generator"
mkdir -p benchmarks/target/c
gen=benchmarks/target/c/udp_pingpong
gcc -O2 -Wall -Wextra -o "$gen" benchmarks/c/udp_pingpong.c

server_cpu=(); gen_cpu=()
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
  server_cpu=(taskset -c 0); gen_cpu=(taskset -c 1)
  pinning="servers on CPU 0, load generator on CPU 1"
else
  pinning="no pinning ($(nproc) CPU)"
fi

declare -A server_main=(
  [uring]="dev.uring.benchmarks.udp.UringUdpEchoServer"
  [epoll]="dev.uring.benchmarks.udp.NettyUdpEchoServer epoll"
  [iouring]="dev.uring.benchmarks.udp.NettyUdpEchoServer io_uring"
)
declare -A server_label=([uring]="reactive-uring" [epoll]="Netty epoll" [iouring]="Netty io_uring")
declare -A server_pid=() server_port=()
servers=()

stop_servers() {
  local k
  for k in "${!server_pid[@]}"; do kill "${server_pid[$k]}" 2>/dev/null || true; done
  for k in "${!server_pid[@]}"; do wait "${server_pid[$k]}" 2>/dev/null || true; done
}
trap stop_servers EXIT

start_server() {
  local k=$1 i
  # shellcheck disable=SC2086
  "${server_cpu[@]}" "$java" "${jvm[@]}" -Xms512m -Xmx512m -cp "$jar" ${server_main[$k]} --threads 1 \
    > "$work/$k.out" 2> "$work/$k.err" 9>&- &
  server_pid[$k]=$!
  for i in $(seq 1 150); do
    if grep -q '^listening ' "$work/$k.out"; then
      read -r _ server_port[$k] _ < <(grep -m1 '^listening ' "$work/$k.out")
      servers+=("$k")
      log "${server_label[$k]} listening on udp ${server_port[$k]}"
      return 0
    fi
    kill -0 "${server_pid[$k]}" 2>/dev/null || break
    sleep 0.1
  done
  kill "${server_pid[$k]}" 2>/dev/null || true
  unset "server_pid[$k]"
  echo "${server_label[$k]} did not start: $(grep -m1 -E 'Exception|Error' "$work/$k.err" || echo 'no listening line')" >> "$work/notes.txt"
}

# CPU seconds used so far by process $1 (user + system, /proc/PID/stat)
proc_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# One run of server $2 on cell ($3 bytes, $4 flows) in round $1: samples <key>.rps.<cell> and <key>.p99.<cell>,
# and cpu.<key>.rps.<cell>: the server's CPU microseconds per request (its CPU per wall second over the
# run, warm-up included, divided by the generator's requests per second).
drive() {
  local r=$1 k=$2 size=$3 flows=$4 line c0 c1 t0 t1 rps
  c0=$(proc_cpu "${server_pid[$k]}"); t0=$(date +%s.%N)
  if ! line=$("${gen_cpu[@]}" "$gen" 127.0.0.1 "${server_port[$k]}" "$flows" "$size" "$secs" "$warmup" 2>"$work/gen.err"); then
    echo "${server_label[$k]}, ${size} B x ${flows}, round $r: the load generator failed ($(head -1 "$work/gen.err"))" >> "$work/notes.txt"
    return 0
  fi
  c1=$(proc_cpu "${server_pid[$k]}"); t1=$(date +%s.%N)
  echo "$r $k ${size}x${flows} $line" >> "$work/pingpong.txt"
  rps=$(echo "$line" | sed -n 's/.*req_per_s=\([0-9.]*\).*/\1/p')
  sample "$r" "$k.rps.${size}x${flows}" "$rps"
  [ -z "$rps" ] || sample "$r" "cpu.$k.rps.${size}x${flows}" \
    "$(awk -v a="$c0" -v b="$c1" -v t0="$t0" -v t1="$t1" -v q="$rps" 'BEGIN { if (q > 0) printf "%.3f", (b - a) / (t1 - t0) / q * 1e6; else print 0 }')"
  sample "$r" "$k.p99.${size}x${flows}" "$(echo "$line" | sed -n 's/.*p99_us=\([0-9.]*\).*/\1/p')"
}

rm -f "$work/pingpong.txt"
log "starting the servers ($pinning)"
for k in uring epoll iouring; do start_server "$k"; done
[ ${#servers[@]} -ge 2 ] || { echo "fewer than two servers started; see $work/*.err" >&2; exit 1; }
log "warm-up"
for k in "${servers[@]}"; do
  for size in 64 1024; do
    "${gen_cpu[@]}" "$gen" 127.0.0.1 "${server_port[$k]}" 16 "$size" "$([ "$quick" -eq 1 ] && echo 0.5 || echo 2)" 0 \
      >/dev/null 2>&1 || true
  done
done
ci=0
for cell in "${cells[@]}"; do
  read -r size flows <<< "$cell"
  for r in $(seq 1 "$rounds"); do
    n=${#servers[@]}
    order=()
    for i in $(seq 0 $((n - 1))); do order+=("${servers[$(( (i + r + ci) % n ))]}"); done
    log "$size B x $flows flow(s), round $r of $rounds: ${order[*]}"
    for k in "${order[@]}"; do drive "$r" "$k" "$size" "$flows"; done
  done
  ci=$((ci + 1))
done
stop_servers
trap - EXIT

for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then order=(false true); else order=(true false); fi
  for zc in "${order[@]}"; do
    log "zero copy $zc, round $r of $rounds"
    jmh_round "$r" "zc-$zc" 'udp.ZeroCopySendBenchmark.send$' "${zc_jmh[@]}" -p size="$zc_sizes" -p zeroCopy="$zc"
  done
done

# jmh_round appends the params in awk's for-in order: put size first whatever that order was
sed -i -E 's/(ZeroCopySendBenchmark\.send):zeroCopy=([a-z]+):size=([0-9]+)/\1:size=\3:zeroCopy=\2/' "$work/samples.tsv"

{
  for cell in "${cells[@]}"; do
    read -r size flows <<< "$cell"
    c="${size}x${flows}"
    lab="$([ "$size" -eq 1024 ] && echo '1 KiB' || echo "$size B") x $flows flow$([ "$flows" -eq 1 ] || echo s)"
    echo "21|UDP request/response $lab, throughput (reactive-uring, loops busy-poll 50 us, vs Netty epoll default, sleeps)|uring.rps.$c|epoll.rps.$c|req/s|>= 1.00"
    echo "21|UDP request/response $lab, throughput (reactive-uring, loops busy-poll 50 us, vs Netty io_uring default, no buffer ring)|uring.rps.$c|iouring.rps.$c|req/s|>= 1.00"
    echo "21|UDP request/response $lab, p99 latency (reactive-uring, busy-poll 50 us, vs Netty epoll default)|uring.p99.$c|epoll.p99.$c|us|-"
    echo "21|UDP request/response $lab, p99 latency (reactive-uring, busy-poll 50 us, vs Netty io_uring default)|uring.p99.$c|iouring.p99.$c|us|-"
  done
  for s in ${zc_sizes//,/ }; do
    echo "21|TCP writes of $((s / 1024)) KiB: zero-copy SEND_ZC vs plain SEND|java.ZeroCopySendBenchmark.send:size=$s:zeroCopy=true|java.ZeroCopySendBenchmark.send:size=$s:zeroCopy=false|writes/s|-"
  done
} > "$work/spec"
bench_results < "$work/spec"

elapsed=$(( $(date +%s) - started ))
{
  echo "# UDP request/response and zero-copy sends (issue 21), $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`benchmarks/run-udp.sh$(bench_mode_flag) --rounds $rounds\`, $rounds rounds," \
       "${warmup} s warm-up + ${secs} s per ping-pong run, ${elapsed}s in all."
  bench_machine
  echo "Echo servers: one event loop thread each ($pinning); reactive-uring's loop polls 50 us before it sleeps."
  echo "Load generator: \`benchmarks/c/udp_pingpong.c\` (one thread, epoll, connected UDP sockets, closed loop;"
  echo "a reply missing after 200 ms counts as lost and the flow goes on; more than 1 % lost fails the run)."
  echo "Ratios are reactive-uring / peer within a round (for p99, lower is better); the zero-copy rows are"
  echo "zero-copy / plain writes per second (information: over loopback the kernel copies the pages anyway)."
  [ -z "$note" ] || { echo; echo "Note: $note"; }
  echo
  bench_table
  echo
  echo "Ping-pong runs (round, server, cell, generator line):"
  echo
  echo '```'
  cat "$work/pingpong.txt" 2>/dev/null || true
  echo '```'
  bench_footer
} > "$out/udp.md"
cat "$out/udp.md"
log "written: $out/udp.md, $out/udp.tsv"
