#!/usr/bin/env python3
"""Markdown table of one compare-cpu.sh run (BENCHMARKS.md): images/s per form and round, best PyTorch
form per batch size, and the served forms' ratio to it.

    python3 benchmarks/peer_table.py docs/benchmarks/peer cifar10-86
"""
import glob
import json
import os
import sys


def load(path):
    with open(path) as f:
        text = f.read().strip()
    return json.loads(text) if text else None


def main():
    out, preset = sys.argv[1], sys.argv[2]
    rounds = sorted({os.path.basename(p).rsplit("-", 1)[1].split(".")[0]
                     for p in glob.glob(f"{out}/{preset}-project-*.json")})
    print("| round | batch | " + " | ".join(
        ["PyTorch masked", "PyTorch condensed", "PyTorch masked TS", "PyTorch condensed TS",
         "+jemalloc: masked", "condensed", "masked TS", "condensed TS", "**best PyTorch**",
         "project masked", "**project condensed (libtorch)**", "**ONNX Runtime (DJL)**",
         "condensed ÷ best", "ORT ÷ best"]) + " |")
    print("|" + "---|" * 16)
    for r in rounds:
        project = load(f"{out}/{preset}-project-{r}.json")
        peers = [load(f"{out}/{preset}-pytorch-{a}-{r}.json") for a in ("glibc", "jemalloc")]
        ort = load(f"{out}/{preset}-djl-onnxruntime-{r}.json")
        for b in ("1", "64"):
            cells, best = [], 0.0
            for peer in peers:
                for form in ("masked", "condensed", "masked-script", "condensed-script"):
                    v = peer["imagesPerSecond"][b][form] if peer else None
                    cells.append("—" if v is None else f"{v:.0f}")
                    best = max(best, v or 0)
            ours = {x["form"]: x["imagesPerSec"] for x in project["results"] if str(x["batchSize"]) == b}
            o = next((x["imagesPerSec"] for x in ort["results"] if str(x["batchSize"]) == b), None) if ort else None
            cells += [f"**{best:.0f}**", f"{ours['masked']:.0f}", f"**{ours['condensed']:.0f}**",
                      "—" if o is None else f"**{o:.0f}**", f"{ours['condensed'] / best:.2f}×",
                      "—" if o is None else f"{o / best:.2f}×"]
            print(f"| {r} | {b} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
