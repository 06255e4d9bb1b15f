#pragma once
// The frame the GUI shows (without its ImGui panel), rendered with no window or X server.
#include <cstdint>
#include <string>
#include <vector>

#include "GpuContext.h"
#include "Scene.h"

namespace flowscope {

struct RenderedImage {
  uint32_t width = 0, height = 0;
  std::vector<uint8_t> rgba;  // rows top first
};

// Runs the scene's sampler on the GPU to scene.step and draws it.
RenderedImage renderScene(const GpuContext& ctx, const Scene& scene, uint32_t width,
                          uint32_t height);
// Encodes PNG and writes it atomically; throws InputError naming the path on failure.
void writePng(const std::string& path, const RenderedImage& image);

}  // namespace flowscope
