#include "MainWindow.h"

#include <QActionGroup>
#include <QApplication>
#include <QBuffer>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QKeyEvent>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressDialog>
#include <QSettings>
#include <QStatusBar>
#include <QWidget>

#include <filesystem>

#include <imgui.h>
#include <glm/detail/setup.hpp>

#include "InputError.h"
#include "JsonFile.h"
#include "LabCatalog.h"
#include "Lessons.h"
#include "OutputFiles.h"
#include "RendererCatalog.h"
#include "Resources.h"
#include "UiScale.h"

namespace flowscope {

MainWindow::MainWindow(std::vector<std::unique_ptr<Lab>> labs, QVulkanInstance* instance,
                       const AppOptions& options, ValidationSink* validation)
    : options_(options), validation_(validation), viewport_(new VulkanViewport(std::move(labs))) {
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
  connect(
      viewport_, &VulkanViewport::labRequested, this, [this](int index) { showLab(size_t(index)); },
      Qt::QueuedConnection);
  connect(
      viewport_, &VulkanViewport::lessonStepRequested, this,
      [this](int delta) { stepLesson(delta); }, Qt::QueuedConnection);
  connect(viewport_, &VulkanViewport::uiScaleChanged, this, [this](float scale) {
    if (options_.rememberSettings) QSettings().setValue("ui/scale", double(scale));
  });
  viewport_->setUiScale(options_.uiScale);
  viewport_->setTheme(options_.lightTheme ? ThemeKind::Light : ThemeKind::Dark);
  // The panels' layout (docked or not; each window's place and fold) across starts.
  if (options_.rememberSettings) {
    viewport_->setPanelsDocked(QSettings().value("ui/docked", true).toBool());
    viewport_->setSavedLayout(QSettings().value("ui/layout").toString());
    connect(viewport_, &VulkanViewport::layoutChanged, this,
            [](const QString& layout) { QSettings().setValue("ui/layout", layout); });
  }
  history_.resize(viewport_->labCount());
  connect(&historyTimer_, &QTimer::timeout, this, &MainWindow::recordEdit);
  historyTimer_.start(200);
  connect(&statusTimer_, &QTimer::timeout, this, &MainWindow::updateStatus);
  statusTimer_.start(250);
  // The viewport (1280x800 by default, the size the frame-time targets are set for; --size) plus
  // menu and status bars.
  resize(options_.viewportSize.width(), options_.viewportSize.height() +
                                            menuBar()->sizeHint().height() +
                                            statusBar()->sizeHint().height());
  showLab(options_.lab.isEmpty() ? 0 : labIndex(options_.lab.toStdString()));
  if (!options_.scene.isEmpty()) {
    viewport_->keepCamera(viewport_->shown());  // --scene's camera
    showSceneLesson(options_.scene);
  }
}

// One lab checked in the Lab menu, its entries alone in the View and Analysis menus, its title.
void MainWindow::showLab(size_t index) {
  viewport_->show(index);
  labActions_[qsizetype(index)]->setChecked(true);
  for (size_t i = 0; i < viewMenuActions_.size(); ++i)
    for (QAction* a : viewMenuActions_[i]) a->setVisible(i == index);
  bool analysis = false;
  for (QAction* a : analysisMenu_->actions()) analysis = analysis || a->isVisible();
  analysisMenu_->menuAction()->setVisible(analysis);
  openDataAction_->setEnabled(!viewport_->shownView().dataFilter().isEmpty());
  setWindowTitle(QString::fromStdString("Flowscope — " + shownLab().info().title + " lab"));
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
    QString path = QFileDialog::getOpenFileName(this, "Open scene (any lab's)", {},
                                                "Flowscope scene (*.json)");
    if (path.isEmpty()) return;
    if (QString err = openScene(path); !err.isEmpty())
      QMessageBox::warning(this, "Open scene", err);
  });
  openDataAction_ = addAction(file, "Open &data…", QKeySequence("Ctrl+D"), [this] {
    QString path =
        QFileDialog::getOpenFileName(this, "Open data", {}, viewport_->shownView().dataFilter());
    if (path.isEmpty()) return;
    if (QString err = openData(path); !err.isEmpty()) QMessageBox::warning(this, "Open data", err);
  });
  addAction(file, "&Save scene…", QKeySequence::Save, [this] {
    const QString name = QString::fromStdString(shownLab().info().id + "-scene.json");
    QString path =
        QFileDialog::getSaveFileName(this, "Save scene", name, "Flowscope scene (*.json)");
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
  addAction(file, "Export &figure (PNG or SVG, chosen size)…", {}, [this] {
    const QString path = QFileDialog::getSaveFileName(
        this, "Export figure (the plot without the panel)",
        QString::fromStdString(shownLab().info().id) + ".svg", "Figure (*.svg *.png)");
    if (path.isEmpty()) return;
    const std::optional<QSize> size = askExportSize("Export figure");
    if (!size) return;
    if (QString err = exportFigure(path, *size); !err.isEmpty())
      QMessageBox::warning(this, "Export figure", err);
  });
  addAction(file, "Export &video…", {}, [this] {
    askVideo("Export video (the lab's animation: a run, every step; McCann's t from 0 to 1)",
             QString::fromStdString(shownLab().info().id), std::nullopt, 0);
  });
  addAction(file, "Export video of a parameter &sweep…", {}, [this] { askSweepVideo(); });
  file->addSeparator();
  addAction(file, "&Quit", QKeySequence::Quit, [] { QApplication::quit(); });

  QMenu* edit = menuBar()->addMenu("&Edit");
  addAction(edit, "&Undo", QKeySequence::Undo, [this] { undo(); });
  QAction* redoAction = addAction(edit, "&Redo", QKeySequence("Ctrl+Shift+Z"), [this] { redo(); });
  redoAction->setShortcuts({QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")});

  buildLabMenu();
  buildPlaybackMenu();

  viewMenu_ = menuBar()->addMenu("&View");
  analysisMenu_ = menuBar()->addMenu("&Analysis");
  for (size_t i = 0; i < viewport_->labCount(); ++i) {
    const QList<QAction*> view = viewMenu_->actions(), analysis = analysisMenu_->actions();
    viewport_->view(i).addMenuActions(viewMenu_, analysisMenu_, this);
    QList<QAction*> added;
    for (QAction* a : viewMenu_->actions())
      if (!view.contains(a)) added.push_back(a);
    for (QAction* a : analysisMenu_->actions())
      if (!analysis.contains(a)) added.push_back(a);
    viewMenuActions_.push_back(added);
  }
  viewMenu_->addSeparator();
  addAction(viewMenu_, "Reset view (fit the content area)", QKeySequence(Qt::Key_Home),
            [this] { viewport_->home(); });
  QAction* light = addAction(viewMenu_, "Light theme (projectors, print)", {}, [this] {
    const bool on = viewport_->theme() == ThemeKind::Dark;
    viewport_->setTheme(on ? ThemeKind::Light : ThemeKind::Dark);
    if (options_.rememberSettings) QSettings().setValue("ui/theme", on ? "light" : "dark");
  });
  light->setCheckable(true);
  light->setChecked(options_.lightTheme);
  QAction* dock = addAction(viewMenu_, "Dock panels to the sides", {}, [this] {
    viewport_->setPanelsDocked(!viewport_->panelsDocked());
    if (options_.rememberSettings) QSettings().setValue("ui/docked", viewport_->panelsDocked());
  });
  dock->setCheckable(true);
  dock->setChecked(!options_.rememberSettings || QSettings().value("ui/docked", true).toBool());
  addAction(viewMenu_, "Hide / show panels", QKeySequence(Qt::Key_Tab),
            [this] { viewport_->setPanelsShown(!viewport_->panelsShown()); });
  addAction(viewMenu_, "Full screen", QKeySequence(Qt::Key_F11),
            [this] { isFullScreen() ? showNormal() : showFullScreen(); });
  buildScaleActions();

  buildLessonMenu();

  QMenu* help = menuBar()->addMenu("&Help");
  addAction(help, "&About Flowscope", {}, [this] { showAbout(); });
}

// The UI scale (UiScale.h): Ctrl+= (or Ctrl++) larger, Ctrl+- smaller, Ctrl+0 scale 1, and the
// lecture size.
void MainWindow::buildScaleActions() {
  viewMenu_->addSeparator();
  QAction* larger = addAction(viewMenu_, "Larger text and panels", QKeySequence("Ctrl+="), [this] {
    viewport_->setUiScale(largerUiScale(viewport_->uiScale()));
  });
  larger->setShortcuts({QKeySequence("Ctrl+="), QKeySequence("Ctrl++")});
  addAction(viewMenu_, "Smaller text and panels", QKeySequence("Ctrl+-"),
            [this] { viewport_->setUiScale(smallerUiScale(viewport_->uiScale())); });
  addAction(viewMenu_, "Actual size (UI scale 1)", QKeySequence("Ctrl+0"),
            [this] { viewport_->setUiScale(1.0f); });
  addAction(viewMenu_, "Lecture size (UI scale 1.75: 30-pixel text)", {},
            [this] { viewport_->setUiScale(kLectureScale); });
}

// The shipped lessons (assets/lessons), by lab, and Page Down / Page Up through them.
void MainWindow::buildLessonMenu() {
  QMenu* menu = menuBar()->addMenu("L&essons");
  addAction(menu, "Next lesson", QKeySequence(Qt::Key_PageDown), [this] { stepLesson(1); });
  addAction(menu, "Previous lesson", QKeySequence(Qt::Key_PageUp), [this] { stepLesson(-1); });
  try {
    const std::vector<Lesson>& lessons = shippedLessons();
    for (size_t i = 0; i < lessons.size(); ++i) {
      if (i == 0 || lessons[i].lab != lessons[i - 1].lab)
        menu->addSection(QString::fromStdString(viewport_->lab(lessons[i].lab).info().title));
      const QString title = QString("%1. %2").arg(i + 1).arg(
          QString::fromStdString(lessons[i].note.title).replace("&", "&&"));
      addAction(menu, title, {}, [this, i] { openLesson(int(i)); });
    }
  } catch (const InputError& e) {
    menu->addAction(QString("Lessons unavailable: ") + e.what())->setEnabled(false);
  }
}

// Ctrl+1… in the list's order; exactly one checked.
void MainWindow::buildLabMenu() {
  QMenu* menu = menuBar()->addMenu("&Lab");
  auto* group = new QActionGroup(this);
  for (size_t i = 0; i < viewport_->labCount(); ++i) {
    const QString title = QString::fromStdString(viewport_->lab(i).info().title).replace("&", "&&");
    QAction* a = addAction(menu, "&" + title, QKeySequence(QString("Ctrl+%1").arg(i + 1)),
                           [this, i] { showLab(i); });
    a->setCheckable(true);
    group->addAction(a);
    labActions_.push_back(a);
  }
}

// The shown lab's playback (the Diffusion lab's sampler steps, the Transport lab's animation and
// Sinkhorn step-through); a lab without playback leaves the keys unused.
void MainWindow::buildPlaybackMenu() {
  QMenu* play = menuBar()->addMenu("&Playback");
  addAction(play, "Play / pause", QKeySequence(Qt::Key_Space), [this] { shownLab().togglePlay(); });
  addAction(play, "Step forward", QKeySequence(Qt::Key_Right),
            [this] { shownLab().stepPlayback(1); });
  addAction(play, "Step back", QKeySequence(Qt::Key_Left), [this] { shownLab().stepPlayback(-1); });
  addAction(play, "Reset (to noise; to the first iteration)", QKeySequence(Qt::Key_R),
            [this] { shownLab().resetPlayback(); });
}

bool MainWindow::handleShortcut(QKeyEvent* event) {
  QKeySequence pressed(event->keyCombination());
  for (QAction* a : shortcuts_)
    if (a->shortcuts().contains(pressed) && a->isEnabled()) {
      a->trigger();
      return true;
    }
  return false;
}

QString MainWindow::openScene(const QString& path) {
  try {
    // Any lab's scene: its "lab" field says which; that lab is shown.
    const std::string file = path.toStdString();
    const nlohmann::json j = readJsonFile(file);
    const size_t index = labIndexForTag(sceneTag(j, file), file);
    const std::optional<LessonNote> note = lessonOf(j, file);
    viewport_->lab(index).openScene(withoutLesson(j), file);
    viewport_->keepCamera(index);  // the scene's own camera
    viewport_->setLesson(
        note ? std::optional(VulkanViewport::ShownLesson{note->title, note->note, index, -1, 0})
             : std::nullopt);
    showLab(index);
    viewport_->edits().clear();
    return {};
  } catch (const InputError& e) {
    viewport_->edits().report(e.what());
    return QString::fromStdString(e.what());
  }
}

QString MainWindow::openLesson(int index) {
  try {
    const std::vector<Lesson>& lessons = shippedLessons();
    if (index < 0 || size_t(index) >= lessons.size()) return "no lesson " + QString::number(index);
    const Lesson& l = lessons[size_t(index)];
    if (QString err = openScene(QString::fromStdString(l.path)); !err.isEmpty()) return err;
    viewport_->setLesson(
        VulkanViewport::ShownLesson{l.note.title, l.note.note, l.lab, index, int(lessons.size())});
    return {};
  } catch (const InputError& e) {  // a shipped lesson unreadable: the install is damaged
    viewport_->edits().report(e.what());
    return QString::fromStdString(e.what());
  }
}

// A lesson opened with --scene: its note, and its place among the shipped ones when it is one.
void MainWindow::showSceneLesson(const QString& scene) {
  try {
    const std::string file = resolveAsset(scene.toStdString());
    if (!std::filesystem::is_regular_file(file)) return;  // a built-in scene
    const std::optional<LessonNote> note = lessonOf(readJsonFile(file), file);
    if (!note) return;
    VulkanViewport::ShownLesson shown{note->title, note->note, viewport_->shown(), -1, 0};
    const std::vector<Lesson>& lessons = shippedLessons();
    for (size_t i = 0; i < lessons.size(); ++i)
      if (std::filesystem::equivalent(lessons[i].path, file))
        shown.index = int(i), shown.count = int(lessons.size());
    viewport_->setLesson(shown);
  } catch (const std::exception&) {
    // main() opened this scene already: nothing here can fail that did not fail there
  }
}

void MainWindow::stepLesson(int delta) {
  const auto& shown = viewport_->lesson();
  const int from = shown && shown->index >= 0 ? shown->index : (delta > 0 ? -1 : 0);
  openLesson(from + delta);
}

void MainWindow::recordEdit() {
  const bool editing = viewport_->shownView().holdsMouse() ||
                       (ImGui::GetCurrentContext() && ImGui::IsAnyItemActive());
  if (!editing) history_[viewport_->shown()].observe(shownLab());
}

bool MainWindow::undo() {
  try {
    return history_[viewport_->shown()].undo(shownLab());
  } catch (const InputError& e) {  // a recorded scene the lab no longer takes
    viewport_->edits().report(e.what());
    return false;
  }
}

bool MainWindow::redo() {
  try {
    return history_[viewport_->shown()].redo(shownLab());
  } catch (const InputError& e) {
    viewport_->edits().report(e.what());
    return false;
  }
}

QString MainWindow::openData(const QString& path) {
  try {
    viewport_->shownView().openData(path.toStdString());
    viewport_->edits().clear();
    return {};
  } catch (const InputError& e) {
    viewport_->edits().report(e.what());
    return QString::fromStdString(e.what());
  }
}

QString MainWindow::saveScene(const QString& path) {
  try {
    flowscope::saveScene(shownLab(), path.toStdString());  // the lab shown is the one saved
    return {};
  } catch (const InputError& e) {
    return QString::fromStdString(e.what());
  }
}

QSize MainWindow::plotSize() const {
  const ContentRect& c = viewport_->content();
  return {std::max(16, int(c.width)), std::max(16, int(c.height))};
}

// The overlays' scale in an export `size` high: text as large against the plot as on screen.
float MainWindow::figureScale(QSize size) const {
  const float scale = viewport_->uiScale() * float(viewport_->devicePixelRatio()) *
                      float(size.height()) / float(plotSize().height());
  return std::clamp(scale, 0.5f, 8.0f);
}

std::optional<QSize> MainWindow::askExportSize(const QString& title) {
  const QSize plot = plotSize();
  const QStringList sizes = {QString("%1 x %2 (the plot)").arg(plot.width()).arg(plot.height()),
                             "1280 x 720", "1920 x 1080", "3840 x 2160 (4K)"};
  bool ok = false;
  const QString chosen = QInputDialog::getItem(this, title, "Size in pixels", sizes, 0, false, &ok);
  if (!ok) return std::nullopt;
  const QStringList wh = chosen.section(' ', 0, 2).split(" x ");
  return QSize(wh[0].toInt(), wh[1].toInt());
}

// A copy of the shown lab's scene: exports draw it, the view keeps its step, camera and run.
std::unique_ptr<Lab> MainWindow::shownSceneCopy() {
  std::unique_ptr<Lab> copy = makeLab(shownLab().info().id);
  copy->setBackend(shownLab().backend());
  copy->openScene(shownLab().sceneJson(), "the shown scene");
  return copy;
}

QString MainWindow::exportFigure(const QString& path, QSize size) {
  const GpuContext* gpu = viewport_->gpu();
  if (!gpu) return "the viewport has no device yet";
  if (!path.endsWith(".png") && !path.endsWith(".svg")) return path + ": expected .png or .svg";
  try {
    std::unique_ptr<Lab> copy = shownSceneCopy();
    const QSize s = size.isEmpty() ? plotSize() : size;
    const std::string bytes = path.endsWith(".svg")
                                  ? renderLabSvg(*gpu, *copy, uint32_t(s.width()),
                                                 uint32_t(s.height()), {}, figureScale(s))
                                  : encodePng(renderLab(*gpu, *copy, uint32_t(s.width()),
                                                        uint32_t(s.height()), {}, figureScale(s)));
    copy->useGpu(nullptr);
    OutputFiles files;
    files.stage(path.toStdString(), bytes);
    files.commit();
    return {};
  } catch (const std::exception& e) {
    return QString::fromStdString(e.what());
  }
}

QString MainWindow::exportVideo(const QString& path, int fps, QSize size,
                                const std::optional<SweepSpec>& sweep, int frames) {
  const GpuContext* gpu = viewport_->gpu();
  if (!gpu) return "the viewport has no device yet";
  try {
    std::unique_ptr<Lab> copy = shownSceneCopy();
    const QSize s = size.isEmpty() ? plotSize() : size;  // even for H.264
    const uint32_t w = std::max(16u, uint32_t(s.width()) & ~1u),
                   h = std::max(16u, uint32_t(s.height()) & ~1u);
    if (frames <= 0)
      frames = !sweep && copy->animationFrames() > 0 ? copy->animationFrames() : 4 * fps;
    QProgressDialog dialog("Recording " + QFileInfo(path).fileName() + "…", "Cancel", 0, frames,
                           this);
    dialog.setWindowModality(Qt::WindowModal);
    dialog.setMinimumDuration(0);
    const auto progress = [&](int k, int) {
      dialog.setValue(k);
      QCoreApplication::processEvents();
      if (dialog.wasCanceled()) throw InputError("recording cancelled");
    };
    if (sweep)
      recordLabSweep(*gpu, *copy, *sweep, path.toStdString(), w, h, fps, frames, progress,
                     figureScale(s));
    else
      recordLabVideo(*gpu, *copy, path.toStdString(), w, h, fps, frames, progress, figureScale(s));
    copy->useGpu(nullptr);
    return {};
  } catch (const std::exception& e) {  // InputError (a lab without animation, cancelled), I/O
    return QString::fromStdString(e.what());
  }
}

// The sweep's field (any number in the shown scene), its ends, spacing and frames, the file, the
// size and the frame rate, asked in turn; Cancel anywhere stops.
void MainWindow::askSweepVideo() {
  const nlohmann::json scene = shownLab().sceneJson();
  QStringList fields;
  for (const std::string& f : numericFields(scene)) fields << QString::fromStdString(f);
  bool ok = false;
  const QString field = QInputDialog::getItem(this, "Video of a parameter sweep",
                                              "Scene field to sweep", fields, 0, false, &ok);
  if (!ok) return;
  SweepSpec sweep;
  sweep.field = field.toStdString();
  const double now = fieldValue(scene, sweep.field);
  sweep.from = QInputDialog::getDouble(this, "Video of a parameter sweep", field + " from", now,
                                       -1e12, 1e12, 6, &ok);
  if (!ok) return;
  sweep.to = QInputDialog::getDouble(this, "Video of a parameter sweep", field + " to", now, -1e12,
                                     1e12, 6, &ok);
  if (!ok) return;
  const QString spacing = QInputDialog::getItem(
      this, "Video of a parameter sweep", "Spacing of the values",
      {"linear", "geometric (for ε, σ, scales: both ends above 0)"}, 0, false, &ok);
  if (!ok) return;
  sweep.geometric = spacing.startsWith("geometric");
  const int frames =
      QInputDialog::getInt(this, "Video of a parameter sweep", "Frames", 48, 2, 10000, 1, &ok);
  if (!ok) return;
  askVideo("Export video of the sweep", QString::fromStdString(shownLab().info().id) + "-" + field,
           sweep, frames);
}

// The file, the size and the frame rate, asked in turn (Cancel anywhere stops), then the video.
void MainWindow::askVideo(const QString& title, const QString& name,
                          const std::optional<SweepSpec>& sweep, int frames) {
  const QString path =
      QFileDialog::getSaveFileName(this, title, name + ".mp4", "Video (*.mp4 *.gif)");
  if (path.isEmpty()) return;
  const std::optional<QSize> size = askExportSize("Export video");
  if (!size) return;
  bool ok = false;
  const int fps = QInputDialog::getInt(this, "Export video", "Frames a second", 12, 1, 120, 1, &ok);
  if (!ok) return;
  if (QString err = exportVideo(path, fps, *size, sweep, frames); !err.isEmpty())
    QMessageBox::warning(this, "Export video", err);
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

// "frame 6.1 ms (164 fps) | device | UI 1× | <the lab's status> | <what runs its heavy work>
// (backend auto) | validation messages: 0"
QString MainWindow::statusText() const {
  return status_->text();
}

void MainWindow::updateStatus() {
  const double ms = viewport_->stats().recentMs();
  QString text =
      QString("frame %1 ms (%2 fps)   |   %3   |   UI %4×   |   %5   |   %6 (backend %7)")
          .arg(ms, 0, 'f', 1)
          .arg(ms > 0 ? 1000.0 / ms : 0.0, 0, 'f', 0)
          .arg(viewport_->deviceName())
          .arg(double(viewport_->uiScale()))
          .arg(QString::fromStdString(shownLab().status()))
          .arg(QString::fromStdString(shownLab().computeBackend()))
          .arg(QString::fromStdString(backendChoiceName(shownLab().backend())));
  if (const std::optional<LabProgress> p = shownLab().progress())
    text += QString("   |   %1").arg(QString::fromStdString(p->what));
  if (validation_) text += QString("   |   validation messages: %1").arg(validation_->count.load());
  status_->setText(text);
}

void MainWindow::onFrame() {
  // --frames N: N frames, and then any solve in flight finished (the screenshot shows its result).
  if (options_.frames > 0 && !finishing_ && viewport_->stats().frames() >= options_.frames &&
      !shownLab().progress()) {
    finishing_ = true;
    QTimer::singleShot(0, this, &MainWindow::finishFrames);
  }
}

void MainWindow::finishFrames() {
  const FrameStats& stats = viewport_->stats();
  nlohmann::json json{{"frames", stats.frames()},
                      {"frame_ms_median", stats.medianMs()},
                      {"frame_ms_p95", stats.p95Ms()},
                      {"device", viewport_->deviceName().toStdString()},
                      {"width", viewport_->swapChainImageSize().width()},
                      {"height", viewport_->swapChainImageSize().height()},
                      {"validation_messages", validation_ ? int(validation_->count.load()) : -1},
                      {"lab", shownLab().info().id},
                      {"backend", backendChoiceName(shownLab().backend())},
                      {"compute", shownLab().computeBackend()},
                      {"ui_scale", viewport_->uiScale()}};
  const ContentRect& c = viewport_->content();  // the plot's area: x, y, width, height
  json["content"] = {c.x, c.y, c.width, c.height};
  shownLab().addStats(json);
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
      writeFileAtomically(options_.statsPath.toStdString(), json.dump(2) + "\n");
    } catch (const InputError& e) {
      qCritical("flowscope: %s", e.what());
      exitCode_ = 3;
    }
  }
  QApplication::exit(exitCode_);
}

void MainWindow::showAbout() {
  const VkPhysicalDeviceProperties* props =
      viewport_->isValid() ? viewport_->physicalDeviceProperties() : nullptr;
  QString api = props ? QString::fromStdString(vulkanVersionString(props->apiVersion)) : "?";
  QMessageBox::about(
      this, "About Flowscope",
      QString("<b>Flowscope 0.1.0</b><br>See the mathematics of generative models working.<br><br>"
              "Device: %1 (Vulkan %2)<br>Qt %3, Dear ImGui %4, glm %5.%6.%7, Vulkan headers %8<br>"
              "%9 lab: %10")
          .arg(viewport_->deviceName(), api, qVersion(), IMGUI_VERSION)
          .arg(GLM_VERSION_MAJOR)
          .arg(GLM_VERSION_MINOR)
          .arg(GLM_VERSION_PATCH)
          .arg(QString::fromStdString(vulkanVersionString(VK_HEADER_VERSION_COMPLETE)))
          .arg(QString::fromStdString(shownLab().info().title).toHtmlEscaped())
          .arg(QString::fromStdString(shownLab().status()).toHtmlEscaped()));
}

}  // namespace flowscope
