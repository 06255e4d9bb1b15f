// Headless render: the frame is not blank, and particles appear where they are.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "DiffusionHeadless.h"
#include "DiffusionOverlay.h"
#include "GpuFixture.h"
#include "LabCatalog.h"
#include "ParticleLayer.h"
#include "RendererCatalog.h"

using namespace flowscope;
using flowscope::testing::GpuTest;

namespace {

struct Rgb {
  int r, g, b;
};

Rgb pixel(const RenderedImage& im, int x, int y) {
  const uint8_t* p = &im.rgba[(size_t(y) * im.width + x) * 4];
  return {p[0], p[1], p[2]};
}

bool isParticleColor(Rgb c) {
  return c.r > 150 && c.g > 60 && c.g < 190 && c.b < 120;
}

// A single tight Gaussian at `at`: after sampling, every particle sits within a few pixels of it.
DiffusionScene pointScene(glm::dvec2 at, int particles) {
  DiffusionScene s;
  s.data = DataSource::ofMixture(GaussianMixture({{1.0, at, 1e-4, 0.0, 1e-4}}));
  s.dataset = resolve(s.data);
  s.params.setParticleCount(particles);
  s.params.setShowHeatmap(false);
  s.params.setShowField(false);
  s.params.setShowTrails(false);
  s.params.setShowTimeStrip(false);
  s.step = s.params.schedule().steps;
  return s;
}

}  // namespace

class HeadlessRenderTest : public GpuTest {};

// The arrows' legend names the field shown and the way it points, for every field (the ε and
// velocity fields were once labelled "denoiser D(x)-x").
TEST(DiffusionOverlay, ArrowLegendNamesEachFieldAndItsDirection) {
  const std::pair<FieldKind, const char*> named[] = {{FieldKind::Score, "score ∇ log p_t"},
                                                     {FieldKind::DenoiserDisplacement, "D(x) - x"},
                                                     {FieldKind::Eps, "ε-prediction"},
                                                     {FieldKind::Velocity, "velocity"}};
  std::set<std::string> texts;
  for (bool flow : {false, true})
    for (const auto& [kind, words] : named) {
      const std::string text = fieldLegend(kind, flow);
      EXPECT_NE(text.find(words), std::string::npos) << text;
      EXPECT_NE(text.find("pointing"), std::string::npos) << text;
      texts.insert(text);
    }
  EXPECT_EQ(texts.size(), 5u);  // the velocity differs between flow and diffusion
  EXPECT_NE(fieldLegend(FieldKind::Velocity, true).find("dx/dt = ε − x0"), std::string::npos);
  EXPECT_NE(fieldLegend(FieldKind::Velocity, false).find("d(x/s)/dσ = ε"), std::string::npos);
}

// The sigma strip's axis: the schedule's sigma range (Karras: sigma_max and sigma_min exactly;
// flow: its last finite level, not the infinite sigma at t = 1) and its step count.
TEST(DiffusionOverlay, SigmaStripAxisSpansTheSchedule) {
  ScheduleParams karras;  // 18 steps, sigma 0.002 .. 80
  const TimeStripAxis a = timeStripAxis(buildSchedule(karras));
  EXPECT_DOUBLE_EQ(a.sigmaMax, 80.0);
  EXPECT_NEAR(a.sigmaMin, 0.002, 1e-15);
  EXPECT_EQ(a.steps, 18);
  EXPECT_EQ(formatSigma(a.sigmaMax), "80");
  EXPECT_EQ(formatSigma(a.sigmaMin), "0.002");
  ScheduleParams flow;
  flow.kind = ScheduleKind::Flow;
  flow.steps = 10;
  const auto levels = buildSchedule(flow);
  const TimeStripAxis b = timeStripAxis(levels);
  EXPECT_TRUE(std::isfinite(b.sigmaMax));
  EXPECT_EQ(b.steps, 10);
  double largest = 0.0, smallest = INFINITY;
  for (const auto& l : levels)
    if (l.tau > 0.0 && std::isfinite(l.sigma()))
      largest = std::max(largest, l.sigma()), smallest = std::min(smallest, l.sigma());
  EXPECT_EQ(b.sigmaMax, largest);
  EXPECT_EQ(b.sigmaMin, smallest);
}

TEST_F(HeadlessRenderTest, DefaultSceneIsNotBlank) {
  DiffusionScene scene = defaultDiffusionScene();
  scene.step = 12;
  RenderedImage im = renderDiffusionScene(*gpu, scene, 320, 200);
  ASSERT_EQ(im.rgba.size(), 320u * 200u * 4u);
  std::set<uint32_t> colours;
  for (size_t i = 0; i < im.rgba.size(); i += 4)
    colours.insert(uint32_t(im.rgba[i]) << 16 | uint32_t(im.rgba[i + 1]) << 8 | im.rgba[i + 2]);
  EXPECT_GT(colours.size(), 200u) << "heatmap, arrows, trails and particles give many colours";
}

