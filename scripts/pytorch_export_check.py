#!/usr/bin/env python3
"""Exports a PyTorch MLP of Flowscope's layout to safetensors and checks that Flowscope computes
the same denoiser from it as PyTorch does, to 1e-5 (relative to the largest value).

Usage: scripts/pytorch_export_check.sh [--objective flow|edm] [--width W --depth L
       --activation A --residual] [--model MODEL.pt]
  --model: bring your own model, a torch.save()d FlowscopeMlp (scripts/pytorch_mlp.py) or its
  state_dict saved with the same constructor arguments as given here; without it a randomly
  initialised network (weights scaled by 1.5 so the outputs are not near zero) is checked.
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_mlp import FlowscopeMlp, denoised, objective_spec, save_safetensors  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("cli")
    p.add_argument("--objective", default="flow", choices=["flow", "edm"])
    p.add_argument("--width", type=int, default=64)
    p.add_argument("--depth", type=int, default=3)
    p.add_argument("--activation", default="silu")
    p.add_argument("--residual", action="store_true")
    p.add_argument("--embedding", default="fourier", choices=["fourier", "sinusoidal"])
    p.add_argument("--model")
    a = p.parse_args()
    torch.manual_seed(0)
    model = FlowscopeMlp(a.width, a.depth, a.activation, a.residual, embedding=a.embedding,
                         scale=2.0, seed=7)
    if a.model:
        loaded = torch.load(a.model)
        model.load_state_dict(loaded.state_dict() if isinstance(loaded, torch.nn.Module) else loaded)
    else:
        with torch.no_grad():
            for layer in model.layers:
                layer.weight.mul_(1.5)
    model = model.double().eval()
    objective = objective_spec(a.objective)
    with tempfile.TemporaryDirectory() as d:
        weights, out = os.path.join(d, "m.safetensors"), os.path.join(d, "d.csv")
        save_safetensors(weights, model, objective)
        level = ["--schedule", "flow", "--t", "0.4"] if a.objective == "flow" else ["--sigma", "0.7"]
        subprocess.run([a.cli, "field", "--data", "gmm8", "--model", "learned:" + weights,
                        "--quantity", "denoiser", *level, "--grid", "33", "33", "--range", "-3",
                        "3", "-3", "3", "--out", out], check=True)
        with open(out) as f:
            rows = [[float(v) for v in r] for r in list(csv.reader(f))[1:]]
    x = torch.tensor([[r[0], r[1]] for r in rows], dtype=torch.float64)
    ours = torch.tensor([[r[2], r[3]] for r in rows], dtype=torch.float64)
    s, tau = (0.6, 0.4) if a.objective == "flow" else (1.0, 0.7)
    with torch.no_grad():
        theirs = denoised(model, objective, x, s, tau)
    scale = max(1.0, theirs.abs().max().item())
    err = (ours - theirs).abs().max().item() / scale
    print(f"{a.objective} {a.depth} x {a.width} {a.activation}{' residual' if a.residual else ''}"
          f": {len(rows)} points, max |Flowscope - PyTorch| / max(1, max |D|) = {err:.2e} "
          f"(max |D| {scale:.3g}); PyTorch {torch.__version__} in float64, Flowscope float32")
    if not err <= 1e-5:
        print("FAIL: above 1e-5")
        return 1
    print("ok: within 1e-5")
    return 0


if __name__ == "__main__":
    sys.exit(main())
