#pragma once
// Vector export: while an SvgRecorder is active, the overlay's primitives (Draw2D's segments,
// rectangles, discs and text: the points, lines, arrows, captions, legends, axes and colour bars
// every lab draws on the host) are recorded as SVG elements in overlay pixels, and the overlay
// is not drawn, so the frame rendered meanwhile holds only the GPU layers (heatmaps, matrices,
// images, the Diffusion lab's splatted cloud of over 65,536 particles), which the SVG embeds as a
// PNG beneath the vectors. The Diffusion lab's GPU-drawn points, arrows, trails and paths are
// recorded as vectors by DiffusionVectors.h.
#include <glm/glm.hpp>

#include <string>

namespace flowscope {

class SvgRecorder {
 public:
  SvgRecorder();   // becomes the active recorder (one at a time, on the rendering thread)
  ~SvgRecorder();  // stops recording
  SvgRecorder(const SvgRecorder&) = delete;
  SvgRecorder& operator=(const SvgRecorder&) = delete;

  static SvgRecorder* active();

  // Added to every coordinate recorded from now on (overlay pixels): the split view's right half.
  void setOrigin(glm::vec2 origin) { origin_ = origin; }

  void line(glm::vec2 a, glm::vec2 b, float width, glm::vec4 color);
  void rect(glm::vec2 a, glm::vec2 b, glm::vec4 color);
  void circle(glm::vec2 centre, float radius, glm::vec4 color);
  // Text with its top-left at `at`, its baseline `ascent` below, `size` pixels (the em).
  void text(glm::vec2 at, float ascent, float size, const std::string& utf8, glm::vec4 color);

  // The document: width x height pixels, the PNG `background` (file bytes) stretched under the
  // recorded elements, which are scaled by `scale` (the overlay's UI scale).
  std::string document(int width, int height, const std::string& backgroundPng, float scale) const;
  size_t elements() const { return count_; }

 private:
  std::string body_;
  size_t count_ = 0;
  glm::vec2 origin_{0.0f};
};

}  // namespace flowscope
