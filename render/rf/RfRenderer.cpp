#include "RfRenderer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "OverlayFont.h"
#include "Resources.h"

namespace flowscope {
namespace {
const uint32_t kFullscreenVert[] =
#include "fullscreen.vert.spv.inc"
    ;
const uint32_t kImageFrag[] =
#include "ShaderLayout.h"
#include "rf_image.frag.spv.inc"
    ;

struct ImagePush {
  float viewport[2], origin[2], scale;
  uint32_t width, height;
  float peak, opacity;
};
FLOWSCOPE_SHADER_SIZE(ImagePush, 36);  // = rf_image.frag
FLOWSCOPE_SHADER_OFFSET(ImagePush, viewport, 0);
FLOWSCOPE_SHADER_OFFSET(ImagePush, origin, 8);
FLOWSCOPE_SHADER_OFFSET(ImagePush, scale, 16);
FLOWSCOPE_SHADER_OFFSET(ImagePush, width, 20);
FLOWSCOPE_SHADER_OFFSET(ImagePush, height, 24);
FLOWSCOPE_SHADER_OFFSET(ImagePush, peak, 28);
FLOWSCOPE_SHADER_OFFSET(ImagePush, opacity, 32);

constexpr glm::vec4 kCentre{0.45f, 0.85f, 1.0f, 0.75f};
constexpr glm::vec4 kHover{0.35f, 0.85f, 0.95f, 1.0f};
constexpr glm::vec4 kPadding{0.98f, 0.55f, 0.20f, 0.35f};
constexpr glm::vec4 kPinned{1.0f, 0.85f, 0.25f, 1.0f};
constexpr glm::vec4 kWarn{1.0f, 0.55f, 0.25f, 1.0f};

// Input coordinates (row, col) to framebuffer pixels.
glm::vec2 toPixel(const RfLab& lab, double row, double col, uint32_t w, uint32_t h) {
  return glm::vec2(lab.camera().worldToPixel({col, -row}, int(w), int(h)));
}

void outline(std::vector<OverlayVertex>& out, glm::vec2 a, glm::vec2 b, float width,
             glm::vec4 color) {
  segment(out, {a.x, a.y}, {b.x, a.y}, width, color);
  segment(out, {b.x, a.y}, {b.x, b.y}, width, color);
  segment(out, {b.x, b.y}, {a.x, b.y}, width, color);
  segment(out, {a.x, b.y}, {a.x, a.y}, width, color);
}

// A unit's box (pixel edges: indices top..bottom cover [top - 0.5, bottom + 0.5]) and, shaded,
// the parts of it outside the image (the padding it reaches into).
void drawUnitBox(std::vector<OverlayVertex>& out, const RfLab& lab, const RfBox& b, glm::vec4 color,
                 uint32_t w, uint32_t h) {
  const double H = lab.architecture().height, W = lab.architecture().width;
  const double t = b.top - 0.5, l = b.left - 0.5, bo = b.bottom + 0.5, r = b.right + 0.5;
  auto shade = [&](double r0, double c0, double r1, double c1) {
    if (r1 <= r0 || c1 <= c0) return;
    quad(out, toPixel(lab, r0, c0, w, h), toPixel(lab, r1, c1, w, h), kPadding);
  };
  shade(t, l, std::min(bo, -0.5), r);                                        // above
  shade(std::max(t, H - 0.5), l, bo, r);                                     // below
  shade(std::max(t, -0.5), l, std::min(bo, H - 0.5), std::min(r, -0.5));     // left
  shade(std::max(t, -0.5), std::max(l, W - 0.5), std::min(bo, H - 0.5), r);  // right
  outline(out, toPixel(lab, t, l, w, h), toPixel(lab, bo, r, w, h), 2.0f, color);
  const glm::vec2 c = toPixel(lab, b.centerRow, b.centerCol, w, h);
  segment(out, c - glm::vec2(5, 0), c + glm::vec2(5, 0), 1.5f, color);
  segment(out, c - glm::vec2(0, 5), c + glm::vec2(0, 5), 1.5f, color);
}

}  // namespace

RfRenderer::RfRenderer(const GpuContext& ctx, VkRenderPass pass, uint32_t slots)
    : ctx_(ctx),
      bindings_(ctx.device(), 3, sizeof(ImagePush), slots),
      colormap_(uploadColormap(ctx, loadColormap("magma"))),
      slots_(slots),
      overlay_(ctx, pass, slots) {
  pipeline_ = createPulledPipeline(ctx.device(), kFullscreenVert, kImageFrag,
                                   VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST, bindings_.layout(), pass);
}

RfRenderer::~RfRenderer() {
  for (Slot& s : slots_) bindings_.freeSet(s.set);
  vkDestroyPipeline(ctx_.device(), pipeline_, nullptr);
}

// The image and the ERF go to host-visible buffers of the frame slot being recorded when they
// changed since that slot last drew (an edit). The frame that last used this slot's buffers is
// done (its fence was waited before the slot is recorded again), and frames in flight read their
// own slots' copies: no device wait.
RfRenderer::Slot& RfRenderer::upload(const RfLab& lab, uint32_t slot) {
  Slot& s = slots_.at(slot);
  if (s.revision == lab.revision() && s.set != VK_NULL_HANDLE) return s;
  const size_t n = lab.image().size();
  const VkDeviceSize bytes = VkDeviceSize(std::max<size_t>(n, 1) * sizeof(float));
  if (!s.image.valid() || s.image.size() != bytes) {
    bindings_.freeSet(s.set);
    s.set = VK_NULL_HANDLE;
    s.image = GpuBuffer(ctx_, bytes, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, MemoryKind::HostVisible);
    s.erf = GpuBuffer(ctx_, bytes, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, MemoryKind::HostVisible);
    const GpuBuffer* buffers[] = {&s.image, &s.erf, &colormap_};
    s.set = bindings_.makeSet(buffers);
  }
  std::copy(lab.image().begin(), lab.image().end(), static_cast<float*>(s.image.mapped()));
  float* e = static_cast<float*>(s.erf.mapped());
  s.peak = 0.0f;
  const auto& v = lab.erf().values;
  for (size_t i = 0; i < n; ++i) {
    e[i] = i < v.size() ? float(v[i]) : 0.0f;
    s.peak = std::max(s.peak, e[i]);
  }
  s.revision = lab.revision();
  return s;
}

void RfRenderer::draw(VkCommandBuffer cmd, const RfLab& lab, const LabFrame& f) {
  const uint32_t width = f.width, height = f.height, slot = f.slot;
  const float uiScale = f.uiScale;
  const Slot& s = upload(lab, slot);
  const glm::vec2 origin = toPixel(lab, -0.5, -0.5, width, height);
  ImagePush p{{float(width), float(height)},
              {origin.x, origin.y},
              float(lab.camera().pixelsPerUnit(int(height))),
              uint32_t(lab.architecture().width),
              uint32_t(lab.architecture().height),
              lab.settings().showErf ? s.peak : 0.0f,
              lab.settings().erfOpacity};
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline_);
  bindings_.bind(cmd, s.set);
  bindings_.push(cmd, &p);
  vkCmdDraw(cmd, 3, 1, 0, 0);
  const OverlaySize o = overlaySize(width, height, uiScale);
  overlay_.drawVertices(cmd, slot, buildVertices(lab, o.width, o.height), o.width, o.height);
}

