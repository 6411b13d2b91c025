# Shared by every benchmarks/run-<name>.sh (sourced from the repository root, after the caller set
# `tag` (its name: the output files are <out>/<tag>.md and <out>/<tag>.tsv)). Call bench_init "$@"
# first; it parses the common arguments and takes the machine-wide lock. Sourcing picks the JDK
# ($java).
#
# Common arguments of every run script:
#   --quick       short runs (the script's share of run-all.sh --quick's 5 minutes)
#   --full        full runs (the default)
#   --rounds N    interleaved rounds (default 3; at least 2, so that both orders A,B and B,A run)
#   --out DIR     where <tag>.md and <tag>.tsv go (default benchmarks/results/<tag>-<date>)
#   --note TEXT   a remark printed above the table (e.g. what else ran on the machine)
#   --smoke       proves the script end to end, nothing more: quick mode, one round, and a note saying
#                 the figures mean nothing
# Environment: BENCH_DIR (default benchmarks/target/bench-data) holds the 1 GiB data file;
# BENCH_SKIP_BUILD=1 reuses benchmarks/target/benchmarks.jar (run-all.sh builds it once).

export LC_ALL=C

# TSV header of the result contract (benchmarks/README.md): the two last columns are the CPU time per op
# (user + system microseconds of the process that did the work) of each side, "-" where not measured.
BENCH_TSV_HEADER=$'issue\tcomparison\tjava\tpeer\tunit\tratio_median\tratio_min\tratio_max\ttarget\tmet\tjava_cpu_us_per_op\tpeer_cpu_us_per_op'
BENCH_LOCK=/tmp/reactive-uring-bench.lock

usage_of() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$1"; }

