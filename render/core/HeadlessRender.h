#pragma once
// Frames rendered with no window or X server, as RGBA images and PNG files.
#include <cstdint>
#include <string>
#include <vector>

namespace flowscope {

struct RenderedImage {
  uint32_t width = 0, height = 0;
  std::vector<uint8_t> rgba;  // rows top first
};

// The image as PNG file bytes (throws std::runtime_error when the encoder fails).
std::string encodePng(const RenderedImage& image);
// Encodes and writes atomically; throws InputError naming the path on failure.
void writePng(const std::string& path, const RenderedImage& image);

}  // namespace flowscope
