#!/usr/bin/env bash
# Issue 7, peers made fair by issue 18: the WebFlux file server of the samples
# (FileServerApplication: reactive-uring's io_uring Resource writer, files kept open between responses,
# path confinement, one STATX per request) against
#   - the judged peer: a stock Spring Boot WebFlux app (benchmarks/webflux-stock: spring-boot-starter-webflux
#     only, RouterFunctions.resources over the same directory; Spring's ResourceHttpMessageWriter, zero-copy
#     sendfile on Reactor Netty over plain HTTP/1.1; no io_uring anywhere on its classpath): >= 1.3x req/s;
#   - the bound: nginx from the distribution (sendfile on, open_file_cache, access log off, keep-alive
#     without a request limit, worker_processes auto) serving the same directory: information, what a C
#     server reaches on this machine;
#   - the floor of a sendfile server: c/http_sendfile.c (a thread per CPU, epoll, files kept open, a fixed
#     header and the body by sendfile, nothing else): the most a server that sends files by sendfile reaches here,
#     since what it leaves is the kernel's work for the body.
# Files: 4 KiB (wrk 16 connections) and 1 MiB (8 connections), and 64 MiB (2 connections) in full mode.
# Load: wrk, 1 thread, keep-alive, loopback. The servers run side by side on their own free ports, each
# warmed up, then within every round each (file, server) pair runs once in an order that rotates round
# by round; each ratio is taken within a round.
# wrk's errors are read: a run with non-2xx/3xx responses or socket errors (connect, read, write,
# timeout) fails its row (shown with FAILED in its label, met = no), never dropped.
# CPU per request: the server's user + system CPU seconds (/proc/PID/stat utime + stime; nginx: its
# master and workers) over the wrk run, divided by the requests wrk completed.
#
# Usage: benchmarks/run-webflux.sh [--quick|--full|--smoke] [--rounds N] [--out DIR] [--note TEXT]
#   --quick     30 s of warm-up per server and file, 2 s runs, 3 rounds, 4 KiB and 1 MiB (about 4.5 min)
#   full        60 s warm-up, 10 s runs, 5 rounds, and 64 MiB files too (about 18 min)
#   --smoke     2 s warm-up, 1 s runs, 1 round: proves the script, the figures mean nothing
#   Common arguments: see benchmarks/bench-lib.sh; writes DIR/webflux.md and DIR/webflux.tsv.
# Environment: URING_SERVER_ARGS, extra arguments for the io_uring server only, to try settings,
#   e.g. "--reactive-uring.webflux.single-read-limit=65536 --reactive-uring.webflux.open-files=0".
set -euo pipefail
cd "$(dirname "$0")/.."
tag=webflux
quick_rounds=3
full_rounds=5
. benchmarks/bench-lib.sh
bench_init "$@"
bench_need wrk:wrk nginx:nginx curl:curl python3:python3 gcc:gcc /usr/include/liburing.h:liburing-dev
rm -f "$work"/wrk-*.log "$work"/*.log

if [ "$smoke" -eq 1 ]; then secs=1; warmup=2
# the io_uring server's JIT takes about a minute of load to settle (4 KiB: ~4 k req/s after 10 s,
# ~15 k after 60 s by hand): shorter warm-ups measured its compilation, not its steady state
elif [ "$quick" -eq 1 ]; then secs=2; warmup=30
else secs=10; warmup=60; fi
# file, wrk connections
files=("4k.bin 16" "1m.bin 8")
[ "$quick" -eq 1 ] || files+=("64m.bin 2")

log "building the samples, the stock app and the C sendfile server"
mkdir -p benchmarks/target/c
gcc -O2 -Wall -Wextra -o benchmarks/target/c/http_sendfile benchmarks/c/http_sendfile.c -luring -lpthread
./mvnw -q -B -pl samples -am compile dependency:build-classpath -Dmdep.outputFile="$PWD/$work/classpath.txt" >/dev/null
cp="samples/target/classes:$(cat "$work/classpath.txt")"
# the stock app: its own classpath (spring-boot-starter-webflux and what it pulls, at the root pom's versions)
prop() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" pom.xml | head -1; }
./mvnw -q -B -f benchmarks/webflux-stock/pom.xml dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile="$PWD/$work/stock-classpath.txt" -Dreactor.version="$(prop reactor.version)" \
  -Dnetty.version="$(prop netty.version)" -Dspring.version="$(prop spring.version)" \
  -Dspring-boot.version="$(prop spring-boot.version)" >/dev/null
if tr ':' '\n' < "$work/stock-classpath.txt" | grep -q -E 'uring-(core|reactor|policy)'; then
  echo "the stock app's classpath has reactive-uring on it" >&2; exit 1
fi
mkdir -p "$work/stock-classes"
"$(dirname "$(command -v "$java")")/javac" -d "$work/stock-classes" -cp "$(cat "$work/stock-classpath.txt")" \
  benchmarks/webflux-stock/src/main/java/dev/uring/benchmarks/stock/StockFileServer.java
stock_cp="$work/stock-classes:$(cat "$work/stock-classpath.txt")"

root="$work/files"
mkdir -p "$root"
head -c 4096 /dev/urandom > "$root/4k.bin"
head -c 1048576 /dev/urandom > "$root/1m.bin"
[ "$quick" -eq 1 ] || head -c 67108864 /dev/urandom > "$root/64m.bin"

declare -A pid=() port=()
cleanup() {
  local k
  for k in "${!pid[@]}"; do kill "${pid[$k]}" 2>/dev/null || true; done
  [ ! -f "$work/nginx/nginx.pid" ] || kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Waits for server $1 to answer; one that does not within 2 minutes fails: ours ends the script (nothing
# to compare), a peer is left out and every row of it fails (failed.<server>.<file> samples), shown.
failed_servers=()
wait_up() {
  local k=$1 i fc
  for i in $(seq 1 240); do
    curl -sf -o /dev/null "http://127.0.0.1:${port[$k]}/files/4k.bin" && return 0
    kill -0 "${pid[$k]}" 2>/dev/null || break
    sleep 0.5
  done
  echo "the $k server did not start, see $work/$k.log" >&2; tail -20 "$work/$k.log" >&2
  [ "$k" != uring ] && [ "$k" != fresh ] || exit 1
  kill "${pid[$k]}" 2>/dev/null || true
  unset "pid[$k]"
  failed_servers+=("$k")
  for fc in "${files[@]}"; do sample 1 "failed.$k.${fc%% *}" 1; done
  echo "the $k server did not start (see $k.log): its rows fail" >> "$work/notes.txt"
}

# the io_uring file server (the samples' app, io_uring writer on): "uring" reuses the handler's STATX of
# a path for 1 s (--fileserver.stat-trust=1s, opt-in, as nginx's open_file_cache_valid), "fresh" takes
# one per request (the sample's default)
start_uring() {
  local k=$1; shift
  port[$k]=$(free_port)
  # shellcheck disable=SC2086
  "$java" --enable-native-access=ALL-UNNAMED -Xms512m -Xmx512m -cp "$cp" \
    dev.uring.samples.fileserver.FileServerApplication "$PWD/$root" --server.port="${port[$k]}" \
    --reactive-uring.webflux.enabled=true --logging.level.root=warn \
    --management.observations.enable.http.server.requests=false "$@" ${URING_SERVER_ARGS:-} > "$work/$k.log" 2>&1 9>&- &
  pid[$k]=$!
  wait_up "$k"
}
start_uring uring --fileserver.stat-trust=1s
start_uring fresh
# the stock app
port[stock]=$(free_port)
"$java" --enable-native-access=ALL-UNNAMED -Xms512m -Xmx512m -cp "$stock_cp" dev.uring.benchmarks.stock.StockFileServer \
  --stock.root="$PWD/$root" --server.port="${port[stock]}" --logging.level.root=warn \
  --spring.main.banner-mode=off > "$work/stock.log" 2>&1 9>&- &
pid[stock]=$!
wait_up stock
# nginx, the distribution's, with a config of its own under $work/nginx
port[nginx]=$(free_port)
mkdir -p "$work/nginx/logs" "$work/nginx/tmp"
cat > "$work/nginx/nginx.conf" <<EOF
$([ "$(id -u)" -eq 0 ] && echo "user $(id -un);")
worker_processes auto;
pid $PWD/$work/nginx/nginx.pid;
error_log $PWD/$work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  default_type application/octet-stream;
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  open_file_cache max=1000 inactive=60s;
  open_file_cache_valid 60s;
  client_body_temp_path $PWD/$work/nginx/tmp;
  proxy_temp_path $PWD/$work/nginx/tmp;
  fastcgi_temp_path $PWD/$work/nginx/tmp;
  uwsgi_temp_path $PWD/$work/nginx/tmp;
  scgi_temp_path $PWD/$work/nginx/tmp;
  server {
    listen 127.0.0.1:${port[nginx]};
    location /files/ { alias $PWD/$root/; }
  }
}
EOF
rm -f "$work/nginx/nginx.pid"
nginx -p "$PWD/$work/nginx" -c "$PWD/$work/nginx/nginx.conf" -g 'daemon off;' > "$work/nginx.log" 2>&1 9>&- &
pid[nginx]=$!
wait_up nginx
# the C sendfile server (the floor of a server that sends files by sendfile)
port[csend]=$(free_port)
benchmarks/target/c/http_sendfile --root "$PWD/$root" --port "${port[csend]}" > "$work/csend.log" 2>&1 9>&- &
pid[csend]=$!
wait_up csend
servers=()
for k in uring fresh stock nginx csend; do [ -n "${pid[$k]:-}" ] && servers+=("$k"); done
declare -A label=([uring]="reactive-uring io_uring writer (files kept open, STATX reused 1 s; the sample's Actuator request observation off, as the stock app has none)" [fresh]="the same, a STATX per request" [stock]="stock Spring Boot WebFlux (RouterFunctions.resources)"
                  [nginx]="nginx $(nginx -v 2>&1 | sed 's:.*/::') (sendfile, open_file_cache)"
                  [csend]="C sendfile server (c/http_sendfile.c)")
