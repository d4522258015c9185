#!/usr/bin/env python3
"""What a PyTorch user would deploy instead: an independent PyTorch implementation of CondenseNet
(Huang et al., CVPR 2018, section 3 "CondenseNets") in its two inference forms, timed on the CPU.

* masked    -- the training form in eval mode: dense 1x1 convs whose weights are zero outside the learned
               group connections (W * mask folded once), BN, ReLU, grouped 3x3, concatenation;
* condensed -- the converted form: gather the kept input channels, BN, ReLU, grouped 1x1, channel
               shuffle, BN, ReLU, grouped 3x3, concatenation; classifier on the kept half of the features.

Each form runs eagerly and as TorchScript (trace, freeze, optimize_for_inference), under the allocator
the process was started with (run it once plainly and once with LD_PRELOAD=libjemalloc.so.2).
The weights are random but consistent: masked and condensed compute the same function, checked below.

Usage (see BENCHMARKS.md):
    python3 benchmarks/pytorch_peer.py --preset cifar10-86 --threads 2 --batch-sizes 1,64 --seconds 3
"""
import argparse
import json
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PRESETS = {  # stages, growth, input channels, image size, classes
    "cifar10-86": ((14, 14, 14), (8, 16, 32), 3, 32, 10),
    "fmnist-26": ((4, 4, 4), (8, 16, 32), 1, 28, 10),
    "fmnist-50": ((8, 8, 8), (8, 16, 32), 1, 28, 10),
}
BOTTLENECK, GROUPS, CONDENSE = 4, 4, 4
EPS = 1e-5


def random_bn(c, gen):
    bn = nn.BatchNorm2d(c, eps=EPS)
    bn.weight.data = torch.rand(c, generator=gen) + 0.5
    bn.bias.data = torch.randn(c, generator=gen) * 0.1
    bn.running_mean = torch.randn(c, generator=gen) * 0.1
    bn.running_var = torch.rand(c, generator=gen) + 0.5
    return bn


