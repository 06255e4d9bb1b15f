#include "MainWindow.h"

#include <QApplication>
#include <QBuffer>
#include <QFileDialog>
#include <QJsonDocument>
#include <QJsonObject>
#include <QKeyEvent>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QWidget>

#include <imgui.h>
#include <glm/detail/setup.hpp>

#include "InputError.h"
#include "JsonFile.h"
#include "OutputFiles.h"
#include "TransportScene.h"

namespace flowscope {

MainWindow::MainWindow(DiffusionLab& lab, TransportLab& transport, QVulkanInstance* instance,
                       const AppOptions& options, ValidationSink* validation)
    : lab_(lab),
      transport_(transport),
      options_(options),
      validation_(validation),
      viewport_(new VulkanViewport(lab, transport)) {
  setWindowTitle("Flowscope — Diffusion & Flow lab");
  viewport_->setVulkanInstance(instance);
  setCentralWidget(QWidget::createWindowContainer(viewport_, this));
  status_ = new QLabel(this);
  statusBar()->addWidget(status_, 1);
  buildMenus();
  viewport_->shortcutHandler = [this](QKeyEvent* e) { return handleShortcut(e); };
  connect(viewport_, &VulkanViewport::frameFinished, this, &MainWindow::onFrame);
  connect(viewport_, &VulkanViewport::renderError, this, [this](const QString& message) {
    statusBar()->showMessage("Error: " + message, 8000);
    if (options_.frames > 0) {
      qCritical("flowscope: %s", qPrintable(message));
      exitCode_ = 3;
    }
  });
  connect(viewport_, &VulkanViewport::labRequested, this, &MainWindow::showTransport,
          Qt::QueuedConnection);
  connect(&statusTimer_, &QTimer::timeout, this, &MainWindow::updateStatus);
  statusTimer_.start(250);
  // A 1280x800 viewport (the size the frame-time targets are set for) plus menu and status bars.
  resize(1280, 800 + menuBar()->sizeHint().height() + statusBar()->sizeHint().height());
  if (options_.lab == "attention")
    showAttention();
  else if (options_.lab == "rf")
    showRf();
  else
    showTransport(options_.lab == "transport");
}

void MainWindow::showTransport(bool on) {
  viewport_->setTransportActive(on);
  diffusionAction_->setChecked(!on);
  transportAction_->setChecked(on);
  attentionAction_->setChecked(false);
  rfAction_->setChecked(false);
  setWindowTitle(on ? "Flowscope — Transport lab" : "Flowscope — Diffusion & Flow lab");
  viewport_->requestUpdate();
}

void MainWindow::showAttention() {
  viewport_->setActiveLab(VulkanViewport::Lab::Attention);
  diffusionAction_->setChecked(false);
  transportAction_->setChecked(false);
  attentionAction_->setChecked(true);
  rfAction_->setChecked(false);
  setWindowTitle("Flowscope — Attention lab");
  viewport_->requestUpdate();
}

void MainWindow::showRf() {
  viewport_->setActiveLab(VulkanViewport::Lab::ReceptiveField);
  diffusionAction_->setChecked(false);
  transportAction_->setChecked(false);
  attentionAction_->setChecked(false);
  rfAction_->setChecked(true);
  setWindowTitle("Flowscope — Receptive Field lab");
  viewport_->requestUpdate();
}

QAction* MainWindow::addAction(QMenu* menu, const QString& text, const QKeySequence& key,
                               std::function<void()> fn) {
  QAction* action = menu->addAction(text);
  action->setShortcut(key);
  connect(action, &QAction::triggered, this, [fn] { fn(); });
  if (!key.isEmpty()) shortcuts_.push_back(action);
  return action;
}

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu("&File");
  addAction(file, "&Open scene…", QKeySequence::Open, [this] {
    QString path = QFileDialog::getOpenFileName(this, "Open scene", {}, "Flowscope scene (*.json)");
    if (path.isEmpty()) return;
    if (QString err = openScene(path); !err.isEmpty())
      QMessageBox::warning(this, "Open scene", err);
  });
  addAction(file, "Open &data…", QKeySequence("Ctrl+D"), [this] {
    QString path =
        QFileDialog::getOpenFileName(this, "Open mixture data", {}, "Gaussian mixture (*.json)");
    if (path.isEmpty()) return;
    if (QString err = openData(path); !err.isEmpty()) QMessageBox::warning(this, "Open data", err);
  });
  addAction(file, "&Save scene…", QKeySequence::Save, [this] {
    QString path =
        QFileDialog::getSaveFileName(this, "Save scene", "scene.json", "Flowscope scene (*.json)");
    if (path.isEmpty()) return;
    if (QString err = saveScene(path); !err.isEmpty())
      QMessageBox::warning(this, "Save scene", err);
  });
  addAction(file, "&Export PNG…", QKeySequence("Ctrl+E"), [this] {
    QString path = QFileDialog::getSaveFileName(this, "Export PNG (viewport without the panel)",
                                                "flowscope.png", "PNG image (*.png)");
    if (path.isEmpty()) return;
    if (QString err = exportPng(path); !err.isEmpty())
      QMessageBox::warning(this, "Export PNG", err);
  });
  file->addSeparator();
  addAction(file, "&Quit", QKeySequence::Quit, [] { QApplication::quit(); });

