#!/bin/sh
# --batching per-subtask vs overlapped, same jar, alternating, parallelism 1 and 2; run from the repository root
# after `mvn package` (under `flock /tmp/cpu-heavy.lock` when other work shares the machine).
out=${1:-docs/benchmarks/overlap-cpu}
for round in 1 2; do
  for p in 1 2; do
    for mode in per-subtask overlapped; do
      java -jar pipeline/target/condensenet-pipeline.jar bench --batching $mode --parallelism $p \
        --batch-sizes 1,32 --reference-batch 32 --rates 0.5 --frames 600 --seconds 3 --json \
        > "$out/$mode-p$p-$round.json" 2> "$out/$mode-p$p-$round.err"
      echo "$mode p=$p round $round: rc=$?"
    done
  done
done
