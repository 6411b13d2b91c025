#!/usr/bin/env bash
# AsynchronousFileChannel on io_uring (issue 19): AsyncFileChannelBenchmark, the JDK's channel
# (blocking preads on its default pool) against uring-nio's UringAsynchronousFileChannel (the channel
# -Djava.nio.file.spi.DefaultFileSystemProvider=dev.uring.nio.UringFileSystemProvider hands out),
# through the same calls: 4 KiB random reads of the hot 1 GiB file with 32 in flight and
# CompletionHandlers on each channel's default executor (target >= 3x the JDK), the same with the JDK's
# channel given a fixed pool of 32 threads (its best, for information), ours with an executor that runs
# each handler inline on the loop (for information: what the hand-over to the handler thread costs),
# ours with its handlers on the JDK row's fixed pool of 32 threads (both channels given the same
# executor), the same shape with no I/O at all, each handler handed to one executor thread (what a
# design that runs every handler on one thread, as ours does by default, reaches with its reads free),
# the same with a pread on the calling thread (what a preadv2 RWF_NOWAIT fast path on the caller reaches),
# and the whole file read in 64 KiB heap buffers one after another, as Spring's DataBufferUtils.read
# does (files per second, for information). Each round runs every side in its own JMH invocation, the
# order rotating every round; each ratio is taken within a round.
#
# Usage: benchmarks/run-nio.sh [--quick|--full] [--rounds N] [--out DIR] [--note TEXT]
#   (common arguments: see benchmarks/bench-lib.sh; --quick runs 2 rounds unless --rounds says);
#   writes DIR/nio.md and DIR/nio.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
tag=nio
quick_rounds=2
. benchmarks/bench-lib.sh
bench_init "$@"
bench_jar

log "creating and warming the 1 GiB data file"
data_file=$("$java" "${jvm[@]}" -cp "$jar" dev.uring.benchmarks.BenchFile)
pin_data_file

if [ "$quick" -eq 1 ]; then
  # 2 s of warm-up even here: the loop's paths need C2 (after 1 s ours still ran at a third of its speed)
  random=(-f 1 -wi 2 -w 1s -i 1 -r 1s); whole=(-f 1 -wi 1 -w 1s -i 1 -r 2s)
else
  random=(-f 1 -wi 2 -w 1s -i 3 -r 2s); whole=(-f 1 -wi 1 -w 2s -i 3 -r 2s)
fi
sides=(jdk uring uringRingOnly jdkPool32 uringInline uringPool32 handoffOnly callerPread)

