#pragma once
// ViewportRenderer: device-lifetime resources (GpuContext adopted from Qt, render layers, ImGui)
// in initResources/releaseResources; swapchain-lifetime ones (layer buffers sized to the
// window) in initSwapChainResources. startNextFrame records one whole frame.
#include <QElapsedTimer>
#include <QVulkanWindow>

#include <memory>

#include "AttentionPanel.h"
#include "AttentionRenderer.h"
#include "DiffusionPanel.h"
#include "DiffusionRenderer.h"
#include "GpuContext.h"
#include "ImGuiLayer.h"
#include "LiveMetrics.h"
#include "RfPanel.h"
#include "RfRenderer.h"
#include "TransportPanel.h"
#include "TransportRenderer.h"

namespace flowscope {

class VulkanViewport;

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
  void recordTransportFrame(VkCommandBuffer cmd, double seconds);
  void recordAttentionFrame(VkCommandBuffer cmd, double seconds);
  void recordRfFrame(VkCommandBuffer cmd, double seconds);
  void beginPass(VkCommandBuffer cmd, glm::vec4 background);
  void updateMetrics();
  void reportFailure(const std::exception& e);
  void layoutFor(bool split);
  VulkanViewport* window_;
  std::unique_ptr<GpuContext> gpu_;
  std::unique_ptr<DiffusionRenderer> scene_,
      compareScene_;  // compareScene_: the split view's right half
  bool splitLayout_ = false;
  std::unique_ptr<ImGuiLayer> imgui_;
  DiffusionPanel panel_;
  std::unique_ptr<TransportRenderer> transport_;  // built on first use
  TransportPanel transportPanel_;
  std::unique_ptr<AttentionRenderer> attention_;  // built on first use
  AttentionPanel attentionPanel_;
  std::unique_ptr<RfRenderer> rf_;  // built on first use
  RfPanel rfPanel_;
};

}  // namespace flowscope
