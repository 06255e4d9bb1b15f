#pragma once
// The Diffusion & Flow lab's flow coupling: its parameters and the data with a coupling model
// (CouplingModel.h) attached, the pairs built by transport's solvers (Couplings.h). Flow
// convention and the couplings offered: see CouplingModel.h.
#include <memory>

#include "CouplingModel.h"
#include "Couplings.h"
#include "Dataset.h"

namespace flowscope {

// The same pairings as the Transport lab's coupling kinds (None has no twin there).
FlowCoupling flowCouplingOf(CouplingKind k);
CouplingKind couplingKindOf(FlowCoupling c);  // c != None

struct FlowCouplingParams {
  static constexpr int kMinPairs = 16, kMaxPairs = 2000;
  static constexpr double kMinEpsilon = 1e-4, kMaxEpsilon = 1e3;
  static constexpr double kMinBandwidth = CouplingModel::kMinBandwidth,
                          kMaxBandwidth = CouplingModel::kMaxBandwidth;
  FlowCoupling kind = FlowCoupling::None;
  int pairs = 1024;        // K
  double epsilon = 0.05;   // sinkhorn: POT's reg, squared Euclidean cost
  double bandwidth = 0.1;  // bw: the smoothing of each path
  bool operator==(const FlowCouplingParams&) const = default;
};
// Throws InputError naming the field (coupling pairs, coupling epsilon, coupling bandwidth).
void validate(const FlowCouplingParams& p);

// `data` with a coupling model attached (`data` itself when p.kind is None): K data samples
// (seeded from `seed`) paired with the first K start points of a flow run with `seed`.
// Throws InputError (bad parameters, a solver that fails).
std::shared_ptr<const Dataset> withFlowCoupling(std::shared_ptr<const Dataset> data,
                                                const FlowCouplingParams& p, uint64_t seed);

}  // namespace flowscope
