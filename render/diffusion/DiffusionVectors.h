#pragma once
// Vector export of the Diffusion lab's GPU layers: while an SvgRecorder is active, the renderer
// records what its shaders would draw as SVG elements instead, from the same data: the field's
// arrows (the CPU twin of field_grid.comp on the arrows' grid, the glyph of arrows.vert), the
// tracked paths and the noise-to-sample lines, the trails (fading like trails.vert), the
// x0-predictions (the CPU twin of predict_x0.comp) and the particles (the shown state,
// downloaded). A cloud of more than ParticleLayer::kPointLimit particles stays a density image
// (splatted) under the vectors, as the heatmap does.
#include "DiffusionFrame.h"
#include "SvgRecorder.h"

namespace flowscope {

// Sets the recorder's origin to the frame's place (the split view's halves), so the overlay
// recorded after it lands there too.
void recordDiffusionVectors(SvgRecorder& svg, const DiffusionFrame& f);

}  // namespace flowscope
