#!/usr/bin/env bash
# Issue #17's GPU measurements in one go, on a machine with an NVIDIA GPU, its driver and PyTorch (python3 with
# torch, g++) but no Java and no network, from the bundle docs/benchmarks/gpu/make-gpu-bundle.sh makes:
#
#   tar -xJf condensenet-gpu.tar.xz && condensenet-gpu/run-gpu-bench.sh OUTDIR
#   docs/benchmarks/gpu/run-gpu-bench.sh OUTDIR [--bundle condensenet-gpu.tar.xz]   # from a checkout (unpacks to WORK_DIR)
#   docs/benchmarks/gpu/run-gpu-bench.sh OUTDIR --dry-run                           # the same on the CPU
#
# Steps, each under `timeout` so one that hangs cannot eat the GPU time (about 6 minutes in all on an H200):
#  1. environment (GPU, driver, PyTorch, CUDA) -> environment.json
#  2. DJL's JNI built against the host's PyTorch (docker/build-djl-jni.sh with the bundle's header, no JDK)
#  3. pipeline bench --device gpu at parallelism 1, 2, 4 x --batching per-subtask|shared: pipeline-pP-B.json
#  4. logit-diff: max |logits(GPU) - logits(CPU)| with and without --exact-fp32 -> logit-diff.json
#  5. demo --device gpu and --device cpu (every frame accounted for, the same accuracy) -> demo-*.json
#  6. model bench of the training jar, --device gpu, batch 1..1024: model-fmnist-26.json, model-cifar10-86.json
#  7. summarize.py -> summary.json, summary.md (the issue's targets from this run's JSON)
# Most important first: when the budget (BUDGET_S, default 540 s) runs out, the last steps are skipped.
# Every step's output is in OUTDIR/logs/, its exit status and seconds in OUTDIR/steps.tsv. The exit status is
# 0 when every step passed.
#
# --dry-run: everything on the CPU with smaller sizes, to check the script and the bundle where no GPU is. The
# JNI build is tried against the local python3's torch (PYTHON=...); DJL 0.36's JNI needs PyTorch 2.x, so
# where that fails (Debian's 1.13) the dry run uses DJL's own CPU libtorch 2.7.1 with its JNI library instead
# (DRY_RUN_LIBTORCH=DIR, or DJL's cache, or the pytorch-native-cpu jar in ~/.m2), through the same
# PYTORCH_LIBRARY_PATH route as the GPU run.
set -uo pipefail

usage="usage: run-gpu-bench.sh OUTDIR [--dry-run] [--bundle TARBALL]"
outdir=
dry=0
tarball=
while [ $# -gt 0 ]; do
    case $1 in
        --dry-run) dry=1; shift ;;
        --bundle) tarball=$2; shift 2 ;;
        -h|--help) echo "$usage"; exit 0 ;;
        -*) echo "error: unknown option $1; $usage" >&2; exit 2 ;;
        *) [ -z "$outdir" ] || { echo "error: one OUTDIR only; $usage" >&2; exit 2; }; outdir=$1; shift ;;
    esac
