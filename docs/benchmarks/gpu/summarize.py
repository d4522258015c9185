#!/usr/bin/env python3
"""Reads what run-gpu-bench.sh wrote into OUTDIR and writes OUTDIR/summary.json and OUTDIR/summary.md: the
targets of issue #17 computed from the JSON of the same run, the steps' status and time, the logit differences,
the demo's accounting and accuracy, and (when matplotlib is importable) OUTDIR/pipeline-vs-parallelism.png.
Only the standard library is needed; nothing here is a measurement of its own.

    summarize.py OUTDIR
"""
import json
import os
import sys

PIPELINE_OVER_MODEL_TARGET = 0.9
SHARED_OVER_PER_SUBTASK_TARGET = 1.5
BATCH_GAIN_TARGET = 4.0


def load(path):
    try:
        with open(path) as f:
            text = f.read().strip()
        # The commands print one JSON object as the last line of stdout.
        return json.loads(text.splitlines()[-1]) if text else None
    except (OSError, ValueError, IndexError):
        return None


def row(report, batch):
    for r in report.get("batches", []):
        if r["batchSize"] == batch:
            return r
    return None


def pipeline_targets(report):
    """The per-run targets: pipeline / model-only at the best batch, batch 64 / batch 1, p99 at half the peak."""
    rows = [r for r in report.get("batches", []) if r.get("pipelineFps", 0) > 0]
    best = max(rows, key=lambda r: r["pipelineFps"]) if rows else None
    b1, b64 = row(report, 1), row(report, 64)
    out = {
        "peakFps": report.get("peakFps"),
        "bestBatch": best["batchSize"] if best else None,
        "pipelineOverModelAtBest": round(best["pipelineFps"] / best["modelFps"], 3) if best and best["modelFps"] else None,
        "batch64OverBatch1": round(b64["pipelineFps"] / b1["pipelineFps"], 2)
        if b1 and b64 and b1["pipelineFps"] > 0 else None,
        "p99AtHalfPeakMs": report.get("latencyP99Ms"),
        "latencyBoundMs": report.get("latencyBoundMs"),
        "latencyTargetMet": report.get("latencyTargetMet"),
        "accountedFor": report.get("accountedFor"),
        "meanBatchAtReference": (row(report, report.get("referenceBatch")) or {}).get("pipelineMeanBatch"),
    }
    out["pipelineOverModelMet"] = out["pipelineOverModelAtBest"] is not None and \
        out["pipelineOverModelAtBest"] >= PIPELINE_OVER_MODEL_TARGET
    out["batchGainMet"] = out["batch64OverBatch1"] is not None and out["batch64OverBatch1"] >= BATCH_GAIN_TARGET
    return out


def steps(outdir):
    result = []
    try:
        with open(os.path.join(outdir, "steps.tsv")) as f:
            for line in f:
                name, rc, seconds = line.rstrip("\n").split("\t")[:3]
                result.append({"step": name, "rc": int(rc), "seconds": float(seconds)})
    except OSError:
        pass
    return result


def fmt(v, spec="{}"):
    return "—" if v is None else spec.format(v)


