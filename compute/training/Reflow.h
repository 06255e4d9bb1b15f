#pragma once
// Reflow (Liu et al. 2023, "Flow straight and fast"; k-rectified flow): the current flow model's
// ODE carries noise z to y = ODE(z); training again on the pairs (z, y) straightens the paths.
// A round's pairs come from the lab's sampler (a flow sampler, its steps) from seeded noise, and
// are measured as the Transport lab measures couplings: crossings of the straight segments
// z -> y and their mean squared length.
#include <glm/glm.hpp>

#include <memory>
#include <vector>

#include "Dataset.h"
#include "TrainingSettings.h"

namespace flowscope {

struct ReflowPairs {
  std::vector<glm::dvec2> noise, data;
  size_t crossings = 0;  // among the first kCrossingPairs pairs
  double meanSquaredLength = 0.0;
  double straightness = 1.0;  // of the ODE paths that made them (Metrics.h)
  static constexpr size_t kCrossingPairs = 1000;
};

// `learned`: data with the learned model attached (withLearnedModel). InputError when the
// sampler is not a flow sampler.
ReflowPairs makeReflowPairs(const std::shared_ptr<const Dataset>& learned,
                            const TrainingSettings& s, uint64_t seed);

}  // namespace flowscope
