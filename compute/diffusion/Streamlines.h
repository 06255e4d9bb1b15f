#pragma once
// Streamlines of a field (MixtureGrids.h FieldKind) at one noise level: from a seedsX x seedsY grid
// of seeds over the view, each traced forwards and backwards by midpoint (RK2) steps of `step`
// world units along the normalised field, until it leaves the view, stalls (|v| ~ 0) or has
// taken maxSteps. Computed by the double-precision CPU reference; each line is a polyline.
#include <glm/glm.hpp>

#include <vector>

#include "ExactModel.h"
#include "MixtureGrids.h"
#include "View2D.h"

namespace flowscope {

struct StreamlineSpec {
  int seedsX = 16, seedsY = 10;
  double step = 0.05;
  int maxSteps = 60;
};

std::vector<std::vector<glm::dvec2>> traceStreamlines(const ExactModel& model, double s, double tau,
                                                      FieldKind kind, bool flow, glm::dvec2 lo,
                                                      glm::dvec2 hi, const StreamlineSpec& spec);

}  // namespace flowscope
