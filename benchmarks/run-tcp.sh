#!/usr/bin/env bash
# TCP request/response ping-pong of issue 6 (peers made fair by issue 18): reactive-uring's TcpServer
# against the servers users run, all echo servers (benchmarks/src/main/java/dev/uring/benchmarks/tcp)
# driven by the same closed-loop C load generator (benchmarks/c/tcp_pingpong.c) in its own process:
# N connections, each sending S bytes and waiting for the whole echo before the next.
#
# Two groups of rows, each judged against peers with the same advantage:
#   default: reactive-uring with its default loops (they sleep in io_uring_enter when idle) vs Netty
#            epoll and Netty io_uring with their defaults (targets >= 1.00 throughput, <= 1.00 p99),
#            and for information Reactor Netty and a blocking echo server on virtual threads.
#   busy poll: reactive-uring with its opt-in 50 us busy poll vs Netty epoll with the busy-wait select
#            strategy (never sleeps) and Netty io_uring receiving into a provided buffer ring (>= 1.00),
#            and for information the bound: a minimal C echo server on io_uring (benchmarks/c/tcp_echo.c,
#            multishot recv, buffer ring, 50 us busy poll), what any server reaches on this machine.
#   bounds (information): the same C echo server sleeping in io_uring_enter as the default loops do,
#            against Netty epoll's default and against reactive-uring's default loops; the busy-polling
#            C server against Netty's two busy-poll peers: how far io_uring itself goes against each
#            peer on this machine, and how close reactive-uring comes to it.
# Each row also gives each server's CPU per request (user + system microseconds from /proc/PID/stat
# over the run, divided by the requests it served).
#
# All servers start once and stay up (idle ones sleep in epoll_wait/io_uring_enter; Netty's busy-wait
# server, which would spin while idle, is stopped with SIGSTOP while another server is driven and
# continued for its own runs); for each (size, connections) cell, every round runs each server once in
# an order that rotates round by round, and each ratio is taken within one round. With 2 or more CPUs
# the servers are pinned to CPU 0 and the load generator to CPU 1 (taskset).
#
# Usage: benchmarks/run-tcp.sh [--quick|--smoke] [--out DIR] [--rounds N] [--threads N] [--gen MODE] [--no-bound]
#                              [--note TEXT]
#   --quick      3 cells (64 B x 1, 4 KiB x 16, 64 B x 256), 2 rounds, 0.5 s warm-up + 1.5 s per run:
#                about 2.5 minutes after the build
#   --smoke      the quick cells, 1 round, 0.3 s + 0.7 s per run: proves the script, the figures mean nothing
#   (default)    all 6 cells (64 B and 4 KiB x 1, 16, 256 connections), 3 rounds, 1 s + 5 s per run:
#                about 17 minutes
#   --out DIR    where tcp.md (the report) and tcp.tsv (the ratio rows) go (default benchmarks/results)
#   --rounds N   rounds per cell (at least 2)
#   --threads N  event loop threads of every server (default 1)
#   --gen MODE   the load generator's I/O: uring (default) or epoll (the generator of earlier runs)
#   --no-bound   leave out the C echo servers (the bound rows)
#   --note TEXT  a remark printed above the tables (e.g. what else ran on the machine)
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
smoke=0
rounds=""
threads=1
gen_mode=uring
bound=1
out_dir="benchmarks/results"
note=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --smoke) quick=1; smoke=1 ;;
    --out) out_dir="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --threads) threads="$2"; shift ;;
    --gen) gen_mode="$2"; shift ;;
    --no-bound) bound=0 ;;
    --note) note="$2"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$smoke" -eq 1 ]; then
  rounds=1; warmup=0.3; secs=0.7
  cells=("64 1" "4096 16" "64 256")
  note="SMOKE RUN (one round, 0.7 s runs on a busy machine): proves the script works, the figures mean nothing${note:+; $note}"
elif [ "$quick" -eq 1 ]; then
  rounds="${rounds:-2}"; warmup=0.5; secs=1.5
  cells=("64 1" "4096 16" "64 256")
else
  rounds="${rounds:-3}"; warmup=1; secs=5
  cells=("64 1" "64 16" "64 256" "4096 1" "4096 16" "4096 256")
