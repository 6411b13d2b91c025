#!/usr/bin/env bash
# UDP request/response and zero-copy sends (issue 21; peers made fair as issue 18 asks).
#
# 1. Ping-pong: reactive-uring's UdpServer echo (dev.uring.benchmarks.udp.UringUdpEchoServer: one
#    multishot RECVMSG, replies sent from the received buffers) against Netty 4.2.18's epoll and
#    io_uring datagram channels (NettyUdpEchoServer), all driven by the same closed-loop C load
#    generator (benchmarks/c/udp_pingpong.c --mode uring) in its own process: FLOWS connected UDP
#    sockets, each sending one SIZE-byte datagram and waiting for its reply before the next. Cells: 64 B and 1 KiB x
#    1 and 16 flows. Two groups of rows, each judged against peers with the same advantage, as
#    run-tcp.sh does:
#      default: reactive-uring with its default loops (they sleep in io_uring_enter when idle) vs Netty
#               epoll and Netty io_uring with their defaults (target >= 1.00 throughput);
#      busy poll: reactive-uring with its opt-in 50 us busy poll vs Netty epoll with the busy-wait
#               select strategy (never sleeps) and vs Netty io_uring at its defaults, which are the best
#               Netty 4.2.18 has for datagrams: its io_uring datagram channel takes no provided buffer
#               ring and its io_uring loop no busy wait (target >= 1.00 throughput).
#    p99 rows (information) follow the same pairs. Bound rows (information): a C echo server on the
#    bare ring (benchmarks/c/udp_echo.c, liburing), sleeping and busy-polling 50 us, against the Netty
#    epoll peer of its group and against reactive-uring. The servers start once and stay up (idle ones sleep;
#    Netty's busy-wait server, which would spin while idle, is stopped with SIGSTOP while another server
#    is driven and continued for its own runs); every round drives each server once per cell, in an
#    order that rotates round by round, and each ratio is taken within one round. With 2 or more CPUs
#    the servers are pinned to CPU 0 and the generator to CPU 1.
# 2. Zero copy: dev.uring.benchmarks.udp.ZeroCopySendBenchmark (JMH), TCP writes of 64 KiB, 256 KiB
#    and 1 MiB over one loopback connection with SEND_ZC (TcpOptions.zeroCopyThreshold) against plain
#    SEND, the two alternating round by round (information: zero copy is off by default until this
#    says it pays; over loopback the kernel copies anyway, so expect it to cost a little here).
#
# Usage: benchmarks/run-udp.sh [--quick|--full|--smoke] [--rounds N] [--out DIR] [--note TEXT]
#   --quick: cells 64 B x 1 and 1 KiB x 16, 0.5 s warm-up + 1.5 s per run, zero copy at 64 KiB only
#   (about 2 minutes after the build); full: all 4 cells, 1 s + 5 s per run, all three write sizes
#   (about 10 minutes); --smoke: the quick cells, one round, 0.3 s + 0.7 s per run and a 1 s JMH
#   iteration: proves the script, the figures mean nothing.
#   Common arguments: see benchmarks/bench-lib.sh; writes DIR/udp.md and DIR/udp.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
tag=udp
quick_rounds=2
. benchmarks/bench-lib.sh
bench_init "$@"
bench_need gcc:gcc taskset:util-linux /usr/include/liburing.h:liburing-dev
bench_jar

if [ "$smoke" -eq 1 ]; then
  warmup=0.3; secs=0.7
  cells=("64 1" "1024 16")
  zc_sizes=65536
  zc_jmh=(-f 1 -wi 0 -i 1 -r 1s)
elif [ "$quick" -eq 1 ]; then
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
gcc -O2 -Wall -Wextra -o "$gen" benchmarks/c/udp_pingpong.c -luring
c_echo=benchmarks/target/c/udp_echo
gcc -O2 -Wall -Wextra -o "$c_echo" benchmarks/c/udp_echo.c -luring

server_cpu=(); gen_cpu=()
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
  server_cpu=(taskset -c 0); gen_cpu=(taskset -c 1)
  pinning="servers on CPU 0, load generator on CPU 1"
else
  pinning="no pinning ($(nproc) CPU)"
