#!/usr/bin/env bash
# Makes what a GPU machine without Java and without network needs to run docs/benchmarks/gpu/run-gpu-bench.sh
# (issue #17), as one tarball of at most 64 MiB:
#   jre/                 a jlink'd Java 17 runtime with only the modules the jars use (jdeps)
#   lib/                 the pipeline CLI jar and the training jar's own classes, without the CPU libtorch
#                        (with it on the classpath DJL always loads the CPU build, docs/deployment.md), without
#                        DJL's prebuilt JNI libraries (the run builds its own against the host's PyTorch) and
#                        without other platforms' native libraries; stored uncompressed so xz packs them tightly
#   djl-jni/             DJL v0.36.0's PyTorch JNI sources, the header `javac -h` makes from PyTorchLibrary.java
#                        and the JDK's jni.h, for docker/build-djl-jni.sh with JNI_INCLUDE (no JDK needed there)
#   testdata/            the shipped model directories and the sample frames with labels.csv
#   run-gpu-bench.sh, summarize.py, build-djl-jni.sh, BUNDLE-INFO
# Runs here, on a machine with a JDK 17, Maven's offline repository and python3:
#
#   docs/benchmarks/gpu/make-gpu-bundle.sh --djl-src DJL_CHECKOUT [--out DIR] [--no-build]
#
# DJL_CHECKOUT: a git clone of https://github.com/deepjavalibrary/djl (the v0.36.0 tag is read from it), or
# a directory already holding those sources. Writes DIR/condensenet-gpu/ and DIR/condensenet-gpu.tar.xz
# (default DIR: target/gpu-bundle) and fails when the tarball is over 64 MiB.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
out=$repo/target/gpu-bundle
djl_src=
build=1
limit=$((64 * 1024 * 1024))
djl_tag=v0.36.0
while [ $# -gt 0 ]; do
    case $1 in
        --djl-src) djl_src=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        *) echo "error: unknown argument $1 (use --djl-src DIR [--out DIR] [--no-build])" >&2; exit 2 ;;
    esac
done
[ -n "$djl_src" ] || { echo "error: --djl-src DIR is required: a clone of https://github.com/deepjavalibrary/djl" >&2; exit 2; }
for tool in jlink jdeps javac python3 xz; do
    command -v $tool >/dev/null || { echo "error: $tool not found (needs a JDK 17, python3 and xz)" >&2; exit 2; }
done

cd "$repo"
if [ $build = 1 ]; then
    echo "== building the jars (mvn -o package, tests skipped)"
    mvn -B -o -q -pl pipeline,training -am -DskipTests package
fi
pipeline_jar=pipeline/target/condensenet-pipeline.jar
training_jar=training/target/condensenet-training.jar
for j in $pipeline_jar $training_jar; do
    [ -f "$j" ] || { echo "error: $j is missing; build it or drop --no-build" >&2; exit 2; }
done

bundle=$out/condensenet-gpu
rm -rf "$bundle" "$out/condensenet-gpu.tar.xz"
mkdir -p "$bundle/lib" "$bundle/djl-jni/include" "$bundle/testdata"

echo "== jars without the CPU libtorch, DJL's prebuilt JNI and other platforms' natives"
python3 - "$pipeline_jar" "$training_jar" "$bundle/lib" <<'PY'
import io, re, sys, zipfile
pipeline, training, lib = sys.argv[1:4]
# Only linux-x86_64 natives are kept (names as zstd-jni, snappy, lz4 and JNA spell the platform).
this_platform = re.compile(r'linux[-_/](amd64|x86[-_]64)|Linux/x86_64|linux-x86-64', re.I)
native = ('.so', '.dll', '.dylib', '.jnilib', '.a', '.sl')

def keep(name):
    if name.startswith(('pytorch/cpu/', 'jnilib/')) or name == 'native/lib/pytorch.properties':
        return False
    return not name.endswith(native) or bool(this_platform.search(name))

