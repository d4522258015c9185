#!/usr/bin/env bash
# Builds the CUDA stand-in image (docker/test/standins/cuda/Dockerfile): fetches Debian's libcudart .deb
# (non-free) with apt into target/ once per checkout and lays it out as NVIDIA's images do.
#   docker/test/cuda-standin.sh IMAGE_NAME BASE_IMAGE
set -euo pipefail
image=${1:?usage: cuda-standin.sh IMAGE_NAME BASE_IMAGE}
base=${2:?BASE_IMAGE}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=$root/target/container-test/cudart
ctx=$here/standins/cuda
mkdir -p "$cache"
if ! ls "$cache"/libcudart*.deb >/dev/null 2>&1; then
  mirror=$(grep -rhoE "https?://[^ ]+/debian/?( |$)" /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null | head -1 | tr -d ' ' || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  mkdir -p "$cache/lists/partial"
  echo "deb ${mirror%/} bookworm non-free" > "$cache/sources.list"
  apt_opts=(-o Dir::Etc::SourceList="$cache/sources.list" -o Dir::Etc::SourceParts=/dev/null
            -o Dir::State::Lists="$cache/lists" -o APT::Sandbox::User=root)
  apt-get -qq "${apt_opts[@]}" update
  (cd "$cache" && apt-get -qq "${apt_opts[@]}" download libcudart11.0)
fi
deb=$(ls "$cache"/libcudart*.deb | head -n 1)
rm -rf "$ctx/target" "$cache/x" && mkdir -p "$cache/x" "$ctx/target/cuda/cuda-11.8/targets/x86_64-linux/lib"
dpkg-deb -x "$deb" "$cache/x"
cp -a "$cache"/x/usr/lib/x86_64-linux-gnu/libcudart.so.* "$ctx/target/cuda/cuda-11.8/targets/x86_64-linux/lib/"
ln -s cuda-11.8 "$ctx/target/cuda/cuda"
ln -s targets/x86_64-linux/lib "$ctx/target/cuda/cuda-11.8/lib64"
podman build -q --build-arg BASE_IMAGE="$base" -t "$image" "$ctx" >/dev/null
echo "built $image (libcudart from $(basename "$deb"))" >&2