class Layer(nn.Module):
    """One dense layer; `condensed` picks the form, both built from the same weights."""

    def __init__(self, r, k, gen, condensed):
        super().__init__()
        o = BOTTLENECK * k
        kept = r // CONDENSE  # input channels each group keeps
        idx = torch.stack([torch.randperm(r, generator=gen)[:kept] for _ in range(GROUPS)])  # (G, kept)
        w1 = torch.randn(o, kept, generator=gen) * (2.0 / kept) ** 0.5  # rows grouped by output group
        bn1 = random_bn(r, gen)
        self.condensed = condensed
        if condensed:
            self.register_buffer("index", idx.reshape(-1))
            self.norm1 = nn.BatchNorm2d(GROUPS * kept, eps=EPS)  # bn1 restricted to the gathered channels
            for name in ("weight", "bias"):
                getattr(self.norm1, name).data = getattr(bn1, name).data[self.index].clone()
            self.norm1.running_mean = bn1.running_mean[self.index].clone()
            self.norm1.running_var = bn1.running_var[self.index].clone()
            self.conv1 = nn.Conv2d(GROUPS * kept, o, 1, groups=GROUPS, bias=False)
            self.conv1.weight.data = w1.reshape(o, kept, 1, 1).clone()
        else:
            self.norm1 = bn1
            dense = torch.zeros(o, r)
            per = o // GROUPS
            for g in range(GROUPS):
                dense[g * per:(g + 1) * per, idx[g]] = w1[g * per:(g + 1) * per]
            # the training form's grouped output order is the shuffled one: row c reads group c % G
            perm = torch.tensor([(c % GROUPS) * per + c // GROUPS for c in range(o)])
            self.conv1 = nn.Conv2d(r, o, 1, bias=False)
            self.conv1.weight.data = dense[perm].reshape(o, r, 1, 1).clone()
        self.norm2 = random_bn(o, gen)
        self.conv2 = nn.Conv2d(o, k, 3, padding=1, groups=GROUPS, bias=False)
        self.conv2.weight.data = torch.randn(k, o // GROUPS, 3, 3, generator=gen) * (2.0 / (9 * o / GROUPS)) ** 0.5

    def forward(self, x):
        y = x.index_select(1, self.index) if self.condensed else x
        y = self.conv1(F.relu(self.norm1(y)))
        if self.condensed:
            n, c, h, w = y.shape
            y = y.view(n, GROUPS, c // GROUPS, h, w).transpose(1, 2).reshape(n, c, h, w)
        y = self.conv2(F.relu(self.norm2(y)))
        return torch.cat([x, y], 1)


class CondenseNet(nn.Module):
    def __init__(self, preset, condensed, seed=7):
        super().__init__()
        stages, growth, cin, _, classes = PRESETS[preset]
        gen = torch.Generator().manual_seed(seed)
        c = 2 * growth[0]
        self.stem = nn.Conv2d(cin, c, 3, padding=1, bias=False)
        self.stem.weight.data = torch.randn(c, cin, 3, 3, generator=gen) * 0.3
        blocks = []
        for m, (n, k) in enumerate(zip(stages, growth)):
            layers = [nn.AvgPool2d(2)] if m > 0 else []
            for _ in range(n):
                layers.append(Layer(c, k, gen, condensed))
                c += k
            blocks.append(nn.Sequential(*layers))
        self.blocks = nn.Sequential(*blocks)
        self.norm = random_bn(c, gen)
        kept = torch.randperm(c, generator=gen)[: c // 2]
        w = torch.randn(classes, c // 2, generator=gen) * 0.05
        self.condensed = condensed
        if condensed:
            self.register_buffer("kept", kept)
            self.fc = nn.Linear(c // 2, classes)
            self.fc.weight.data = w
        else:
            self.fc = nn.Linear(c, classes)
            self.fc.weight.data = torch.zeros(classes, c).index_copy_(1, kept, w)
        self.fc.bias.data = torch.zeros(classes)

    def forward(self, x):
        x = F.relu(self.norm(self.blocks(self.stem(x))))
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        if self.condensed:
            x = x.index_select(1, self.kept)
        return self.fc(x)


def scripted(model, example):
    with torch.no_grad():
        traced = torch.jit.trace(model, example)
        return torch.jit.optimize_for_inference(torch.jit.freeze(traced))


def images_per_second(fn, x, seconds):
    with torch.no_grad():
        for _ in range(3):
            fn(x)
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            fn(x)
            n += 1
        return n * x.shape[0] / (time.perf_counter() - start)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--preset", default="cifar10-86", choices=sorted(PRESETS))
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch-sizes", default="1,64")
    p.add_argument("--seconds", type=float, default=3)
    p.add_argument("--forms", default="masked,condensed,masked-script,condensed-script")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    _, _, cin, size, _ = PRESETS[a.preset]
    models = {f: CondenseNet(a.preset, f == "condensed").eval() for f in ("masked", "condensed")}
    probe = torch.randn(4, cin, size, size, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        diff = (models["masked"](probe) - models["condensed"](probe)).abs().max().item()
    result = {"preset": a.preset, "threads": a.threads, "torch": torch.__version__,
              "allocator": "jemalloc" if "jemalloc" in os.environ.get("LD_PRELOAD", "") else "glibc",
              "maxLogitDiffCondensedVsMasked": diff, "imagesPerSecond": {}}
    for b in (int(s) for s in a.batch_sizes.split(",")):
        x = torch.randn(b, cin, size, size)
        row = {}
        for form in a.forms.split(","):
            base = form.replace("-script", "")
            fn = scripted(models[base], x) if form.endswith("-script") else models[base]
            row[form] = round(images_per_second(fn, x, a.seconds), 1)
        result["imagesPerSecond"][str(b)] = row
    print(json.dumps(result))


if __name__ == "__main__":
    main()
