#!/usr/bin/env python3
"""Training steps per second of a normalizing flow side by side: Flowscope's fast CPU backend
(flowscope-cli bench --only flow_train) against the same RealNVP in PyTorch on the CPU (Debian's
python3-torch with OpenBLAS, every core): 8 affine couplings alternating the conditioned
coordinate, each conditioner Linear(1, 64) ReLU Linear(64, 64) ReLU Linear(64, 2) giving (a, t),
z_b = x_b * exp(2 tanh(a / 2)) + t; base N(0, I); the mean negative log-likelihood of a minibatch
of 1,024 drawn from 4,096 points of the 8-Gaussian ring; Adam (lr 2e-3). One step = minibatch,
forward, NLL, backward, Adam. Medians over --runs timed steps after warm-up.

Usage: scripts/bench_flow_reference.sh [--runs R]
"""
import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time

import torch


def ring(n, g):
    k = torch.randint(0, 8, (n,), generator=g)
    ang = 2 * math.pi * k / 8
    mean = 2.5 * torch.stack([torch.cos(ang), torch.sin(ang)], 1)
    return mean + 0.3 * torch.randn(n, 2, generator=g)


class Coupling(torch.nn.Module):
    def __init__(self, cond):
        super().__init__()
        self.cond = cond
        self.net = torch.nn.Sequential(torch.nn.Linear(1, 64), torch.nn.ReLU(),
                                       torch.nn.Linear(64, 64), torch.nn.ReLU(),
                                       torch.nn.Linear(64, 2))
        torch.nn.init.zeros_(self.net[-1].weight)
        torch.nn.init.zeros_(self.net[-1].bias)

    def forward(self, x):
        a = x[:, self.cond:self.cond + 1]
        b = x[:, 1 - self.cond:2 - self.cond]
        st = self.net(a)
        s = 2 * torch.tanh(st[:, :1] / 2)
        b = b * torch.exp(s) + st[:, 1:]
        out = torch.cat([a, b], 1) if self.cond == 0 else torch.cat([b, a], 1)
        return out, s.squeeze(1)


class RealNvp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = torch.nn.ModuleList([Coupling(k % 2) for k in range(8)])

    def nll(self, x):
        ld = torch.zeros(x.shape[0])
        for layer in self.layers:
            x, s = layer(x)
            ld = ld + s
        logn = -0.5 * (x * x).sum(1) - math.log(2 * math.pi)
        return -(logn + ld).mean()


def torch_steps(runs):
    g = torch.Generator().manual_seed(1)
    data = ring(4096, g)
    model = RealNvp()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    times = []
    for r in range(runs + 5):
        start = time.perf_counter()
        idx = torch.randint(0, 4096, (1024,), generator=g)
        loss = model.nll(data[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if r >= 5:
            times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times), float(loss)


def flowscope_steps(cli, runs):
    out = subprocess.run([cli, "bench", "--only", "flow_train", "--runs", str(max(1, runs // 4)),
                          "--json"], check=True, capture_output=True, text=True).stdout
    rows = [r for r in json.loads(out)["benchmarks"] if r["name"].startswith("flow_train")]
    return rows[0]["median_ms"], rows[0]["runs"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=5, help="alternating rounds of both")
    a = ap.parse_args()
    torch.set_num_threads(os.cpu_count())
    print(f"CPU: {platform.processor() or platform.machine()}, {os.cpu_count()} threads; "
          f"torch {torch.__version__} with {torch.get_num_threads()} threads")
    ours, theirs = [], []
    for k in range(a.rounds):
        t, _ = torch_steps(a.runs)
        f, _ = flowscope_steps(a.cli, a.runs)
        theirs.append(t)
        ours.append(f)
        print(f"round {k + 1}: PyTorch {t:.2f} ms/step, Flowscope cpu_f32 {f:.2f} ms/step")
    t, f = statistics.median(theirs), statistics.median(ours)
    print(f"median of {a.rounds} rounds: PyTorch {t:.2f} ms/step ({1000 / t:.0f} steps/s), "
          f"Flowscope {f:.2f} ms/step ({1000 / f:.0f} steps/s): {t / f:.2f}x")


if __name__ == "__main__":
    sys.exit(main())
