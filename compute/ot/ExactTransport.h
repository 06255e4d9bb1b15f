#pragma once
// Exact optimal transport between weighted point clouds of any sizes: the transportation simplex
// (network simplex on the complete bipartite graph). The basis is a spanning tree of n + m - 1
// cells; potentials u_i + v_j = C_ij on it; the entering cell is the most negative reduced cost
// C_ij - u_i - v_j in a block of cells (block pricing, blocks of ~sqrt(n m) cells, scanned
// cyclically); flow moves around the tree cycle it closes. Squared distances are recomputed from
// the points while pricing (cheaper than streaming a stored matrix); Euclidean costs are stored.
#include <vector>

#include "Transport.h"

namespace flowscope {

struct PlanEntry {
  size_t i, j;
  double mass;
};

struct ExactResult {
  std::vector<PlanEntry> plan;  // the basic cells with non-zero mass
  double cost = 0.0;            // <P, C>
  double marginalError = 0.0;
  long pivots = 0;
  // Dual potentials of the optimal basis: u_i + v_j = C_ij on its cells, <= C_ij everywhere (up to
  // the pivoting tolerance), and <u, a> + <v, b> = cost.
  std::vector<double> u, v;
  SolveStatus status = SolveStatus::NotConverged;
  std::string message;
};

ExactResult exactTransport(const Measure& a, const Measure& b, CostKind cost,
                           long maxPivots = 100000000);

}  // namespace flowscope