done
[ -n "$outdir" ] || { echo "error: OUTDIR is required; $usage" >&2; exit 2; }
mkdir -p "$outdir/logs" || exit 2
outdir=$(cd "$outdir" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
started=$(date +%s)

# Big things (the unpacked bundle, the JNI build, a dry run's libtorch) go to WORK_DIR, not OUTDIR: OUTDIR is
# what comes back from the GPU machine.
work=${WORK_DIR:-${TMPDIR:-/tmp}/condensenet-gpu-work}
mkdir -p "$work" || exit 2

# --- the bundle: this directory when the script runs from it, else the tarball unpacked into WORK_DIR
jni_script=$here/build-djl-jni.sh summarize=$here/summarize.py
if [ -x "$here/jre/bin/java" ]; then
    bundle=$here
else
    jni_script=$here/../../../docker/build-djl-jni.sh # a checkout's scripts, the bundle's jars
    [ -n "$tarball" ] || tarball=$(cd "$here/../../.." && pwd)/target/gpu-bundle/condensenet-gpu.tar.xz
    [ -f "$tarball" ] || { echo "error: no bundle: run make-gpu-bundle.sh first or pass --bundle TARBALL" >&2; exit 2; }
    bundle=$work/condensenet-gpu
    rm -rf "$bundle"
    if command -v xz >/dev/null; then
        tar -xJf "$tarball" -C "$work"
    else
        "$python" -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$tarball" "$work"
    fi || { echo "error: cannot unpack $tarball" >&2; exit 2; }
fi
java=$bundle/jre/bin/java
pipeline_cp=$bundle/lib/condensenet-pipeline.jar
training_cp=$bundle/lib/condensenet-training-own.jar:$bundle/lib/condensenet-pipeline.jar
: > "$outdir/steps.tsv"
failed=0

budget=${BUDGET_S:-$([ $dry = 1 ] && echo 1800 || echo 540)} # the whole run, so that it ends inside a 10-minute device call

# step NAME TIMEOUT_S CMD... : runs CMD (a program, not a shell function) under timeout, stdout to
# logs/NAME.stdout and stderr to logs/NAME.log, and records exit status and seconds in steps.tsv. The limit shrinks
# to what is left of BUDGET_S; a step with under 15 s left is skipped (exit 125).
step() {
    local name=$1 limit=$2; shift 2
    local t0 rc left
    left=$(( budget - ($(date +%s) - started) ))
    [ "$limit" -le "$left" ] || limit=$left
    if [ "$limit" -lt 15 ]; then
        echo "== $name: skipped, ${left}s of the ${budget}s budget left"
        printf '%s\t125\t0\n' "$name" >> "$outdir/steps.tsv"
        failed=1
        return 125
    fi
    t0=$(date +%s.%N)
    echo "== $name (at most ${limit}s)"
    timeout --kill-after=10 "$limit" "$@" > "$outdir/logs/$name.stdout" 2> "$outdir/logs/$name.log"
    rc=$?
    printf '%s\t%d\t%.1f\n' "$name" "$rc" "$(echo "$(date +%s.%N) $t0" | awk '{print $1 - $2}')" >> "$outdir/steps.tsv"
    if [ $rc -ne 0 ]; then
        failed=1
        echo "   FAILED (exit $rc$([ $rc -eq 124 ] && echo ', timed out')); last lines of logs/$name.log:"
        tail -n 5 "$outdir/logs/$name.log" | sed 's/^/   | /'
    fi
    return $rc
}
# json NAME TIMEOUT_S CMD... : as step; the command's JSON (its last stdout line) goes to NAME.json.
json() {
    local name=$1
    step "$@"
    local rc=$?
    tail -n 1 "$outdir/logs/$name.stdout" > "$outdir/$name.json" 2>/dev/null
    return $rc
}

if [ $dry = 1 ]; then
    device=cpu
    model_batches=1,8,32
    model_presets="fmnist-26"
    model_seconds=0.2
    pipe_batches=1,8,64
    pipe_frames=256
    pipe_seconds=2
    parallelisms="4 1 2" # 4 first: its shared/per-subtask ratio is the target that needs both
    logit_frames=64
    demo_limit=100
else
    device=gpu
    model_batches=1,8,32,64,128,256,512,1024
    model_presets="fmnist-26 cifar10-86"
    model_seconds=0.5
    pipe_batches=1,8,32,64,128,256
    pipe_frames=4096
    pipe_seconds=3
    parallelisms="4 1 2" # 4 first: its shared/per-subtask ratio is the target that needs both
    logit_frames=500
    demo_limit=0
fi

# --- 1. environment
env_py='
import json, platform, subprocess, sys
e = {"dryRun": bool(int(sys.argv[1])), "host": platform.node(), "cpus": __import__("os").cpu_count()}
try:
    import torch
    e["torch"] = torch.__version__
    e["cuda"] = torch.version.cuda
    e["cudnn"] = torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None
    e["gpu"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
except Exception as x:
    e["torch"] = "not importable: %s" % x
try:
    e["driver"] = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                                 capture_output=True, text=True, timeout=20).stdout.strip() or None
except Exception:
    e["driver"] = None
e["java"] = subprocess.run([sys.argv[2], "-version"], capture_output=True, text=True).stderr.splitlines()[0]
print(json.dumps(e))'
json environment 60 "$python" -c "$env_py" "$dry" "$java"
cat "$outdir/environment.json"

# --- 2. DJL's JNI against the host's PyTorch
jni_env=$outdir/logs/jni.env
failed_before=$failed
step jni 300 env JNI_INCLUDE="$bundle/djl-jni/include" PYTHON="$python" \
    bash "$jni_script" "$bundle/djl-jni" "$work/djl-cache"
jni_rc=$?
if [ $jni_rc -eq 0 ]; then
    grep -E '^(export|JAVA_OPTS)' "$outdir/logs/jni.stdout" > "$jni_env"
elif [ $dry = 1 ]; then
    # Dry run only: DJL's CPU libtorch with its own JNI library, by the same PYTORCH_LIBRARY_PATH route.
    lt=${DRY_RUN_LIBTORCH:-$(ls -d "$HOME"/.djl.ai/pytorch/2.7.1*-cpu-linux-x86_64 2>/dev/null | head -1)}
    if [ -z "$lt" ] || [ ! -f "$lt/libtorch.so" ] || [ ! -f "$lt/0.36.0-libdjl_torch.so" ]; then
        lt=$work/dry-run-libtorch
        m2=${M2_REPO:-$HOME/.m2/repository}/ai/djl/pytorch
        mkdir -p "$lt"
        unzip -q -o -j "$m2/pytorch-native-cpu/2.7.1/pytorch-native-cpu-2.7.1-linux-x86_64.jar" 'pytorch/cpu/linux-x86_64/*' -d "$lt"
        unzip -q -o -p "$m2/pytorch-jni/2.7.1-0.36.0/pytorch-jni-2.7.1-0.36.0.jar" jnilib/linux-x86_64/cpu/libdjl_torch.so \
            > "$lt/0.36.0-libdjl_torch.so"
    fi
    echo "   dry run: the JNI build failed against this host's torch; using DJL's CPU libtorch in $lt"
    printf 'export PYTORCH_LIBRARY_PATH=%s PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cpu\nJAVA_OPTS="-Dai.djl.offline=true"\n' \
        "$lt" > "$jni_env"
    failed=$failed_before # expected where the local torch is 1.x; the GPU run cannot do without it
    printf 'jni-dry-run-fallback\t0\t0\n' >> "$outdir/steps.tsv"
else
    echo "error: without DJL's JNI for this PyTorch nothing else can run" >&2
    "$python" "$summarize" "$outdir" > /dev/null 2>&1
    exit 1
fi
JAVA_OPTS=
# shellcheck disable=SC1090
. "$jni_env"
export DJL_CACHE_DIR=${DJL_CACHE_DIR:-$work/djl-cache}
# jemalloc keeps activation buffers mapped (docs/design.md §8.2); TorchRuntime's mallopt is the fallback.
jemalloc=$(ls /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 2>/dev/null || true)
run_java=$outdir/logs/java.sh # a program, so that timeout can run it
cat > "$run_java" <<JAVA
#!/usr/bin/env bash
${jemalloc:+export LD_PRELOAD=$jemalloc MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1}
export OMP_WAIT_POLICY=PASSIVE DJL_CACHE_DIR=$DJL_CACHE_DIR PYTORCH_LIBRARY_PATH=${PYTORCH_LIBRARY_PATH:-} \\
    PYTORCH_VERSION=${PYTORCH_VERSION:-} PYTORCH_FLAVOR=${PYTORCH_FLAVOR:-}
exec "$java" $JAVA_OPTS -Xmx8g "\$@"
JAVA
chmod +x "$run_java"
cd "$bundle" || exit 2 # testdata/ is found from the working directory

# --- 3. pipeline bench (first: the issue's targets): parallelism x batching, batch 64 as the reference, latency at half the peak
for p in $parallelisms; do
    for b in per-subtask shared; do
        json "pipeline-p$p-$b" 150 "$run_java" -cp "$pipeline_cp" dev.condensenet.pipeline.cli.PipelineCli bench \
            --device "$device" --parallelism "$p" --batching "$b" --batch-sizes "$pipe_batches" --reference-batch 64 \
            --frames "$pipe_frames" --seconds "$pipe_seconds" --rates 0.5 --warm-up-s 5 --timeout-s 60 \
            --json --plot "$outdir/plots-p$p-$b"
    done
done

# --- 4. logits against the CPU, TF32 as PyTorch sets it and off (--exact-fp32)
json logit-diff 90 "$run_java" -cp "$pipeline_cp" dev.condensenet.pipeline.cli.PipelineCli logit-diff \
    --device "$device" --frames "$logit_frames" --batch 64 --json

# --- 5. the demo on the CPU and on the device: every frame accounted for, the same accuracy
json demo-device 120 "$run_java" -cp "$pipeline_cp" dev.condensenet.pipeline.cli.PipelineCli demo --device "$device" \
    --batching shared --parallelism 2 --limit "$demo_limit" --json
json demo-cpu 120 "$run_java" -cp "$pipeline_cp" dev.condensenet.pipeline.cli.PipelineCli demo --device cpu \
    --limit "$demo_limit" --json

# --- 6b. model bench (last: the H200 numbers of 2026-11-26 exist up to batch 256) (training jar, random weights of the preset's architecture)
for preset in $model_presets; do
    json "model-$preset" 150 "$run_java" -cp "$training_cp" dev.condensenet.training.cli.Main bench --preset "$preset" \
        --device "$device" --forms condensed,masked --batch-sizes "$model_batches" --seconds "$model_seconds" \
        --json --plot "$outdir/model-$preset.png"
done

# --- 7. summary
"$python" "$summarize" "$outdir" > "$outdir/logs/summary.log" 2>&1 || failed=1
cat "$outdir/summary.md" 2>/dev/null
echo "total $(( $(date +%s) - started )) s; results in $outdir"
exit $failed