std::vector<OverlayVertex> RfRenderer::buildVertices(const RfLab& lab, uint32_t w, uint32_t h) {
  std::vector<OverlayVertex> out;
  const Architecture& a = lab.architecture();
  outline(out, toPixel(lab, -0.5, -0.5, w, h), toPixel(lab, a.height - 0.5, a.width - 0.5, w, h),
          1.0f, ink(0.45f));
  const RfRow* row = lab.selectedRow();
  if (!row) return out;
  const RfState& s = row->out;
  // Unit centres: every k-th so that at most ~40 a side are drawn and they stay >= 4 px apart.
  const double ppu = lab.camera().pixelsPerUnit(int(h));
  int every = std::max(1, (std::max(s.unitsH, s.unitsW) + 39) / 40);
  while (double(s.jump) * every * ppu < 4.0) every *= 2;
  if (lab.settings().showGrid)
    for (int r = 0; r < s.unitsH; r += every)
      for (int c = 0; c < s.unitsW; c += every)
        disc(out, toPixel(lab, s.start + double(r) * s.jump, s.start + double(c) * s.jump, w, h),
             1.8f, kCentre);
  // Captions at the content's bottom left (the panels are docked beside it), bottom up.
  const float x0 = 16.0f;
  const auto [unitRow, unitCol] = lab.erfUnit();
  drawUnitBox(out, lab, lab.erf().box, kPinned, w, h);
  std::vector<std::pair<std::string, glm::vec4>> lines;
  char buf[320];
  std::snprintf(buf, sizeof(buf), "%s/%s: size %lld, jump %lld, start %.2f, %dx%d units (dots: %s)",
                a.name.c_str(), row->name.c_str(), (long long)s.size, (long long)s.jump, s.start,
                s.unitsH, s.unitsW, every == 1 ? "all" : ("1 in " + std::to_string(every)).c_str());
  lines.emplace_back(buf, theme().text);
  lines.emplace_back(
      "yellow box: the pinned unit's theoretical RF, its ERF in magma; cyan dots: "
      "unit centres; orange: padding the box reaches into",
      theme().text);
  if (row->misaligned) {
    std::snprintf(buf, sizeof(buf), "%s: branch centres differ by %.2f px (misaligned)",
                  row->name.c_str(), row->misalignment);
    lines.emplace_back(buf, kWarn);
  }
  std::snprintf(buf, sizeof(buf), "%s weights%s, %d seed%s, on the %s",
                rfWeightsName(lab.erfOptions().weights).c_str(),
                lab.erfOptions().relu ? ", ReLU" : "", lab.erfOptions().seeds,
                lab.erfOptions().seeds == 1 ? "" : "s", lab.onGpu() ? "GPU" : "CPU");
  lines.emplace_back(buf, kPinned);
  const ErfStats& st = lab.stats();
  std::snprintf(buf, sizeof(buf), "ERF of unit (%d, %d): spread %.2f px, 95%% in %.1f%% of the box",
                unitRow, unitCol, st.spread, 100.0 * st.area95);
  lines.emplace_back(buf, kPinned);
  if (lab.hoverRow() >= 0) {
    const RfBox b = unitBox(s, lab.hoverRow(), lab.hoverCol());
    drawUnitBox(out, lab, b, kHover, w, h);
    const bool intoPadding =
        b.top < 0 || b.left < 0 || b.bottom > a.height - 1 || b.right > a.width - 1;
    std::snprintf(buf, sizeof(buf), "hover: unit (%d, %d) at (%g, %g): rows %g..%g, cols %g..%g%s",
                  lab.hoverRow(), lab.hoverCol(), b.centerRow, b.centerCol, b.top, b.bottom, b.left,
                  b.right, intoPadding ? ", into the padding" : "");
    lines.emplace_back(buf, kHover);
  }
  std::vector<std::pair<std::string, glm::vec4>> wrapped;  // each line within the frame
  for (const auto& [line, color] : lines)
    for (const std::string& piece : wrapLines({line}, float(w) - x0 - 12.0f))
      wrapped.emplace_back(piece, color);
  lines = std::move(wrapped);
  float y = float(h) - 8.0f - OverlayFont::kLineHeight * float(lines.size());
  if (lab.settings().showErf)
    colorBar(out, {x0, y - kColorBarHeight - 6.0f}, 220.0f,
             {"magma", "ERF: |gradient| / its peak", "0", "1", ""});
  for (const auto& [line, color] : lines) {
    text(out, {x0, y}, line, color);
    y += OverlayFont::kLineHeight;
  }
  if (!lab.note().empty()) text(out, {x0, 40.0f}, lab.note(), kWarn);
  return out;
}

std::unique_ptr<LabRenderer> makeRfRenderer(Lab& lab, const GpuContext& ctx, VkRenderPass pass,
                                            uint32_t slots) {
  return std::make_unique<DrawnLabRenderer<RfRenderer, RfLab>>(ctx, pass, slots,
                                                               dynamic_cast<const RfLab&>(lab));
}

}  // namespace flowscope
