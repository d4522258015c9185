#!/usr/bin/env bash
# Builds DJL 0.36.0's PyTorch JNI library against the PyTorch that is installed on this host, so DJL can use
# that libtorch (any CUDA flavour, any 2.x version whose C++ API still fits DJL's JNI) instead of the
# 2.7.1 libtorch it was released for. This is how the GPU numbers in BENCHMARKS.md were produced (PyTorch
# 2.11.0+cu130 on an H200, no network there). Needs: python3 with torch, g++, a JDK (javac, jni.h) and a
# checkout of DJL at tag v0.36.0 (git clone --branch v0.36.0 --depth 1 https://github.com/deepjavalibrary/djl).
#
#   docker/build-djl-jni.sh DJL_SOURCE_DIR [DJL_CACHE_DIR]
#
# It prints the environment to run the training or pipeline jar with. Nothing here is used by the CPU build.
# Without a JDK on the host (only a Java runtime, as in docs/benchmarks/gpu/make-gpu-bundle.sh's bundle), set
# JNI_INCLUDE=DIR to a directory that holds the header `javac -h` generated from DJL's PyTorchLibrary.java and
# the JDK's jni.h and jni_md.h; PYTHON names the interpreter with torch (default python3).
set -euo pipefail

src=${1:?usage: build-djl-jni.sh DJL_SOURCE_DIR [DJL_CACHE_DIR] (a checkout of DJL at tag v0.36.0)}
cache=${2:-${DJL_CACHE_DIR:-$HOME/.djl.ai}}
native=$src/engines/pytorch/pytorch-native/src/main/native
library_java=$src/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java
[ -d "$native" ] && [ -f "$library_java" ] || { echo "error: $src is not a DJL source checkout (git clone --branch v0.36.0 https://github.com/deepjavalibrary/djl)" >&2; exit 2; }
jni_include=${JNI_INCLUDE:-}
if [ -n "$jni_include" ]; then
    [ -f "$jni_include/ai_djl_pytorch_jni_PyTorchLibrary.h" ] && [ -f "$jni_include/jni.h" ] \
        || { echo "error: JNI_INCLUDE=$jni_include lacks ai_djl_pytorch_jni_PyTorchLibrary.h or jni.h" >&2; exit 2; }
else
    command -v javac >/dev/null || { echo "error: javac not found; install a JDK 17+ (the JNI header is generated from DJL's Java source) or set JNI_INCLUDE" >&2; exit 2; }
fi

eval "$("${PYTHON:-python3}" - <<'PY'
import os, torch
print("torch_dir=%s" % os.path.dirname(torch.__file__))
print("torch_version=%s" % torch.__version__.split("+")[0])
print("flavor=%s" % ("cu" + torch.version.cuda.replace(".", "") if torch.version.cuda else "cpu"))
print("abi=%d" % int(torch._C._GLIBCXX_USE_CXX11_ABI))
PY
)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -n "$jni_include" ]; then
    java_includes=(-I"$jni_include")
else
    java_home=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    # DJL's Java side and the JNI must agree on every native method: generate the header from DJL's own source,
    # compiled against the DJL jars of this project's version.
    m2=${M2_REPO:-$HOME/.m2/repository}/ai/djl
    cp="$m2/api/0.36.0/api-0.36.0.jar:$m2/pytorch/pytorch-engine/0.36.0/pytorch-engine-0.36.0.jar"
    javac -h "$work/include" -d "$work/classes" -cp "$cp" "$library_java"
    java_includes=(-I"$work/include" -I"$java_home/include" -I"$java_home/include/linux")
fi

includes=(-I"$torch_dir/include" -I"$torch_dir/include/torch/csrc/api/include" "${java_includes[@]}"
          -I"$src/api/src/main/native")
mkdir -p "$work/obj"
# The CUDA-only parts of DJL's JNI (a separate stream for TorchScript modules, emptyCache) are not used by this
# project; without USE_CUDA the library needs no CUDA headers, and libtorch_cuda still registers the CUDA
# kernels because DJL loads every library in PYTORCH_LIBRARY_PATH.
ls "$native"/*.cc | xargs -P "$(nproc)" -I{} sh -c \
    "g++ -std=c++17 -O2 -w -fPIC -D_GLIBCXX_USE_CXX11_ABI=$abi ${includes[*]} -c {} -o $work/obj/\$(basename {} .cc).o"
dir="$cache/pytorch/$torch_version-$flavor-linux-x86_64"
mkdir -p "$dir"
g++ -shared -o "$dir/0.36.0-libdjl_torch.so" "$work"/obj/*.o -L"$torch_dir/lib" -Wl,-rpath,"$torch_dir/lib" \
    -Wl,--no-as-needed -ltorch -ltorch_cpu -lc10
cudart=$(find "$torch_dir/../nvidia" /usr/local/cuda/lib64 -name 'libcudart.so*' 2>/dev/null | head -1 || true)

cat <<ENV
# built $dir/0.36.0-libdjl_torch.so for PyTorch $torch_version ($flavor); run the jars with:
export DJL_CACHE_DIR=$cache
export PYTORCH_LIBRARY_PATH=$torch_dir/lib PYTORCH_VERSION=$torch_version PYTORCH_FLAVOR=$flavor
JAVA_OPTS="-Dai.djl.offline=true${cudart:+ -Djna.library.path=$(dirname "$cudart")}"
ENV
