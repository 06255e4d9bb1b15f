#pragma once
// The Diffusion & Flow lab in the GUI: its panel with the metrics and NFE-sweep windows, and on
// the plane: drag to pan, wheel to zoom, Ctrl+click picks the particle under the cursor (its path
// is drawn), and with painting on a stroke paints data points. The split view's primary run
// takes the left half, which the camera maps. View menu: the layers; Analysis menu: the sweep's
// CSV, unpicking; File > Open data: a mixture (.json), points (.csv) or density image (.png).
#include "DiffusionLab.h"
#include "DiffusionPanel.h"
#include "LabView.h"
#include "LiveMetrics.h"
#include "PlaneInput.h"
#include "SweepController.h"

namespace flowscope {

class DiffusionView : public LabView {
 public:
  DiffusionView(DiffusionLab& lab, EditErrors& edits);
  Lab& lab() override { return lab_; }
  void beforePanel() override;
  std::optional<LabRequest> buildPanel(ControlRects& rects) override;
  bool handleInput(const QEvent* event, const ViewSurface& surface) override;
  bool holdsMouse() const override { return plane_.holdsMouse(); }
  int cameraWidth(int framebufferWidth) const override;
  void addMenuActions(QMenu* view, QMenu* analysis, QWidget* parent) override;
  QString dataFilter() const override {
    return "Data: mixture JSON, point cloud CSV, density image PNG (*.json *.csv *.png)";
  }
  void openData(const std::string& path) override;

  // The metrics window's figures, computed between frames while the window is open.
  const LiveMetrics& metrics() const { return metrics_; }
  size_t guidanceSweepRows() const { return panel_.guidanceSweepRows(); }
  PanelContext& panelContext() { return context_; }
  SweepController& sweep() { return sweep_; }

 private:
  void pickAt(glm::dvec2 world, double radius);
  void paintAt(glm::dvec2 world, double spacing);

  DiffusionLab& lab_;
  EditErrors& edits_;
  DiffusionPanel panel_;
  LiveMetrics metrics_;
  uint64_t metricsSim_ = 0;  // the run the metrics are of
  SweepController sweep_;
  PanelContext context_;
  PlaneInput plane_;
  bool stroke_ = false;  // a paint stroke is on
};

}  // namespace flowscope