log "servers: io_uring writer on ${port[uring]} (STATX reused 1 s) and ${port[fresh]} (STATX per request)${URING_SERVER_ARGS:+ ($URING_SERVER_ARGS)}, stock Spring Boot on ${port[stock]}, nginx on ${port[nginx]}, C sendfile server on ${port[csend]}"

# the same bytes from all three
for fc in "${files[@]}"; do
  f=${fc%% *}; c=$(sha256sum < "$root/$f")
  for k in "${servers[@]}"; do
    [ "$(curl -sf "http://127.0.0.1:${port[$k]}/files/$f" | sha256sum)" = "$c" ] || { echo "checksum mismatch for $f from $k" >&2; exit 1; }
  done
done

# CPU seconds so far of server $1 (nginx: its master and workers)
server_cpu() {
  local k=$1 p pids=("${pid[$1]}") t
  [ "$k" != nginx ] || pids+=($(pgrep -P "${pid[nginx]}" || true))
  t=0
  for p in "${pids[@]}"; do
    t=$(awk -v t="$t" -v hz="$(getconf CLK_TCK)" '{ print t + ($14 + $15) / hz }' "/proc/$p/stat" 2>/dev/null || echo "$t")
  done
  echo "$t"
}

# run_wrk ROUND SERVER FILE CONNS SECONDS: req/s, CPU us per request and errors of one wrk run into samples
run_wrk() {
  local r=$1 k=$2 f=$3 conns=$4 d=$5 logf="$work/wrk-$2-$3-$1.log" c0 c1 v n errs
  c0=$(server_cpu "$k")
  wrk -t1 -c"$conns" -d"${d}s" "http://127.0.0.1:${port[$k]}/files/$f" > "$logf" 2>&1 || echo "wrk exited with $?" >> "$logf"
  c1=$(server_cpu "$k")
  [ "$r" != warmup ] || return 0
  v=$(awk '/Requests\/sec:/ { print $2 }' "$logf")
  n=$(awk '/requests in/ { print $1 }' "$logf")
  errs=$(awk '/Non-2xx or 3xx responses:/ { e += $NF }
              /Socket errors:/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) { x = $i; sub(/,/, "", x); e += x } }
              /wrk exited/ { e += 1 }
              END { print e + 0 }' "$logf")
  [ -n "$v" ] || { v=0; errs=$((errs + 1)); }
  sample "$r" "$k.$f" "$v"
  [ -z "$n" ] || [ "$n" -eq 0 ] || sample "$r" "cpu.$k.$f" "$(awk -v a="$c0" -v b="$c1" -v n="$n" 'BEGIN { printf "%.3f", (b - a) * 1e6 / n }')"
  if [ "$errs" -gt 0 ]; then
    sample "$r" "failed.$k.$f" "$errs"
    echo "$k on $f reported $errs wrk error(s) in round $r (see $logf)" >> "$work/notes.txt"
    log "WARNING: $k on $f: $errs wrk error(s) in round $r"
  fi
}

