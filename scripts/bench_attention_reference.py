"""PyTorch (CPU, OpenBLAS) beside flowscope-cli on softmax attention, n = m = 4,096 and 16,384,
d = dv = 64, one head, scale 1/sqrt(d): the code a user would write,
softmax(Q @ K.T / 8) @ V, which materialises the n x n scores. Reported in one run, on the same
machine (its CPU and thread count printed first): medians of timed runs after one warm-up (5 by
default), peak resident memory growth of the PyTorch process per size, and every flowscope path
that flowscope-cli bench runs (gpu: Vulkan; cpu_f32: the fast CPU path) with the ratio
PyTorch / flowscope. Also checks that flowscope-cli attention agrees with PyTorch on 1,024 shared
tokens. Usage: bench_attention_reference.py CLI [--runs N] [--full]"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import machine
import numpy as np
import torch


def torch_attention(q, k, v):
    return torch.softmax(q @ k.T / 8.0, dim=-1) @ v




def rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def main():
    cli = sys.argv[1]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5
    torch.set_num_threads(os.cpu_count())
    print(f"machine: {machine.describe()}")
    rng = np.random.default_rng(0)

    # Agreement on shared data.
    with tempfile.TemporaryDirectory() as tmp:
        mats = {name: rng.standard_normal((1024, 64)) for name in "QKV"}
        for name, m in mats.items():
            np.savetxt(os.path.join(tmp, name + ".csv"), m, delimiter=",", comments="",
                       header=",".join(f"c{i}" for i in range(64)))
        out = os.path.join(tmp, "O.csv")
        res = subprocess.run([cli, "attention", "--q", os.path.join(tmp, "Q.csv"), "--k",
                              os.path.join(tmp, "K.csv"), "--v", os.path.join(tmp, "V.csv"),
                              "--out", out, "--json"], check=True, capture_output=True, text=True)
        ours = np.loadtxt(out, delimiter=",", skiprows=1)
        ref = torch_attention(*(torch.tensor(mats[n]) for n in "QKV")).numpy()
        print(f"agreement at n = 1024: max |flowscope - torch(float64)| = "
              f"{np.abs(ours - ref).max():.2e} ({json.loads(res.stdout)['backend']})")

    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads, float32")
    rows = []
    for n in (4096, 16384):
        q, k, v = (torch.randn(n, 64, dtype=torch.float32) for _ in range(3))
        before = rss_mib()
        torch_attention(q, k, v)  # warm-up
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            torch_attention(q, k, v)
            times.append((time.perf_counter() - t0) * 1e3)
        rows.append((n, float(np.median(times)), rss_mib() - before))
        print(f"torch softmax attention n = {n}: median {rows[-1][1]:.1f} ms over {runs} runs, "
              f"peak RSS growth {rows[-1][2]:.0f} MiB")
        del q, k, v

    bench = subprocess.run([cli, "bench", "--only", "attention_softmax", "--runs", str(runs),
                            "--json"] + (["--full"] if "--full" in sys.argv else []),
                           check=True, capture_output=True, text=True)
    ours = json.loads(bench.stdout)
    print(f"flowscope Vulkan device: {ours['gpu_device']}; CPU: {ours['cpu']}")
    print(f"{'case':<34} {'backend':<8} {'flowscope ms':>13} {'torch ms':>10} {'ratio':>7} "
          f"{'memory MiB':>11}")
    for b in ours["benchmarks"]:
        n = int(b["name"].split("_")[2])
        t = next(r for r in rows if r[0] == n)
        print(f"{b['name']:<34} {b['backend']:<8} {b['median_ms']:>13.1f} {t[1]:>10.1f} "
              f"{t[1] / b['median_ms']:>6.2f}x {b.get('memory_mib', float('nan')):>11.1f}")


if __name__ == "__main__":
    main()
