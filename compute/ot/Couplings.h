#pragma once
// Couplings of two equal-size point clouds as straight paths noise_k -> data_{partner[k]}, built
// with the transport solvers: the Transport lab's couplings view and the Diffusion & Flow lab's
// flow coupling (FlowCoupling.h) both use them.
#include <glm/glm.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace flowscope {

enum class CouplingKind { Independent, Exact, Sinkhorn };
std::string couplingName(CouplingKind k);  // for display: "exact OT", ...
// Names in files: "independent" | "exact" | "sinkhorn"; the parser throws InputError.
std::string couplingKey(CouplingKind k);
CouplingKind parseCouplingKey(const std::string& name);

// Straight paths noise_k -> data_{partner[k]} of one coupling.
struct Coupling {
  CouplingKind kind = CouplingKind::Independent;
  std::vector<uint32_t> partner;
  size_t crossings = 0;            // pairs of paths that cross (proper intersections)
  double meanSquaredLength = 0.0;  // mean |data - noise|^2 over the paths
  double timeMs = 0.0;
};
// Independent: a seeded random permutation. Exact: the optimal assignment for sqeuclidean
// (exact OT between uniform clouds of equal size is a permutation). Sinkhorn: each noise point
// draws its partner from its row of the entropic plan at eps (seeded).
Coupling makeCoupling(const std::vector<glm::dvec2>& noise, const std::vector<glm::dvec2>& data,
                      CouplingKind kind, double eps, uint64_t seed);
size_t countCrossings(const std::vector<glm::dvec2>& from, const std::vector<glm::dvec2>& to,
                      const std::vector<uint32_t>& partner);

}  // namespace flowscope
