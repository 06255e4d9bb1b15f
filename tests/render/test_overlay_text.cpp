// The overlay's text: the panel's font as a distance field (every symbol the labs write has its
// own glyph), UTF-8 decoding, wrapping to a width, and anti-aliased edges in a rendered frame.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "DiffusionLab.h"
#include "DiffusionOverlay.h"
#include "Draw2D.h"
#include "GpuFixture.h"
#include "HeatmapLayer.h"
#include "InputError.h"
#include "LabCatalog.h"
#include "OverlayFont.h"
#include "RendererCatalog.h"
#include "RfLab.h"
#include "RfRenderer.h"
#include "Theme.h"
#include "TransportLab.h"
#include "TransportRenderer.h"

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

namespace {

// Whether `v` holds a colour bar of `colormap`: its 64 slices, left to right, each a quad of the
// colormap's colour at its position.
bool hasColorBar(const std::vector<OverlayVertex>& v, const std::string& colormap) {
  const auto& lut = namedColormap(colormap);
  float lastX = -1e9f;
  int found = 0;
  for (int k = 0; k < 64; ++k) {
    const auto& c = lut[size_t(std::lround(float(k) / 63.0f * 255.0f))];
    const glm::vec4 want{c[0], c[1], c[2], 1.0f};
    bool seen = false;
    for (size_t i = 0; i + 5 < v.size() && !seen; i += 1)
      if (v[i].color == want && v[i].atlas.x < 0.0f && v[i].pixel.x > lastX) {
        lastX = v[i].pixel.x;
        seen = true;
      }
    found += seen;
  }
  return found == 64;
}

}  // namespace

TEST(Draw2D, ColorBarSpansItsColormapWithItsRange) {
  std::vector<OverlayVertex> out;
  const float bottom = colorBar(out, {100, 50}, 200, {"magma", "bin mass / max", "0", "1", "0.25"});
  EXPECT_FLOAT_EQ(bottom, 50 + kColorBarHeight);
  EXPECT_TRUE(hasColorBar(out, "magma"));
  EXPECT_FALSE(hasColorBar(out, "viridis"));
  // Everything inside its box: x in [100 - pad, 300 + pad].
  for (const OverlayVertex& p : out) {
    EXPECT_GE(p.pixel.x, 96.0f);
    EXPECT_LE(p.pixel.x, 304.0f);
  }
  // The heatmap's bar of the Diffusion lab spans peak - 12 .. peak nats.
  const ColorBar heat = heatBar(HeatmapKind::NoisedDensity, -12.757, -0.757);
  EXPECT_EQ(heat.low, "-12.8");
  EXPECT_EQ(heat.high, "-0.757");
  // A nearly flat density (a large sigma): enough digits that the ends differ.
  const ColorBar flat = heatBar(HeatmapKind::NoisedDensity, -10.6107, -10.6007);
  EXPECT_NE(flat.low, flat.high);
  EXPECT_NE(heat.title.find("log p_t(x), nats"), std::string::npos);
}

// Every heatmap, matrix and ERF drawn over the plot carries its colour bar; none without one.
TEST_F(OverlayTextRender, EveryHeatmapHasItsColourBar) {
  // Diffusion & Flow: the log-density heatmap (viridis) while it is drawn.
  std::unique_ptr<Lab> lab = makeLab("diffusion");
  auto& diffusion = dynamic_cast<DiffusionLab&>(*lab);
  DiffusionFrame f{diffusion.simulation(gpu), diffusion.params(), diffusion.camera(), 1280, 800};
  ASSERT_TRUE(diffusion.params().showHeatmap());
  f.heatPeak = -0.75;
  f.heatFloor = -12.75;
  EXPECT_TRUE(hasColorBar(buildOverlay(f), "viridis"));
  f.heatPeak = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(hasColorBar(buildOverlay(f), "viridis"));

  // Transport: the plan inset (magma) and the potential heatmap (viridis) when shown.
  lab = makeLab("transport");
  auto& transport = dynamic_cast<TransportLab&>(*lab);
  transport.settle({});
  ASSERT_TRUE(transport.settings().showMatrix);
  ScalarGrid grid;
  grid.lo = -2.0f, grid.hi = 3.0f;
  EXPECT_TRUE(hasColorBar(TransportRenderer::buildVertices(transport, 1280, 800), "magma"));
  transport.setPotential(PotentialShown::Source);
  EXPECT_TRUE(
      hasColorBar(TransportRenderer::buildVertices(transport, 1280, 800, &grid), "viridis"));
  transport.setPotential(PotentialShown::None);
  EXPECT_FALSE(
      hasColorBar(TransportRenderer::buildVertices(transport, 1280, 800, &grid), "viridis"));

  // Receptive Field: the ERF (magma) while shown.
  lab = makeLab("rf");
  auto& rf = dynamic_cast<RfLab&>(*lab);
  rf.settle({});
  ASSERT_TRUE(rf.settings().showErf);
  EXPECT_TRUE(hasColorBar(RfRenderer::buildVertices(rf, 1280, 800), "magma"));
}

