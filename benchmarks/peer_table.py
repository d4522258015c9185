#!/usr/bin/env python3
"""Markdown tables of one compare-cpu.sh run (BENCHMARKS.md): the served forms against the best PyTorch form
per round and batch size, every PyTorch form, and every ONNX layer plan.

    python3 benchmarks/peer_table.py docs/benchmarks/peer cifar10-86
"""
import glob
import json
import os
import sys

FORMS = ("masked", "condensed", "masked-script", "condensed-script")
SERVED_PLAN = "gather-dense3"  # what --engine onnxruntime serves (OrtPredictorFactory.PLAN)


def load(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        text = f.read().strip()
    return json.loads(text) if text else None


def ort_rate(run, plan, batch):
    if not run:
        return None
    return next((x["imagesPerSec"] for x in run["results"]
                 if x["plan"] == plan and str(x["batchSize"]) == batch), None)


def fmt(v):
    return "—" if v is None else f"{v:.0f}"


def main():
    out, preset = sys.argv[1], sys.argv[2]
    rounds = sorted({os.path.basename(p).rsplit("-", 1)[1].split(".")[0]
                     for p in glob.glob(f"{out}/{preset}-project-*.json")})
    summary, forms, plans = [], [], []
    plan_names = []
    for r in rounds:
        project = load(f"{out}/{preset}-project-{r}.json")
        peers = {a: load(f"{out}/{preset}-pytorch-{a}-{r}.json") for a in ("glibc", "jemalloc")}
        ort = load(f"{out}/{preset}-onnxruntime-{r}.json")
        whole = load(f"{out}/{preset}-onnxruntime-whole-batch-{r}.json")
        if ort:
            for x in ort["results"]:
                if x["plan"] not in plan_names:
                    plan_names.append(x["plan"])
        for b in ("1", "64"):
            best, best_form, cells = 0.0, "", []
            for alloc, peer in peers.items():
                for form in FORMS:
                    v = peer["imagesPerSecond"][b][form] if peer else None
                    cells.append(fmt(v))
                    if v and v > best:
                        best, best_form = v, f"{form} ({alloc})"
            forms.append(f"| {r} | {b} | " + " | ".join(cells) + " |")
            ours = {x["form"]: x["imagesPerSec"] for x in project["results"] if str(x["batchSize"]) == b}
            served = ort_rate(ort, SERVED_PLAN, b)
            literal = ort_rate(ort, "literal", b)
            summary.append(f"| {r} | {b} | {best:.0f} {best_form} | {ours['condensed']:.0f} | {fmt(literal)} | "
                           f"**{fmt(served)}** | {ours['condensed'] / best:.2f}× | "
                           + ("—" if served is None else f"**{served / best:.2f}×**") + " |")
            plan_cells = [fmt(ort_rate(ort, p, b)) for p in plan_names]
            plans.append(f"| {r} | {b} | " + " | ".join(plan_cells) + " | "
                         + (fmt(ort_rate(whole, SERVED_PLAN, b)) if b == "64" else "—") + " |")
    print("| round | batch | best PyTorch (form) | project condensed, libtorch | ONNX Runtime, literal tree | "
          f"**ONNX Runtime, served ({SERVED_PLAN})** | libtorch ÷ best | **served ONNX Runtime ÷ best** |")
    print("|" + "---|" * 8)
    print("\n".join(summary))
    print()
    print("| round | batch | " + " | ".join(f"{f} (glibc)" for f in FORMS) + " | "
          + " | ".join(f"{f} (jemalloc)" for f in FORMS) + " |")
    print("|" + "---|" * 10)
    print("\n".join(forms))
    print()
    print("| round | batch | " + " | ".join(plan_names) + f" | {SERVED_PLAN}, whole batch per run |")
    print("|" + "---|" * (3 + len(plan_names)))
    print("\n".join(plans))


if __name__ == "__main__":
    main()
