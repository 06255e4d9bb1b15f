#pragma once
// VulkanViewport: the QVulkanWindow that shows the lab. Its renderer adopts Qt's Vulkan device
// (GpuContext::adopt, never destroying it), runs the lab's kernels and render layers in Qt's
// per-frame command buffer, and draws the ImGui panel on top.
#include <QVulkanWindow>
#include <QWheelEvent>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "AttentionLab.h"
#include "DiffusionLab.h"
#include "DiffusionPanel.h"
#include "FrameStats.h"
#include "LiveMetrics.h"
#include "RfLab.h"
#include "SweepController.h"
#include "TransportLab.h"

namespace flowscope {

class ImGuiLayer;

class VulkanViewport : public QVulkanWindow {
  Q_OBJECT
 public:
  VulkanViewport(DiffusionLab& lab, TransportLab& transport);
  QVulkanWindowRenderer* createRenderer() override;

  DiffusionLab& lab() { return lab_; }
  TransportLab& transport() { return transport_; }
  // Which lab the viewport shows (Lab menu, Ctrl+1 / Ctrl+2 / Ctrl+3 / Ctrl+4).
  enum class Lab { Diffusion, Transport, Attention, ReceptiveField };
  Lab activeLab() const { return active_; }
  void setActiveLab(Lab lab) {
    if (lab != active_) edits_.clear();
    active_ = lab;
  }
  bool transportActive() const { return active_ == Lab::Transport; }
  bool attentionActive() const { return active_ == Lab::Attention; }
  bool rfActive() const { return active_ == Lab::ReceptiveField; }
  void setTransportActive(bool on) { setActiveLab(on ? Lab::Transport : Lab::Diffusion); }
  // The panels' one error line: a rejected edit or file, in red until the next edit succeeds.
  EditErrors& edits() { return edits_; }
  // The Attention lab's state lives here, beside the viewport that draws it.
  AttentionLab& attention() { return attention_; }
  RfLab& rf() { return rf_; }
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
  // The metrics window's figures, computed between frames while the window is open.
  bool metricsWanted() const { return panelContext_.metricsOpen; }
  LiveMetrics& metrics() { return metrics_; }
  uint64_t metricsSim() const { return metricsSim_; }
  void setMetricsSim(uint64_t id) { metricsSim_ = id; }
  PanelContext& panelContext() { return panelContext_; }
  SweepController& sweep() { return sweep_; }
  // Width of the primary run's half (the whole viewport unless the split view is on).
  int primaryWidth() const;

  // Key presses the viewport does not use are offered here (the main window's shortcuts).
  std::function<bool(QKeyEvent*)> shortcutHandler;

 signals:
  void frameFinished();
  void renderError(const QString& message);
  // A panel asks for another lab (true: Transport); MainWindow switches after the frame.
  void labRequested(bool transport);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  bool handleViewportInput(QEvent* event);
  struct PlaneEditor {
    std::function<bool(glm::dvec2 world, double radius, Qt::KeyboardModifiers)> press;
    std::function<void(glm::dvec2 world)> drag;
    std::function<void()> release;
  };
  bool handlePlaneInput(QEvent* event, View2D& camera, const PlaneEditor& editor);
  bool handleTransportInput(QEvent* event);
  bool handleAttentionInput(QEvent* event);
  bool handleRfInput(QEvent* event);
  void zoomWithWheel(View2D& camera, const QWheelEvent* e, int width, int height);
  void pickAt(QPointF pixel);
  void paintAt(QPointF pixel);
  DiffusionLab& lab_;
  TransportLab& transport_;
  Lab active_ = Lab::Diffusion;
  EditErrors edits_;
  AttentionLab attention_;
  RfLab rf_;
  std::optional<TransportLab::PointRef> draggedPoint_;  // the point being dragged
  std::optional<size_t> draggedToken_;                  // the Attention lab's
  bool draggingNoisy_ = false;
  FrameStats stats_;
  std::map<std::string, ControlRect> controlRects_;
  ImGuiLayer* imgui_ = nullptr;
  bool panelHidden_ = false;
  bool dragging_ = false, paintingStroke_ = false;
  bool grabbing_ = false;  // a lab's point follows the mouse until the release
  LiveMetrics metrics_;
  uint64_t metricsSim_ = 0;
  SweepController sweep_;
  PanelContext panelContext_;
  QPointF lastMouse_;
};

}  // namespace flowscope
