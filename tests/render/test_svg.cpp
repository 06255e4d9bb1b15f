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
    // Points and lines are vectors (the Diffusion lab's particles, arrows and trails are GPU
    // layers: in its embedded image).
    if (info.id != "diffusion") {
      EXPECT_TRUE(svg.find("<line") != std::string::npos ||
                  svg.find("<circle") != std::string::npos);
    }
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

int main(int argc, char** argv) {
  qputenv("QT_QPA_PLATFORM", "offscreen");
  QGuiApplication app(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