TEST_F(HeadlessRenderTest, PointParticlesAppearWhereTheyAre) {
  for (glm::dvec2 at : {glm::dvec2(2.0, 1.0), glm::dvec2(-1.5, -2.0)}) {
    DiffusionScene scene = pointScene(at, 4096);
    RenderedImage im = renderDiffusionScene(*gpu, scene, 400, 400);
    glm::dvec2 p = scene.camera.worldToPixel(at, 400, 400);
    glm::dvec2 mirrored = scene.camera.worldToPixel(-at, 400, 400);
    EXPECT_TRUE(isParticleColor(pixel(im, int(p.x), int(p.y))))
        << "at " << at.x << "," << at.y << ": " << pixel(im, int(p.x), int(p.y)).r;
    EXPECT_FALSE(isParticleColor(pixel(im, int(mirrored.x), int(mirrored.y))));
  }
}

TEST_F(HeadlessRenderTest, SplattedParticlesAppearWhereTheyAre) {
  DiffusionScene scene = pointScene({-2.0, 1.5}, ParticleLayer::kPointLimit * 2);
  RenderedImage im = renderDiffusionScene(*gpu, scene, 400, 400);
  glm::dvec2 p = scene.camera.worldToPixel({-2.0, 1.5}, 400, 400);
  glm::dvec2 away = scene.camera.worldToPixel({2.0, -1.5}, 400, 400);
  EXPECT_TRUE(isParticleColor(pixel(im, int(p.x), int(p.y))));
  EXPECT_FALSE(isParticleColor(pixel(im, int(away.x), int(away.y))));
}

TEST_F(HeadlessRenderTest, HeatmapIsBrightAtTheModeAndFloorFarAway) {
  DiffusionScene scene = defaultDiffusionScene();
  scene.params.setShowParticles(false);
  scene.params.setShowField(false);
  scene.params.setShowTrails(false);
  const auto& mode = scene.dataset->mixture->components()[0].mean;
  RenderedImage im = renderDiffusionScene(*gpu, scene, 400, 400);
  glm::dvec2 p = scene.camera.worldToPixel(mode, 400, 400);
  Rgb top = pixel(im, int(p.x), int(p.y));
  EXPECT_GT(top.r, 200) << "viridis' top is yellow";
  EXPECT_GT(top.g, 200);
  glm::dvec2 centre =
      scene.camera.worldToPixel({0.3, 0.3}, 400, 400);  // inside the ring: far below peak - 12
  Rgb floor = pixel(im, int(centre.x), int(centre.y));
  EXPECT_NEAR(floor.r, 68, 2);  // viridis(0) = (0.267, 0.005, 0.329)
  EXPECT_NEAR(floor.b, 84, 2);
}

// The UI scale of a headless render (render --scale): the Attention lab's caption's first line
// (top left, in the text colour) is twice as tall and starts twice as far down at scale 4 as at
// scale 2, on an image of the same size; every lab renders at scale 2.
TEST_F(HeadlessRenderTest, OverlayTextFollowsTheUiScale) {
  // The first run of rows holding text-coloured pixels: the caption's first line.
  const auto captionRows = [&](float scale) {
    std::unique_ptr<Lab> lab = makeLab("attention");
    const RenderedImage im = renderLab(*gpu, *lab, 800, 500, {}, scale);
    int top = -1, bottom = -1;
    for (int y = 0; y < 200; ++y) {
      bool text = false;
      for (int x = 0; x < 400 && !text; ++x) {
        const Rgb c = pixel(im, x, y);
        text = c.r > 215 && c.g > 215 && c.b > 215;
      }
      if (text && top < 0) top = y;
      if (text) bottom = y;
      if (!text && top >= 0) break;
    }
    return std::pair{top, bottom};
  };
  // Scales 2 and 4 (at 1 the first line's shadow touches the second's glyphs).
  const auto [top1, bottom1] = captionRows(2.0f);
  const auto [top2, bottom2] = captionRows(4.0f);
  ASSERT_GT(top1, 0);
  ASSERT_GT(top2, 0);
  EXPECT_NEAR(double(top2) / top1, 2.0, 0.25) << top1 << " " << top2;
  EXPECT_NEAR(double(bottom2 - top2) / (bottom1 - top1), 2.0, 0.25)
      << bottom1 - top1 << " " << bottom2 - top2;
  for (const LabInfo& info : labInfos()) {
    std::unique_ptr<Lab> lab = makeLab(info.id);
    EXPECT_EQ(renderLab(*gpu, *lab, 320, 200, {}, 2.0f).rgba.size(), 320u * 200u * 4u) << info.id;
  }
}
