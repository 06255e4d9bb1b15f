#include "Couplings.h"

#include <algorithm>
#include <chrono>
#include <numeric>

#include "DenseSinkhorn.h"
#include "EnumNames.h"
#include "ExactTransport.h"
#include "InputError.h"
#include "Limits.h"
#include "Parallel.h"
#include "Rng.h"

namespace flowscope {
namespace {

const NamedValue<CouplingKind> kCouplingKeys[] = {{CouplingKind::Independent, "independent"},
                                                  {CouplingKind::Exact, "exact"},
                                                  {CouplingKind::Sinkhorn, "sinkhorn"}};

// Orientation of (p, q, r): +1 counter-clockwise, -1 clockwise, 0 collinear.
int orient(glm::dvec2 p, glm::dvec2 q, glm::dvec2 r) {
  const double d = (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x);
  return (d > 0.0) - (d < 0.0);
}

bool properlyCross(glm::dvec2 a, glm::dvec2 b, glm::dvec2 c, glm::dvec2 d) {
  const int o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
  return o1 * o2 < 0 && o3 * o4 < 0;
}

}  // namespace

std::string couplingKey(CouplingKind k) {
  return nameIn(kCouplingKeys, k);
}
CouplingKind parseCouplingKey(const std::string& name) {
  return parseIn(kCouplingKeys, name, "coupling");
}

std::string couplingName(CouplingKind k) {
  switch (k) {
    case CouplingKind::Independent:
      return "independent";
    case CouplingKind::Exact:
      return "exact OT";
    case CouplingKind::Sinkhorn:
      return "Sinkhorn";
  }
  return "?";
}

size_t countCrossings(const std::vector<glm::dvec2>& from, const std::vector<glm::dvec2>& to,
                      const std::vector<uint32_t>& partner) {
  const size_t n = partner.size();
  std::vector<size_t> perPath(n, 0);
  parallelFor(
      n,
      [&](size_t k) {
        size_t c = 0;
        for (size_t l = k + 1; l < n; ++l)
          c += properlyCross(from[k], to[partner[k]], from[l], to[partner[l]]);
        perPath[k] = c;
      },
      32);
  return std::accumulate(perPath.begin(), perPath.end(), size_t(0));
}

Coupling makeCoupling(const std::vector<glm::dvec2>& noise, const std::vector<glm::dvec2>& data,
                      CouplingKind kind, double eps, uint64_t seed) {
  if (noise.size() != data.size() || noise.empty())
    throw InputError("coupling: noise and data need the same, non-zero number of points");
  const auto start = std::chrono::steady_clock::now();
  const size_t n = noise.size();
  Coupling c;
  c.kind = kind;
  c.partner.resize(n);
  if (kind == CouplingKind::Independent) {
    std::iota(c.partner.begin(), c.partner.end(), 0u);
    Pcg32 rng(seed, 77);
    for (size_t k = n - 1; k > 0; --k) std::swap(c.partner[k], c.partner[rng.next() % (k + 1)]);
  } else if (kind == CouplingKind::Exact) {
    const ExactResult r =
        exactTransport(Measure::uniform(noise), Measure::uniform(data), CostKind::SqEuclidean);
    if (r.status != SolveStatus::Converged) throw InputError("coupling: exact OT: " + r.message);
    std::vector<double> best(n, -1.0);
    for (const PlanEntry& e : r.plan)
      if (e.mass > best[e.i]) best[e.i] = e.mass, c.partner[e.i] = uint32_t(e.j);
  } else {
    requireInRange("coupling epsilon", eps, 1e-6, 1e6);
    DenseSinkhorn solver(Measure::uniform(noise), Measure::uniform(data), CostKind::SqEuclidean);
    SinkhornOptions o;
    o.epsilon = eps;
    const SinkhornResult r = solver.solve(o, false);
    if (r.status == SolveStatus::NumericalFailure)
      throw InputError("coupling: Sinkhorn: " + r.message);
    const std::vector<double> p = solver.plan();
    Pcg32 rng(seed, 78);
    for (size_t i = 0; i < n; ++i) {
      const double* row = &p[i * n];
      const double total = std::accumulate(row, row + n, 0.0);
      double u = rng.uniform() * total;
      size_t j = 0;
      while (j + 1 < n && (u -= row[j]) > 0.0) ++j;
      c.partner[i] = uint32_t(j);
    }
  }
  double sum = 0.0;
  for (size_t k = 0; k < n; ++k) {
    const glm::dvec2 d = data[c.partner[k]] - noise[k];
    sum += glm::dot(d, d);
  }
  c.meanSquaredLength = sum / double(n);
  c.crossings = countCrossings(noise, data, c.partner);
  c.timeMs =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return c;
}

}  // namespace flowscope
