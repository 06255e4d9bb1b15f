#include "DiffusionRenderer.h"

#include "DiffusionVectors.h"
#include "SvgRecorder.h"

#include "Resources.h"

namespace flowscope {

DiffusionRenderer::DiffusionRenderer(const GpuContext& ctx, VkRenderPass pass, uint32_t slots)
    : ctx_(ctx),
      slots_(slots),
      lut_(loadColormap("viridis")),
      colormap_(uploadColormap(ctx, lut_)) {
  heatmap_ = std::make_unique<HeatmapLayer>(ctx, pass, slots, colormap_,
                                            glm::vec4(lut_[0][0], lut_[0][1], lut_[0][2], 1.0f));
  field_ = std::make_unique<FieldLayer>(ctx, pass, slots);
  trails_ = std::make_unique<TrailLayer>(ctx, pass, slots);
  particles_ = std::make_unique<ParticleLayer>(ctx, pass, slots);
  pass_ = pass;
  overlay_ = std::make_unique<DiffusionOverlay>(ctx, pass, slots);
}

DiffusionRenderer::~DiffusionRenderer() = default;

void DiffusionRenderer::resize(uint32_t width, uint32_t height) {
  heatmap_->resize(width, height);
  field_->resize(width, height);
  particles_->resize(width, height);
}

void DiffusionRenderer::beginCompute(VkCommandBuffer cmd) {
  // Write-after-read only needs an execution dependency; its first scope covers every command
  // submitted earlier on this queue, i.e. the frames still in flight.
  vkCmdPipelineBarrier(cmd,
                       VK_PIPELINE_STAGE_VERTEX_INPUT_BIT | VK_PIPELINE_STAGE_VERTEX_SHADER_BIT |
                           VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT,
                       VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0,
                       nullptr, 0, nullptr, 0, nullptr);
}

void DiffusionRenderer::recordCompute(VkCommandBuffer cmd, const DiffusionFrame& f) {
  // The sampler's writes of this frame are read by the splat kernel.
  VkMemoryBarrier stepToSplat{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  stepToSplat.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  stepToSplat.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
  vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                       VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1, &stepToSplat, 0, nullptr, 0,
                       nullptr);
  heatmap_->compute(cmd, f);
  field_->compute(cmd, f);
  particles_->compute(cmd, f);
  if (f.params.showGhosts()) {
    // Built on first use: their pipelines cost LLVM compile time on a CPU driver.
    if (!ghosts_) ghosts_ = std::make_unique<GhostLayer>(ctx_, pass_, slots_);
    ghosts_->compute(cmd, f);
  }
  // Everything written above (and by the sampler) is read by the draws: particles as vertex
  // attributes, trails/arrows in the vertex shader, heatmap/splat counts in the fragment shader.
  VkMemoryBarrier toGraphics{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  toGraphics.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  toGraphics.dstAccessMask = VK_ACCESS_VERTEX_ATTRIBUTE_READ_BIT | VK_ACCESS_SHADER_READ_BIT;
  vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                       VK_PIPELINE_STAGE_VERTEX_INPUT_BIT | VK_PIPELINE_STAGE_VERTEX_SHADER_BIT |
                           VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT,
                       0, 1, &toGraphics, 0, nullptr, 0, nullptr);
}

void DiffusionRenderer::recordDraw(VkCommandBuffer cmd, const DiffusionFrame& f) {
  setViewportAndScissor(cmd, f.xOffset, f.width, f.height, f.yOffset);
  heatmap_->draw(cmd, f);
  if (SvgRecorder* svg = SvgRecorder::active()) {  // vector export: the layers as elements
    if (ParticleLayer::splats(f)) particles_->draw(cmd, f);  // a density image, like the heatmap
    recordDiffusionVectors(*svg, f);
    overlay_->draw(cmd, f, heatmap_->floor(f), heatmap_->peak(f));
    return;
  }
  field_->draw(cmd, f);
  if (f.params.showPaths() || f.params.showCoupling()) {
    if (!tracks_) tracks_ = std::make_unique<TrackLayer>(ctx_, pass_, slots_);
    tracks_->draw(cmd, f);
  }
  trails_->draw(cmd, f);
  if (ghosts_) ghosts_->draw(cmd, f);
  particles_->draw(cmd, f);
  overlay_->draw(cmd, f, heatmap_->floor(f), heatmap_->peak(f));
}

}  // namespace flowscope
