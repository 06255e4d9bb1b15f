#pragma once
// The frame the GUI shows (without its ImGui panel), rendered with no window or X server.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "GpuContext.h"
#include "Scene.h"

namespace flowscope {

struct RenderedImage {
  uint32_t width = 0, height = 0;
  std::vector<uint8_t> rgba;  // rows top first
};

// Runs the scene's sampler on the GPU to scene.step and draws it; `progress(state, step)` is called
// as the run advances (a few states a submission). NumericalError when a particle is not finite.
RenderedImage renderScene(const GpuContext& ctx, const Scene& scene, uint32_t width,
                          uint32_t height, const std::function<void(int, int)>& progress = {});
// The image as PNG file bytes (throws std::runtime_error when the encoder fails).
std::string encodePng(const RenderedImage& image);
// Encodes and writes atomically; throws InputError naming the path on failure.
void writePng(const std::string& path, const RenderedImage& image);

}  // namespace flowscope