bench_init() {
  quick=0; rounds=""; out=""; note=""; smoke=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --quick) quick=1 ;;
      --full) quick=0 ;;
      --smoke) quick=1; smoke=1 ;;
      --rounds) rounds="${2:?--rounds needs a number}"; shift ;;
      --out) out="${2:?--out needs a directory}"; shift ;;
      --note) note="${2:?--note needs a text}"; shift ;;
      -h|--help) usage_of "$0"; exit 0 ;;
      *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
  done
  # a script may run fewer rounds in quick mode (quick_rounds, set before bench_init) to fit its budget,
  # and more in full mode (full_rounds) where its targets sit close to 1.0x and 3 rounds straddle them
  [ -n "$rounds" ] || rounds=$([ "$quick" -eq 1 ] && echo "${quick_rounds:-3}" || echo "${full_rounds:-3}")
  if [ "$smoke" -eq 1 ]; then
    rounds=1; note="SMOKE RUN (one round of quick-mode runs on a busy machine): proves the script works, the figures mean nothing${note:+; $note}"
  fi
  if ! [ "$rounds" -ge "$([ "$smoke" -eq 1 ] && echo 1 || echo 2)" ] 2>/dev/null; then
    echo "--rounds must be a number of at least 2, got $rounds" >&2
    exit 2
  fi
  out="${out:-benchmarks/results/$tag-$(date -u +%Y-%m-%d)}"
  bench_dir="${BENCH_DIR:-benchmarks/target/bench-data}"
  work="benchmarks/target/run-$tag"
  mkdir -p "$work" "$out"
  rm -f "$work"/*.csv "$work"/*.log "$work"/samples.tsv "$work"/notes.txt
  started=$(date +%s)
  bench_lock
  log "java: $java ($(uring_java_major "$java")), $([ "$quick" -eq 1 ] && echo quick || echo full) mode, $rounds rounds"
}

log() { echo "[$tag $(( $(date +%s) - started ))s] $*" >&2; }

# The mode flag as it was given, for the "Command:" line of a script's Markdown: " --smoke", " --quick" or "".
bench_mode_flag() { if [ "${smoke:-0}" -eq 1 ]; then echo ' --smoke'; elif [ "$quick" -eq 1 ]; then echo ' --quick'; fi; }

# One benchmark script on the machine at a time: a machine-wide flock on fd 9, held until the
# script exits (run-all.sh does not hold it, so that each script it runs can take it).
bench_lock() {
  exec 9>>"$BENCH_LOCK"
  if ! flock -n 9; then
    log "another benchmark run holds $BENCH_LOCK; waiting for it"
    flock 9
  fi
}

# The JDK, chosen as soon as this file is sourced: the same choice ./mvnw and .ci/run make.
. .mvn/select-jdk.sh
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if ! [ "$(uring_java_major "$java")" -ge 25 ] 2>/dev/null; then
  echo "no JDK 25 or newer found (set JAVA_HOME)" >&2
  exit 1
fi

# Installs the Debian packages given as "command-or-file:package" pairs whose command/file is missing.
bench_need() {
  local missing=() pair what pkg
  for pair in "$@"; do
    what=${pair%%:*}; pkg=${pair#*:}
    if [ "${what#/}" != "$what" ]; then [ -e "$what" ] || missing+=("$pkg")
    else command -v "$what" >/dev/null 2>&1 || missing+=("$pkg"); fi
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "installing ${missing[*]}"
  $sudo apt-get install -y "${missing[@]}" >/dev/null 2>&1 \
    || { $sudo apt-get update >/dev/null && $sudo apt-get install -y "${missing[@]}" >/dev/null; }
}

# Builds (unless BENCH_SKIP_BUILD=1) the JMH jar; sets jar and jvm.
bench_jar() {
  if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] || [ ! -f benchmarks/target/benchmarks.jar ]; then
    log "building the JMH jar"
    ./mvnw -q -B -pl benchmarks -am package -DskipTests
  fi
  jar=benchmarks/target/benchmarks.jar
  jvm=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Duser.language=en
       "-During.bench.dir=$bench_dir")
}

# Each sample is one line "round<TAB>name<TAB>value" in samples.tsv.
sample() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> "$work/samples.tsv"; }

# The page cache drains here: these machines run a DAMON scheme that pages out memory left untouched
# for about a minute, up to 128 MB/s, even while a benchmark reads other parts of the file. So a
# script with a data file keeps it locked in memory while it runs (pin_data_file, vmtouch -l), and
# still reads it right before every hot run.
warm() { cat "$data_file" >/dev/null; }

# Locks $data_file's pages in memory until the script exits (a vmtouch daemon, killed on EXIT).
pin_data_file() {
  bench_need vmtouch:vmtouch
  rm -f "$work/vmtouch.pid"
  vmtouch -q -l -d -P "$work/vmtouch.pid" "$data_file"
  trap unpin_data_file EXIT
  local i
  for i in $(seq 1 50); do [ -s "$work/vmtouch.pid" ] && break; sleep 0.1; done
  log "data file locked in memory: $(vmtouch "$data_file" | awk '/Resident/ {print $NF}') resident"
}
unpin_data_file() {
  [ -s "$work/vmtouch.pid" ] && kill "$(cat "$work/vmtouch.pid")" 2>/dev/null
  rm -f "$work/vmtouch.pid"
}

# Runs JMH; while another JMH run holds /tmp/jmh.lock (a shared machine), waits for it up to about
# 3 minutes (1 with --quick), then runs anyway with -Djmh.ignoreLock=true and says so.
jmh_run() {
  local logf=$1 attempt; shift
  for attempt in $(seq 1 "$([ "$quick" -eq 1 ] && echo 12 || echo 36)"); do
    if "$java" "${jvm[@]}" -jar "$jar" "$@" > "$logf" 2>&1; then return 0; fi
    grep -q 'Unable to acquire the JMH lock' "$logf" || { echo "JMH failed, see $logf" >&2; tail -20 "$logf" >&2; exit 1; }
    log "another JMH run holds /tmp/jmh.lock; waiting"
    sleep 5
  done
  log "WARNING: running next to another JMH run (-Djmh.ignoreLock=true): expect noise"
  echo "another JMH run was running at the same time" >> "$work/notes.txt"
  "$java" "${jvm[@]}" -Djmh.ignoreLock=true -jar "$jar" "$@" > "$logf" 2>&1 \
    || { echo "JMH failed, see $logf" >&2; tail -20 "$logf" >&2; exit 1; }
}

# Runs JMH once for a round and adds its scores to samples.tsv: the primary score of
# <pkg>.<Class>.<method> (with ":param=value" appended per JMH param) as java.<Class>.<method>[...],
# -prof gc's gc.alloc.rate.norm (when asked for) as alloc.<Class>.<method>[...], and the CPU time per op
# of the fork (dev.uring.benchmarks.CpuProfiler, always on: user + system microseconds of the whole JMH
# fork over each measurement iteration, divided by its ops) as cpu.<Class>.<method>[...].
jmh_round() {
  local r=$1 name=$2 regex=$3; shift 3
  local csv="$work/jmh-$name-$r.csv"
  jmh_run "$work/jmh-$name-$r.log" "$regex" "$@" -prof dev.uring.benchmarks.CpuProfiler -rf csv -rff "$csv"
  # JMH writes the CSV with CRLF line ends: the \r goes before the last column is read
  awk -F, '{ sub(/\r$/, "") }
           NR == 1 { for (i = 1; i <= NF; i++) { h = $i; gsub(/"/, "", h); if (h ~ /^Param: /) { sub(/^Param: /, "", h); p[i] = h } } next }
           { gsub(/"/, ""); n = $1; sub(/.*\.benchmarks\.([a-z]+\.)?/, "", n)
             s = ""; for (i in p) if ($i != "") s = s ":" p[i] "=" $i
             if (n !~ /:/) printf "%s\tjava.%s%s\t%s\n", r, n, s, $5
             else if (n ~ /:gc.alloc.rate.norm$/) { sub(/:.*/, "", n); printf "%s\talloc.%s%s\t%s\n", r, n, s, $5 }
             else if (n ~ /:cpu.time.norm$/) { sub(/:.*/, "", n); printf "%s\tcpu.%s%s\t%s\n", r, n, s, $5 } }' \
    r="$r" "$csv" >> "$work/samples.tsv"
}

