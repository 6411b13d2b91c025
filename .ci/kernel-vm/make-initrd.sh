#!/bin/bash
# usage: make-initrd.sh WORK PKG
# Unpacks Debian kernel package PKG (downloaded with apt-get when missing) under WORK and builds an
# initrd with busybox, the virtio/9p/overlay modules of that kernel and ./init.
set -euo pipefail
W=$(readlink -f "$1"); P=$2; here=$(dirname "$(readlink -f "$0")")
mkdir -p "$W" && cd "$W"
if [ ! -d "root-$P" ]; then
  apt-get download "$P" >/dev/null 2>&1
  dpkg-deb -x "${P}"_*.deb "root-$P"
fi
K=$(ls "root-$P/lib/modules" | head -1); echo "$K" > "krel-$P"; /sbin/depmod -b "root-$P" "$K"
rm -rf initrd && mkdir -p initrd/{bin,proc,sys,dev,mnt/host,mnt/rw,newroot,lib/modules}
cp /bin/busybox initrd/bin/
for c in sh mount insmod mkdir switch_root echo cat ip sleep poweroff ls; do ln -sf busybox "initrd/bin/$c"; done
M=root-$P/lib/modules/$K/kernel
for k in drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_legacy_dev \
    drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci net/9p/9pnet net/9p/9pnet_virtio \
    fs/netfs/netfs fs/fscache/fscache fs/9p/9p fs/overlayfs/overlay; do
  f=$(ls "$M/$k".ko* 2>/dev/null | head -1 || true); b=initrd/lib/modules/$(basename "$k").ko
  case "$f" in
    "") ;; # built into this kernel
    *.xz) xz -dc "$f" > "$b" ;;
    *.zst) zstd -qdc "$f" > "$b" ;;
    *) cp "$f" "$b" ;;
  esac
done
cp "$here/init" initrd/init; chmod +x initrd/init
(cd initrd && find . | cpio -o -H newc 2>/dev/null | gzip > "../initrd-$P.img")
