#!/bin/bash
# usage: summary.sh OUT   -- judges a guest run: every module's tests ran, none failed or errored,
# no JVM crashed; prints the per-module counts and every skipped test with its reason.
out=$1
fail=0
grep -q "GUEST DONE" "$out/result.txt" 2>/dev/null || { echo "kernel-vm: the guest did not finish (see $out/console.log)"; fail=1; }
grep -h "VERIFY EXIT" "$out/result.txt" 2>/dev/null || true
# Maven's own verdict counts too: a build that fails before or outside the tests (a plugin it cannot
# resolve offline, a compile error) runs no test at all
if grep -q "VERIFY EXIT" "$out/result.txt" 2>/dev/null && ! grep -q "VERIFY EXIT 0 " "$out/result.txt"; then
  echo "kernel-vm: Maven failed in the guest (see $out/verify.log)"; fail=1
fi
if ls "$out"/hs_err_pid*.log >/dev/null 2>&1; then echo "kernel-vm: a JVM crashed: $(ls "$out"/hs_err_pid*.log)"; fail=1; fi
grep -E "^\[(INFO|WARNING|ERROR)\] Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$" "$out/verify.log" \
  > "$out/totals.txt" 2>/dev/null || true
# grep -c prints 0 and exits 1 on an empty file: no "|| echo 0", which would print a second line
modules=$(grep -c "" "$out/totals.txt" 2>/dev/null)
modules=${modules:-0}
if [ "$modules" -lt 5 ]; then echo "kernel-vm: tests ran in $modules of 5 modules"; fail=1; fi
total=0; failed=0; skipped=0
while read -r line; do
  n=$(sed -E 's/.*Tests run: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+), Skipped: ([0-9]+)$/\1 \2 \3 \4/' <<<"$line")
  set -- $n; total=$((total + $1)); failed=$((failed + $2 + $3)); skipped=$((skipped + $4))
done < "$out/totals.txt"
echo "kernel-vm: $(head -1 "$out/result.txt" 2>/dev/null): $total tests, $failed failed, $skipped skipped"
grep -hE "<<< (FAILURE|ERROR)!" "$out/verify.log" 2>/dev/null | grep -v " -- in " | sed 's/^/  /' || true
if [ -d "$out/reports" ]; then
  # each skipped test and the assumption that skipped it (it names the feature and the kernel that has it)
  grep -h -A1 "<testcase" "$out"/reports/*/TEST-*.xml 2>/dev/null | grep -B1 "<skipped" \
    | sed -nE 's/.*<testcase name="([^"]*)" classname="([^"]*)".*/  skipped \2.\1:/p; s/.*Assumption failed: (.*)$/      \1/p; s/.*<skipped message="([^"]*)".*/      \1/p' || true
fi
[ "$failed" -eq 0 ] || fail=1
if [ "$fail" -eq 0 ]; then
  echo "kernel-vm: passed"
else
  # the failures again, last, where a log's tail shows them
  grep -hE "<<< (FAILURE|ERROR)!" "$out/verify.log" 2>/dev/null | grep -v " -- in " | sed 's/^/  failed: /' || true
  grep -hE "^\[ERROR\]   [A-Za-z0-9_.]+:[0-9]+" "$out/verify.log" 2>/dev/null | sed 's/^\[ERROR\]  /  reason:/' | head -20 || true
  echo "kernel-vm: FAILED"
fi
exit $fail
