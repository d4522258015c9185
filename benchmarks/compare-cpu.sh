#!/usr/bin/env bash
# Side by side on this machine, alternating runs (BENCHMARKS.md, "Against PyTorch"): the served condensed
# network (training jar's model bench) and the PyTorch peer (benchmarks/pytorch_peer.py) with glibc malloc
# and with jemalloc; DJL's ONNX Runtime engine on the exported model and the libtorch path, one JVM each
# (benchmarks/OrtEngineBench.java; needs the onnxruntime-engine 0.36.0 and onnxruntime 1.21.1 jars in ~/.m2).
# Usage: benchmarks/compare-cpu.sh [preset] [rounds] [out-dir]
set -euo pipefail
preset=${1:-cifar10-86}
rounds=${2:-2}
out=${3:-docs/benchmarks/peer}
mkdir -p "$out"
jar=training/target/condensenet-training.jar
jemalloc=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
m2=${M2_REPO:-$HOME/.m2/repository}
ort_cp=$jar:$m2/ai/djl/onnxruntime/onnxruntime-engine/0.36.0/onnxruntime-engine-0.36.0.jar:$m2/com/microsoft/onnxruntime/onnxruntime/1.21.1/onnxruntime-1.21.1.jar
for r in $(seq 1 "$rounds"); do
  java -jar "$jar" bench --preset "$preset" --threads 2 --batch-sizes 1,64 --forms masked,condensed \
      --seconds 3 --json > "$out/$preset-project-$r.json"
  for engine in onnxruntime libtorch; do
    java -cp "$ort_cp" benchmarks/OrtEngineBench.java $engine "$preset" 2 1,64 3 > "$out/$preset-djl-$engine-$r.json"
  done
  /usr/bin/python3 benchmarks/pytorch_peer.py --preset "$preset" --threads 2 --batch-sizes 1,64 --seconds 3 \
      > "$out/$preset-pytorch-glibc-$r.json"
  LD_PRELOAD=$jemalloc /usr/bin/python3 benchmarks/pytorch_peer.py --preset "$preset" --threads 2 \
      --batch-sizes 1,64 --seconds 3 > "$out/$preset-pytorch-jemalloc-$r.json"
done
