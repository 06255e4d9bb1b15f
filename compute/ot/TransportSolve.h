#pragma once
// One solve of the Transport lab's problem, self-contained so that it can run on a worker thread
// (BackgroundJob) while the frame goes on: the input owns copies of the measures and the lab's
// Sinkhorn state (moved in, handed back in the outcome for the next warm start).
#include <memory>
#include <vector>

#include "DenseSinkhorn.h"
#include "ExactTransport.h"

namespace flowscope {

enum class OtMethod { Exact, Sinkhorn };

struct TransportSolution {
  OtMethod method = OtMethod::Sinkhorn;
  double cost = 0.0, w = 0.0, marginalError = 0.0, timeMs = 0.0, epsilon = 0.0;
  long iterations = 0;  // Sinkhorn iterations, or simplex pivots
  SolveStatus status = SolveStatus::NotConverged;
  std::string message;
  std::vector<double> f, g;
};

struct SolveInput {
  OtMethod method = OtMethod::Sinkhorn;
  CostKind cost = CostKind::SqEuclidean;
  Measure a, b;             // for a cold Sinkhorn solve (no `dense`) and the exact method
  SinkhornOptions options;  // Sinkhorn's; the monitor is the job's
  bool warm = false;        // continue from `dense`'s potentials (Sinkhorn)
  bool history = false;     // record every iteration (the step-through)
  size_t maxHistory = 0;
  std::unique_ptr<DenseSinkhorn> dense;  // null: built from a and b (a cold solve)
};

struct SolveOutcome {
  TransportSolution solution;
  std::unique_ptr<DenseSinkhorn> dense;  // Sinkhorn's state after the solve
  ExactResult exact;                     // the exact method's plan
  std::vector<SinkhornRecord> history;
  bool cancelled = false;  // stopped by the monitor: the solution is not one
};

// Runs on any thread; `monitor` (may be null) receives Sinkhorn's progress and may stop it.
SolveOutcome runTransportSolve(SolveInput in, JobMonitor* monitor);

}  // namespace flowscope
