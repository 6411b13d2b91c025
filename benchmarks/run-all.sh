#!/usr/bin/env bash
# Runs every comparison script present, one after the other, and renders the report (issue 8):
#   core (issue 2), reactor (5), policy (4), metrics (20), files (3), nio (19), tcp (6), webflux (7), udp (21)
# Each writes <out>/<name>.md and <out>/<name>.tsv; dev.uring.benchmarks.report.Report then writes
# <out>/REPORT.md and one chart per issue (<out>/issue-<n>.png). A script that is missing is listed
# as "not run: script missing"; one that fails is listed with its exit status and the others go on.
#
# Each script takes the machine-wide lock of bench-lib.sh itself, so two runs never overlap.
#
# Usage: benchmarks/run-all.sh [--quick|--full|--smoke] [--out DIR] [--rounds N] [--note TEXT]
#                             [--only a,b,...] [--resume]
#   --quick    about 15 minutes on 2 cores in all; --full (the default) takes well over 2 h (see --resume)
#   --smoke    every script once in its smoke mode (one round of quick runs): proves the scripts and the
#              report end to end on a busy machine; the figures mean nothing
#   --out DIR  default benchmarks/results/run-<date>; the reference run is
#              benchmarks/run-all.sh --quick --out benchmarks/results/reference
#   --rounds N passed to every script (default: each script's own, 3)
#   --note     a remark for the report (e.g. "smoke run on a busy machine")
#   --only     runs just the named scripts (e.g. --only nio,udp); the report still covers every script
#              whose results are in DIR
#   --resume   skips the scripts DIR already has results for (status ok in DIR/status.tsv): a --full
#              run (well over 2 hours on 2 cores) can be done in parts, one session or quiet window at a
#              time, into one DIR. Each script's ratios are taken within its own run, and its md says when
#              it ran, so parts run on different days still compare like with like.
set -euo pipefail
cd "$(dirname "$0")/.."
tag=all
. benchmarks/bench-lib.sh

# the exact command line, for the report (with --rounds when given; each script's md names its own)
command_line="benchmarks/run-all.sh$(printf ' %q' "$@")"
mode=--full; out=""; pass=(); note=""; only=""; resume=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick|--full|--smoke) mode=$1 ;;
    --out) out="${2:?--out needs a directory}"; shift ;;
    --rounds) pass+=(--rounds "${2:?--rounds needs a number}"); shift ;;
    --note) note="${2:?--note needs a text}"; shift ;;
    --only) only=",${2:?--only needs script names, e.g. nio,udp},"; shift ;;
    --resume) resume=1 ;;
    -h|--help) usage_of "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
out="${out:-benchmarks/results/run-$(date -u +%Y-%m-%d)}"
mkdir -p "$out"
started=$(date +%s)
log "java: $java, mode $mode, out $out"

log "building the benchmarks jar once for every script"
./mvnw -q -B -pl benchmarks -am package -DskipTests
export BENCH_SKIP_BUILD=1

status="$out/status.tsv"
# with --resume or --only, the status of scripts not run this time is kept
declare -A kept=()
if [ -f "$status" ] && { [ "$resume" -eq 1 ] || [ -n "$only" ]; }; then
  while IFS=$'\t' read -r name st secs; do
    [ "$name" = script ] || kept[$name]="$st"$'\t'"$secs"
  done < "$status"
fi
printf 'script\tstatus\tseconds\n' > "$status.new"
for name in core reactor policy metrics files nio tcp webflux udp; do
  script="benchmarks/run-$name.sh"
  if { [ -n "$only" ] && [ "${only#*,$name,}" = "$only" ]; } \
      || { [ "$resume" -eq 1 ] && [ "${kept[$name]:-}" != "" ] && [ "${kept[$name]%%$'\t'*}" = ok ] && [ -f "$out/$name.tsv" ]; }; then
    if [ -n "${kept[$name]:-}" ]; then
      log "$name: kept from an earlier run into $out"
      printf '%s\t%s\n' "$name" "${kept[$name]}" >> "$status.new"
    else
      log "$name: not run this time"
    fi
    continue
  fi
  rm -f "$out/$name.tsv" "$out/$name.md"
  if [ ! -f "$script" ]; then
    log "$name: not run: script missing"
    printf '%s\tnot run: script missing\t0\n' "$name" >> "$status.new"
    continue
  fi
  log "$name: running $script $mode"
  t0=$(date +%s)
  rc=0
  # full is every script's default; --rounds and --note go to the scripts that take them
  args=(--out "$out")
  [ "$mode" = --full ] || args+=("$mode")
  if [ ${#pass[@]} -gt 0 ] && grep -q -- '--rounds' "$script"; then args+=("${pass[@]}"); fi
  if [ -n "$note" ] && grep -q -- '--note' "$script"; then args+=(--note "$note"); fi
  bash "$script" "${args[@]}" > "$out/$name.log" 2>&1 || rc=$?
  secs=$(( $(date +%s) - t0 ))
  if [ "$rc" -eq 0 ] && [ -f "$out/$name.tsv" ]; then
    printf '%s\tok\t%s\n' "$name" "$secs" >> "$status.new"
  else
    log "$name: FAILED (exit $rc), see $out/$name.log"
    tail -5 "$out/$name.log" >&2
    printf '%s\tfailed (exit %s, see %s.log)\t%s\n' "$name" "$rc" "$name" "$secs" >> "$status.new"
  fi
  log "$name: ${secs}s"
done
mv "$status.new" "$status"

total=$(( $(date +%s) - started ))
if [ "$resume" -eq 1 ] || [ -n "$only" ]; then
  # a run in parts: the report's time is that of every script's run, this part's and the kept ones
  total=$(awk -F'\t' 'NR > 1 && $3 ~ /^[0-9]+$/ { s += $3 } END { print s + 0 }' "$status")
fi
log "rendering the report"
"$java" -Djava.awt.headless=true -cp benchmarks/target/benchmarks.jar dev.uring.benchmarks.report.Report \
  --dir "$out" --mode "${mode#--}" --seconds "$total" --command "$command_line" ${note:+--note "$note"}
log "done in ${total}s: $out/REPORT.md"
