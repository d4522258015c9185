#!/usr/bin/env bash
# Side by side on this machine, alternating runs (BENCHMARKS.md, "Against PyTorch"): the served condensed
# network (training jar's model bench) and the PyTorch peer (benchmarks/pytorch_peer.py) with glibc malloc
# and with jemalloc. Usage: benchmarks/compare-cpu.sh [preset] [rounds] [out-dir]
set -euo pipefail
preset=${1:-cifar10-86}
rounds=${2:-2}
out=${3:-docs/benchmarks/peer}
mkdir -p "$out"
jar=training/target/condensenet-training.jar
jemalloc=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
for r in $(seq 1 "$rounds"); do
  java -jar "$jar" bench --preset "$preset" --threads 2 --batch-sizes 1,64 --forms masked,condensed \
      --seconds 3 --json > "$out/$preset-project-$r.json"
  /usr/bin/python3 benchmarks/pytorch_peer.py --preset "$preset" --threads 2 --batch-sizes 1,64 --seconds 3 \
      > "$out/$preset-pytorch-glibc-$r.json"
  LD_PRELOAD=$jemalloc /usr/bin/python3 benchmarks/pytorch_peer.py --preset "$preset" --threads 2 \
      --batch-sizes 1,64 --seconds 3 > "$out/$preset-pytorch-jemalloc-$r.json"
done