fi
if ! [ "$rounds" -ge "$([ "$smoke" -eq 1 ] && echo 1 || echo 2)" ] 2>/dev/null; then
  echo "--rounds must be a number of at least 2, got $rounds" >&2
  exit 2
fi
case "$gen_mode" in
  uring|epoll) ;;
  *) echo "--gen is uring or epoll, got $gen_mode" >&2; exit 2 ;;
esac
if ! [ "$threads" -ge 1 ] 2>/dev/null; then
  echo "--threads must be a positive number, got $threads" >&2
  exit 2
fi
export LC_ALL=C
work="benchmarks/target/run-tcp"
mkdir -p "$work" "$out_dir"
rm -f "$work"/samples.tsv "$work"/notes.txt "$work"/failed.txt "$work"/*.out "$work"/*.err
touch "$work/samples.tsv"
started=$(date +%s)

tag=run-tcp
. benchmarks/bench-lib.sh
log "java: $java ($(uring_java_major "$java"))"

# ---------------------------------------------------------------- tools and builds
missing=()
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
[ -f /usr/include/liburing.h ] || missing+=(liburing-dev)
{ command -v taskset && command -v flock; } >/dev/null 2>&1 || missing+=(util-linux)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "installing ${missing[*]}"
  $sudo apt-get install -y "${missing[@]}" >/dev/null || { $sudo apt-get update >/dev/null && $sudo apt-get install -y "${missing[@]}" >/dev/null; }
fi

log "building the load generator and the C echo server"
mkdir -p benchmarks/target/c
gen=benchmarks/target/c/tcp_pingpong
gcc -O2 -Wall -Wextra -o "$gen" benchmarks/c/tcp_pingpong.c -luring
c_echo=benchmarks/target/c/tcp_echo
gcc -O2 -Wall -Wextra -o "$c_echo" benchmarks/c/tcp_echo.c -luring
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] || [ ! -f benchmarks/target/benchmarks.jar ]; then
  log "building the benchmark jar"
  ./mvnw -q -B -pl benchmarks -am package -DskipTests
fi
jar=benchmarks/target/benchmarks.jar

# ---------------------------------------------------------------- one benchmark at a time
# the machine-wide lock of bench-lib.sh: no other benchmark script runs beside this one
bench_lock

cpus=$(nproc)
server_cpu=(); gen_cpu=()
if [ "$cpus" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
  server_cpu=(taskset -c 0); gen_cpu=(taskset -c 1)
  pinning="servers on CPU 0 (so each JVM sees 1 CPU: Serial GC, JIT threads share that CPU), load generator on CPU 1"
else
  pinning="no pinning ($cpus CPU)"
fi

# ---------------------------------------------------------------- servers
# key, main class and arguments; the key names the server in samples and tables
declare -A server_main=(
  [uring]="dev.uring.benchmarks.tcp.UringEchoServer default"
  [epoll]="dev.uring.benchmarks.tcp.NettyEchoServer epoll"
  [iouring]="dev.uring.benchmarks.tcp.NettyEchoServer io_uring"
  [rnetty]="dev.uring.benchmarks.tcp.ReactorNettyEchoServer"
  [vthreads]="dev.uring.benchmarks.tcp.VirtualThreadEchoServer"
  [uring_bp]="dev.uring.benchmarks.tcp.UringEchoServer busy-poll"
  [epoll_bw]="dev.uring.benchmarks.tcp.NettyEchoServer epoll-busy-wait"
  [iouring_br]="dev.uring.benchmarks.tcp.NettyEchoServer io_uring-buffer-ring"
)
# the C echo server is no JVM: start_server runs it directly
declare -A server_label=(
  [uring]="reactive-uring (default loops)" [epoll]="Netty epoll (default)" [iouring]="Netty io_uring (default)"
  [rnetty]="Reactor Netty (default)" [vthreads]="virtual threads, blocking sockets"
  [uring_bp]="reactive-uring (busy poll 50 us)" [epoll_bw]="Netty epoll (busy-wait select strategy)"
  [iouring_br]="Netty io_uring (provided buffer ring)"
  [bound]="C io_uring echo, busy poll 50 us (bound)"
  [bound_sleep]="C io_uring echo, sleeping (bound)"
)
# servers that never sleep: SIGSTOPped while they are not the one driven (bench-lib.sh)
spinners=" epoll_bw "
jvm=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xms512m -Xmx512m
     -Duser.language=en)

trap stop_servers EXIT

# Starts server $1 and waits for its "listening PORT TRANSPORT" line; a server that fails to start
# is left out of the run with a note naming its first error line.
start_server() {
  local k=$1 i
  if [ "$k" = bound ] || [ "$k" = bound_sleep ]; then
    # the same 50 us busy poll window as reactive-uring's echo server, or none
    "${server_cpu[@]}" "$c_echo" --busy-poll-us "$([ "$k" = bound ] && echo 50 || echo 0)" \
      > "$work/$k.out" 2> "$work/$k.err" 9>&- &
  else
    # shellcheck disable=SC2086
    "${server_cpu[@]}" "$java" "${jvm[@]}" -cp "$jar" ${server_main[$k]} --threads "$threads" \
      > "$work/$k.out" 2> "$work/$k.err" 9>&- &
  fi
  server_pid[$k]=$!
  await_server "$k"
}

# CPU seconds used so far by every server but $1 (the idle ones while $1 is driven)
idle_cpu() {
  local k sum=0
  for k in "${!server_pid[@]}"; do
    [ "$k" = "$1" ] || sum=$(awk -v s="$sum" -v c="$(proc_cpu "${server_pid[$k]}")" 'BEGIN { print s + c }')
  done
  echo "$sum"
}

# CPU seconds all CPUs have been busy so far (user, nice, system, irq, softirq from /proc/stat; with
# tick accounting a task's own times include the softirq ticks it ran, so the two add up)
busy_cpu() { awk -v t="$clk_tck" '/^cpu / { print ($2 + $3 + $4 + $7 + $8) / t; exit }' /proc/stat; }

# Waits (30 s at most) for a second in which processes outside this benchmark take less than 0.15 CPU.
wait_quiet() {
  local i a b ia ib
  for i in $(seq 1 30); do
    a=$(busy_cpu); ia=$(idle_cpu none); sleep 1; b=$(busy_cpu); ib=$(idle_cpu none)
    awk -v a="$a" -v b="$b" -v ia="$ia" -v ib="$ib" 'BEGIN { exit !(b - a - (ib - ia) < 0.15) }' && return 0
  done
  # never quiet for 30 s: go on (the run's other CPU is in the raw samples, and the note says so)
  note "the machine did not get quiet within 30 s before some retries"
  return 0
}

# Drives server $2 with the load generator for one run of cell ($3 bytes, $4 connections) in round
# $1 and appends "round cell server req/s p50 p99 p999 gen_cpu server_cpu other_cpu" to samples.tsv,
# other_cpu being what processes outside this benchmark took of the machine meanwhile (builds and tests
# share it). A run where they took more than 0.15 CPU is run again once the machine is quiet (up to
# twice), and the note says so.
# A failed run (a broken echo, a crashed server) drops that server from the rest of the run with a note.
drive() {
  resume_server "$2"
  drive_one "$@"
  pause_server "$2"
}
drive_one() {
  local r=$1 k=$2 size=$3 conns=$4 line before after idle_before idle_after busy_before busy_after t0 t1
  local scpu other attempt
  local attempts=3
  [ "$smoke" -eq 0 ] || attempts=1   # a smoke run proves the script; it does not wait for a quiet machine
  for attempt in $(seq 1 "$attempts"); do
    kill -0 "${server_pid[$k]}" 2>/dev/null || { drop "$k" "its process exited"; return 0; }
    before=$(proc_cpu "${server_pid[$k]}"); idle_before=$(idle_cpu "$k"); busy_before=$(busy_cpu); t0=$(date +%s.%N)
    if ! line=$("${gen_cpu[@]}" "$gen" --mode "$gen_mode" 127.0.0.1 "${server_port[$k]}" "$conns" "$size" "$secs" "$warmup" 2>"$work/gen.err"); then
      drop "$k" "the load generator failed on ${size} B x ${conns}: $(head -1 "$work/gen.err")"
      return 0
    fi
    after=$(proc_cpu "${server_pid[$k]}"); idle_after=$(idle_cpu "$k"); busy_after=$(busy_cpu); t1=$(date +%s.%N)
    scpu=$(awk -v a="$before" -v b="$after" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.2f", (b - a) / (t1 - t0) }')
    # the idle servers share CPU 0 with the driven one: say so if they took more than a trace of it
    if awk -v a="$idle_before" -v b="$idle_after" -v t0="$t0" -v t1="$t1" 'BEGIN { exit !((b - a) / (t1 - t0) > 0.05) }'; then
      note "while ${server_label[$k]} was driven, the idle servers used more than 5 % of a CPU"
    fi
    # the generator's own CPU is taken over its measured window only: a close enough rate for the whole
    other=$(echo "$line" | awk -v a="$busy_before" -v b="$busy_after" -v ia="$idle_before" -v ib="$idle_after" \
        -v s="$scpu" -v t0="$t0" -v t1="$t1" '{
        for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
        o = (b - a - ib + ia) / (t1 - t0) - s - f["cpu"]; printf "%.2f", o < 0 ? 0 : o }')
    if awk -v o="$other" 'BEGIN { exit !(o > 0.15) }'; then
      if [ "$attempt" -lt "$attempts" ]; then
        note "some runs were disturbed (other processes took more than 0.15 CPU) and were run again"
        wait_quiet
        continue
      fi
      note "some runs stayed disturbed after $((attempts - 1)) retries (other processes took more than 0.15 CPU: see other CPU in the raw samples)"
    fi
    break
  done
  echo "$line" | awk -v r="$r" -v k="$k" -v c="${size}x${conns}" -v s="$scpu" -v o="$other" -v OFS='\t' '{
      for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
      print r, c, k, f["req_per_s"], f["p50_us"], f["p99_us"], f["p999_us"], f["cpu"], s, o }' >> "$work/samples.tsv"
}

drop() {
  local k=$1 i
  note "${server_label[$k]} left out from here on: $2"
  echo "$k" >> "$work/failed.txt"
  kill "${server_pid[$k]}" 2>/dev/null || true
  unset "server_pid[$k]"
  for i in "${!servers[@]}"; do [ "${servers[$i]}" = "$k" ] && unset "servers[$i]"; done
  servers=("${servers[@]}")
}

log "starting the servers ($threads event loop thread(s) each, $pinning)"
all_servers=(uring epoll iouring rnetty vthreads uring_bp epoll_bw iouring_br)
[ "$bound" -eq 0 ] || all_servers+=(bound bound_sleep)
for k in "${all_servers[@]}"; do start_server "$k"; done
[ ${#servers[@]} -ge 2 ] || { echo "fewer than two servers started; see $work/*.err" >&2; exit 1; }

# JIT warm-up, not measured: every server serves both sizes for a while before the first sample
log "warm-up"
for k in "${servers[@]}"; do
  resume_server "$k"
  for size in 64 4096; do
    "${gen_cpu[@]}" "$gen" --mode "$gen_mode" 127.0.0.1 "${server_port[$k]}" 16 "$size" "$([ "$quick" -eq 1 ] && echo 0.5 || echo 2)" 0 \
      >/dev/null 2>"$work/gen.err" || drop "$k" "the warm-up failed: $(head -1 "$work/gen.err")"
    [ -n "${server_pid[$k]:-}" ] || break
  done
  pause_server "$k"
done

# ---------------------------------------------------------------- cells x rounds, rotating order
ci=0
for cell in "${cells[@]}"; do
  read -r size conns <<< "$cell"
  for r in $(seq 1 "$rounds"); do
    n=${#servers[@]}
    order=()
    for i in $(seq 0 $((n - 1))); do order+=("${servers[$(( (i + r + ci) % n ))]}"); done
    log "$([ "$size" -eq 4096 ] && echo '4 KiB' || echo "$size B") x ${conns} conn, round $r of $rounds: ${order[*]}"
    for k in "${order[@]}"; do
      if [ -n "${server_pid[$k]:-}" ]; then drive "$r" "$k" "$size" "$conns"; fi
    done
  done
  ci=$((ci + 1))
done
stop_servers
trap - EXIT

# ---------------------------------------------------------------- report
elapsed=$(( $(date +%s) - started ))
transports=""
for k in "${all_servers[@]}"; do
  if [ -n "${server_transport[$k]:-}" ]; then transports+="${server_label[$k]}: ${server_transport[$k]}, "; fi
done
cell_list=$(printf '%s, ' "${cells[@]}" | sed 's/^4096 /4 KiB /; s/, 4096 /, 4 KiB /g; s/ \([0-9]*\),/ x \1,/g; s/\([0-9]\) x/\1 B x/g; s/, $//')

# The ratio rows of the result contract (tcp.tsv), one set per cell, each naming the settings of both sides:
#   default loops: throughput vs Netty epoll and Netty io_uring defaults (>= 1.00), vs Reactor Netty and
#   virtual threads (info); p99 vs Netty epoll and Netty io_uring defaults (<= 1.00: no worse);
#   busy poll: throughput vs Netty epoll busy-wait and Netty io_uring with a buffer ring (>= 1.00), vs
#   the C bound (info). The CPU columns: each server's CPU microseconds per request, median over rounds.
# A cell where a side has no sample (its server failed) is shown with "-" and not met.
awk -F'\t' -v OFS='\t' -v bound="$bound" -v failed=" $(sort -u "$work/failed.txt" 2>/dev/null | tr '\n' ' ')" -v cells="$(printf '%s\n' "${cells[@]}" | tr ' ' x | paste -sd' ')" '
  { rps[$2, $3, $1] = $4; p99[$2, $3, $1] = $6; us[$2, $3, $1] = ($4 > 0 ? $9 / $4 * 1e6 : 0); rounds[$1] = 1 }
  function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function label(c,   p) { split(c, p, "x"); return (p[1] == 4096 ? "4 KiB" : p[1] " B") " x " p[2] " conn" }
  function cpu(c, k,   r, n, a) { n = 0; for (r in rounds) if ((c, k, r) in us) a[++n] = us[c, k, r]; return n ? sprintf("%.3f", median(a, n)) : "-" }
  # what: "rps" or "p99"; target: ">= 1.00", "<= 1.00" or "-"
  function row(c, what, ours, oursname, peer, peername, target, unit,   r, n, m, ratios, js, ps, lo, hi, met, tv, name, rm, fail) {
    n = 0
    for (r in rounds) {
      if (what == "rps" && ((c, ours, r) in rps) && ((c, peer, r) in rps) && rps[c, peer, r] > 0) {
        n++; js[n] = rps[c, ours, r]; ps[n] = rps[c, peer, r]
      } else if (what == "p99" && ((c, ours, r) in p99) && ((c, peer, r) in p99) && p99[c, peer, r] > 0) {
        n++; js[n] = p99[c, ours, r]; ps[n] = p99[c, peer, r]
      } else continue
      ratios[n] = js[n] / ps[n]
    }
    name = "TCP ping-pong " label(c) ", " (what == "rps" ? "throughput" : "p99 latency") " (" oursname " vs " peername ")"
    fail = index(failed, " " ours " ") || index(failed, " " peer " ")
    if (fail) name = name " [FAILED: a server was left out in some runs, see the warnings]"
    if (n == 0) { print 6, name " [a server failed: no sample]", "-", "-", unit, "-", "-", "-", target, target == "-" ? "info" : "no", cpu(c, ours), cpu(c, peer); return }
    lo = hi = ratios[1]
    for (m = 2; m <= n; m++) { if (ratios[m] < lo) lo = ratios[m]; if (ratios[m] > hi) hi = ratios[m] }
    m = median(ratios, n)
    # the verdict is on the ratio as the table prints it (2 decimals), so "1.00x" never reads "no"
    rm = sprintf("%.2f", m) + 0
    split(target, tv, " ")
    met = target == "-" ? "info" : (tv[1] == ">=" ? (rm >= tv[2] + 0 ? "yes" : "no") : (rm <= tv[2] + 0 ? "yes" : "no"))
    if (fail && target != "-") met = "no"
    print 6, name, sprintf(what == "rps" ? "%.0f" : "%.1f", median(js, n)), sprintf(what == "rps" ? "%.0f" : "%.1f", median(ps, n)),
      unit, sprintf("%.3f", m), sprintf("%.3f", lo), sprintf("%.3f", hi), target, met, cpu(c, ours), cpu(c, peer)
  }
  END {
    print "issue", "comparison", "java", "peer", "unit", "ratio_median", "ratio_min", "ratio_max", "target", "met", "java_cpu_us_per_op", "peer_cpu_us_per_op"
    nc = split(cells, cs, " ")
    d = "reactive-uring default loops"; b = "reactive-uring busy poll 50 us"
    for (i = 1; i <= nc; i++) {
      row(cs[i], "rps", "uring", d, "epoll", "Netty epoll default", ">= 1.00", "req/s")
      row(cs[i], "rps", "uring", d, "iouring", "Netty io_uring default", ">= 1.00", "req/s")
      row(cs[i], "rps", "uring", d, "rnetty", "Reactor Netty default", "-", "req/s")
      row(cs[i], "rps", "uring", d, "vthreads", "virtual threads, blocking sockets", "-", "req/s")
      row(cs[i], "p99", "uring", d, "epoll", "Netty epoll default", "<= 1.00", "us")
      row(cs[i], "p99", "uring", d, "iouring", "Netty io_uring default", "<= 1.00", "us")
      row(cs[i], "rps", "uring_bp", b, "epoll_bw", "Netty epoll busy-wait select strategy", ">= 1.00", "req/s")
      row(cs[i], "rps", "uring_bp", b, "iouring_br", "Netty io_uring with a provided buffer ring", ">= 1.00", "req/s")
      if (bound) row(cs[i], "rps", "uring_bp", b, "bound", "C io_uring echo, busy poll 50 us (bound)", "-", "req/s")
      if (!bound) continue
      cs_ = "C io_uring echo, sleeping (bound)"; cb = "C io_uring echo, busy poll 50 us (bound)"
      row(cs[i], "rps", "bound_sleep", cs_, "epoll", "Netty epoll default", "-", "req/s")
      row(cs[i], "rps", "uring", d, "bound_sleep", cs_, "-", "req/s")
      row(cs[i], "rps", "bound", cb, "epoll_bw", "Netty epoll busy-wait select strategy", "-", "req/s")
      row(cs[i], "rps", "bound", cb, "iouring_br", "Netty io_uring with a provided buffer ring", "-", "req/s")
    }
  }' "$work/samples.tsv" > "$out_dir/tcp.tsv"

{
  echo "# TCP ping-pong (issues 6 and 18), $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`benchmarks/run-tcp.sh$([ "$smoke" -eq 1 ] && echo ' --smoke' || { [ "$quick" -eq 1 ] && echo ' --quick'; }) --rounds $rounds --threads $threads --gen $gen_mode$([ "$bound" -eq 1 ] || echo ' --no-bound')\`," \
       "$rounds rounds per cell, ${warmup} s warm-up + ${secs} s measured per run, ${elapsed}s in all."
  echo "Machine: $cpus CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), Linux $(uname -r)," \
       "$("$java" -version 2>&1 | head -1); $pinning."
  echo "Servers ($threads event loop thread(s) each, TCP_NODELAY, JVM ${jvm[*]:2}): ${transports%, }."
  echo "Load generator: \`benchmarks/c/tcp_pingpong.c --mode $gen_mode\` (one thread, $([ "$gen_mode" = uring ] &&
       echo 'io_uring: multishot recv, one io_uring_enter per batch' || echo 'epoll'), closed loop: each connection sends"
  echo "the message and waits for the whole echo; latency from send to last echoed byte, log-linear histogram"
  echo "with 32 sub-buckets per power of two, so within about 3 %)."
  echo "Cells: $cell_list$([ "$quick" -eq 1 ] && echo ' (quick mode: 3 of the 6 cells)')."
  echo
  echo "Each round runs every server once per cell, in an order that rotates round by round; a ratio is"
  echo "reactive-uring / peer within one round, shown as the median over rounds with its min-max spread;"
  echo "a target is judged on the median rounded to 2 decimals (p99 comes from a histogram good to about 3 %)."
  [ -z "$note" ] || { echo; echo "Note: $note"; }
  if [ -f "$work/notes.txt" ]; then
    echo
    sort -u "$work/notes.txt" | sed 's/^/Warning: /'
  fi
  echo
  echo "## Medians per server"
  echo
  echo "req/s and latency in microseconds, medians over rounds; gen CPU and server CPU are CPU time per"
  echo "wall second; gen us/req and server us/req are CPU microseconds per request (CPU / req/s). On loopback"
  echo "a sender's CPU also runs the kernel's receive processing of what it sent, so either side's CPU"
  echo "includes part of the other's TCP work. Servers with busy poll or busy wait (reactive-uring busy poll 50 us,"
  echo "Netty epoll busy-wait, the C bound) keep their CPU near 1.00 even while they wait; Netty's busy-wait server,"
  echo "which would spin while idle, is stopped (SIGSTOP) while the others run."
  [ "$bound" -eq 0 ] || echo "The C io_uring echo rows are bounds, not competitors: a server in C with nothing but the ring, busy-polling 50 us or sleeping."
  echo
  echo "| cell | server | req/s | p50 us | p99 us | p99.9 us | gen CPU | server CPU | gen us/req | server us/req |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' -v keys="${all_servers[*]}" -v labels="$(for k in "${all_servers[@]}"; do printf '%s|' "${server_label[$k]}"; done)" -v cells="$(printf '%s\n' "${cells[@]}" | tr ' ' x | paste -sd' ')" '
    { k = $2 SUBSEP $3; n[k]++; for (f = 4; f <= 9; f++) v[k, f, n[k]] = $f }
    function median(k, f,   i, j, t, a, m) {
      m = n[k]; for (i = 1; i <= m; i++) a[i] = v[k, f, i]
      for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
    }
    END {
      nk = split(keys, ks, " ")
      split(labels, names, "|")
      nc = split(cells, cs, " ")
      for (i = 1; i <= nc; i++) {
        split(cs[i], p, "x"); lab = (p[1] == 4096 ? "4 KiB" : p[1] " B") " x " p[2]
        for (s = 1; s <= nk; s++) {
          k = cs[i] SUBSEP ks[s]
          if (!(k in n)) { printf "| %s | %s | - | - | - | - | - | - | - | - |\n", lab, names[s]; continue }
          r = median(k, 4); g = median(k, 8); c = median(k, 9)
          printf "| %s | %s | %.0f | %.1f | %.1f | %.1f | %.2f | %.2f | %.2f | %.2f |\n", lab, names[s], r,
            median(k, 5), median(k, 6), median(k, 7), g, c, (r > 0 ? g / r * 1e6 : 0), (r > 0 ? c / r * 1e6 : 0)
        }
      }
    }' "$work/samples.tsv"
  echo
  echo "## Ratios against the targets"
  echo
  echo "| comparison | reactive-uring | peer | server CPU us/req ours / peer | ratio median (min-max) | target | met |"
  echo "|---|---:|---:|---:|---:|---:|:---:|"
  awk -F'\t' 'NR > 1 {
      unit = $5 == "us" ? " us" : ""
      if ($6 == "-") { printf "| %s | - | - | %s / %s | no data | %s | %s |\n", $2, $11, $12, $9, $10; next }
      printf "| %s | %s%s | %s%s | %s / %s | %.2fx (%.2f-%.2f) | %s | %s |\n", $2, $3, unit, $4, unit, $11, $12, $6, $7, $8, $9,
        $10 == "no" ? "**no**" : $10 }' "$out_dir/tcp.tsv"
  echo
  echo "Raw samples (round, cell, server, req/s, p50, p99, p99.9 us, gen CPU, server CPU, other CPU):"
  echo
  echo '```'
  sort -k2,2 -k1,1n -k3,3 "$work/samples.tsv"
  echo '```'
} > "$out_dir/tcp.md"
cat "$out_dir/tcp.md"
log "report written to $out_dir/tcp.md and $out_dir/tcp.tsv"
