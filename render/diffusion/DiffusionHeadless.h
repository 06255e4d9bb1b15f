#pragma once
// The Diffusion & Flow lab's frame (what the GUI's viewport shows, without its panel), rendered
// with no window or X server.
#include <cstdint>
#include <functional>

#include "DiffusionScene.h"
#include "GpuContext.h"
#include "HeadlessRender.h"

namespace flowscope {

// Runs the scene's sampler on the GPU to scene.step and draws it; `progress(state, step)` is called
// as the run advances (a few states a submission). NumericalError when a particle is not finite.
RenderedImage renderDiffusionScene(const GpuContext& ctx, const DiffusionScene& scene,
                                   uint32_t width, uint32_t height,
                                   const std::function<void(int, int)>& progress = {});

}  // namespace flowscope
