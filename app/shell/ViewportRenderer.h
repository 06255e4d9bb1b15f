#pragma once
// ViewportRenderer: device-lifetime resources (GpuContext adopted from Qt, ImGui, the labs'
// renderers, the deletion queue) in initResources/releaseResources; startNextFrame records one
// whole frame of the shown lab: its animation, its panel, its update, its renderer's work before
// the render pass, the pass with the lab and the panel.
#include <QVulkanWindow>

#include <memory>
#include <vector>

#include "DeletionQueue.h"
#include "DockLayout.h"
#include "GpuContext.h"
#include "ImGuiLayer.h"
#include "LabRenderer.h"
#include "VulkanViewport.h"

namespace flowscope {

class ViewportRenderer : public QVulkanWindowRenderer {
 public:
  explicit ViewportRenderer(VulkanViewport* window);
  void initResources() override;
  void initSwapChainResources() override;
  void releaseSwapChainResources() override {}
  void releaseResources() override;
  void startNextFrame() override;

 private:
  void recordFrame(VkCommandBuffer cmd, double seconds);
  LabRenderer& renderer(size_t lab);
  void sizeRenderer(size_t lab, uint32_t width, uint32_t height);
  ContentRect contentArea(uint32_t width, uint32_t height) const;
  static void followContent(Lab& lab, VulkanViewport::CameraFit& fit, uint32_t width,
                            uint32_t height);
  void beginPass(VkCommandBuffer cmd, glm::vec4 background);
  void reportFailure(const std::exception& e);
  VulkanViewport* window_;
  std::unique_ptr<GpuContext> gpu_;
  std::unique_ptr<ImGuiLayer> imgui_;
  // One per lab, made the first time the lab is shown (pipelines nobody needs cost start-up).
  std::vector<std::unique_ptr<LabRenderer>> renderers_;
  std::vector<std::pair<uint32_t, uint32_t>> sizes_;  // each renderer's size (the content's)
  // What an edit replaced while a frame in flight may read it, freed when its slot comes round.
  std::unique_ptr<DeletionQueue> retired_;
  float appliedScale_ = 0.0f;  // the UI scale ImGui's font and style are set for
  int appliedTheme_ = -1;      // the theme ImGui's colours are set for
};

}  // namespace flowscope
