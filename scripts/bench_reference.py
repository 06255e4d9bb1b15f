"""Reference timings of the empirical ideal denoiser D(x) = sum_i softmax_i(-|x - x_i|^2 / (2 s^2)) x_i
on a 512 x 512 query grid over [-4, 4]^2 with 4,000 data points and sigma = 0.5: numpy and PyTorch
(float32, CPU, all cores, chunked so the 262,144 x 4,000 logits never exist at once), next to
flowscope-cli bench's GPU kernel. Also checks numpy's values against flowscope-cli field (the
double-precision CPU reference) on a coarser grid. Usage: bench_reference.py FLOWSCOPE_CLI [--runs R]
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

SIGMA, N_DATA, GRID, CHUNK = 0.5, 4000, 512, 8192


def moons(n, rng):
    th = np.pi * rng.random(n)
    outer = np.stack([np.cos(th), np.sin(th)], 1)
    inner = np.stack([1 - np.cos(th), 0.5 - np.sin(th)], 1)
    pts = np.where((np.arange(n) % 2)[:, None] == 1, outer, inner)
    return (1.5 * (pts - [0.5, 0.25] + 0.05 * rng.standard_normal((n, 2)))).astype(np.float32)


def grid(n, lo=-4.0, hi=4.0):
    c = (np.arange(n) + 0.5) / n * (hi - lo) + lo  # cell centres, as GridSpec::covering
    x, y = np.meshgrid(c, c[::-1])
    return np.stack([x.ravel(), y.ravel()], 1).astype(np.float32)


def denoise_numpy(q, data):
    out = np.empty_like(q)
    d2 = (data * data).sum(1)
    for s in range(0, len(q), CHUNK):
        qc = q[s : s + CHUNK]
        logits = -((qc * qc).sum(1)[:, None] + d2[None, :] - 2.0 * qc @ data.T) / (2 * SIGMA * SIGMA)
        logits -= logits.max(1, keepdims=True)
        w = np.exp(logits)
        out[s : s + CHUNK] = (w @ data) / w.sum(1, keepdims=True)
    return out


def denoise_torch(q, data):
    out = torch.empty_like(q)
    for s in range(0, len(q), CHUNK):
        qc = q[s : s + CHUNK]
        logits = -torch.cdist(qc, data).square() / (2 * SIGMA * SIGMA)
        out[s : s + CHUNK] = torch.softmax(logits, 1) @ data
    return out


def median_ms(fn, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(1e3 * (time.perf_counter() - t))
    return float(np.median(times))


def main():
    cli = sys.argv[1]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    torch.set_num_threads(os.cpu_count())
    rng = np.random.default_rng(0)
    data, q = moons(N_DATA, rng), grid(GRID)

    # Values: numpy against flowscope's double-precision reference on a 64 x 64 grid.
    with tempfile.TemporaryDirectory() as tmp:
        pts = os.path.join(tmp, "points.csv")
        np.savetxt(pts, data.astype(np.float64), delimiter=",", header="x,y", comments="", fmt="%.9g")
        ref = os.path.join(tmp, "ref.csv")
        subprocess.run([cli, "field", "--data", pts, "--quantity", "denoiser", "--sigma", str(SIGMA),
                        "--grid", "64", "64", "--range", "-4", "4", "-4", "4", "--out", ref], check=True,
                       stdout=subprocess.DEVNULL)
        table = np.loadtxt(ref, delimiter=",", skiprows=1)
        diff = np.abs(denoise_numpy(table[:, :2].astype(np.float32), data) - table[:, 2:]).max()

    t_numpy = median_ms(lambda: denoise_numpy(q, data), runs)
    tq, td = torch.from_numpy(q), torch.from_numpy(data)
    denoise_torch(tq[:CHUNK], td)  # warm-up
    t_torch = median_ms(lambda: denoise_torch(tq, td), runs)
    bench = json.loads(subprocess.run([cli, "bench", "--only", "empirical", "--json", "--runs", str(2 * runs + 1)],
                                      check=True, capture_output=True, text=True).stdout)
    gpu = next(b for b in bench["benchmarks"] if b["backend"] == "gpu")
    fastest = min(t_numpy, t_torch)
    result = {
        "queries": GRID * GRID, "data_points": N_DATA, "sigma": SIGMA,
        "numpy_ms": t_numpy, "torch_ms": t_torch, "flowscope_gpu_ms": gpu["median_ms"],
        "flowscope_device": bench["gpu_device"], "speedup_vs_fastest_reference": fastest / gpu["median_ms"],
        "numpy_vs_flowscope_reference_max_abs_diff": float(diff),
        "torch": torch.__version__, "numpy": np.__version__, "threads": torch.get_num_threads(),
    }
    print(f"empirical denoiser, {GRID}x{GRID} queries x {N_DATA} points, medians of {runs} runs:")
    print(f"  numpy {np.__version__} (float32, OpenBLAS)   {t_numpy:10.1f} ms")
    print(f"  PyTorch {torch.__version__} (float32, {torch.get_num_threads()} threads) {t_torch:10.1f} ms")
    print(f"  flowscope GPU ({bench['gpu_device']})  {gpu['median_ms']:10.1f} ms  "
          f"({result['speedup_vs_fastest_reference']:.2f}x the faster reference)")
    print(f"  numpy vs flowscope's CPU reference: max |difference| {diff:.2e}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
