# Shared by run-core.sh and run-reactor.sh (sourced from the repository root). Expects the caller to
# set: tag (for log lines), started, quick, work, and later jar, jvm (array) and data_file.

# The JDK: the same choice ./mvnw and .ci/run make.
. .mvn/select-jdk.sh
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if ! [ "$(uring_java_major "$java")" -ge 25 ] 2>/dev/null; then
  echo "no JDK 25 or newer found (set JAVA_HOME)" >&2
  exit 1
fi

log() { echo "[$tag $(( $(date +%s) - started ))s] $*" >&2; }

# Each sample is one line "round<TAB>name<TAB>value" in samples.tsv.
sample() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> "$work/samples.tsv"; }

# The page cache drains within minutes here: read the data file right before every hot run.
warm() { cat "$data_file" >/dev/null; }

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