  QMenu* labs = menuBar()->addMenu("&Lab");
  diffusionAction_ = addAction(labs, "&Diffusion && Flow", QKeySequence("Ctrl+1"),
                               [this] { showTransport(false); });
  transportAction_ =
      addAction(labs, "&Transport", QKeySequence("Ctrl+2"), [this] { showTransport(true); });
  attentionAction_ =
      addAction(labs, "&Attention", QKeySequence("Ctrl+3"), [this] { showAttention(); });
  diffusionAction_->setCheckable(true);
  transportAction_->setCheckable(true);
  rfAction_ = addAction(labs, "&Receptive Field", QKeySequence("Ctrl+4"), [this] { showRf(); });
  attentionAction_->setCheckable(true);
  rfAction_->setCheckable(true);

  // In the Transport lab: Space animates t, Left / Right step through Sinkhorn's iterations.
  QMenu* play = menuBar()->addMenu("&Playback");
  const auto steps = [this] { return lab_.params().schedule().steps; };
  const auto transport = [this] { return viewport_->transportActive(); };
  addAction(play, "Play / pause", QKeySequence(Qt::Key_Space), [this, transport] {
    if (transport())
      transport_.setAnimate(!transport_.settings().animate);
    else
      lab_.playback().toggle();
  });
  addAction(play, "Step forward", QKeySequence(Qt::Key_Right), [this, steps, transport] {
    if (transport())
      transport_.stepBy(1);
    else
      lab_.playback().stepForward(steps());
  });
  addAction(play, "Step back", QKeySequence(Qt::Key_Left), [this, steps, transport] {
    if (transport())
      transport_.stepBy(-1);
    else
      lab_.playback().stepBack(steps());
  });
  addAction(play, "Reset to noise", QKeySequence(Qt::Key_R), [this] { lab_.playback().reset(); });

  QMenu* view = menuBar()->addMenu("&View");
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
    connect(a, &QAction::triggered, this, [this, t](bool on) { (lab_.params().*t.set)(on); });
    // The lab owns the state; the menu reads it each time it opens.
    connect(view, &QMenu::aboutToShow, a,
            [this, a, t] { a->setChecked((lab_.params().*t.get)()); });
  }
  view->addSeparator();
  addAction(view, "Reset view", QKeySequence(Qt::Key_Home), [this] {
    if (viewport_->transportActive())
      transport_.resetCamera();
    else if (viewport_->rfActive())
      viewport_->rf().resetCamera();
    else
      lab_.resetCamera();
  });

  QMenu* analysis = menuBar()->addMenu("&Analysis");
  addAction(analysis, "Export sweep CSV…", {}, [this] {
    if (viewport_->sweep().rows().empty()) {
      QMessageBox::information(this, "Export sweep CSV",
                               "Run a sweep first (panel: Windows > NFE sweep).");
      return;
    }
    QString path =
        QFileDialog::getSaveFileName(this, "Export sweep CSV", "sweep.csv", "CSV (*.csv)");
    if (path.isEmpty()) return;
    try {
      writeFileAtomically(path.toStdString(), viewport_->sweep().csv());
    } catch (const InputError& e) {
      QMessageBox::warning(this, "Export sweep CSV", e.what());
    }
  });
  addAction(analysis, "Unpick all particles", {}, [this] { lab_.clearPicked(); });

  QMenu* help = menuBar()->addMenu("&Help");
  addAction(help, "&About Flowscope", {}, [this] { showAbout(); });
}

bool MainWindow::handleShortcut(QKeyEvent* event) {
  QKeySequence pressed(event->keyCombination());
  for (QAction* a : shortcuts_)
    if (a->shortcut() == pressed) {
      a->trigger();
      return true;
    }
  return false;
}