fi

# key, main class and arguments; the key names the server in samples and rows
declare -A server_main=(
  [uring]="dev.uring.benchmarks.udp.UringUdpEchoServer default"
  [epoll]="dev.uring.benchmarks.udp.NettyUdpEchoServer epoll"
  [iouring]="dev.uring.benchmarks.udp.NettyUdpEchoServer io_uring"
  [uring_bp]="dev.uring.benchmarks.udp.UringUdpEchoServer busy-poll"
  [epoll_bw]="dev.uring.benchmarks.udp.NettyUdpEchoServer epoll-busy-wait"
  [c]="--busy-poll-us 0"
  [c_bp]="--busy-poll-us 50"
)
declare -A server_label=(
  [uring]="reactive-uring (default loops)" [epoll]="Netty epoll (default)" [iouring]="Netty io_uring (default)"
  [uring_bp]="reactive-uring (busy poll 50 us)" [epoll_bw]="Netty epoll (busy-wait select strategy)"
  [c]="C io_uring echo (bound)" [c_bp]="C io_uring echo, busy poll 50 us (bound)"
)
# servers that never sleep: SIGSTOPped while they are not the one driven (bench-lib.sh)
spinners=" epoll_bw "

trap stop_servers EXIT

start_server() {
  local k=$1 i
  if [ "$k" = c ] || [ "$k" = c_bp ]; then
    # shellcheck disable=SC2086
    "${server_cpu[@]}" "$c_echo" ${server_main[$k]} > "$work/$k.out" 2> "$work/$k.err" 9>&- &
  else
    # shellcheck disable=SC2086
    "${server_cpu[@]}" "$java" "${jvm[@]}" -Xms512m -Xmx512m -cp "$jar" ${server_main[$k]} --threads 1 \
      > "$work/$k.out" 2> "$work/$k.err" 9>&- &
  fi
  server_pid[$k]=$!
  await_server "$k" "udp "
}

