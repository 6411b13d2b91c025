#!/bin/bash
# usage: .ci/kernel-vm/prepare.sh SERIES...     SERIES: 6.1 or 6.12
# Installs qemu and the initrd tools when missing, and for each series downloads Debian's newest
# kernel package of that series and builds its initrd under target/kernel-vm (once).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/.ci/kernel-vm
work=$root/target/kernel-vm
mkdir -p "$work"
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
{ [ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx switch_root; } || need+=(busybox-static)
command -v cpio >/dev/null || need+=(cpio)
[ -x /sbin/depmod ] || need+=(kmod)
command -v zstd >/dev/null || need+=(zstd)
if [ ${#need[@]} -gt 0 ]; then
  echo "kernel-vm: installing ${need[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
updated=0
for series in "$@"; do
  case "$series" in
    6.1) pattern='^linux-image-6\.1\.0-[0-9]+-amd64$' ;;
    6.12) pattern='^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' ;;
    *) echo "kernel-vm: unknown series $series (6.1 or 6.12)" >&2; exit 2 ;;
  esac
  pkg=$(apt-cache pkgnames linux-image-6 2>/dev/null | grep -E "$pattern" | sort -V | tail -1 || true)
  if [ -z "$pkg" ] && [ $updated -eq 0 ]; then
    apt-get update -qq >/dev/null; updated=1
    pkg=$(apt-cache pkgnames linux-image-6 | grep -E "$pattern" | sort -V | tail -1)
  fi
  [ -n "$pkg" ] || { echo "kernel-vm: no Debian kernel package of series $series" >&2; exit 2; }
  echo "$pkg" > "$work/pkg-$series"
  [ -f "$work/initrd-$pkg.img" ] || "$here/make-initrd.sh" "$work" "$pkg" >/dev/null
done
