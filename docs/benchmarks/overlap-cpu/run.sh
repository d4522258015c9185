#!/bin/sh
# alternating before (h19-swap-shape) / after (h19-overlap-wip), parallelism 1, per-subtask
for round in 1 2; do
  for which in before after; do
    if [ $which = before ]; then dir=/work/wt/h19-swap-shape; else dir=/tmp/h19-overlap; fi
    cd $dir
    /usr/bin/time -f "%e s" java -jar pipeline/target/condensenet-pipeline.jar bench --batch-sizes 1,32 \
      --reference-batch 32 --rates 0.5 --frames 600 --seconds 3 --json --parallelism 1 \
      > /tmp/h19-bench/$which-$round.json 2> /tmp/h19-bench/$which-$round.err
    echo "$which-$round rc=$? $(tail -1 /tmp/h19-bench/$which-$round.err)"
  done
done