# Runs a command (its output goes where this function's goes) and writes to the file $1 the user +
# system CPU seconds that it and its children used (bash's `times`, which counts waited-for children):
#   cpu_of_cmd FILE CMD ARGS...; returns the command's exit status.
cpu_of_cmd() {
  local f=$1 before after rc=0; shift
  times > "$f.times"; before=$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$f.times")
  "$@" || rc=$?
  times > "$f.times"; after=$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$f.times")
  awk -v a="$before" -v b="$after" 'BEGIN { printf "%.3f\n", b - a }' > "$f"
  rm -f "$f.times"
  return "$rc"
}

# CPU time per op of a run that did OPS operations in CPU_SECONDS: prints microseconds per op.
cpu_us_per_op() { awk -v c="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.4f", c * 1e6 / n; else print 0 }'; }

# The CPU-per-op sample that belongs to a throughput sample: cpu.<Class>.<method> for java.<Class>.<method>,
# cpu.<name> for any other <name> (fio.hot -> cpu.fio.hot).
cpu_name_of() { case "$1" in java.*) echo "cpu.${1#java.}" ;; *) echo "cpu.$1" ;; esac; }

# Reads comparison specs on stdin, one a line, "|"-separated:
#   issue|label|java sample|peer sample|unit|target
# and writes the contract TSV to <out>/<tag>.tsv from samples.tsv: per round the ratio java/peer,
# then the median and min-max over rounds; java and peer are the medians of their samples.
# A peer of "-" compares the java figure itself with the target (e.g. "<= 200" B/op): its ratio
# columns hold the figure. target is ">= X", "<= X" or "-" (met = info). Without samples, a row
# says "n/a" for its figures and met = "no data". The CPU columns are the medians over rounds of
# each side's CPU-per-op samples (cpu_name_of), "-" when there are none. A side whose sample name
# has a samples.tsv entry "failed.<name>" (a round whose peer failed: fio or wrk reported errors)
# fails the row: met = "no", and the label says how many rounds failed.
bench_results() {
  local tsv="$out/$tag.tsv"
  { echo "$BENCH_TSV_HEADER"
    awk -F'\t' '
      FNR == NR { v[$2, $1] = $3; rounds[$1] = 1; if ($2 ~ /^failed\./) failed[substr($2, 8)]++; next }
      function median(a, n,   i, j, t) {
        for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
      }
      function cpuname(s) { return s ~ /^java\./ ? "cpu." substr(s, 6) : "cpu." s }
      function cpu(s,   r, n, a) {
        if (s == "-") return "-"
        n = 0; for (r in rounds) if ((cpuname(s), r) in v) a[++n] = v[cpuname(s), r]
        return n == 0 ? "-" : sprintf("%.4g", median(a, n))
      }
      {
        split($0, f, "|"); issue = f[1]; label = f[2]; java = f[3]; peer = f[4]; unit = f[5]; target = f[6]
        nf = (java in failed ? failed[java] : 0) + (peer != "-" && peer in failed ? failed[peer] : 0)
        if (nf > 0) label = label " [FAILED: errors in " nf " run(s), see the raw samples]"
        n = 0; delete ratios; delete js; delete ps
        for (r in rounds) if (((java, r) in v) && (peer == "-" || (((peer, r) in v) && v[peer, r] > 0))) {
          n++; js[n] = v[java, r]; ps[n] = peer == "-" ? 0 : v[peer, r]; ratios[n] = peer == "-" ? js[n] : js[n] / ps[n]
        }
        if (n == 0) { printf "%s\t%s\tn/a\t%s\t%s\tn/a\tn/a\tn/a\t%s\t%s\t%s\t%s\n", issue, label, peer == "-" ? "-" : "n/a", unit, target, (nf > 0 ? "no" : "no data"), cpu(java), cpu(peer); next }
        lo = hi = ratios[1]
        for (m = 2; m <= n; m++) { if (ratios[m] < lo) lo = ratios[m]; if (ratios[m] > hi) hi = ratios[m] }
        jm = median(js, n); pm = peer == "-" ? "-" : sprintf("%.6g", median(ps, n)); m = median(ratios, n)
        split(target, t, " ")
        met = target == "-" ? "info" : (t[1] == ">=" ? (m >= t[2] ? "yes" : "no") : (m <= t[2] ? "yes" : "no"))
        if (nf > 0) met = "no"
        printf "%s\t%s\t%.6g\t%s\t%s\t%.4f\t%.4f\t%.4f\t%s\t%s\t%s\t%s\n", issue, label, jm, pm, unit, m, lo, hi, target, met, cpu(java), cpu(peer)
      }' "$work/samples.tsv" -
  } > "$tsv"
}

