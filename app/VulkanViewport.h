#pragma once
// VulkanViewport: the QVulkanWindow that shows the lab. Its renderer adopts Qt's Vulkan device
// (GpuContext::adopt, never destroying it), runs the lab's kernels and render layers in Qt's
// per-frame command buffer, and draws the ImGui panel on top.
#include <QVulkanWindow>

#include <map>
#include <memory>
#include <string>

#include "DiffusionLab.h"
#include "DiffusionPanel.h"
#include "FrameStats.h"

namespace flowscope {

class ImGuiLayer;

class VulkanViewport : public QVulkanWindow {
  Q_OBJECT
 public:
  explicit VulkanViewport(DiffusionLab& lab);
  QVulkanWindowRenderer* createRenderer() override;

  DiffusionLab& lab() { return lab_; }
  FrameStats& stats() { return stats_; }
  std::map<std::string, ControlRect>& controlRects() { return controlRects_; }
  QString deviceName() const;
  ImGuiLayer* imgui() const { return imgui_; }
  void setImGui(ImGuiLayer* layer) { imgui_ = layer; }
  // The next frame is drawn without the ImGui panel (PNG export of the scene only).
  void setPanelHidden(bool hidden) { panelHidden_ = hidden; }
  bool panelHidden() const { return panelHidden_; }
  // grab() with red and blue put right for BGRA swapchains (QVulkanWindow returns them swapped).
  QImage grabRgb(bool withPanel);
  // Key presses the viewport does not use are offered here (the main window's shortcuts).
  std::function<bool(QKeyEvent*)> shortcutHandler;

 signals:
  void frameFinished();
  void renderError(const QString& message);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  bool handleViewportInput(QEvent* event);
  DiffusionLab& lab_;
  FrameStats stats_;
  std::map<std::string, ControlRect> controlRects_;
  ImGuiLayer* imgui_ = nullptr;
  bool panelHidden_ = false;
  bool dragging_ = false;
  QPointF lastMouse_;
};

}  // namespace flowscope
