#!/bin/bash
# CPU side by side: main vs branch per-subtask vs branch shared, p=1 and p=2
# /tmp/h17/main = `git archive 6ea946d | tar -x -C /tmp/h17/main` built with `mvn -o -pl pipeline -am -DskipTests package`
out=/tmp/h17/bench; mkdir -p $out
common="--batch-sizes 1,32 --reference-batch 32 --rates 0.5 --frames 600 --seconds 3 --json"
for p in 1 2; do
  (cd /tmp/h17/main && java -jar pipeline/target/condensenet-pipeline.jar bench $common --parallelism $p > $out/main-p$p.json 2> $out/main-p$p.log)
  for b in per-subtask shared; do
    (cd /work/wt/h17-gpu-batching && java -jar pipeline/target/condensenet-pipeline.jar bench $common --parallelism $p --batching $b > $out/branch-p$p-$b.json 2> $out/branch-p$p-$b.log)
  done
done
echo done
