#include "DiffusionLabRenderer.h"

namespace flowscope {

std::unique_ptr<LabRenderer> makeDiffusionRenderer(Lab& lab, const GpuContext& ctx,
                                                   VkRenderPass pass, uint32_t slots) {
  return std::make_unique<DiffusionLabRenderer>(ctx, pass, slots, dynamic_cast<DiffusionLab&>(lab));
}

DiffusionLabRenderer::DiffusionLabRenderer(const GpuContext& ctx, VkRenderPass pass, uint32_t slots,
                                           DiffusionLab& lab)
    : ctx_(ctx), pass_(pass), slots_(slots), lab_(lab) {
  lab_.useGpu(&ctx);
}

void DiffusionLabRenderer::resize(uint32_t width, uint32_t height) {
  width_ = width, height_ = height;
  if (full_) full_->resize(width, height);
  if (left_) left_->resize(width / 2, height);
  if (right_) right_->resize(width - width / 2, height);
}

// A renderer for one part of the width, made and sized on first use (a new object: no frame in
// flight reads its buffers).
DiffusionRenderer& DiffusionLabRenderer::renderer(std::unique_ptr<DiffusionRenderer>& r,
                                                  uint32_t width) {
  if (!r) {
    r = std::make_unique<DiffusionRenderer>(ctx_, pass_, slots_);
    r->resize(width, height_);
  }
  return *r;
}

void DiffusionLabRenderer::prepare(VkCommandBuffer cmd, const LabFrame& f) {
  frames_.clear();
  renderers_.clear();
  const auto retire = [&f](std::unique_ptr<DiffusionSimulation> old) {
    if (f.retired) f.retired->retire(f.slot, std::move(old));
  };
  DiffusionSimulation& sim = lab_.simulation(&ctx_, retire);
  DiffusionSimulation* compare = lab_.compareSimulation(&ctx_, retire);
  DiffusionRenderer::beginCompute(cmd);
  sim.seek(lab_.playback().target(), cmd);
  const CompareAt at = lab_.params().compareAt();
  if (compare) compare->seek(compareState(at, sim, lab_.playback().target(), *compare), cmd);
  const uint32_t left = compare ? f.width / 2 : f.width;
  frames_.push_back(DiffusionFrame{sim, lab_.params(), lab_.camera(), left, f.height, f.slot});
  frames_.back().picked = &lab_.pickedPaths();
  frames_.back().painted = lab_.painting() ? &lab_.painted() : nullptr;
  frames_.back().uiScale = f.uiScale;
  frames_.back().xOffset = f.x, frames_.back().yOffset = f.y;
  renderers_.push_back(compare ? &renderer(left_, left) : &renderer(full_, f.width));
  if (compare) {
    frames_.back().title = samplerKindName(sim.config().sampler.kind) + " on " +
                           scheduleName(sim.config().schedule.kind);
    frames_.push_back(
        DiffusionFrame{*compare, lab_.params(), lab_.camera(), f.width - left, f.height, f.slot});
    frames_.back().xOffset = f.x + left, frames_.back().yOffset = f.y;
    frames_.back().uiScale = f.uiScale;
    frames_.back().title = samplerKindName(compare->config().sampler.kind) + " on " +
                           scheduleName(compare->config().schedule.kind) + ", at equal " +
                           (at == CompareAt::Step    ? "step"
                            : at == CompareAt::Sigma ? "σ"
                                                     : "NFE");
    renderers_.push_back(&renderer(right_, f.width - left));
  }
  for (size_t k = 0; k < frames_.size(); ++k) renderers_[k]->recordCompute(cmd, frames_[k]);
}

glm::vec4 DiffusionLabRenderer::clearColor() const {
  return frames_.empty() ? theme().background : renderers_[0]->clearColor(frames_[0]);
}

void DiffusionLabRenderer::draw(VkCommandBuffer cmd, const LabFrame&) {
  for (size_t k = 0; k < frames_.size(); ++k) renderers_[k]->recordDraw(cmd, frames_[k]);
}

}  // namespace flowscope
