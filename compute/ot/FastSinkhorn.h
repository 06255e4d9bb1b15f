#pragma once
// Sinkhorn on the fast CPU backend (FastCpu.h): DenseSinkhorn's stabilised scaling (Schmitzer
// 2019: a stored kernel, scalings absorbed into log-domain potentials, eps-annealing; the same
// fixed point, conventions and results) with the kernel in float32. K_ij = exp((alpha_i + beta_j -
// C_ij)/eps) is rebuilt by Eigen's vectorised exp from exponents formed in double (so K is exact to
// float rounding however large the potentials); an annealing stage (eps halved) squares the
// absorbed kernel instead of rebuilding it. Each iteration is one pass over K, a block of rows a
// thread: a row's sum K_i (b v) gives u_i, and a_i u_i K_i is added to the column sums while the
// row is in cache (half the memory traffic of two matrix-vector products, no exponentials).
// eps-annealing runs only below max C / 64, where its stages pay for themselves. The marginal error
// that stops it is confirmed, and the reported error and cost are summed, in double from the float
// kernel.
#include <memory>
#include <vector>

#include "Transport.h"

namespace flowscope {

class FastSinkhorn {
 public:
  // The kernel's limit: n m floats (1 GiB).
  static constexpr size_t kMaxEntries = size_t(1) << 28;

  // InputError when n m > kMaxEntries or a measure is empty.
  FastSinkhorn(Measure a, Measure b, CostKind cost);
  ~FastSinkhorn();
  // A cold solve: potentials from zero, eps annealed from costBound() when options.annealing.
  // options.monitor and the history are not supported (DenseSinkhorn has them).
  SinkhornResult solve(const SinkhornOptions& options);

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace flowscope
