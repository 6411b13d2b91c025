#!/usr/bin/env bash
# Runs the uring-reactor benchmarks (issue 5) next to their peers and prints a Markdown table of
# ratios against the targets:
#   4 KiB randread, hot 1 GiB file, 32 in flight, Uring of 2 loops, one flatMap of Monos per loop
#   subscribed on its loop (ReactorRandomReadBenchmark.monoPerLoop, the shape of a server)
#     vs 32 virtual threads, blocking FileChannel ... >= 1.0x  (same JMH run; what users pick in 2026)
#     vs Mono.fromCallable(read).subscribeOn(boundedElastic()), 32 at a time ... info (the Reactor idiom)
#     vs AsynchronousFileChannel at depth 32 ........ >= 1.5x  (same JMH run)
#     vs FileChannel pread on 2 threads ............. >= 1.0x  (same JMH run)
#     vs fio io_uring, 2 jobs x iodepth 16, tuned (batches of 16, gtod_reduce) ... >= 0.9x (interleaved)
#   4 KiB randread, O_DIRECT, 32 in flight (ReactorDirectReadBenchmark): Mono per loop vs 32 virtual
#   threads on a FileChannel opened with ExtendedOpenOption.DIRECT: >= 1.0x, and CPU per op <= 1.0x
#   info rows: the naive shape (ReactorRandomReadBenchmark.mono: one flatMap subscribed by the JMH
#   thread, drained by both loops), and the ceiling of any reactive layer: the same reads on 2 loops
#   through the core EventLoop API with no Reactor at all (coreLoops) vs FileChannel
#   issue 17, against coreLoops: the streaming read API driven as coreLoops is (streamOnEachLoop: 2 JMH
#     threads, each subscribing one readAsCompleted of its share on its own loop and waiting for it)
#     ... >= 0.95x; the same reads as one invocation over both loops (streamPerLoop: a flatMap of the two
#     streams, subscribed on their loops, so each invocation waits for the slower loop) info; two bound rows (info): Reactor's flatMap alone on monoPerLoop's shape, its Monos
#     completed from a loop task without I/O (flatMapOnlyPerLoop), and, derived per round, the best Mono
#     per loop could reach if our op cost nothing: 1 / (1/coreLoops + 1/flatMapOnlyPerLoop)
#   sequential read of the 1 GiB file, 64 KiB chunks (ReactorSequentialReadBenchmark)
#     ReactiveFile.readAll vs Spring DataBufferUtils.read ... >= 1.3x
#   bytes allocated per Mono read, JMH -prof gc gc.alloc.rate.norm ... <= 200 B/op, taken from a run
#   of its own with a warmed-up JIT (-wi 3 -w 2s), since a short warm-up measures the interpreter's
#   and C1's allocations rather than the steady state; from the same run, per read of the streaming
#   API and per element of the flatMap alone (info), and per read of one long stream per loop whose
#   positions were boxed before the run (longStreamOnEachLoop, only in this run) ... <= 1 B/op (issue 17: 0 per read)
# The fio and JMH runs alternate, the order flipping every round; each ratio is taken within a round.
# CPU per op (user + system microseconds): the whole JMH fork's (CpuProfiler), fio's own usr+sys.
#
# Usage: benchmarks/run-reactor.sh [--quick|--full] [--rounds N] [--out DIR] [--note TEXT]
#   (common arguments: see benchmarks/bench-lib.sh); writes DIR/reactor.md and DIR/reactor.tsv.
# Environment: BENCH_DIR (default benchmarks/target/bench-data) holds the 1 GiB data file.
set -euo pipefail
cd "$(dirname "$0")/.."
tag=reactor
# full mode: 5 rounds, so that a ratio's min-max reflects the machine, not 3 samples (override with --rounds)
full_rounds=5
. benchmarks/bench-lib.sh
bench_init "$@"
bench_need fio:fio

bench_jar
log "creating and warming the 1 GiB data file"
data_file=$("$java" "${jvm[@]}" -cp "$jar" dev.uring.benchmarks.BenchFile)
pin_data_file

