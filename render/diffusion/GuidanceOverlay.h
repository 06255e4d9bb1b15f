#pragma once
// Guidance over the Diffusion & Flow view, for a guided run (Dataset::guided): the conditional
// field of class c (class colour) and the guiding field (grey: unconditional, or autoguidance's
// weak model) as arrows on a coarse grid, beside the guided field the arrow layer draws in full;
// the data's classes as coloured marks (mixture means; a subsample of a cloud's points); and a
// legend line with gamma in both conventions. Built on the host each frame (DiffusionOverlay).
#include <string>
#include <vector>

#include "DiffusionFrame.h"
#include "OverlayLayer.h"

namespace flowscope {

// Arrows across the view of the conditional and guiding fields (fewer than the guided field's).
inline constexpr int kGuidanceArrowsAcross = 12;

// Appends the marks and arrows to `out` and the legend's lines to `legend`; nothing unguided.
void guidanceOverlay(std::vector<OverlayVertex>& out, std::vector<std::string>& legend,
                     const DiffusionFrame& f);
// The particles' colour: the class's when the run is guided toward one, else kParticleColor.
glm::vec4 particleColor(const DiffusionFrame& f);

}  // namespace flowscope
