#!/bin/bash
# Pipeline bench, --engine pytorch vs onnxruntime, alternating, two rounds (BENCHMARKS.md, "Streaming pipeline:
# --engine pytorch vs onnxruntime"). Run from the repository root after
# `mvn -B -o -pl pipeline -am -DskipTests package`; the caller holds the machine (flock /tmp/cpu-heavy.lock).
set -euo pipefail
out=docs/benchmarks/onnx-engine
common="--batch-sizes 1,32 --reference-batch 32 --rates 0.5 --frames 600 --seconds 3 --json"
for round in 1 2; do
  for engine in pytorch onnxruntime; do
    java -jar pipeline/target/condensenet-pipeline.jar bench $common --engine $engine \
        > $out/$engine-$round.json 2> $out/$engine-$round.log
  done
done
echo done
