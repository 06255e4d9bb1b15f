#include "OverlayFont.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>

#include "InputError.h"
#include "Resources.h"

#define STB_TRUETYPE_IMPLEMENTATION
#define STBTT_STATIC
#include <stb/stb_truetype.h>

namespace flowscope {
namespace {

constexpr float kBakePixels = 32.0f;  // the atlas's em size; drawn at kPixels x any UI scale
constexpr int kSpread = 4;            // texels of distance either side of the edge
constexpr float kToOverlay = OverlayFont::kPixels / kBakePixels;

std::vector<char32_t> codePoints() {
  std::vector<char32_t> out;
  const auto range = [&](char32_t a, char32_t b) {
    for (char32_t c = a; c <= b; ++c) out.push_back(c);
  };
  range(0x20, 0x7E);
  range(0xA0, 0xFF);
  range(0x391, 0x3A9);  // Greek capitals (Σ, Δ)
  range(0x3B1, 0x3C9);  // Greek small letters (σ, ε, μ, τ)
  range(0x2190, 0x2195);
  for (char32_t c : {0x2013, 0x2014, 0x2016, 0x2026, 0x2207, 0x2211, 0x2212, 0x221A, 0x221E, 0x2248,
                     0x2260, 0x2264, 0x2265, 0x22C5, 0xFFFD})
    out.push_back(c);
  return out;
}

std::vector<unsigned char> readFont(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open the overlay font");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

const OverlayFont& OverlayFont::instance() {
  static const OverlayFont font;
  return font;
}

OverlayFont::OverlayFont() {
  const std::string path = assetPath("fonts/DejaVuSans.ttf");
  const std::vector<unsigned char> ttf = readFont(path);
  stbtt_fontinfo info;
  if (ttf.empty() || !stbtt_InitFont(&info, ttf.data(), stbtt_GetFontOffsetForIndex(ttf.data(), 0)))
    throw InputError(path + ": not a TrueType font");
  const float scale = stbtt_ScaleForMappingEmToPixels(&info, kBakePixels);
  int ascent = 0, descent = 0, gap = 0;
  stbtt_GetFontVMetrics(&info, &ascent, &descent, &gap);
  ascent_ = float(ascent) * scale * kToOverlay;

  // Shelf packing: glyphs left to right in rows as tall as the row's tallest glyph.
  int x = 0, y = 0, rowHeight = 0;
  for (char32_t c : codePoints()) {
    if (c > 0x7E && stbtt_FindGlyphIndex(&info, int(c)) == 0) continue;
    int advance = 0, bearing = 0;
    stbtt_GetCodepointHMetrics(&info, int(c), &advance, &bearing);
    Glyph g{};
    g.advance = float(advance) * scale * kToOverlay;
    int w = 0, h = 0, xoff = 0, yoff = 0;
    unsigned char* sdf = stbtt_GetCodepointSDF(&info, scale, int(c), kSpread, 128, 128.0f / kSpread,
                                               &w, &h, &xoff, &yoff);
    if (sdf) {
      if (x + w + 1 > int(width_)) x = 0, y += rowHeight + 1, rowHeight = 0;
      if (texels_.size() < size_t(width_) * size_t(y + h))
        texels_.resize(size_t(width_) * size_t(y + h), 0);
      for (int r = 0; r < h; ++r)
        std::copy_n(sdf + r * w, w, texels_.begin() + std::ptrdiff_t((y + r) * width_ + x));
      stbtt_FreeSDF(sdf, nullptr);
      g.atlasMin = {float(x), float(y)};
      g.atlasMax = {float(x + w), float(y + h)};
      g.offset = glm::vec2(float(xoff), float(yoff)) * kToOverlay;
      g.size = glm::vec2(float(w), float(h)) * kToOverlay;
      x += w + 1;
      rowHeight = std::max(rowHeight, h);
    }
    glyphs_.emplace(c, g);
  }
  height_ = uint32_t(texels_.size() / width_);
  texels_.resize(size_t(width_) * height_ + 3, 0);  // whole 32-bit words for the shader
}

const OverlayFont::Glyph& OverlayFont::glyph(char32_t c) const {
  auto it = glyphs_.find(c);
  return it != glyphs_.end() ? it->second : glyphs_.at(U'?');
}

std::u32string OverlayFont::decode(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    const int extra = b < 0x80         ? 0
                      : (b >> 5) == 6  ? 1
                      : (b >> 4) == 14 ? 2
                      : (b >> 3) == 30 ? 3
                                       : -1;
    char32_t c = extra == 0 ? b : extra == 1 ? (b & 0x1F) : extra == 2 ? (b & 0x0F) : (b & 0x07);
    bool ok = extra >= 0 && i + size_t(extra) < s.size();
    for (int k = 1; ok && k <= extra; ++k) {
      const unsigned char n = static_cast<unsigned char>(s[i + size_t(k)]);
      ok = (n >> 6) == 2;
      c = (c << 6) | (n & 0x3F);
    }
    out.push_back(ok ? c : U'\uFFFD');
    i += ok ? size_t(extra) + 1 : 1;
  }
  return out;
}

}  // namespace flowscope