# One run of server $2 on cell ($3 bytes, $4 flows) in round $1 (a spinner is continued for it and
# stopped again after): samples <key>.rps.<cell> and <key>.p99.<cell>, and cpu.<key>.rps.<cell>: the
# server's CPU microseconds per request (its CPU per wall second over the run, warm-up included,
# divided by the generator's requests per second).
drive() {
  resume_server "$2"
  drive_one "$@"
  pause_server "$2"
}
drive_one() {
  local r=$1 k=$2 size=$3 flows=$4 line c0 c1 t0 t1 rps
  c0=$(proc_cpu "${server_pid[$k]}"); t0=$(date +%s.%N)
  if ! line=$("${gen_cpu[@]}" "$gen" --mode uring 127.0.0.1 "${server_port[$k]}" "$flows" "$size" "$secs" "$warmup" 2>"$work/gen.err"); then
    note "${server_label[$k]}, ${size} B x ${flows}, round $r: the load generator failed ($(head -1 "$work/gen.err");" \
         "server process $(kill -0 "${server_pid[$k]}" 2>/dev/null && echo 'still running' || echo 'gone'))"
    # every row with this server in this cell says FAILED (bench_results reads failed.<sample>)
    sample "$r" "failed.$k.rps.${size}x${flows}" 1
    sample "$r" "failed.$k.p99.${size}x${flows}" 1
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
all_servers=(uring epoll iouring uring_bp epoll_bw c c_bp)
for k in "${all_servers[@]}"; do start_server "$k"; done
[ ${#servers[@]} -ge 2 ] || { echo "fewer than two servers started; see $work/*.err" >&2; exit 1; }
log "warm-up"
for k in "${servers[@]}"; do
  resume_server "$k"
  for size in 64 1024; do
    "${gen_cpu[@]}" "$gen" --mode uring 127.0.0.1 "${server_port[$k]}" 16 "$size" "$([ "$quick" -eq 1 ] && echo 0.5 || echo 2)" 0 \
      >/dev/null 2>&1 || true
  done
  pause_server "$k"
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
    d="reactive-uring default loops"; b="reactive-uring busy poll 50 us"
    echo "21|UDP request/response $lab, throughput ($d vs Netty epoll default)|uring.rps.$c|epoll.rps.$c|req/s|>= 1.00"
    echo "21|UDP request/response $lab, throughput ($d vs Netty io_uring default)|uring.rps.$c|iouring.rps.$c|req/s|>= 1.00"
    echo "21|UDP request/response $lab, p99 latency ($d vs Netty epoll default)|uring.p99.$c|epoll.p99.$c|us|-"
    echo "21|UDP request/response $lab, p99 latency ($d vs Netty io_uring default)|uring.p99.$c|iouring.p99.$c|us|-"
    echo "21|UDP request/response $lab, throughput ($b vs Netty epoll busy-wait select strategy)|uring_bp.rps.$c|epoll_bw.rps.$c|req/s|>= 1.00"
    echo "21|UDP request/response $lab, throughput ($b vs Netty io_uring default: no busy wait and no buffer ring for datagrams in Netty 4.2.18)|uring_bp.rps.$c|iouring.rps.$c|req/s|>= 1.00"
    echo "21|UDP request/response $lab, p99 latency ($b vs Netty epoll busy-wait select strategy)|uring_bp.p99.$c|epoll_bw.p99.$c|us|-"
    echo "21|UDP request/response $lab, p99 latency ($b vs Netty io_uring default: no busy wait and no buffer ring for datagrams in Netty 4.2.18)|uring_bp.p99.$c|iouring.p99.$c|us|-"
    echo "21|bound: UDP request/response $lab, throughput (C io_uring echo, sleeping as the default loops do, vs Netty epoll default)|c.rps.$c|epoll.rps.$c|req/s|-"
    echo "21|bound: UDP request/response $lab, throughput ($d vs C io_uring echo, sleeping)|uring.rps.$c|c.rps.$c|req/s|-"
    echo "21|bound: UDP request/response $lab, throughput (C io_uring echo, busy poll 50 us, vs Netty epoll busy-wait select strategy)|c_bp.rps.$c|epoll_bw.rps.$c|req/s|-"
    echo "21|bound: UDP request/response $lab, throughput ($b vs C io_uring echo, busy poll 50 us)|uring_bp.rps.$c|c_bp.rps.$c|req/s|-"
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
  transports=""
  for k in "${all_servers[@]}"; do
    if [ -n "${server_transport[$k]:-}" ]; then transports+="${server_label[$k]}: ${server_transport[$k]}; "; fi
  done
  echo "Echo servers, one event loop thread each ($pinning): ${transports%; }."
  echo "Two groups of rows, each against peers with the same advantage: reactive-uring's default loops (they sleep"
  echo "in io_uring_enter when idle) vs Netty epoll and io_uring defaults; reactive-uring's opt-in 50 us busy poll"
  echo "vs Netty epoll with its busy-wait select strategy (never sleeps; stopped with SIGSTOP while another server"
  echo "is driven) and vs Netty io_uring's defaults, the best its datagram channel has in Netty 4.2.18 (no provided"
  echo "buffer ring: IO_URING_BUFFER_GROUP_ID is a stream channel option; no busy wait in its io_uring loop)."
  echo "Load generator: \`benchmarks/c/udp_pingpong.c --mode uring\` (one thread, connected UDP sockets, closed loop;"
  echo "a multishot recv per flow into a buffer ring and one io_uring_enter per batch of sends, which leaves it"
  echo "more CPU than epoll with a send and a recv call per request;"
  echo "a reply missing after 200 ms counts as lost and the flow goes on; more than 1 % lost fails the run)."
  echo "Ratios are reactive-uring / peer within a round (for p99, lower is better); CPU us/op is each server's"
  echo "CPU microseconds per request (busy poll and busy wait keep a server's CPU near 1.00 while it waits)."
  echo "The zero-copy rows are zero-copy / plain writes per second (information: over loopback the kernel"
  echo "copies the pages anyway)."
  echo "The bound rows (information) add a C echo server with nothing but the ring (\`benchmarks/c/udp_echo.c\`:"
  echo "multishot RECVMSG into a buffer ring, SENDMSG from the received buffer), sleeping or busy-polling 50 us:"
  echo "how far io_uring itself goes against epoll on this machine, and how close reactive-uring comes to it."
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
