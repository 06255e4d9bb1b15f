#include "CompareAt.h"

#include <cmath>

#include "DiffusionSimulation.h"
#include "InputError.h"

namespace flowscope {

std::string compareAtName(CompareAt at) {
  switch (at) {
    case CompareAt::Step:
      return "step";
    case CompareAt::Sigma:
      return "sigma";
    case CompareAt::Nfe:
      return "nfe";
  }
  return "step";
}

CompareAt parseCompareAt(const std::string& name) {
  for (CompareAt at : {CompareAt::Step, CompareAt::Sigma, CompareAt::Nfe})
    if (compareAtName(at) == name) return at;
  throw InputError("compare_at: unknown '" + name + "' (valid: step, sigma, nfe)");
}

namespace {

int nearestSigma(double sigma, const DiffusionSimulation& compare) {
  const int last = compare.steps();
  if (sigma == 0.0) {
    for (int j = 0; j <= last; ++j)
      if (compare.sigma(j) == 0.0) return j;
    return last;
  }
  if (!std::isfinite(sigma)) return 0;
  int best = 0;
  double bestGap = INFINITY;
  for (int j = 0; j <= last; ++j) {
    const double s = compare.sigma(j);
    if (!(s > 0.0) || !std::isfinite(s)) continue;
    const double gap = std::abs(std::log(s) - std::log(sigma));
    if (gap < bestGap) best = j, bestGap = gap;
  }
  return best;
}

int withinEvaluations(int evaluations, const DiffusionSimulation& compare) {
  int best = 0;
  for (int j = 0; j <= compare.steps(); ++j)
    if (compare.evaluations(j) <= evaluations) best = j;
  return best;
}

}  // namespace

int compareState(CompareAt at, const DiffusionSimulation& primary, int step,
                 const DiffusionSimulation& compare) {
  switch (at) {
    case CompareAt::Step:
      return std::min(step, compare.steps());
    case CompareAt::Sigma:
      return nearestSigma(primary.sigma(step), compare);
    case CompareAt::Nfe:
      return withinEvaluations(primary.evaluations(step), compare);
  }
  return step;
}

}  // namespace flowscope
