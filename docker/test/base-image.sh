#!/usr/bin/env bash
# Builds the one local base image every stand-in starts from: Debian bookworm (debootstrap --variant=minbase)
# with OpenJDK 17 (JDK: the GPU images compile a build helper), jemalloc (the official Flink image preloads
# it) and Debian's Fashion-MNIST (the training image's default data). No registry is reachable from CI, so
# nothing is pulled. The root file system is cached as a tar under target/ (one checkout, any number of runs),
# keyed by this script's content; `podman import` is skipped when the image with that key already exists.
#   docker/test/base-image.sh IMAGE_NAME
set -euo pipefail
image=${1:?usage: base-image.sh IMAGE_NAME}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=$root/target/container-test
packages="openjdk-17-jdk-headless libjemalloc2 dataset-fashion-mnist ca-certificates"
key=$( (cat "$0"; echo "$packages") | sha256sum | cut -c1-16)
tarball=$cache/rootfs-bookworm-$key.tar

if [ "$(podman image inspect --format '{{index .Labels "condensenet.rootfs"}}' "$image" 2>/dev/null || true)" = "$key" ]; then
  echo "base image $image is current ($key)" >&2
  exit 0
fi

if [ ! -f "$tarball" ]; then
  # apt's own Debian archive (the one host apt uses: reachable from CI)
  # (one-line and deb822 source formats)
  mirror=$(grep -rhoE "https?://[^ ]+/debian/?( |$)" /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null | head -1 | tr -d ' ' || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  mirror=${mirror%/}
  mkdir -p "$cache"
  rootfs=$(mktemp -d "$cache/rootfs.XXXX")
  chmod 755 "$rootfs"   # the image's / : mktemp's 700 would lock out every non-root user
  cleanup() {
    for m in proc sys dev; do umount -l "$rootfs/$m" 2>/dev/null || true; done
    rm -rf "$rootfs"
  }
  trap cleanup EXIT
  echo "debootstrap bookworm from $mirror (about 2 minutes, once per checkout)" >&2
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 \
    || { tail -20 "$cache/debootstrap.log" >&2; echo "error: debootstrap failed (log: $cache/debootstrap.log)" >&2; exit 1; }
  cat > "$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
SOURCES
  cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
  mount -t proc proc "$rootfs/proc"   # java's postinst runs java, which needs /proc
  mount --rbind /dev "$rootfs/dev"
  mount -t sysfs sysfs "$rootfs/sys"
  chroot "$rootfs" sh -ec "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages >/dev/null && apt-get clean && rm -rf /var/lib/apt/lists/*"
  for m in proc sys dev; do umount -l "$rootfs/$m"; done
  rm -f "$rootfs/etc/resolv.conf"
  tar -C "$rootfs" -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  find "$cache" -maxdepth 1 -name 'rootfs-bookworm-*.tar' ! -name "$(basename "$tarball")" -delete
fi

podman import -q --change "LABEL condensenet.rootfs=$key" --change 'CMD ["/bin/bash"]' \
  --change 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' "$tarball" "$image" >/dev/null
echo "imported $image ($key)" >&2
