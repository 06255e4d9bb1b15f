#include "DiffusionView.h"

#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>
#include <QMouseEvent>

#include "OutputFiles.h"

namespace flowscope {

std::unique_ptr<LabView> makeDiffusionView(Lab& lab, EditErrors& edits) {
  return std::make_unique<DiffusionView>(dynamic_cast<DiffusionLab&>(lab), edits);
}

DiffusionView::DiffusionView(DiffusionLab& lab, EditErrors& edits)
    : lab_(lab), edits_(edits), panel_(edits) {
  context_.metrics = &metrics_;
  context_.sweep = &sweep_;
}

// Runs before the frame records anything: the state it measures was computed by a frame that is
// already submitted, and the downloads queue behind it.
void DiffusionView::beforePanel() {
  const DiffusionSimulation* sim = lab_.currentSimulation();
  if (!sim || !(context_.metricsOpen || context_.guidanceOpen)) return;
  if (metrics_.state == sim->current() && metricsSim_ == sim->id()) return;
  metrics_ = computeLiveMetrics(*sim, lab_.params().seed() + 1000, &metrics_);
  metricsSim_ = sim->id();
}

std::optional<LabRequest> DiffusionView::buildPanel(ControlRects& rects) {
  if (const DiffusionSimulation* sim = lab_.currentSimulation())
    panel_.build(lab_, *sim, rects, context_);
  return std::nullopt;
}

int DiffusionView::cameraWidth(int framebufferWidth) const {
  return lab_.currentCompare() ? framebufferWidth / 2 : framebufferWidth;
}

// The particle nearest the cursor within 12 pixels, in the state shown (downloaded between
// frames: the download queues behind the submitted frame that computed it).
void DiffusionView::pickAt(glm::dvec2 at, double radius) {
  const DiffusionSimulation* sim = lab_.currentSimulation();
  if (!sim) return;
  const auto positions = sim->positions(sim->current());
  double best = radius * radius;
  int chosen = -1;
  for (size_t i = 0; i < positions.size(); ++i) {
    const glm::dvec2 d = glm::dvec2(positions[i]) - at;
    if (glm::dot(d, d) < best) best = glm::dot(d, d), chosen = int(i);
  }
  if (chosen >= 0) lab_.pick(uint32_t(chosen));
}

// One painted point per `spacing` of stroke.
void DiffusionView::paintAt(glm::dvec2 at, double spacing) {
  const auto& painted = lab_.painted();
  if (painted.empty() || glm::length(painted.back() - at) >= spacing) lab_.paint(at);
}

bool DiffusionView::handleInput(const QEvent* event, const ViewSurface& surface) {
  const int width = cameraWidth(surface.width);
  const double pixel = surface.height > 0 ? 1.0 / lab_.camera().pixelsPerUnit(surface.height) : 0;
  PlaneEditor editor;
  editor.press = [&](glm::dvec2 p, double, Qt::KeyboardModifiers mods) {
    if (mods & Qt::ControlModifier) {
      pickAt(p, 12.0 * pixel);
      return true;
    }
    if (!lab_.painting()) return false;
    stroke_ = true;
    paintAt(p, 4.0 * pixel);
    return true;
  };
  editor.drag = [&](glm::dvec2 p) {
    if (stroke_) paintAt(p, 4.0 * pixel);
  };
  editor.release = [&] { stroke_ = false; };
  // A press right of the primary run's half (the comparison run) picks nothing.
  if (event->type() == QEvent::MouseButtonPress) {
    const auto* e = static_cast<const QMouseEvent*>(event);
    if ((e->modifiers() & Qt::ControlModifier) && surface.pixel(e->position()).x() >= width)
      return true;
  }
  return plane_.handle(event, lab_.camera(), surface, width, editor, edits_);
}

void DiffusionView::openData(const std::string& path) {
  lab_.setData(DataSource::ofFile(path));
  lab_.playback().reset();
}

void DiffusionView::addMenuActions(QMenu* view, QMenu* analysis, QWidget* parent) {
  struct Toggle {
    const char* name;
    bool (DiffusionParams::*get)() const;
    void (DiffusionParams::*set)(bool);
  };
  const Toggle toggles[] = {
      {"Heatmap (log density)", &DiffusionParams::showHeatmap, &DiffusionParams::setShowHeatmap},
      {"Arrows (score / denoiser)", &DiffusionParams::showField, &DiffusionParams::setShowField},
      {"Trails", &DiffusionParams::showTrails, &DiffusionParams::setShowTrails},
      {"Particles", &DiffusionParams::showParticles, &DiffusionParams::setShowParticles}};
  for (const Toggle& t : toggles) {
    QAction* a = view->addAction(t.name);
    a->setCheckable(true);
    QObject::connect(a, &QAction::triggered, view,
                     [this, t](bool on) { (lab_.params().*t.set)(on); });
    // The lab owns the state; the menu reads it each time it opens.
    QObject::connect(view, &QMenu::aboutToShow, a,
                     [this, a, t] { a->setChecked((lab_.params().*t.get)()); });
  }
  QObject::connect(
      analysis->addAction("Export sweep CSV…"), &QAction::triggered, parent, [this, parent] {
        if (sweep_.rows().empty()) {
          QMessageBox::information(parent, "Export sweep CSV",
                                   "Run a sweep first (panel: Windows > NFE sweep).");
          return;
        }
        const QString path =
            QFileDialog::getSaveFileName(parent, "Export sweep CSV", "sweep.csv", "CSV (*.csv)");
        if (path.isEmpty()) return;
        try {
          writeFileAtomically(path.toStdString(), sweep_.csv());
        } catch (const InputError& e) {
          QMessageBox::warning(parent, "Export sweep CSV", e.what());
        }
      });
  QObject::connect(analysis->addAction("Unpick all particles"), &QAction::triggered, parent,
                   [this] { lab_.clearPicked(); });
}

}  // namespace flowscope