// The light theme swaps what surrounds the data: a light background and dark captions and ink;
// the dark theme the reverse. The data's own colours do not change.
TEST_F(OverlayTextRender, LightThemeSwapsBackgroundTextAndInk) {
  const auto luminance = [](const RenderedImage& im, int x, int y) {
    const uint8_t* p = &im.rgba[(size_t(y) * im.width + x) * 4];
    return (int(p[0]) + p[1] + p[2]) / 3;
  };
  std::unique_ptr<Lab> lab = makeLab("transport");
  setTheme(ThemeKind::Light);
  const RenderedImage light = renderLab(*gpu, *lab, 480, 300, {}, 1.0f);
  setTheme(ThemeKind::Dark);
  const RenderedImage dark = renderLab(*gpu, *lab, 480, 300, {}, 1.0f);
  // A corner of plain background, and the darkest pixel of the caption's first line.
  EXPECT_GT(luminance(light, 470, 290), 200);
  EXPECT_LT(luminance(dark, 470, 290), 40);
  int lightInk = 255, darkInk = 0;
  for (int x = 16; x < 200; ++x)
    for (int y = 12; y < 26; ++y)
      lightInk = std::min(lightInk, luminance(light, x, y)),
      darkInk = std::max(darkInk, luminance(dark, x, y));
  EXPECT_LT(lightInk, 60);  // dark text on the light theme
  EXPECT_GT(darkInk, 190);  // light text on the dark theme
  EXPECT_EQ(themeName(activeTheme()), "dark");
  EXPECT_THROW(parseTheme("blue", "--theme"), InputError);
}

// Every drawn Diffusion layer has its legend line, and none that is not drawn.
TEST_F(OverlayTextRender, EveryDiffusionLayerHasALegendLine) {
  std::unique_ptr<Lab> lab = makeLab("diffusion");
  auto& diffusion = dynamic_cast<DiffusionLab&>(*lab);
  DiffusionParams& p = diffusion.params();
  DiffusionFrame f{diffusion.simulation(gpu), p, diffusion.camera(), 1280, 800};
  const auto has = [&](const char* words, bool streamlines = false) {
    for (const std::string& line : layerLegend(f, streamlines))
      if (line.find(words) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(has("particles"));
  EXPECT_FALSE(has("paths from the noise"));
  p.setShowPaths(true);
  p.setShowGhosts(true);
  EXPECT_TRUE(has("paths from the noise"));
  EXPECT_TRUE(has("x0-prediction"));
  EXPECT_TRUE(has("streamlines", true));
  EXPECT_FALSE(has("streamlines", false));
  p.setShowParticles(false);
  EXPECT_FALSE(has("orange dots"));
}

// The heatmap's colour range follows the view: a flat p_t (sigma 80 over a view 10 high) spans
// the least range allowed, the data's sharp density the full 12 nats.
TEST_F(OverlayTextRender, HeatmapRangeFollowsTheDensityInView) {
  DiffusionScene karras = defaultDiffusionScene();  // Heun on Karras: sigma 80 at step 0
  karras.params.setHeatmap(HeatmapKind::NoisedDensity);
  karras.camera.height = 10.0;
  DiffusionLab diffusion(karras);
  DiffusionFrame f{diffusion.simulation(gpu), diffusion.params(), diffusion.camera(), 1280, 800};
  const glm::dvec2 noisy = HeatmapLayer::levelOf(f);  // the shown step: sigma 80
  const double peakNoisy = f.sim.data().peakLogDensity(noisy.x, noisy.y);
  EXPECT_DOUBLE_EQ(HeatmapLayer::floorOf(f, noisy, peakNoisy),
                   peakNoisy - HeatmapLayer::kMinSpanNats);
  const glm::dvec2 data{1.0, 0.0};
  const double peakData = f.sim.data().peakLogDensity(data.x, data.y);
  EXPECT_DOUBLE_EQ(HeatmapLayer::floorOf(f, data, peakData), peakData - HeatmapLayer::kRangeNats);
}