def stored(data):
    """A nested jar (Flink's RPC system) re-written uncompressed, so the outer xz sees its classes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_STORED) as dst:
        for i in src.infolist():
            dst.writestr(zipfile.ZipInfo(i.filename, i.date_time), src.read(i))
    return buf.getvalue()

def rewrite(src, dst, skip=None):
    entries = {}
    dropped = kept = 0
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, 'w', zipfile.ZIP_STORED) as zout:
        for i in zin.infolist():
            if not keep(i.filename):
                dropped += 1
                continue
            data = zin.read(i)
            if skip is not None and skip.get(i.filename) == data and not i.filename.startswith('META-INF/MANIFEST'):
                continue
            if i.filename.endswith('.jar'):
                data = stored(data)
            entries[i.filename] = data
            zout.writestr(zipfile.ZipInfo(i.filename, i.date_time), data)
            kept += 1
    print(f"{dst}: {kept} entries, {dropped} dropped")
    return entries

shared = rewrite(pipeline, f"{lib}/condensenet-pipeline.jar")
# The training jar shares DJL, JNA, picocli and the model module with the pipeline jar: only its entries that
# differ travel (it runs with the pipeline jar after it on the class path).
rewrite(training, f"{lib}/condensenet-training-own.jar", skip=shared)
PY

echo "== DJL $djl_tag PyTorch JNI sources"
paths=(engines/pytorch/pytorch-native/src/main/native api/src/main/native
       engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java)
if git -C "$djl_src" rev-parse -q --verify "refs/tags/$djl_tag" >/dev/null 2>&1; then
    git -C "$djl_src" archive "$djl_tag" "${paths[@]}" | tar -x -C "$bundle/djl-jni"
else
    for p in "${paths[@]}"; do
        [ -e "$djl_src/$p" ] || { echo "error: $djl_src has no tag $djl_tag and no $p" >&2; exit 2; }
        mkdir -p "$bundle/djl-jni/$(dirname "$p")" && cp -r "$djl_src/$p" "$bundle/djl-jni/$p"
    done
fi
# The header javac generates from DJL's own Java source, compiled against this project's DJL jars (what
# docker/build-djl-jni.sh does on a host with a JDK), and the JDK's JNI headers.
m2=${M2_REPO:-$HOME/.m2/repository}/ai/djl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
javac -h "$bundle/djl-jni/include" -d "$work/classes" \
    -cp "$m2/api/0.36.0/api-0.36.0.jar:$m2/pytorch/pytorch-engine/0.36.0/pytorch-engine-0.36.0.jar" \
    "$bundle/djl-jni/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java"
java_home=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
cp "$java_home/include/jni.h" "$java_home/include/linux/jni_md.h" "$bundle/djl-jni/include/"

echo "== Java runtime (jlink; modules from jdeps)"
modules=$(jdeps --multi-release 17 --ignore-missing-deps --print-module-deps -q \
    "$bundle/lib/condensenet-pipeline.jar" "$bundle/lib/condensenet-training-own.jar")
# jdk.crypto.ec: TLS to a Kafka with SSL in the same runtime; jdk.zipfs: Flink's plugin and RPC loaders.
modules=$modules,jdk.crypto.ec,jdk.zipfs
echo "modules: $modules"
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=0 --output "$bundle/jre"
rm -f "$bundle/jre/lib/server/classes.jsa" # the class-data-sharing archive: start-up only, 13 MiB

echo "== testdata, scripts"
cp -r testdata/models testdata/fashion-mnist-sample "$bundle/testdata/"
cp docs/benchmarks/gpu/run-gpu-bench.sh docs/benchmarks/gpu/summarize.py docker/build-djl-jni.sh "$bundle/"
cat > "$bundle/BUNDLE-INFO" <<INFO
made by docs/benchmarks/gpu/make-gpu-bundle.sh on $(date -u +%FT%TZ)
commit: $(git rev-parse HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo " (with uncommitted changes)")
java: $("$bundle/jre/bin/java" -version 2>&1 | head -1)
modules: $modules
djl jni sources: $djl_tag
INFO

echo "== packing"
tar -C "$out" -cf - condensenet-gpu | xz -T1 -9 > "$out/condensenet-gpu.tar.xz"
size=$(stat -c %s "$out/condensenet-gpu.tar.xz")
du -sh "$bundle"/* | sed 's/^/  unpacked /'
echo "bundle: $out/condensenet-gpu.tar.xz, $(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1048576 }') MiB (limit 64 MiB)"
if [ "$size" -gt "$limit" ]; then
    echo "error: the bundle is $size bytes, over the 64 MiB a GPU run may carry" >&2
    exit 1
fi