# Prints the Markdown table of <out>/<tag>.tsv.
bench_table() {
  echo "| issue | comparison | Java | peer | unit | CPU us/op Java / peer | ratio median (min-max) | target | met |"
  echo "|---:|---|---:|---:|---|---:|---:|---:|:---:|"
  awk -F'\t' 'function human(x) {
                if (x == "-" || x == "n/a") return x
                return x >= 1e6 ? sprintf("%.2f M", x / 1e6) : x >= 1e3 ? sprintf("%.0f k", x / 1e3) : sprintf("%.2f", x)
              }
              function us(x) { return x == "" || x == "-" ? "-" : x >= 100 ? sprintf("%.0f", x) : sprintf("%.3g", x) }
              NR > 1 {
                if ($4 == "-") r = $6 == "n/a" ? "no data" : sprintf("%.2f (%.2f-%.2f)", $6, $7, $8)
                else r = $6 == "n/a" ? "no data" : sprintf("%.2fx (%.2f-%.2f)", $6, $7, $8)
                c = us($11) " / " us($12)
                printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, human($3), human($4), $5, c, r, $9, $10 == "no" ? "**no**" : $10
              }' "$out/$tag.tsv"
}

# The machine line shared by every script's Markdown.
bench_machine() {
  echo "Machine: $(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), Linux $(uname -r)," \
       "$("$java" -version 2>&1 | head -1)."
}

