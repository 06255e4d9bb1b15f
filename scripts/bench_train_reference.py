#!/usr/bin/env python3
"""Training steps per second side by side: Flowscope's backends (flowscope-cli bench --only
train_step) against the same network, loss and optimiser in PyTorch on the CPU (Debian's
python3-torch with OpenBLAS, every core), on the same data (4,096 draws of the 8-Gaussian ring):
  (a) 3 x 64 ELU, flow matching (x_t = (1 - t) x0 + t eps, target eps - x0, t uniform), batch 1,000
  (b) 4 x 256 SiLU, EDM denoising score matching (preconditioned, ln sigma ~ N(-1.2, 1.2^2)),
      batch 4,096
Both: random Fourier features (32, scale 16) of t or c_noise, AdamW (lr 1e-3, no weight decay),
an EMA copy (0.999) updated every step; one step = minibatch, forward, loss, backward, AdamW, EMA.
Medians over --runs timed steps after warm-up. Then the default Training scene's time to an energy
distance below 0.03 (flowscope-cli train --quality-every).

Usage: scripts/bench_train_reference.sh [--runs R]
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import machine  # noqa: E402
from pytorch_mlp import FlowscopeMlp  # noqa: E402


def ring(n, g):
    k = torch.randint(0, 8, (n,), generator=g)
    ang = 2 * math.pi * k / 8
    mean = 2.5 * torch.stack([torch.cos(ang), torch.sin(ang)], 1)
    return mean + 0.3 * torch.randn(n, 2, generator=g)


def torch_case(large, runs):
    g = torch.Generator().manual_seed(1)
    model = FlowscopeMlp(256 if large else 64, 4 if large else 3, "silu" if large else "elu",
                         features=32, scale=16.0)
    data = ring(4096, g)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.0)
    ema = [p.detach().clone() for p in model.parameters()]
    batch = 4096 if large else 1000
    sd = 0.5

    def step():
        x0 = data[torch.randint(0, len(data), (batch,), generator=g)]
        eps = torch.randn(batch, 2, generator=g)
        if large:
            sigma = torch.exp(-1.2 + 1.2 * torch.randn(batch, generator=g))[:, None]
            r = torch.sqrt(sigma * sigma + sd * sd)
            c_skip, c_out, c_in = sd * sd / (r * r), sigma * sd / r, 1.0 / r
            noisy = x0 + sigma * eps
            inp, level = c_in * noisy, (torch.log(sigma) / 4).squeeze(1)
            target = (x0 - c_skip * noisy) / c_out
        else:
            t = torch.rand(batch, generator=g)
            inp, level = (1 - t)[:, None] * x0 + t[:, None] * eps, t
            target = eps - x0
        loss = (model(inp, level) - target).square().sum(1).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        with torch.no_grad():
            torch._foreach_mul_(ema, 0.999)
            torch._foreach_add_(ema, [p.detach() for p in model.parameters()], alpha=0.001)
        return loss.item()

    for _ in range(3):
        step()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        step()
        times.append(1e3 * (time.perf_counter() - t0))
    return statistics.median(times)




def main():
    p = argparse.ArgumentParser()
    p.add_argument("cli")
    p.add_argument("--runs", type=int, default=20)
    a = p.parse_args()
    torch.set_num_threads(os.cpu_count())
    out = subprocess.run([a.cli, "bench", "--only", "train_step", "--json", "--runs",
                          str(a.runs)], check=True, capture_output=True, text=True).stdout
    ours = {}
    for row in json.loads(out)["benchmarks"]:
        ours[(row["name"], row["backend"])] = row["median_ms"]
    print(f"CPU: {machine.cpu_name()}, {os.cpu_count()} threads; PyTorch {torch.__version__} "
          f"({torch.get_num_threads()} threads); medians of {a.runs} steps")
    print(f"{'case':36} {'backend':14} {'ms/step':>9} {'steps/s':>9} {'vs PyTorch':>11}")
    for large, name in ((False, "train_step_3x64_elu_flow_b1000"),
                        (True, "train_step_4x256_silu_edm_b4096")):
        theirs = torch_case(large, a.runs)
        print(f"{name:36} {'PyTorch CPU':14} {theirs:9.2f} {1e3 / theirs:9.1f} {'1.00x':>11}")
        for (n, backend), ms in sorted(ours.items()):
            if n == name:
                print(f"{'':36} {backend:14} {ms:9.2f} {1e3 / ms:9.1f} {theirs / ms:10.2f}x")
    with tempfile.TemporaryDirectory() as d:
        r = subprocess.run([a.cli, "train", "--data", "gmm8", "--steps", "3000", "--lr", "3e-3",
                            "--warmup", "100", "--ema", "0.99", "--batch", "256",
                            "--quality-every", "250", "--out", os.path.join(d, "m.safetensors"),
                            "--json"], check=True, capture_output=True, text=True)
        j = json.loads(r.stdout)
    reached = j["time_to_energy_distance_0.03_ms"]
    final = j["quality"][-1]
    print("default Training scene (3 x 64 SiLU flow, batch 256, 3,000 steps): energy distance "
          f"< 0.03 after {reached / 1e3 if reached else float('nan'):.2f} s of training; "
          f"{final['energy_distance']:.4f} at step {final['step']} ({final['train_ms'] / 1e3:.2f} s)")


if __name__ == "__main__":
    main()
