#!/usr/bin/env bash
# Makes rootful podman usable on this project's CI machines (docs: docker/test/README.md): installs the
# Debian packages when podman is missing, and writes /etc/containers/containers.conf when it does not exist.
# Why the settings: root lacks CAP_SYS_RESOURCE here and the hard nofile limit is low, so podman's default
# ulimits (nofile 1048576) fail in setrlimit; crun fails on the hybrid cgroup layout, runc works; the
# journald events logger is absent in a container-less CI machine.
set -euo pipefail

need=()
for tool in podman podman-compose debootstrap runc; do
  command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "error: ${need[*]} missing; install podman podman-compose runc debootstrap (Debian) and run again" >&2
    exit 2
  fi
  echo "container tier: installing podman, podman-compose, runc, debootstrap" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    podman podman-compose runc debootstrap fuse-overlayfs slirp4netns uidmap >/dev/null
fi

conf=/etc/containers/containers.conf
if [ ! -f "$conf" ] && [ "$(id -u)" = 0 ]; then
  h=$(ulimit -Hn)
  mkdir -p /etc/containers
  printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=32768:32768"]\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' "$h" "$h" > "$conf"
  echo "container tier: wrote $conf (runc, cgroupfs, nofile=$h)" >&2
fi