# Warnings and the raw samples, at the end of every script's Markdown.
bench_footer() {
  if [ -f "$work/notes.txt" ]; then
    echo
    echo "Warning: $(sort -u "$work/notes.txt" | tr '\n' ' ')(these numbers are noisier)."
  fi
  echo
  echo "Raw samples (round, name, value):"
  echo
  echo '```'
  sort -k2,2 -k1,1n "$work/samples.tsv"
  echo '```'
}

# ---- echo servers (run-tcp.sh, run-udp.sh): each started in the background by the script's own
# start_server, which then calls await_server; every server prints "listening PORT TRANSPORT" once it
# serves. Servers in `spinners` (" key key ") never sleep: SIGSTOPped while they are not the one driven.
declare -A server_pid=() server_port=() server_transport=()
servers=()
spinners=""
clk_tck=$(getconf CLK_TCK)

# A warning for the report (notes.txt, printed by bench_footer) and the log.
note() { echo "$*" >> "$work/notes.txt"; log "$*"; }

is_spinner() { [ "${spinners#* $1 }" != "$spinners" ]; }
pause_server() { if is_spinner "$1" && [ -n "${server_pid[$1]:-}" ]; then kill -STOP "${server_pid[$1]}" 2>/dev/null || true; fi; }
resume_server() { if is_spinner "$1" && [ -n "${server_pid[$1]:-}" ]; then kill -CONT "${server_pid[$1]}" 2>/dev/null || true; fi; }

stop_servers() {
  local k
  for k in "${!server_pid[@]}"; do kill "${server_pid[$k]}" 2>/dev/null || true; kill -CONT "${server_pid[$k]}" 2>/dev/null || true; done
  for k in "${!server_pid[@]}"; do wait "${server_pid[$k]}" 2>/dev/null || true; done
}

# Waits up to 15 s for server $1's listening line (its pid in server_pid[$1], its output in
# $work/$1.out and .err; $2 goes before the port in the log, e.g. "udp "), then pauses it if it spins;
# a server that fails to start is left out of the run with a note naming its first error line.
await_server() {
  local k=$1 i
  for i in $(seq 1 150); do
    if grep -q '^listening ' "$work/$k.out"; then
      read -r _ "server_port[$k]" "server_transport[$k]" < <(grep -m1 '^listening ' "$work/$k.out")
      servers+=("$k")
      log "${server_label[$k]} listening on ${2:-}${server_port[$k]} (${server_transport[$k]})"
      pause_server "$k"
      return 0
    fi
    kill -0 "${server_pid[$k]}" 2>/dev/null || break
    sleep 0.1
  done
  kill "${server_pid[$k]}" 2>/dev/null || true
  wait "${server_pid[$k]}" 2>/dev/null || true
  unset "server_pid[$k]"
  note "${server_label[$k]} left out: it did not start ($(grep -m1 -E 'Exception|Error' "$work/$k.err" || echo 'no listening line in 15 s'))"
}

# CPU seconds used so far by process $1 (user + system, /proc/PID/stat)
proc_cpu() { awk -v t="$clk_tck" '{ print ($14 + $15) / t }' "/proc/$1/stat" 2>/dev/null || echo 0; }
