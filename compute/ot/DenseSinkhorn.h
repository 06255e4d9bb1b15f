#pragma once
// Sinkhorn on a stored kernel with absorption into log-domain potentials: the stabilised scaling
// algorithm (Schmitzer 2019, "Stabilized sparse scaling algorithms for entropy regularized
// transport problems", Alg. 2, dense). The Transport lab's interactive solver, for sizes where the
// n x m kernel fits (kMaxEntries); the large-N solvers (sinkhornCpu, GpuSinkhorn) recompute costs
// on the fly instead.
//
// State: absorbed potentials alpha, beta, scalings u, v and K_ij = exp((alpha_i + beta_j -
// C_ij)/eps). The full potentials are f = alpha + eps log u, g = beta + eps log v and the plan is
// P_ij = a_i u_i K_ij v_j b_j — the same fixed point, conventions and annealing schedule as
// sinkhornCpu (Transport.h), so each iteration costs two matrix-vector products instead of n m
// exponentials. Scalings outside [1e-100, 1e100] are absorbed and K rebuilt.
//
// Moving one point replaces its row (or column) of C and K and re-solves from the current state
// (warm start): a few iterations instead of a whole annealed solve.
#include <vector>

#include "Transport.h"

namespace flowscope {

// One Sinkhorn iteration as the step-through shows it.
struct SinkhornRecord {
  double epsilon = 0.0;
  double marginalError = 0.0;  // |P1 - a|_1 + |P^T 1 - b|_1 after the iteration
  // Primal-dual gap: the entropic objective <P~, C> + eps KL(P~ | a b^T) of the rounded, feasible
  // plan P~ (Altschuler, Weed & Rigollet 2017, Alg. 2) minus the dual objective
  // <f, a> + <g, b> - eps sum a_i b_j (exp((f_i + g_j - C_ij)/eps) - 1). >= 0 by weak duality.
  double gap = 0.0;
  double cost = 0.0;  // <P, C>
  std::vector<double> f, g;
};

class DenseSinkhorn {
 public:
  static constexpr size_t kMaxEntries = size_t(2048) * 2048;

  // Throws InputError when n m > kMaxEntries.
  DenseSinkhorn(Measure a, Measure b, CostKind cost);
  const Measure& source() const { return a_; }
  const Measure& target() const { return b_; }
  CostKind costKind() const { return cost_; }
  double cost(size_t i, size_t j) const { return c_[i * m_ + j]; }

  // Replaces one point; the next solve(warm = true) starts from the current potentials with that
  // row (column) set to its exact c-transform.
  void movePoint(bool target, size_t index, glm::dvec2 p);

  // warm = false: potentials from zero, eps annealed from costBound() when options.annealing.
  // warm = true: continues at options.epsilon from the current potentials (no annealing).
  // history, when given, receives one record per iteration (gap computed every `gapEvery`).
  SinkhornResult solve(const SinkhornOptions& options, bool warm,
                       std::vector<SinkhornRecord>* history = nullptr);

  double epsilon() const { return eps_; }
  std::vector<double> f() const;
  std::vector<double> g() const;
  // The current plan, row-major n x m (no exponentials: a_i u_i K_ij v_j b_j).
  std::vector<double> plan() const;
  // The plan of given potentials (a step-through record).
  std::vector<double> planOf(const std::vector<double>& f, const std::vector<double>& g,
                             double eps) const;
  // (marginal error, <P, C>, primal-dual gap) of potentials; see SinkhornRecord.
  struct Diagnostics {
    double marginalError, cost, gap;
  };
  Diagnostics diagnose(const std::vector<double>& f, const std::vector<double>& g,
                       double eps) const;

 private:
  void setEpsilon(double eps);  // absorbs, then rebuilds K at the new eps
  void absorb();
  void rebuildKernel();
  void rebuildRow(size_t i);
  void rebuildColumn(size_t j);
  // One iteration: u = 1 / K(b v), v = 1 / K^T(a u). Returns false when a row or column of K
  // underflowed to zero even after absorption.
  bool iterate();
  double rowError();
  std::pair<double, double> errorAndCost() const;  // |P1 - a|_1 + |P^T 1 - b|_1 and <P, C>
  void
  computeRowSums();  // rowSums_ = K (b v)  // |P 1 - a|_1 (columns are exact right after iterate())

  Measure a_, b_;
  CostKind cost_;
  size_t n_, m_;
  std::vector<double> c_, k_;  // row-major n x m
  std::vector<double> alpha_, beta_, u_, v_;
  std::vector<double> rowSums_, colSums_, scratch_;
  double eps_ = 0.0;
  bool rowSumsValid_ = false;  // rowSums_ = K (b v) for the current v (set by rowError)
};

}  // namespace flowscope