for r in $(seq 1 "$rounds"); do
  log "round $r of $rounds"
  for k in "${!sides[@]}"; do
    side=${sides[$(( (k + r - 1) % ${#sides[@]} ))]}
    warm
    jmh_round "$r" "random-$side" 'files.AsyncFileChannelBenchmark.randomRead4k$' -p impl="$side" "${random[@]}"
  done
  if [ $((r % 2)) -eq 1 ]; then order=(jdk uring); else order=(uring jdk); fi
  for side in "${order[@]}"; do
    warm
    # files per second (throughput mode), so that the ratio ours / JDK reads as a speed-up
    jmh_round "$r" "whole-$side" 'files.AsyncFileChannelBenchmark.wholeFileRead$' -p impl="$side" \
      -bm thrpt -tu s "${whole[@]}"
  done
done

bench_results <<'SPEC'
19|4 KiB random hot reads, depth 32, handlers: ours (cached pages read on the calling thread) vs JDK channel (default pool)|java.AsyncFileChannelBenchmark.randomRead4k:impl=uring|java.AsyncFileChannelBenchmark.randomRead4k:impl=jdk|ops/s|>= 3.0
19|4 KiB random hot reads, depth 32, handlers: ours vs JDK channel on a fixed pool of 32 threads|java.AsyncFileChannelBenchmark.randomRead4k:impl=uring|java.AsyncFileChannelBenchmark.randomRead4k:impl=jdkPool32|ops/s|-
19|info: 4 KiB random hot reads, depth 32, ours (cached pages read on the calling thread, the default) vs ours with every read a READ on the ring (-During.nio.readCachedOnCaller=false)|java.AsyncFileChannelBenchmark.randomRead4k:impl=uring|java.AsyncFileChannelBenchmark.randomRead4k:impl=uringRingOnly|ops/s|-
19|info: 4 KiB random hot reads, depth 32, ours with every read a READ on the ring vs JDK channel (default pool)|java.AsyncFileChannelBenchmark.randomRead4k:impl=uringRingOnly|java.AsyncFileChannelBenchmark.randomRead4k:impl=jdk|ops/s|-
19|info: 4 KiB random hot reads, depth 32, ours with handlers run inline by the executor, on the thread that completes the read (the caller here: not the default, a handler that blocks stalls that thread; what the hand-over to the handler thread costs) vs JDK channel (default pool)|java.AsyncFileChannelBenchmark.randomRead4k:impl=uringInline|java.AsyncFileChannelBenchmark.randomRead4k:impl=jdk|ops/s|-
19|info: 4 KiB random hot reads, depth 32, ours with handlers on the default handler thread vs ours with handlers run inline|java.AsyncFileChannelBenchmark.randomRead4k:impl=uring|java.AsyncFileChannelBenchmark.randomRead4k:impl=uringInline|ops/s|-
19|info: 4 KiB random hot reads, depth 32, both channels' handlers on the same fixed pool of 32 threads: ours vs JDK|java.AsyncFileChannelBenchmark.randomRead4k:impl=uringPool32|java.AsyncFileChannelBenchmark.randomRead4k:impl=jdkPool32|ops/s|-
19|info: the same shape with no I/O at all, each handler handed at once to one executor thread (what a design with one handler thread, as ours by default, reaches with its reads free) vs JDK channel (default pool)|java.AsyncFileChannelBenchmark.randomRead4k:impl=handoffOnly|java.AsyncFileChannelBenchmark.randomRead4k:impl=jdk|ops/s|-
19|info: 4 KiB random hot reads, depth 32, handlers: ours vs the same shape with no I/O, one handler thread (handoffOnly)|java.AsyncFileChannelBenchmark.randomRead4k:impl=uring|java.AsyncFileChannelBenchmark.randomRead4k:impl=handoffOnly|ops/s|-
19|info: 4 KiB random hot reads, depth 32, a channel that preads on the calling thread and hands each handler to one executor thread (callerPread: not ours, a JDK FileChannel; the design ours follows for cached pages) vs JDK channel (default pool)|java.AsyncFileChannelBenchmark.randomRead4k:impl=callerPread|java.AsyncFileChannelBenchmark.randomRead4k:impl=jdk|ops/s|-
19|info: 4 KiB random hot reads, depth 32, handlers: ours vs callerPread (a pread on the calling thread, one handler thread)|java.AsyncFileChannelBenchmark.randomRead4k:impl=uring|java.AsyncFileChannelBenchmark.randomRead4k:impl=callerPread|ops/s|-
19|whole-file read 1 GiB, 64 KiB heap buffers, one in flight: ours vs JDK channel|java.AsyncFileChannelBenchmark.wholeFileRead:impl=uring|java.AsyncFileChannelBenchmark.wholeFileRead:impl=jdk|files/s|-
SPEC

elapsed=$(( $(date +%s) - started ))
{
  echo "# AsynchronousFileChannel on io_uring, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`benchmarks/run-nio.sh$([ "$quick" -eq 1 ] && echo ' --quick') --rounds $rounds\`," \
       "$rounds rounds, the sides rotating, ${elapsed}s in all."
  bench_machine
  echo
  echo "Java = uring-nio's UringAsynchronousFileChannel, peer = the JDK's channel; ratio = ours / JDK within a"
  echo "round (higher is better). Random reads: reads per second, 32 in flight, CompletionHandlers on each"
  echo "channel's default executor (the JDK's default pool; ours, uring-nio-handler-N), one row with the JDK's"
  echo "channel on a fixed pool of 32 threads, ours on the same pool, ours with every read on the ring"
  echo "(\`impl=uringRingOnly\`), ours with an executor that runs each handler inline on the thread that completes"
  echo "the read, and the same shape with no I/O, each handler handed at once to one executor thread"
  echo "(\`impl=handoffOnly\`: a design with one handler thread, as ours by default, with its reads free), and the"
  echo "same with a pread on the calling thread (\`impl=callerPread\`, a JDK FileChannel)."
  echo "The reads are issued by the JMH thread, which waits for a free buffer between them (a blocking queue"
  echo "the handlers fill). Ours reads cached pages on that thread (preadv2 RWF_NOWAIT) and hands each handler"
  echo "to its handler thread; with every read on the ring, each read goes from that thread to a loop and back."
  echo "Whole file: 1 GiB files per second. Issue 19's target (>= 3x) is for the random reads against"
  echo "the JDK's channel as users run it (its default pool)."
  [ -z "$note" ] || { echo; echo "Note: $note"; }
  echo
  bench_table
  bench_footer
} > "$out/nio.md"
cat "$out/nio.md"
log "written: $out/nio.md, $out/nio.tsv"
