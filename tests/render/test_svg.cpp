// SVG export: every lab's SVG parses and renders with Qt SVG close to its PNG render; its
// overlay is vector elements (text, lines or circles, rectangles), its GPU layers one embedded
// image. FLOWSCOPE_SHOTS=DIR saves Qt's renders.
#include <gtest/gtest.h>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>

#include <cmath>

#include "GpuFixture.h"
#include "LabCatalog.h"
#include "RendererCatalog.h"

using namespace flowscope;
using flowscope::testing::GpuTest;

class SvgExport : public GpuTest {};

TEST_F(SvgExport, EveryLabsSvgRendersCloseToItsPng) {
  const uint32_t w = 480, h = 300;
  for (const LabInfo& info : labInfos()) {
    SCOPED_TRACE(info.id);
    std::unique_ptr<Lab> lab = makeLab(info.id);
    const RenderedImage png = renderLab(*gpu, *lab, w, h);
    const std::string svg = renderLabSvg(*gpu, *lab, w, h);
    EXPECT_NE(svg.find("<text"), std::string::npos);
    EXPECT_NE(svg.find("<rect"), std::string::npos);
    // Points and lines are vectors (the Diffusion lab's GPU-drawn ones too).
    EXPECT_TRUE(svg.find("<line") != std::string::npos || svg.find("<circle") != std::string::npos);
    EXPECT_NE(svg.find("data:image/png;base64,"), std::string::npos);
    QSvgRenderer renderer(QByteArray::fromStdString(svg));
    ASSERT_TRUE(renderer.isValid());
    EXPECT_EQ(renderer.defaultSize(), QSize(int(w), int(h)));
    QImage drawn(int(w), int(h), QImage::Format_RGBA8888);
    drawn.fill(Qt::black);
    QPainter painter(&drawn);
    renderer.render(&painter);
    painter.end();
    if (const QByteArray shots = qgetenv("FLOWSCOPE_SHOTS"); !shots.isEmpty())
      drawn.save(QString::fromUtf8(shots) + "/svg_" + QString::fromStdString(info.id) + ".png");
    double diff = 0.0;
    for (uint32_t y = 0; y < h; ++y)
      for (uint32_t x = 0; x < w; ++x) {
        const QRgb s = drawn.pixel(int(x), int(y));
        const uint8_t* p = &png.rgba[(size_t(y) * w + x) * 4];
        diff += std::abs(qRed(s) - p[0]) + std::abs(qGreen(s) - p[1]) + std::abs(qBlue(s) - p[2]);
      }
    const double mean = diff / (3.0 * w * h);
    EXPECT_LT(mean, 12.0);  // of 255: glyph and line antialiasing differ, the picture does not
    RecordProperty(info.id + "_mean_abs_diff", std::to_string(mean));
    std::printf("%s: mean |SVG - PNG| = %.2f of 255\n", info.id.c_str(), mean);
  }
}

namespace {

size_t occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

// The Diffusion lab's particles, arrows and trails, drawn by shaders in the PNG, are SVG elements:
// a circle per particle at its downloaded position, three lines per arrow, a line per trail
// segment; the split view's right half is offset by half the width.
TEST_F(SvgExport, DiffusionParticlesArrowsAndTrailsAreVectors) {
  const uint32_t w = 480, h = 300;
  std::unique_ptr<Lab> lab = makeLab("diffusion");
  nlohmann::json scene = lab->sceneJson();
  scene["step"] = 6;
  scene["playing"] = false;
  lab->openScene(scene, "test");
  const std::string atStep0 = renderLabSvg(*gpu, *makeLab("diffusion"), w, h);
  const std::string svg = renderLabSvg(*gpu, *lab, w, h);
  const size_t particles = size_t(scene["sampling"]["particles"].get<int>());
  EXPECT_GE(occurrences(svg, "<circle"), particles);
  // Trails appear once the run has moved: up to 1,024 particles times the trail's segments.
  EXPECT_GE(occurrences(svg, "<line"), occurrences(atStep0, "<line") + 1024);
  scene["display"]["split_view"] = true;
  lab->openScene(scene, "test");
  const std::string split = renderLabSvg(*gpu, *lab, w, h);
  EXPECT_GE(occurrences(split, "<circle"), 2 * particles);  // both halves
}

int main(int argc, char** argv) {
  qputenv("QT_QPA_PLATFORM", "offscreen");
  QGuiApplication app(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
