#include "TransportSolve.h"

#include <chrono>
#include <cmath>

namespace flowscope {
namespace {

void solveSinkhorn(SolveInput& in, JobMonitor* monitor, SolveOutcome& out) {
  if (!in.dense) {
    in.dense = std::make_unique<DenseSinkhorn>(in.a, in.b, in.cost);
    in.warm = false;
  }
  in.options.monitor = monitor;
  const SinkhornResult r =
      in.dense->solve(in.options, in.warm, in.history ? &out.history : nullptr);
  if (out.history.size() > in.maxHistory) out.history.resize(in.maxHistory);
  TransportSolution& sol = out.solution;
  sol.cost = r.cost;
  sol.marginalError = r.marginalError;
  sol.iterations = r.iterations;
  sol.status = r.status;
  sol.message = r.message;
  sol.f = r.f;
  sol.g = r.g;
  sol.epsilon = in.options.epsilon;
  out.cancelled = r.cancelled;
  out.dense = std::move(in.dense);
}

void solveExact(const SolveInput& in, SolveOutcome& out) {
  out.exact = exactTransport(in.a, in.b, in.cost);
  TransportSolution& sol = out.solution;
  sol.cost = out.exact.cost;
  sol.marginalError = out.exact.marginalError;
  sol.iterations = out.exact.pivots;
  sol.status = out.exact.status;
  sol.message = out.exact.message;
  sol.f = out.exact.u;
  sol.g = out.exact.v;
}

}  // namespace

SolveOutcome runTransportSolve(SolveInput in, JobMonitor* monitor) {
  const auto start = std::chrono::steady_clock::now();
  SolveOutcome out;
  out.solution.method = in.method;
  if (in.method == OtMethod::Sinkhorn)
    solveSinkhorn(in, monitor, out);
  else
    solveExact(in, out);
  const double p = in.cost == CostKind::SqEuclidean ? 2.0 : 1.0;
  out.solution.w = std::pow(std::max(0.0, out.solution.cost), 1.0 / p);
  out.solution.timeMs =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace flowscope