def main(outdir):
    summary = {"environment": load(os.path.join(outdir, "environment.json")), "steps": steps(outdir)}
    runs = {}
    for name in sorted(os.listdir(outdir)):
        if name.startswith("pipeline-p") and name.endswith(".json"):
            report = load(os.path.join(outdir, name))
            if report:
                runs[name[len("pipeline-"):-len(".json")]] = {"parallelism": report.get("parallelism"),
                                                             "batching": report.get("batching"),
                                                             "device": report.get("device"),
                                                             **pipeline_targets(report)}
    summary["pipeline"] = runs
    p4 = {b: runs.get("p4-" + b) for b in ("per-subtask", "shared")}
    ratio = None
    if p4["per-subtask"] and p4["shared"] and p4["per-subtask"]["peakFps"]:
        ratio = round(p4["shared"]["peakFps"] / p4["per-subtask"]["peakFps"], 2)
    summary["sharedOverPerSubtaskP4"] = ratio
    summary["sharedOverPerSubtaskP4Met"] = ratio is not None and ratio >= SHARED_OVER_PER_SUBTASK_TARGET
    summary["model"] = {}
    for name in sorted(os.listdir(outdir)):
        if name.startswith("model-") and name.endswith(".json"):
            m = load(os.path.join(outdir, name))
            if m:
                summary["model"][name[len("model-"):-len(".json")]] = {
                    "device": m.get("device"),
                    "condensedImagesPerSec": {str(r["batchSize"]): round(r["imagesPerSec"], 1)
                                              for r in m.get("results", []) if r.get("form") == "condensed"},
                    "condensedPlans": m.get("condensedPlans")}
    summary["logitDiff"] = load(os.path.join(outdir, "logit-diff.json"))
    summary["demo"] = {d: load(os.path.join(outdir, "demo-%s.json" % d)) for d in ("cpu", "device")}
    demo_cpu, demo_dev = summary["demo"]["cpu"], summary["demo"]["device"]
    summary["demoAccountedFor"] = bool(demo_dev and demo_dev.get("accountedFor"))
    summary["demoAccuracySameAsCpu"] = bool(demo_cpu and demo_dev and demo_cpu.get("accuracy") is not None
                                            and demo_cpu.get("accuracy") == demo_dev.get("accuracy"))
    with open(os.path.join(outdir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)

    env = summary["environment"] or {}
    lines = ["# GPU run summary (issue #17)", "",
             "Environment: " + ", ".join("%s %s" % (k, v) for k, v in env.items()), ""]
    if env.get("dryRun"):
        lines += ["**Dry run on the CPU**: these figures check the script and the bundle; the targets are GPU "
                  "targets and mean nothing here.", ""]
    lines += [
             "| step | exit | seconds |", "|---|---|---|"]
    lines += ["| %s | %d | %.1f |" % (s["step"], s["rc"], s["seconds"]) for s in summary["steps"]]
    lines += ["", "Pipeline bench (targets: pipeline/model >= %.1f at the best batch, batch 64/batch 1 >= %.0f, p99 at "
              "half the peak <= max-delay + 2 x batch time):" % (PIPELINE_OVER_MODEL_TARGET, BATCH_GAIN_TARGET), "",
              "| run | device | peak fps | best batch | pipeline/model | batch64/batch1 | p99 ms at half peak | bound ms "
              "| mean batch at reference | accounted for |", "|---|---|---|---|---|---|---|---|---|---|"]
    for name, r in runs.items():
        lines.append("| %s | %s | %s | %s | %s%s | %s%s | %s | %s | %s | %s |" % (
            name, r["device"], fmt(r["peakFps"]), fmt(r["bestBatch"]), fmt(r["pipelineOverModelAtBest"]),
            " ✓" if r["pipelineOverModelMet"] else " ✗", fmt(r["batch64OverBatch1"]), " ✓" if r["batchGainMet"] else " ✗",
            fmt(r["p99AtHalfPeakMs"]), fmt(r["latencyBoundMs"]), fmt(r["meanBatchAtReference"]), r["accountedFor"]))
    lines += ["", "shared / per-subtask peak at parallelism 4: %s (target >= %.1f: %s)" % (
        fmt(ratio), SHARED_OVER_PER_SUBTASK_TARGET, "not measured" if ratio is None
        else "met" if summary["sharedOverPerSubtaskP4Met"] else "not met")]
    for name, m in summary["model"].items():
        lines.append("")
        lines.append("Model bench %s (%s), condensed images/s by batch: %s" % (
            name, m["device"], ", ".join("%s: %s" % kv for kv in m["condensedImagesPerSec"].items())))
    ld = summary["logitDiff"]
    lines += ["", "Logits vs CPU: " + ("not measured" if not ld else
              "%s on %s, %d frames: max |diff| %.3g with default TF32 flags (cuDNN %s), %.3g with --exact-fp32; "
              "top-1 agrees on %d / %d" % (ld["model"], ld["device"], ld["frames"], ld["maxAbsDiffDefault"],
                                           "on" if ld["tf32CudnnDefault"] else "off", ld["maxAbsDiffExactFp32"],
                                           ld["top1AgreeDefault"], ld["top1AgreeExactFp32"]))]
    for d in ("cpu", "device"):
        s = summary["demo"][d]
        lines.append("Demo on %s: %s" % (d, "not run" if not s else
                     "%d sent, %d predictions, %d dead letters, accuracy %s, accounted for: %s" % (
                         s["framesSent"], s["predictions"], s["deadLettered"], s["accuracy"], s["accountedFor"])))
    lines.append("Demo accuracy on the device equals the CPU's: %s" % summary["demoAccuracySameAsCpu"])
    with open(os.path.join(outdir, "summary.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    plot(outdir, runs)
    print("\n".join(lines))


def plot(outdir, runs):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    fig, ax = plt.subplots(figsize=(6, 4))
    for batching in ("per-subtask", "shared"):
        pts = sorted((r["parallelism"], r["peakFps"]) for r in runs.values() if r["batching"] == batching)
        if pts:
            ax.plot([p for p, _ in pts], [f for _, f in pts], marker="o", label=batching)
    ax.set_xlabel("parallelism")
    ax.set_ylabel("peak pipeline frames/s")
    ax.legend()
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "pipeline-vs-parallelism.png"), dpi=100)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: summarize.py OUTDIR")
    main(sys.argv[1])
