// flowscope-cli ot: optimal transport between two weighted point clouds.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

#include "CliCommon.h"
#include "CliOutput.h"
#include "CsvFile.h"
#include "Dataset.h"
#include "DenseSinkhorn.h"
#include "ExactTransport.h"
#include "FastSinkhorn.h"
#include "Limits.h"
#include "OutputFiles.h"
#include "OutputPath.h"
#include "SinkhornKernel.h"

namespace flowscope::cli {
namespace {

struct OtArgs {
  std::string source, target, sourceWeights, targetWeights, method = "sinkhorn",
                                                            cost = "sqeuclidean";
  std::string planOut, backend = "auto";
  double epsilon = 0.05, tolerance = 1e-4;
  int maxIter = 10000;
  bool json = false;
};

// Entries n x m a method may face: exact OT's simplex slows sharply beyond 5,000^2; Sinkhorn's
// iterations each touch every entry.
constexpr double kMaxExactEntries = 25e6, kMaxSinkhornEntries = double(1 << 30);

void checkSizes(const OtArgs& a, const Measure& src, const Measure& dst) {
  const double entries = double(src.points.size()) * double(dst.points.size());
  const double limit = a.method == "exact" ? kMaxExactEntries : kMaxSinkhornEntries;
  if (entries > limit)
    throw InputError("--source, --target: " + std::to_string(src.points.size()) + " x " +
                     std::to_string(dst.points.size()) + " points is above the " + a.method +
                     " method's " + formatNumber(limit) + " entries");
  if (!a.planOut.empty() && a.method == "sinkhorn" && entries > double(limits::kMaxOutputRows))
    throw InputError("--plan-out: a Sinkhorn plan of " + formatNumber(entries) +
                     " entries is above " + std::to_string(limits::kMaxOutputRows) + " rows");
}

struct OtSolution {
  double cost = 0.0, error = 0.0;
  int iterations = 0;
  bool converged = false;
  std::string solver, backend;
  std::vector<PlanEntry> plan;
};

OtSolution solveExact(const Measure& src, const Measure& dst, CostKind cost) {
  ExactResult r = exactTransport(src, dst, cost);
  if (r.status != SolveStatus::Converged) throw std::runtime_error("exact OT: " + r.message);
  return {r.cost, r.marginalError,  int(r.pivots), true, "network-simplex",
          "cpu",  std::move(r.plan)};
}

// The CPU's solvers, by size and tolerance: the fast float32 stored kernel (FastSinkhorn) up to
// its entries and for tolerances float reaches (>= kFastTolerance); else the double stored kernel
// up to 2,048^2 entries (DenseSinkhorn, the Transport lab's); else log-domain in double.
constexpr double kFastTolerance = 1e-6;

SinkhornResult solveOnCpu(const Measure& src, const Measure& dst, CostKind cost,
                          const SinkhornOptions& o, bool fast, OtSolution& s,
                          std::unique_ptr<DenseSinkhorn>& dense) {
  const size_t entries = src.points.size() * dst.points.size();
  if (fast && entries <= FastSinkhorn::kMaxEntries && o.tolerance >= kFastTolerance) {
    s.solver = "stored-kernel-f32";
    return FastSinkhorn(src, dst, cost).solve(o);
  }
  if (entries <= DenseSinkhorn::kMaxEntries) {
    s.solver = "stored-kernel";
    dense = std::make_unique<DenseSinkhorn>(src, dst, cost);
    return dense->solve(o, false);
  }
  s.solver = "log-domain";
  return sinkhornCpu(src, dst, cost, o);
}

// GPU (float32, log-domain): a run that stalls above the tolerance is finished in double on the
// CPU from its potentials. cpu: solveOnCpu, fast; reference: solveOnCpu in double.
OtSolution solveSinkhorn(const OtArgs& a, const Measure& src, const Measure& dst, CostKind cost,
                         KernelBackend& backend) {
  SinkhornOptions o;
  o.epsilon = a.epsilon, o.tolerance = a.tolerance, o.maxIterations = a.maxIter;
  Progress progress("ot: sinkhorn iteration");
  o.progress = [&](int it, double err) {
    progress(it, a.maxIter, "marginal error " + format("%.3g", err));
  };
  OtSolution s;
  s.backend = backend.name();
  std::unique_ptr<DenseSinkhorn> denseSolver;
  SinkhornResult r;
  if (backend.gpu) {
    s.solver = "log-domain";
    r = GpuSinkhorn(*backend.gpu, src, dst, cost).solve(o);
    if (r.stalled) {
      std::cerr << "flowscope-cli: note: sinkhorn on the GPU: " << r.message
                << "; finishing in double precision on the CPU\n";
      r = sinkhornCpu(src, dst, cost, o, &r);
      s.backend = "gpu+cpu";
    }
  } else {
    r = solveOnCpu(src, dst, cost, o, backend.kind == KernelBackend::Kind::FastCpu, s, denseSolver);
  }
  if (r.status == SolveStatus::NumericalFailure) throw NumericalError("sinkhorn: " + r.message);
  if (r.status == SolveStatus::NotConverged)
    std::cerr << "flowscope-cli: warning: sinkhorn did not converge: " << r.message << "\n";
  s.cost = r.cost, s.error = r.marginalError, s.iterations = r.iterations;
  s.converged = r.status == SolveStatus::Converged;
  if (a.planOut.empty()) return s;
  if (denseSolver) {
    const std::vector<double> p = denseSolver->plan();
    const size_t m = dst.points.size();
    for (size_t k = 0; k < p.size(); ++k)
      if (p[k] > 0.0) s.plan.push_back({k / m, k % m, p[k]});
  } else {
    for (size_t i = 0; i < src.points.size(); ++i)
      for (size_t j = 0; j < dst.points.size(); ++j)
        if (double m = planEntry(src, dst, cost, r, a.epsilon, i, j); m > 0.0)
          s.plan.push_back({i, j, m});
  }
  return s;
}

int runOt(const OtArgs& a) {
  if (a.method != "exact" && a.method != "sinkhorn")
    throw InputError("--method: unknown '" + a.method + "' (valid: exact, sinkhorn)");
  const CostKind cost = [&] {
    try {
      return parseCost(a.cost);
    } catch (const InputError& e) {
      throw InputError(std::string("--") + e.what());
    }
  }();
  requireInRange("--epsilon", a.epsilon, 1e-6, 1e6);
  requireInRange("--tol", a.tolerance, 1e-15, 2.0);
  if (a.maxIter < 1 || a.maxIter > 10000000)
    throw InputError("--max-iter: must be between 1 and 10000000");
  if (!a.planOut.empty()) checkOutputPath("--plan-out", a.planOut, ".csv");
  Measure src = readMeasureCsv(a.source, a.sourceWeights),
          dst = readMeasureCsv(a.target, a.targetWeights);
  checkSizes(a, src, dst);

  KernelBackend backend = a.method == "sinkhorn" ? openKernelBackend(a.backend) : KernelBackend{};
  const auto start = std::chrono::steady_clock::now();
  const OtSolution s =
      a.method == "exact" ? solveExact(src, dst, cost) : solveSinkhorn(a, src, dst, cost, backend);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  OutputFiles files;
  if (!a.planOut.empty())
    files.stage(a.planOut, [&](std::ostream& out) {
      CsvWriter csv(out, a.planOut, {"i", "j", "mass"}, 17);
      for (const auto& e : s.plan) csv.row({double(e.i), double(e.j), e.mass});
    });
  const double w = cost == CostKind::SqEuclidean ? std::sqrt(s.cost) : s.cost;
  const nlohmann::json j{{"method", a.method},
                         {"cost", s.cost},
                         {"w", w},
                         {"iterations", s.iterations},
                         {"marginal_error", s.error},
                         {"converged", s.converged},
                         {"time_ms", ms},
                         {"backend", s.backend},
                         {"solver", s.solver}};
  const std::string text =
      format("%s OT (%s): cost <P, C> = %.10g, W = %.10g, %d %s, marginal error %.3g%s, %.1f ms",
             a.method.c_str(), costName(cost).c_str(), s.cost, w, s.iterations,
             a.method == "exact" ? "pivots" : "iterations", s.error,
             s.converged ? "" : " (not converged)", ms);
  return finish(files, j, a.json, text);
}

}  // namespace

void addOtCommand(CLI::App& app, Runner& run) {
  auto a = std::make_shared<OtArgs>();
  auto* cmd = app.add_subcommand(
      "ot",
      "Optimal transport between two weighted point clouds (CSV, header x,y; weights CSV header w, "
      "normalised).\n"
      "exact: the transportation simplex. sinkhorn: log-domain Sinkhorn with eps-annealing; eps is "
      "POT's `reg`, "
      "the objective <P, C> + eps sum P log P, GeomLoss's blur = sqrt(eps) for sqeuclidean. "
      "Reported: cost = "
      "<P, C> (POT's sinkhorn2), w = cost^(1/p) (p = 2 sqeuclidean, 1 euclidean), marginal_error = "
      "|P1 - a|_1 + |P^T 1 - b|_1. Sinkhorn runs on the GPU (log-domain, float32) or the CPU "
      "(double; the stored-kernel stabilised scaling up to 2,048^2 entries, else log-domain); "
      "exact on the CPU.");
  addPathOption(*cmd, "--source", a->source, "Source points CSV (x,y; |x|, |y| <= 1e6)")
      ->required();
  addPathOption(*cmd, "--target", a->target, "Target points CSV (x,y; |x|, |y| <= 1e6)")
      ->required();
  addPathOption(*cmd, "--source-weights", a->sourceWeights,
                "Source weights CSV (header w; 0..1e15, normalised)");
  addPathOption(*cmd, "--target-weights", a->targetWeights,
                "Target weights CSV (header w; 0..1e15, normalised)");
  cmd->add_option("--method", a->method, "exact | sinkhorn")->capture_default_str();
  cmd->add_option("--epsilon", a->epsilon,
                  "Sinkhorn: entropic regularisation (POT's reg), 1e-6..1e6")
      ->capture_default_str();
  cmd->add_option("--cost", a->cost, "sqeuclidean | euclidean")->capture_default_str();
  cmd->add_option("--max-iter", a->maxIter,
                  "Sinkhorn: iteration limit (1..1e7); a run whose error stops falling (no 1% gain "
                  "in 2,000 iterations) stops earlier and says so")
      ->capture_default_str();
  cmd->add_option("--tol", a->tolerance,
                  "Sinkhorn: stop when the marginal error falls below (1e-15..2)")
      ->capture_default_str();
  addPathOption(*cmd, "--plan-out", a->planOut,
                "Plan CSV: non-zero entries as i,j,mass (at most 16,777,216 rows)");
  addKernelBackendOption(
      *cmd, a->backend,
      "sinkhorn: the fast float32 stored kernel (up to 2^28 entries and --tol >= 1e-6; else the "
      "double solvers). A float32 GPU run that stalls above --tol is finished in double on the "
      "CPU: backend gpu+cpu");
  cmd->add_flag(
      "--json", a->json,
      "Print {\"method\", \"cost\", \"w\", \"iterations\", \"marginal_error\", "
      "\"converged\", \"time_ms\", \"backend\", \"solver\"}; solver: network-simplex (exact), "
      "log-domain (GPU, or CPU in double above 2,048^2 entries), stored-kernel-f32 (the fast "
      "CPU path: the stabilised scaling with a float32 kernel, sgemv on every core; "
      "eps-annealing only when eps < max C / 64, where its stages pay) or stored-kernel (double, "
      "up to 2,048^2: the Transport lab's)");
  cmd->callback([&run, a] { run = [a] { return runOt(*a); }; });
}

}  // namespace flowscope::cli
