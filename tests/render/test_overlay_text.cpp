// The overlay's text: the panel's font as a distance field (every symbol the labs write has its
// own glyph), UTF-8 decoding, wrapping to a width, and anti-aliased edges in a rendered frame.
#include <gtest/gtest.h>

#include <set>

#include "Draw2D.h"
#include "GpuFixture.h"
#include "LabCatalog.h"
#include "OverlayFont.h"
#include "RendererCatalog.h"

using namespace flowscope;
using flowscope::testing::GpuTest;

TEST(OverlayFont, EverySymbolTheLabsWriteHasItsOwnGlyph) {
  const OverlayFont& font = OverlayFont::instance();
  const OverlayFont::Glyph& unknown = font.glyph(U'?');
  for (char32_t c : std::u32string(U"σεμΣΔ∇√−→≈≤≥²·×∞…")) {
    const OverlayFont::Glyph& g = font.glyph(c);
    EXPECT_NE(g.atlasMin, unknown.atlasMin) << uint32_t(c);
    EXPECT_GT(g.size.x * g.size.y, 0.0f) << uint32_t(c);
    EXPECT_GT(g.advance, 0.0f) << uint32_t(c);
  }
  // A code point outside the font falls back to '?', as does an unmapped CJK one.
  EXPECT_EQ(font.glyph(U'\u4E2D').atlasMin, unknown.atlasMin);
  // Glyphs lie inside the atlas.
  for (char32_t c : std::u32string(U"Ag|σ√")) {
    const OverlayFont::Glyph& g = font.glyph(c);
    EXPECT_LE(g.atlasMax.x, float(font.atlasWidth()));
    EXPECT_LE(g.atlasMax.y, float(font.atlasHeight()));
  }
  // Em size 16 px: a capital is 10-14 px tall, the line 18 px.
  EXPECT_GT(font.glyph(U'H').size.y, 10.0f);
  EXPECT_LT(font.glyph(U'H').size.y, 17.0f);
}

TEST(OverlayFont, DecodesUtf8AndMarksMalformedBytes) {
  EXPECT_EQ(OverlayFont::decode("σ = 1"), U"σ = 1");
  EXPECT_EQ(OverlayFont::decode("a\xff"
                                "b"),
            U"a\uFFFDb");
  EXPECT_EQ(OverlayFont::decode("\xcf"), U"\uFFFD");            // truncated two-byte sequence
  EXPECT_EQ(OverlayFont::decode("\xe2\x88"), U"\uFFFD\uFFFD");  // truncated three-byte one
  EXPECT_EQ(OverlayFont::decode("∇√"), U"∇√");
}

TEST(Draw2D, WrapLinesKeepsEveryLineWithinTheWidth) {
  const std::string sentence =
      "query 0 (cyan): lines to keys, width = weight (mean of heads); green arrow: its output";
  const std::vector<std::string> lines = wrapLines({sentence, "short"}, 200.0f);
  ASSERT_GE(lines.size(), 4u);
  std::string joined;
  for (size_t k = 0; k + 1 < lines.size(); ++k) {
    EXPECT_LE(textWidth(lines[k]), 200.0f) << lines[k];
    joined += (k ? " " : "") + lines[k];
  }
  EXPECT_EQ(joined, sentence);
  EXPECT_EQ(lines.back(), "short");
  // A word wider than the width stands alone rather than being cut.
  EXPECT_EQ(wrapLines({"a verylongwordindeed b"}, 30.0f),
            (std::vector<std::string>{"a", "verylongwordindeed", "b"}));
}

class OverlayTextRender : public GpuTest {};

// The Attention lab's caption over its dark background: the glyph edges blend into the box in
// many grey levels (a bitmap font gives two or three), and the box is darker than the plot's
// background beside it.
TEST_F(OverlayTextRender, CaptionsAreAntiAliasedOnATranslucentBox) {
  std::unique_ptr<Lab> lab = makeLab("attention");
  const RenderedImage im = renderLab(*gpu, *lab, 800, 500, {}, 1.0f);
  std::set<int> greys;
  for (int y = 16; y < 34; ++y)
    for (int x = 16; x < 300; ++x) {
      const uint8_t* p = &im.rgba[(size_t(y) * im.width + x) * 4];
      greys.insert(p[0]);
    }
  EXPECT_GT(greys.size(), 40u);
  const auto lum = [&](int x, int y) {
    const uint8_t* p = &im.rgba[(size_t(y) * im.width + x) * 4];
    return int(p[0]) + p[1] + p[2];
  };
  EXPECT_LT(lum(14, 20), lum(8, 20));  // inside the box's left padding vs the plot left of it
}