log "warming up every server (${warmup}s per file)"
for fc in "${files[@]}"; do
  read -r f c <<< "$fc"
  # the C server has no JIT to warm; the files are in the page cache from the checksums above
  for k in "${servers[@]}"; do [ "$k" = csend ] || run_wrk warmup "$k" "$f" "$c" "$warmup"; done
done
for r in $(seq 1 "$rounds"); do
  log "round $r of $rounds"
  for fc in "${files[@]}"; do
    read -r f c <<< "$fc"
    for i in $(seq 0 $(( ${#servers[@]} - 1 ))); do
      k=${servers[$(( (i + r - 1) % ${#servers[@]} ))]}
      run_wrk "$r" "$k" "$f" "$c" "$secs"
    done
  done
done

{
  cat <<'SPEC'
7|WebFlux GET 4 KiB, wrk 16 conns (reactive-uring io_uring writer, the handler's STATX reused 1 s (--fileserver.stat-trust=1s, opt-in) vs stock Spring Boot WebFlux, RouterFunctions.resources)|uring.4k.bin|stock.4k.bin|req/s|>= 1.30
7|WebFlux GET 1 MiB, wrk 8 conns (reactive-uring io_uring writer, the handler's STATX reused 1 s (--fileserver.stat-trust=1s, opt-in) vs stock Spring Boot WebFlux, RouterFunctions.resources)|uring.1m.bin|stock.1m.bin|req/s|>= 1.30
7|info: GET 4 KiB, wrk 16 conns (reactive-uring io_uring writer, the sample's default: a STATX through io_uring per request, vs stock Spring Boot WebFlux)|fresh.4k.bin|stock.4k.bin|req/s|-
7|info: GET 1 MiB, wrk 8 conns (reactive-uring io_uring writer, the sample's default: a STATX through io_uring per request, vs stock Spring Boot WebFlux)|fresh.1m.bin|stock.1m.bin|req/s|-
7|bound: GET 4 KiB, wrk 16 conns (reactive-uring io_uring writer vs nginx, sendfile + open_file_cache)|uring.4k.bin|nginx.4k.bin|req/s|-
7|bound: GET 1 MiB, wrk 8 conns (reactive-uring io_uring writer vs nginx, sendfile + open_file_cache)|uring.1m.bin|nginx.1m.bin|req/s|-
7|bound: GET 4 KiB, wrk 16 conns (C sendfile server: a thread per CPU, epoll, files kept open, a fixed header and sendfile, nothing else, vs stock Spring Boot WebFlux)|csend.4k.bin|stock.4k.bin|req/s|-
7|bound: GET 1 MiB, wrk 8 conns (C sendfile server: a thread per CPU, epoll, files kept open, a fixed header and sendfile, nothing else, vs stock Spring Boot WebFlux): the most a sendfile server reaches here|csend.1m.bin|stock.1m.bin|req/s|-
7|info: GET 1 MiB, wrk 8 conns (reactive-uring io_uring writer, STATX reused 1 s, vs the C sendfile server)|uring.1m.bin|csend.1m.bin|req/s|-
SPEC
  if [ "$quick" -eq 0 ]; then cat <<'SPEC'
7|WebFlux GET 64 MiB, wrk 2 conns (reactive-uring io_uring writer, the handler's STATX reused 1 s (opt-in) vs stock Spring Boot WebFlux, RouterFunctions.resources)|uring.64m.bin|stock.64m.bin|req/s|-
7|info: GET 64 MiB, wrk 2 conns (reactive-uring io_uring writer, a STATX per request, vs stock Spring Boot WebFlux)|fresh.64m.bin|stock.64m.bin|req/s|-
7|bound: GET 64 MiB, wrk 2 conns (reactive-uring io_uring writer vs nginx, sendfile + open_file_cache)|uring.64m.bin|nginx.64m.bin|req/s|-
7|bound: GET 64 MiB, wrk 2 conns (C sendfile server vs stock Spring Boot WebFlux)|csend.64m.bin|stock.64m.bin|req/s|-
SPEC
  fi
} > "$work/spec"
bench_results < "$work/spec"

elapsed=$(( $(date +%s) - started ))
{
  echo "# WebFlux file server: io_uring writer vs a stock Spring Boot app and nginx, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`benchmarks/run-webflux.sh$(bench_mode_flag) --rounds $rounds\`, ${elapsed}s in all;" \
       "wrk ${secs}s per run after ${warmup}s of warm-up per server and file, 1 thread, keep-alive, loopback;" \
       "the servers run side by side, their order rotating round by round."
  bench_machine
  echo
  echo "- reactive-uring: \`dev.uring.samples.fileserver.FileServerApplication\` (Spring Boot, Reactor Netty) with"
  echo "  reactive-uring's io_uring Resource writer: files kept open between responses (reactive-uring.webflux.open-files),"
  echo "  path confinement under a ring policy. Two instances: the target rows' reuses the handler's STATX of a path"
  echo "  for 1 s (\`--fileserver.stat-trust=1s\`, opt-in, as nginx's open_file_cache_valid; a kept file served again"
  echo "  within it needs no ring op before its body, and a file sent by sendfile no hop to a loop at all); the info"
  echo "  rows' takes one STATX through io_uring per request (the sample's default; a hop to a loop and back each)."
  [ -z "${URING_SERVER_ARGS:-}" ] || echo "  Its extra arguments: \`$URING_SERVER_ARGS\`."
  echo "- stock Spring Boot WebFlux: \`benchmarks/webflux-stock\` (spring-boot-starter-webflux only, the same Spring,"
  echo "  Reactor and Netty versions), \`RouterFunctions.resources(\"/files/**\", new FileSystemResource(root))\`: Spring's"
  echo "  resource lookup per request and ResourceHttpMessageWriter, zero-copy sendfile on Reactor Netty; opens and"
  echo "  closes the file per response. No io_uring on its classpath."
  echo "- nginx from the distribution: sendfile on, tcp_nopush, open_file_cache (max=1000), access log off,"
  echo "  keepalive_requests 1000000, worker_processes auto. The bound, not a target."
  echo "- C sendfile server (\`c/http_sendfile.c\`): a thread per CPU (SO_REUSEPORT), epoll, keep-alive, each file opened once and kept"
  echo "  open, a fixed header sent with MSG_MORE and the body by sendfile(2); no other work per request. The floor"
  echo "  of any server that sends its bodies by sendfile: what it spends is the kernel's work for the body."
  echo
  echo "CPU us/op = the server process's user + system CPU microseconds per request over the wrk run"
  echo "(nginx: master and workers). A run where wrk reported non-2xx/3xx responses or socket errors fails its row."
  [ -z "$note" ] || { echo; echo "Note: $note"; }
  echo
  bench_table
  bench_footer
} > "$out/webflux.md"
cat "$out/webflux.md"
log "written: $out/webflux.md, $out/webflux.tsv"