QString MainWindow::openScene(const QString& path) {
  try {
    // Either lab's scene: "lab" says which; the lab it names is shown.
    const std::string file = path.toStdString();
    const nlohmann::json j = readJsonFile(file);
    if (sceneLab(j, file) == "transport") {
      transport_.replaceScene(transportSceneFromJson(j, file));
      showTransport(true);
    } else {
      lab_.replaceScene(diffusionSceneFromJson(j, file));
      showTransport(false);
    }
    viewport_->edits().clear();
    return {};
  } catch (const InputError& e) {
    viewport_->edits().report(e.what());
    return QString::fromStdString(e.what());
  }
}

QString MainWindow::openData(const QString& path) {
  try {
    lab_.setData(DataSource::ofFile(path.toStdString()));
    lab_.playback().reset();
    viewport_->edits().clear();
    return {};
  } catch (const InputError& e) {
    viewport_->edits().report(e.what());
    return QString::fromStdString(e.what());
  }
}

QString MainWindow::saveScene(const QString& path) {
  try {
    if (viewport_->transportActive())  // the lab shown is the one saved
      saveTransportScene(transport_.snapshot(), path.toStdString());
    else
      flowscope::saveDiffusionScene(lab_.snapshot(), path.toStdString());
    return {};
  } catch (const InputError& e) {
    return QString::fromStdString(e.what());
  }
}

QString MainWindow::exportPng(const QString& path) {
  return writeViewportPng(path, false);
}

QString MainWindow::exportPngWithPanel(const QString& path) {
  return writeViewportPng(path, true);
}

QString MainWindow::writeViewportPng(const QString& path, bool withPanel) {
  QImage image = viewport_->grabRgb(withPanel);
  if (image.isNull()) return "the viewport could not be read back";
  try {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, "PNG")) return "the PNG encoder failed";
    writeFileAtomically(path.toStdString(), std::string_view(bytes.constData(), bytes.size()));
    return {};
  } catch (const InputError& e) {
    return QString::fromStdString(e.what());
  }
}

void MainWindow::updateStatus() {
  const DiffusionSimulation* sim = lab_.currentSimulation();
  const double ms = viewport_->stats().recentMs();
  if (viewport_->rfActive()) {
    RfLab& r = viewport_->rf();
    const auto [row, col] = r.erfUnit();
    QString text = QString(
                       "frame %1 ms   |   %2   |   Receptive Field: %3 / %4, size %5, ERF of "
                       "unit (%6, %7) in %8 ms")
                       .arg(ms, 0, 'f', 1)
                       .arg(viewport_->deviceName())
                       .arg(QString::fromStdString(r.architecture().name))
                       .arg(QString::fromStdString(r.selected()))
                       .arg(r.selectedRow() ? qlonglong(r.selectedRow()->out.size) : 0)
                       .arg(row)
                       .arg(col)
                       .arg(r.computeMs(), 0, 'f', 2);
    if (validation_)
      text += QString("   |   validation messages: %1").arg(validation_->count.load());
    status_->setText(text);
    return;
  }
  if (viewport_->attentionActive()) {
    AttentionLab& a = viewport_->attention();
    QString text = QString("frame %1 ms   |   %2   |   Attention: %3, n = %4, computed in %5 ms")
                       .arg(ms, 0, 'f', 1)
                       .arg(viewport_->deviceName())
                       .arg(QString::fromStdString(attentionKindName(a.settings().options.kind)))
                       .arg(a.tokenCount())
                       .arg(a.computeMs(), 0, 'f', 2);
    if (validation_)
      text += QString("   |   validation messages: %1").arg(validation_->count.load());
    status_->setText(text);
    return;
  }
  if (viewport_->transportActive()) {
    const TransportSolution& s = transport_.solution();
    QString text = QString("frame %1 ms   |   %2   |   Transport: %3, W = %4, solve %5 ms")
                       .arg(ms, 0, 'f', 1)
                       .arg(viewport_->deviceName())
                       .arg(QString::fromStdString(otMethodName(s.method)))
                       .arg(s.w, 0, 'g', 6)
                       .arg(s.timeMs, 0, 'f', 1);
    if (validation_)
      text += QString("   |   validation messages: %1").arg(validation_->count.load());
    status_->setText(text);
    return;
  }
  QString text = QString("frame %1 ms (%2 fps)   |   %3   |   %4 particles")
                     .arg(ms, 0, 'f', 1)
                     .arg(ms > 0 ? 1000.0 / ms : 0.0, 0, 'f', 0)
                     .arg(viewport_->deviceName())
                     .arg(QLocale().toString(lab_.params().particleCount()));
  if (sim)
    text += QString("   |   step %1/%2, σ = %3")
                .arg(sim->current())
                .arg(sim->steps())
                .arg(sim->sigma(sim->current()), 0, 'g', 4);
  if (validation_) text += QString("   |   validation messages: %1").arg(validation_->count.load());
  status_->setText(text);
}

