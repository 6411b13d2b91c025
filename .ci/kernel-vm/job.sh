#!/bin/sh
# In the guest: the test suite, offline, on the host's local Maven repository and build; the kernel-vm
# profile leaves out the TCK and uring-nio's second run (see the root pom) unless run.sh was given
# KERNEL_VM_FULL=1 (then /mnt/out/profile is empty).
# URING_TEST_TIME_SCALE: tests that wait for a signal (the TCK's) wait this many times longer under emulation
export JAVA_HOME="$(cat /mnt/out/java_home)" JAVA_TOOL_OPTIONS="-XX:+UseSerialGC" URING_TEST_TIME_SCALE=10
cd "$(cat /mnt/out/project)" || exit 1
t0=$(date +%s)
./mvnw -o -B verify -Dmaven.test.failure.ignore=true $(cat /mnt/out/profile 2>/dev/null) $(cat /mnt/out/maven_args 2>/dev/null) > /mnt/out/verify.log 2>&1
echo "VERIFY EXIT $? after $(( $(date +%s) - t0 )) s"
mkdir -p /mnt/out/reports
for d in */target/surefire-reports; do
  [ -d "$d" ] && cp -r "$d" "/mnt/out/reports/${d%%/*}"
done
find . -maxdepth 3 -name 'hs_err_pid*.log' -exec cp {} /mnt/out/ \;
