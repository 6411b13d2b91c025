#!/bin/bash
# usage: .ci/kernel-vm/run.sh SERIES [LIMIT_S]      SERIES: 6.1 or 6.12
#
# Runs the project's test suite, as already built on the host, on another Linux kernel: the
# newest Debian package of that series boots under qemu (TCG: these machines cannot run KVM guests)
# with the host's root file system read-only under a tmpfs layer, and runs `./mvnw -o -B verify
# -Pkernel-vm` in this checkout there (the profile leaves out the TCK and uring-nio's second run;
# KERNEL_VM_FULL=1 runs everything). Its log, surefire reports and a summary come back under
# target/kernel-vm/out-SERIES/. Exits non-zero when a test failed or errored, the JVM crashed, or the
# guest did not finish within LIMIT_S seconds (default 2400).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/.ci/kernel-vm
series=$1
limit=${2:-2400}
work=$root/target/kernel-vm
out=$work/out-$series
mkdir -p "$work"

"$here/prepare.sh" "$series"
pkg=$(cat "$work/pkg-$series")
krel=$(cat "$work/krel-$pkg")

rm -rf "$out"; mkdir -p "$out"
cp "$here/job.sh" "$out/job.sh"
echo "$root" > "$out/project"
# KERNEL_VM_MAVEN_ARGS: extra Maven arguments for a partial run by hand, e.g. "-pl uring-core -Dtest=X"
# (the summary then counts fewer than 5 modules and says FAILED: read the counts); CI sets none
echo "${KERNEL_VM_MAVEN_ARGS:-}" > "$out/maven_args"
# KERNEL_VM_FULL=1: the whole suite, the TCK and uring-nio's run under the flag included (past an hour
# on one emulated core); CI runs the kernel-vm profile, which leaves those two out
if [ "${KERNEL_VM_FULL:-0}" = 1 ]; then : > "$out/profile"; else echo "-Pkernel-vm" > "$out/profile"; fi
echo "${JAVA_HOME:?JAVA_HOME must name a JDK 25}" > "$out/java_home"
echo "kernel-vm: $pkg ($krel), limit ${limit}s"
t0=$(date +%s)
set +e
timeout "$limit" qemu-system-x86_64 -accel tcg,thread=single -cpu qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt \
  -m 8G -smp 2 -kernel "$work/root-$pkg/boot/vmlinuz-$krel" -initrd "$work/initrd-$pkg.img" \
  -append "console=ttyS0 panic=-1 quiet" -nographic -no-reboot \
  -virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap \
  -virtfs local,path="$out",mount_tag=out,security_model=none > "$out/console.log" 2>&1
qemu=$?
set -e
echo "kernel-vm: guest ran $(( $(date +%s) - t0 )) s (qemu exit $qemu)"
exec "$here/summary.sh" "$out"