void MainWindow::onFrame() {
  if (options_.frames > 0 && !finishing_ && viewport_->stats().frames() >= options_.frames) {
    finishing_ = true;
    QTimer::singleShot(0, this, &MainWindow::finishFrames);
  }
}

void MainWindow::finishFrames() {
  const FrameStats& stats = viewport_->stats();
  QJsonObject json{{"frames", stats.frames()},
                   {"frame_ms_median", stats.medianMs()},
                   {"frame_ms_p95", stats.p95Ms()},
                   {"device", viewport_->deviceName()},
                   {"width", viewport_->swapChainImageSize().width()},
                   {"height", viewport_->swapChainImageSize().height()},
                   {"particles", lab_.params().particleCount()},
                   {"step", lab_.playback().target()},
                   {"validation_messages", validation_ ? int(validation_->count.load()) : -1},
                   {"lab", viewport_->transportActive()   ? "transport"
                           : viewport_->attentionActive() ? "attention"
                           : viewport_->rfActive()        ? "rf"
                                                          : "diffusion"}};
  if (viewport_->rfActive()) {
    RfLab& r = viewport_->rf();
    json["rf_architecture"] = QString::fromStdString(r.architecture().name);
    json["rf_layer"] = QString::fromStdString(r.selected());
    json["rf_size"] = r.selectedRow() ? double(r.selectedRow()->out.size) : 0.0;
    json["rf_erf_spread"] = r.stats().spread;
    json["rf_erf_area95"] = r.stats().area95;
    json["rf_erf_ms"] = r.computeMs();
    json["rf_on_gpu"] = r.onGpu();
  }
  if (viewport_->attentionActive()) {
    AttentionLab& a = viewport_->attention();
    json["attention_kind"] = QString::fromStdString(attentionKindName(a.settings().options.kind));
    json["attention_tokens"] = int(a.tokenCount());
    json["attention_compute_ms"] = a.computeMs();
    json["attention_on_gpu"] = a.onGpu();
  }
  if (viewport_->transportActive()) {
    const TransportSolution& s = transport_.solution();
    json["transport_w"] = s.w;
    json["transport_cost"] = s.cost;
    json["transport_solve_ms"] = s.timeMs;
    json["transport_iterations"] = double(s.iterations);
    json["transport_marginal_error"] = s.marginalError;
  }
  if (!options_.screenshotPath.isEmpty()) {
    QString err = exportPngWithPanel(options_.screenshotPath);
    if (!err.isEmpty()) {
      qCritical("flowscope: --screenshot %s: %s", qPrintable(options_.screenshotPath),
                qPrintable(err));
      exitCode_ = 3;
    }
  }
  if (!options_.statsPath.isEmpty()) {
    try {
      writeFileAtomically(options_.statsPath.toStdString(),
                          QJsonDocument(json).toJson().toStdString());
    } catch (const InputError& e) {
      qCritical("flowscope: %s", e.what());
      exitCode_ = 3;
    }
  }
  QApplication::exit(exitCode_);
}

void MainWindow::showAbout() {
  const DiffusionSimulation* sim = lab_.currentSimulation();
  const VkPhysicalDeviceProperties* props =
      viewport_->isValid() ? viewport_->physicalDeviceProperties() : nullptr;
  QString api = props ? QString::fromStdString(vulkanVersionString(props->apiVersion)) : "?";
  QMessageBox::about(
      this, "About Flowscope",
      QString("<b>Flowscope 0.1.0</b><br>See the mathematics of generative models working.<br><br>"
              "Device: %1 (Vulkan %2)<br>Qt %3, Dear ImGui %4, glm %5.%6.%7, Vulkan headers %8<br>"
              "Run: %9 particles, sampler %10")
          .arg(viewport_->deviceName(), api, qVersion(), IMGUI_VERSION)
          .arg(GLM_VERSION_MAJOR)
          .arg(GLM_VERSION_MINOR)
          .arg(GLM_VERSION_PATCH)
          .arg(QString::fromStdString(vulkanVersionString(VK_HEADER_VERSION_COMPLETE)))
          .arg(lab_.params().particleCount())
          .arg(sim ? QString::fromStdString(samplerKindName(sim->config().sampler.kind)) : "-"));
}

}  // namespace flowscope
