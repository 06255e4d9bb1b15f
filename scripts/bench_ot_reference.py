"""POT against flowscope-cli ot on the same points (uniform weights in the unit square), in one run
on one machine (its CPU and thread count printed first). POT's own stopping rule measures one
marginal in L2; here each POT case first finds the fewest iterations (a multiple of 10) at which
the L1 error of both marginals, as flowscope reports it, is below the tolerance (untimed), then
times exactly that many iterations (no checks: POT's best case), so both solve to the same
accuracy. Every time is the median of --runs runs (5 by default); flowscope's is the CLI's
time_ms (the solve, set-up included) for each path: cpu (the fast float32 path), reference (the
double solvers) and, with --gpu, Vulkan (slow on lavapipe).
Usage: bench_ot_reference.py CLI [--skip-slow] [--gpu] [--runs N]
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import machine
import numpy as np
import ot

TOL = 1e-4


def l1_error(G, a, b):
    return float(np.abs(G.sum(1) - a).sum() + np.abs(G.sum(0) - b).sum())


def pot_sinkhorn_to_tolerance(a, b, M, eps, method, runs, budget_s=600):
    """The smallest multiple of 10 iterations at which POT's plan has an L1 error < TOL (searched
    untimed, doubling then bisecting), then the median of `runs` timed runs with exactly that many
    iterations."""
    def run(iterations):
        with np.errstate(all="ignore"):
            G = ot.sinkhorn(a, b, M, eps, method=method, numItermax=iterations, stopThr=0.0)
        return G, l1_error(G, a, b)

    lo, hi, t0 = 0, 10, time.perf_counter()
    while True:
        G, err = run(hi)
        if not np.isfinite(err):
            return None, hi, err
        if err < TOL:
            break
        if time.perf_counter() - t0 > budget_s:
            return None, hi, err
        lo, hi = hi, 2 * hi
    while hi - lo > 10:
        mid = (lo + hi) // 20 * 10
        if run(mid)[1] < TOL:
            hi = mid
        else:
            lo = mid
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        G, err = run(hi)
        times.append(time.perf_counter() - t)
    return float(np.median(times)), hi, err


def flowscope(cli, args, runs=1):
    """The last run's JSON with time_ms replaced by the median over `runs` runs."""
    outs = [json.loads(subprocess.run([cli, "ot", *args, "--json"], check=True, capture_output=True,
                                      text=True).stdout) for _ in range(runs)]
    outs[-1]["time_ms"] = float(np.median([o["time_ms"] for o in outs]))
    return outs[-1]




def main():
    cli, skip_slow, with_gpu = sys.argv[1], "--skip-slow" in sys.argv, "--gpu" in sys.argv
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5
    print(f"machine: {machine.describe()}; POT {ot.__version__}, "
          f"numpy {np.__version__} (float64)")
    backends = ("cpu", "reference") + (("gpu",) if with_gpu else ())
    rng = np.random.default_rng(0)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        def save(name, pts):
            path = os.path.join(tmp, name)
            np.savetxt(path, pts, delimiter=",", header="x,y", comments="", fmt="%.9g")
            return path

        for n, eps, methods in ((4096, 0.05, ("sinkhorn", "sinkhorn_stabilized")), (1024, 0.01, ("sinkhorn_log",))):
            x, y = rng.random((n, 2)), rng.random((n, 2))
            pa, pb = save(f"a{n}.csv", x), save(f"b{n}.csv", y)
            a = b = np.full(n, 1.0 / n)
            M = ot.dist(x, y)
            ours = [flowscope(cli, ["--source", pa, "--target", pb, "--method", "sinkhorn", "--epsilon", str(eps),
                                    "--tol", str(TOL), "--backend", backend], runs) for backend in backends]
            for method in methods:
                if method == "sinkhorn_log" and skip_slow:
                    continue
                secs, its, err = pot_sinkhorn_to_tolerance(a, b, M, eps, method, runs)
                for o in ours:
                    rows.append({"case": f"sinkhorn {n}x{n} eps {eps}", "pot_method": method,
                                 "pot_ms": None if secs is None else 1e3 * secs, "pot_iterations": its,
                                 "pot_l1_error": err, "flowscope_ms": o["time_ms"],
                                 "flowscope_backend": o["backend"] + " " + o.get("solver", ""),
                                 "flowscope_l1_error": o["marginal_error"], "flowscope_cost": o["cost"]})
        n = 2000
        x, y = rng.random((n, 2)), rng.random((n, 2))
        pa, pb = save("ea.csv", x), save("eb.csv", y)
        a = b = np.full(n, 1.0 / n)
        t = time.perf_counter()
        G = ot.emd(a, b, ot.dist(x, y), numItermax=10**8)
        pot_ms = 1e3 * (time.perf_counter() - t)
        ours = flowscope(cli, ["--source", pa, "--target", pb, "--method", "exact"])
        rows.append({"case": "exact 2000x2000", "pot_method": "emd", "pot_ms": pot_ms,
                     "pot_cost": float(np.sum(G * ot.dist(x, y))), "flowscope_ms": ours["time_ms"],
                     "flowscope_cost": ours["cost"], "flowscope_backend": "cpu"})
    for r in rows:
        ratio = r["pot_ms"] / r["flowscope_ms"] if r["pot_ms"] else float("nan")
        pot = "failed (non-finite)" if r["pot_ms"] is None else f"{r['pot_ms']:.0f} ms"
        print(f"{r['case']:28s} POT {r['pot_method']:20s} {pot:>12s}   flowscope {r['flowscope_ms']:8.0f} ms "
              f"({r['flowscope_backend']:>17s})   POT / flowscope = {ratio:.2f}")
    print(json.dumps({"pot": ot.__version__, "rows": rows}))


if __name__ == "__main__":
    main()
