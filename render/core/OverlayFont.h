#pragma once
// The overlay's font: DejaVu Sans (assets/fonts, the panel's font) baked once into a signed
// distance field atlas with stb_truetype, so captions, legends and tick labels are anti-aliased
// at any UI scale from one atlas. Covers ASCII, Latin-1, Greek and the arrows and operators the
// labs write (σ ε ∇ √ Σ − → ≈ ≤ ∞ ...); any other code point draws as '?'.
#include <glm/glm.hpp>

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace flowscope {

class OverlayFont {
 public:
  // Em size in overlay pixels: the height text is laid out at (lines sit kLineHeight apart).
  static constexpr float kPixels = 16.0f;
  static constexpr float kLineHeight = 18.0f;
  // One glyph: its atlas rectangle (texels) and its box relative to the pen on the baseline,
  // both in overlay pixels at kPixels.
  struct Glyph {
    glm::vec2 atlasMin, atlasMax;
    glm::vec2 offset, size;
    float advance;
  };

  // The atlas, built on first use from assets:fonts/DejaVuSans.ttf (throws InputError when the
  // font is missing or unreadable).
  static const OverlayFont& instance();

  const Glyph& glyph(char32_t c) const;
  float ascent() const { return ascent_; }
  uint32_t atlasWidth() const { return width_; }
  uint32_t atlasHeight() const { return height_; }
  // One byte per texel, row-major; 128 is the glyph's edge, +-kSpread texels either side.
  const std::vector<uint8_t>& atlas() const { return texels_; }

  // UTF-8 to code points; a malformed byte becomes U+FFFD.
  static std::u32string decode(std::string_view utf8);

 private:
  OverlayFont();
  std::unordered_map<char32_t, Glyph> glyphs_;
  std::vector<uint8_t> texels_;
  uint32_t width_ = 512, height_ = 0;
  float ascent_ = 0.0f;
};

}  // namespace flowscope
