#!/usr/bin/env bash
# Side by side on this machine, alternating runs (BENCHMARKS.md, "Against PyTorch and ONNX Runtime"): the
# served condensed network on libtorch (training jar's model bench), the same network as --engine onnxruntime
# serves it (benchmarks/OrtServingBench.java: every layer plan, runs of at most 16 frames, and the served plan
# with whole batches per run) and the PyTorch peer (benchmarks/pytorch_peer.py) with glibc malloc and with
# jemalloc; one JVM or process each. Needs the onnxruntime 1.21.1 jar in ~/.m2 (the pipeline build fetches it).
# Usage: benchmarks/compare-cpu.sh [preset] [rounds] [out-dir] [first-round-number]
set -euo pipefail
preset=${1:-cifar10-86}
rounds=${2:-2}
out=${3:-docs/benchmarks/peer}
first=${4:-1}
mkdir -p "$out"
jar=training/target/condensenet-training.jar
jemalloc=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
m2=${M2_REPO:-$HOME/.m2/repository}
ort_cp=$jar:$m2/com/microsoft/onnxruntime/onnxruntime/1.21.1/onnxruntime-1.21.1.jar
plans=literal,gather-shuffle,gather-dense3,dense1-grouped3,dense1-dense3
for r in $(seq "$first" $((first + rounds - 1))); do
  java -jar "$jar" bench --preset "$preset" --threads 2 --batch-sizes 1,64 --forms masked,condensed \
      --seconds 3 --json > "$out/$preset-project-$r.json"
  java -cp "$ort_cp" benchmarks/OrtServingBench.java onnxruntime "$preset" 2 1,64 3 "$plans" 16 \
      > "$out/$preset-onnxruntime-$r.json"
  java -cp "$ort_cp" benchmarks/OrtServingBench.java onnxruntime "$preset" 2 64 3 gather-dense3 0 \
      > "$out/$preset-onnxruntime-whole-batch-$r.json"
  /usr/bin/python3 benchmarks/pytorch_peer.py --preset "$preset" --threads 2 --batch-sizes 1,64 --seconds 3 \
      > "$out/$preset-pytorch-glibc-$r.json"
  LD_PRELOAD=$jemalloc /usr/bin/python3 benchmarks/pytorch_peer.py --preset "$preset" --threads 2 \
      --batch-sizes 1,64 --seconds 3 > "$out/$preset-pytorch-jemalloc-$r.json"
done