if [ "$quick" -eq 1 ]; then
  # the Reactor shapes need a few seconds of JIT warm-up (monoPerLoop: 116 k ops/s in its first
  # second, 650-750 k from the third on); less measures C1 code, not the steady state
  fio_secs=1; jmh_rand=(-f 1 -wi 3 -w 1s -i 1 -r 1s); jmh_seq=(-f 1 -wi 1 -w 1s -i 1 -r 1s)
  jmh_alloc=(-f 1 -wi 3 -w 2s -i 2 -r 1s); jmh_direct=(-f 1 -wi 1 -w 1s -i 1 -r 2s)
else
  fio_secs=10; jmh_rand=(-f 1 -wi 3 -w 2s -i 5 -r 2s); jmh_seq=(-f 1 -wi 2 -w 4s -i 5 -r 4s)
  jmh_alloc=(-f 1 -wi 4 -w 2s -i 3 -r 2s); jmh_direct=(-f 1 -wi 2 -w 2s -i 5 -r 2s)
fi


# fio with as many jobs as the Uring has loops, 32 reads in flight in total, like the Monos, tuned as
# fio's documentation suggests for IOPS (batches of up to 16 submitted and reaped per io_uring_enter,
# gtod_reduce). One terse line per job: IOPS summed, CPU per op = the jobs' usr+sys shares (fields
# 88, 89) summed over the IOPS summed. A failed run (an error field, no line) is recorded as failed.
run_fio() {
  local r=$1 v
  v=($(fio --minimal --name=randread-hot-2x16 --ioengine=io_uring --filename="$data_file" \
        --size=1g --rw=randread --bs=4k --iodepth=16 --iodepth_batch_submit=16 --iodepth_batch_complete_max=16 \
        --gtod_reduce=1 --numjobs=2 --direct=0 --invalidate=0 --norandommap \
        --randrepeat=0 --time_based --runtime="$fio_secs" --ramp_time=1 2>"$work/fio.err" \
      | awk -F';' 'NF >= 89 { if ($5 != 0) bad = 1; iops += $8; u = $88; s = $89; sub(/%/, "", u); sub(/%/, "", s); cpu += (u + s) / 100; n++ }
                   END { if (bad || n != 2 || iops <= 0) print "0 0"; else printf "%d %.5f\n", iops, cpu * 1e6 / iops }'))
  if [ "${v[0]:-0}" -gt 0 ]; then sample "$r" fio.randread "${v[0]}"; sample "$r" cpu.fio.randread "${v[1]}"
  else sample "$r" failed.fio.randread 1; echo "fio failed in round $r: $(head -c 300 "$work/fio.err")" >> "$work/notes.txt"; fi
}

run_jmh() { jmh_round "$@"; }

for r in $(seq 1 "$rounds"); do
  log "round $r of $rounds"
  if [ $((r % 2)) -eq 1 ]; then
    warm; run_fio "$r"; warm; run_jmh "$r" rand 'reactor.ReactorRandomReadBenchmark.(?!longStreamOnEachLoop$)' "${jmh_rand[@]}"
    warm; run_jmh "$r" seq 'reactor.ReactorSequentialReadBenchmark' "${jmh_seq[@]}"
    run_jmh "$r" direct 'reactor.ReactorDirectReadBenchmark' "${jmh_direct[@]}"
  else
    run_jmh "$r" direct 'reactor.ReactorDirectReadBenchmark' "${jmh_direct[@]}"
    warm; run_jmh "$r" seq 'reactor.ReactorSequentialReadBenchmark' "${jmh_seq[@]}"
    warm; run_jmh "$r" rand 'reactor.ReactorRandomReadBenchmark.(?!longStreamOnEachLoop$)' "${jmh_rand[@]}"; warm; run_fio "$r"
  fi
done
# allocation per read: once, its own run, JIT warmed up (the Mono shapes, the streaming API, the flatMap
# alone, and the peers for comparison)
before=$(wc -l < "$work/samples.tsv")
warm; run_jmh 1 alloc 'reactor.ReactorRandomReadBenchmark.(mono|monoPerLoop|streamPerLoop|streamOnEachLoop|longStreamOnEachLoop|flatMapOnlyPerLoop|asyncFileChannel|fileChannel|virtualThreads|boundedElastic)$' \
  "${jmh_alloc[@]}" -prof gc
# that run's throughput (and CPU) scores are not samples of the rounds: of its lines only alloc.* ones stay
awk -F'\t' -v n="$before" 'NR <= n || $2 ~ /^alloc\./' "$work/samples.tsv" > "$work/samples.tmp"
mv "$work/samples.tmp" "$work/samples.tsv"
# the bound of Mono per loop if our op cost nothing (issue 17), per round: the core loops' time per read
# plus Reactor's own per element (flatMapOnlyPerLoop), as a throughput, 1 / (1/core + 1/flatMapOnly);
# a derived sample, so its row divides it by the same round's coreLoops like any other
awk -F'\t' '$2 == "java.ReactorRandomReadBenchmark.coreLoops" { c[$1] = $3 }
            $2 == "java.ReactorRandomReadBenchmark.flatMapOnlyPerLoop" { f[$1] = $3 }
            END { for (r in c) if ((r in f) && c[r] > 0 && f[r] > 0)
                    printf "%s\tderived.ReactorRandomReadBenchmark.monoPerLoopBound\t%.6g\n", r, 1 / (1 / c[r] + 1 / f[r]) }' \
  "$work/samples.tsv" > "$work/derived.tmp"
cat "$work/derived.tmp" >> "$work/samples.tsv"
rm -f "$work/derived.tmp"

bench_results <<'SPEC'
5|4 KiB randread hot, Mono (one flatMap per loop, 2 loops) vs 32 virtual threads, blocking FileChannel|java.ReactorRandomReadBenchmark.monoPerLoop|java.ReactorRandomReadBenchmark.virtualThreads|ops/s|>= 1.00
5|4 KiB randread hot, Mono per loop vs Mono.fromCallable(channel.read).subscribeOn(boundedElastic()), 32 at a time|java.ReactorRandomReadBenchmark.monoPerLoop|java.ReactorRandomReadBenchmark.boundedElastic|ops/s|-
5|4 KiB randread O_DIRECT, depth 32, Mono per loop vs 32 virtual threads, FileChannel + ExtendedOpenOption.DIRECT|java.ReactorDirectReadBenchmark.monoPerLoop|java.ReactorDirectReadBenchmark.virtualThreads|ops/s|>= 1.00
5|4 KiB randread O_DIRECT, depth 32, CPU per read: Mono per loop vs 32 virtual threads (whole JMH fork)|cpu.ReactorDirectReadBenchmark.monoPerLoop|cpu.ReactorDirectReadBenchmark.virtualThreads|us CPU/op|<= 1.00
5|4 KiB randread, Mono (one flatMap per loop, 2 loops) vs AsynchronousFileChannel (depth 32)|java.ReactorRandomReadBenchmark.monoPerLoop|java.ReactorRandomReadBenchmark.asyncFileChannel|ops/s|>= 1.50
5|4 KiB randread, Mono (one flatMap per loop, 2 loops) vs FileChannel (2 threads)|java.ReactorRandomReadBenchmark.monoPerLoop|java.ReactorRandomReadBenchmark.fileChannel|ops/s|>= 1.00
5|4 KiB randread, Mono (one flatMap per loop, 2 loops) vs fio io_uring tuned (2 jobs x 16, batch 16, gtod_reduce)|java.ReactorRandomReadBenchmark.monoPerLoop|fio.randread|ops/s|>= 0.90
5|ceiling: the same reads on 2 loops through the core API, no Reactor, vs FileChannel (2 threads)|java.ReactorRandomReadBenchmark.coreLoops|java.ReactorRandomReadBenchmark.fileChannel|ops/s|-
17|Reactor's share: Mono per loop vs the core API on the same 2 loops|java.ReactorRandomReadBenchmark.monoPerLoop|java.ReactorRandomReadBenchmark.coreLoops|ops/s|>= 0.85
17|4 KiB randread hot, the streaming read API vs the core API on the same 2 loops, both driven alike (a JMH thread per loop hands its share over and waits)|java.ReactorRandomReadBenchmark.streamOnEachLoop|java.ReactorRandomReadBenchmark.coreLoops|ops/s|>= 0.95
17|info: the streaming read API as one invocation over both loops (a flatMap of one readAsCompleted per loop: each invocation waits for the slower loop) vs the core API|java.ReactorRandomReadBenchmark.streamPerLoop|java.ReactorRandomReadBenchmark.coreLoops|ops/s|-
17|bound: Reactor's flatMap alone on Mono per loop's shape (Monos completed from a loop task, no I/O) vs the core API on the same 2 loops|java.ReactorRandomReadBenchmark.flatMapOnlyPerLoop|java.ReactorRandomReadBenchmark.coreLoops|ops/s|-
17|bound: the best Mono per loop could reach if our op cost nothing, 1 / (1/core + 1/flatMap alone) per round, vs the core API|derived.ReactorRandomReadBenchmark.monoPerLoopBound|java.ReactorRandomReadBenchmark.coreLoops|ops/s|-
5|naive shape: one flatMap subscribed by a non-loop thread, drained by both loops, vs AsynchronousFileChannel|java.ReactorRandomReadBenchmark.mono|java.ReactorRandomReadBenchmark.asyncFileChannel|ops/s|-
5|naive shape vs fio io_uring tuned (2 jobs x 16)|java.ReactorRandomReadBenchmark.mono|fio.randread|ops/s|-
5|1 GiB sequential read, readAll vs Spring DataBufferUtils.read|java.ReactorSequentialReadBenchmark.readAll|java.ReactorSequentialReadBenchmark.springDataBufferUtils|files/s|>= 1.30
5|bytes allocated per Mono read, one flatMap per loop (-prof gc, whole fork, JIT warmed up)|alloc.ReactorRandomReadBenchmark.monoPerLoop|-|B/op|<= 200
5|bytes allocated per Mono read, naive shape (-prof gc, whole fork, JIT warmed up)|alloc.ReactorRandomReadBenchmark.mono|-|B/op|-
17|bytes allocated per read, streaming read API, one readAsCompleted per loop (-prof gc, whole fork, JIT warmed up; the benchmark's source boxes an index and a position per read)|alloc.ReactorRandomReadBenchmark.streamPerLoop|-|B/op|-
17|bytes allocated per read, streaming read API driven per loop (-prof gc, whole fork, JIT warmed up; the benchmark's source boxes an index and a position per read)|alloc.ReactorRandomReadBenchmark.streamOnEachLoop|-|B/op|-
17|bytes allocated per read, streaming read API once its stream runs: one stream of 32,768 reads per loop, positions boxed before the run (-prof gc, whole fork, JIT warmed up; the set-up of each stream spread over its reads)|alloc.ReactorRandomReadBenchmark.longStreamOnEachLoop|-|B/op|<= 1.00
17|bytes allocated per element, Reactor's flatMap alone per loop (-prof gc, whole fork, JIT warmed up; one stand-in subscription per element)|alloc.ReactorRandomReadBenchmark.flatMapOnlyPerLoop|-|B/op|-
SPEC

elapsed=$(( $(date +%s) - started ))
{
  echo "# uring-reactor benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`benchmarks/run-reactor.sh$(bench_mode_flag) --rounds $rounds\`," \
       "$rounds interleaved rounds, ${elapsed}s in all."
  bench_machine
  echo "$(fio --version)."
  echo
  echo "Random reads: 4 KiB at random 4 KiB-aligned offsets of the hot (page-cached) 1 GiB file, 32 in flight in"
  echo "total, over a \`Uring.create(2)\`. Mono per loop = per invocation, one"
  echo "\`Flux.range(..., 512).flatMap(i -> file.read(buf[i], off[i]), 16)\` per loop, subscribed on that loop"
  echo "(\`subscribeOn(uring.scheduler())\`), the shape of a server whose work already runs on the loops; the naive"
  echo "shape is one \`flatMap(..., 32)\` of 1024 reads subscribed by the JMH thread and drained by both loops."
  echo "Core loops = the same reads through the core EventLoop API with no Reactor (ReadBatch), 2 loops x 16: the"
  echo "ceiling of any reactive layer on these loops. Stream per loop = the same split, one"
  echo "\`file.readAsCompleted(positions, 4096, 16)\` per loop instead of a Mono per read, each chunk released."
  echo "Its target row drives the streams as the core loops drive their batches: 2 JMH threads, each subscribing its"
  echo "share's stream on its own loop and waiting for it; the info row runs both in one invocation (a flatMap of the"
  echo "two, each subscribed on its loop), so every invocation also waits for the slower loop."
  echo "flatMap alone = Mono per loop's shape (split, concurrency, filter, count, reduce, subscribed on the loops)"
  echo "whose inner Monos do no I/O and complete from a task on their loop, outside the flatMap's drain, as reads"
  echo "complete from CQEs: Reactor's own cost per element there. Its bound row is, per round, the throughput Mono"
  echo "per loop would have if it took the core loops' time per read plus that, 1 / (1/core + 1/flatMap alone),"
  echo "over the core loops: what Mono per loop vs the core API could reach if our op cost nothing."
  echo "AsynchronousFileChannel at depth 32; FileChannel pread on 2 JMH threads (summed);"
  echo "fio \`ioengine=io_uring numjobs=2 iodepth=16 iodepth_batch_submit=16 iodepth_batch_complete_max=16 gtod_reduce=1"
  echo "bs=4k rw=randread invalidate=0 norandommap\` (2 jobs like the 2 loops, 32 in flight in all; tuned as fio's docs suggest)."
  echo "Virtual threads: 32 started per invocation of 1024 reads, each reading its share with blocking"
  echo "\`FileChannel.read(buffer, position)\` (the JDK's default scheduler: as many carriers as CPUs). boundedElastic:"
  echo "\`Mono.fromCallable(() -> channel.read(...)).subscribeOn(Schedulers.boundedElastic())\`, flatMap 32 at a time."
  echo "O_DIRECT: 256 reads per invocation, 32 in flight; the Mono side's fd (opened by ReactiveFile.open, which has no"
  echo "O_DIRECT option) gets O_DIRECT with fcntl(F_SETFL); the virtual threads' FileChannel is opened with"
  echo "ExtendedOpenOption.DIRECT; 4096-aligned buffers on both sides. Both wait for the disk, so the CPU row matters."
  echo "Offsets: 4 KiB-aligned over the whole 1 GiB file (1 Mi precomputed offsets, cycled), the same on every Java side."
  echo "CPU us/op: user + system CPU microseconds per read of the whole JMH fork (loops, carriers, pools, GC, JIT), or fio's own."
  echo "Sequential: the whole file in 64 KiB chunks, bytes counted; readAll 4 reads ahead; Spring's"
  echo "\`DataBufferUtils.read(path, DefaultDataBufferFactory, 65536)\`, buffers released. One op = one whole file (1 GiB)."
  echo "Ratio = ours / peer within one round; median over rounds with the min-max spread."
  [ -z "$note" ] || { echo; echo "Note: $note"; }
  echo
  bench_table
  echo
  echo "\`gc.alloc.rate.norm\` divides the bytes allocated by every thread of the fork (the loop threads, JMH's"
  echo "own threads) by the reads done; for comparison, per read on the peers:"
  awk -F'\t' '$2 ~ /^alloc\./ && $2 !~ /\.(mono|monoPerLoop|streamPerLoop|streamOnEachLoop|longStreamOnEachLoop|flatMapOnlyPerLoop)$/ { n = $2; sub(/^alloc\./, "", n); s[n] = s[n] sprintf(" %.0f", $3) }
              END { for (n in s) printf "%s:%s B/op (per round).\n", n, s[n] }' "$work/samples.tsv" | sort
  bench_footer
} > "$out/reactor.md"
cat "$out/reactor.md"
log "written: $out/reactor.md, $out/reactor.tsv"
