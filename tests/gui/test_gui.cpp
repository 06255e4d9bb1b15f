// The GUI under Xvfb: the real MainWindow in-process (clicks on the ImGui panel, shortcuts,
// dialogs' file paths, screenshots), and the flowscope executable's --frames mode and exit codes.
// Validation layer on; any validation message fails the suite.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <imgui.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <set>

#include "AttentionLab.h"
#include "DiffusionLab.h"
#include "DiffusionScene.h"
#include "DiffusionView.h"
#include "EstimatorsLab.h"
#include "FlowsLab.h"
#include "ImGuiLayer.h"
#include "InputError.h"
#include "LabCatalog.h"
#include "Lessons.h"
#include "MainWindow.h"
#include "RfLab.h"
#include "TrainingLab.h"
#include "TransportLab.h"
#include "TransportScene.h"
#include "VideoWriter.h"

using namespace flowscope;

namespace {

int distinctColours(const QImage& image) {
  std::set<QRgb> colours;
  for (int y = 0; y < image.height(); y += 2)
    for (int x = 0; x < image.width(); x += 2) colours.insert(image.pixel(x, y));
  return int(colours.size());
}

// A world point of a lab's camera in the viewport's logical coordinates: the camera maps the
// content area the docked panels leave (`cameraWidth` of it; all when negative).
QPoint screenOf(VulkanViewport* vp, const View2D& camera, glm::dvec2 world, int cameraWidth = -1) {
  const ContentRect c = vp->content();
  const glm::dvec2 px =
      camera.worldToPixel(world, cameraWidth < 0 ? int(c.width) : cameraWidth, int(c.height));
  const double dpr = vp->devicePixelRatio();
  return QPoint(int(std::lround((px.x + c.x) / dpr)), int(std::lround((px.y + c.y) / dpr)));
}

// A logical viewport position in the content area's pixels (what the camera maps).
glm::dvec2 contentPixel(VulkanViewport* vp, QPoint at) {
  const ContentRect c = vp->content();
  const double dpr = vp->devicePixelRatio();
  return {at.x() * dpr - c.x, at.y() * dpr - c.y};
}

// Whether the viewport shows the lab with this id.
bool showing(VulkanViewport* vp, const char* id) {
  return vp->shownLab().info().id == id;
}

}  // namespace

class GuiTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    instance_.setLayers({"VK_LAYER_KHRONOS_validation"});
    instance_.setExtensions({VK_EXT_DEBUG_UTILS_EXTENSION_NAME});
    QVERIFY2(instance_.create(), "no Vulkan instance");
    QVERIFY(instance_.layers().contains("VK_LAYER_KHRONOS_validation"));
    messenger_ = installValidationCounter(instance_.vkInstance(), &sink_);
    QVERIFY(messenger_ != VK_NULL_HANDLE);
    DiffusionScene scene = defaultDiffusionScene();
    scene.playing = false;
    std::vector<std::unique_ptr<Lab>> labs = makeLabs();
    labs[labIndex("diffusion")] = std::make_unique<DiffusionLab>(scene);
    // The window owns the labs; the tests hold them typed.
    lab_ = dynamic_cast<DiffusionLab*>(labs[labIndex("diffusion")].get());
    transport_ = dynamic_cast<TransportLab*>(labs[labIndex("transport")].get());
    attention_ = dynamic_cast<AttentionLab*>(labs[labIndex("attention")].get());
    rf_ = dynamic_cast<RfLab*>(labs[labIndex("rf")].get());
    training_ = dynamic_cast<TrainingLab*>(labs[labIndex("training")].get());
    QVERIFY(lab_ && transport_ && attention_ && rf_ && training_);
    window_ = std::make_unique<MainWindow>(std::move(labs), &instance_, AppOptions{}, &sink_);
    window_->show();
    QTRY_VERIFY_WITH_TIMEOUT(window_->viewport()->stats().frames() > 5, 30000);
  }

  void clickOnStepButtonAdvancesTheStep() {
    VulkanViewport* vp = window_->viewport();
    QTRY_VERIFY(vp->controlRects().count("step") == 1);
    const ControlRect r = vp->controlRects().at("step");
    const QPoint centre(int((r.x0 + r.x1) / 2), int((r.y0 + r.y1) / 2));
    QCOMPARE(lab_->playback().target(), 0);
    QTest::mouseMove(vp, centre);
    waitFrames(3);  // ImGui learns the hover before the press
    QTest::mouseClick(vp, Qt::LeftButton, Qt::NoModifier, centre);
    QTRY_COMPARE_WITH_TIMEOUT(lab_->playback().target(), 1, 10000);
    waitFrames(2);
    QCOMPARE(lab_->currentSimulation()->current(), 1);
  }

  void shortcutsStepPlayAndReset() {
    VulkanViewport* vp = window_->viewport();
    const QPoint empty(vp->width() - 50, vp->height() / 2);  // over the scene, not the panel
    QTest::mouseMove(vp, empty);
    waitFrames(3);
    const int start = lab_->playback().target();
    QTest::keyClick(vp, Qt::Key_Right);
    QTRY_COMPARE(lab_->playback().target(), start + 1);
    QTest::keyClick(vp, Qt::Key_Left);
    QTRY_COMPARE(lab_->playback().target(), start);
    QTest::keyClick(vp, Qt::Key_Space);
    QTRY_VERIFY(lab_->playback().playing());
    QTest::keyClick(vp, Qt::Key_Space);
    QTRY_VERIFY(!lab_->playback().playing());
    QTest::keyClick(vp, Qt::Key_R);
    QTRY_COMPARE(lab_->playback().target(), 0);
  }

  void wheelZoomsAboutTheCursor() {
    VulkanViewport* vp = window_->viewport();
    const QPoint at(vp->width() - 200, 150);
    const double before = lab_->camera().height;
    const ContentRect c = vp->content();
    const glm::dvec2 anchor =
        lab_->camera().pixelToWorld(contentPixel(vp, at), int(c.width), int(c.height));
    QWheelEvent wheel(QPointF(at), vp->mapToGlobal(QPointF(at)), QPoint(), QPoint(0, 120),
                      Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(vp, &wheel);
    QVERIFY(lab_->camera().height < before);
    const glm::dvec2 after =
        lab_->camera().pixelToWorld(contentPixel(vp, at), int(c.width), int(c.height));
    QVERIFY(std::abs(after.x - anchor.x) < 1e-9 && std::abs(after.y - anchor.y) < 1e-9);
    lab_->resetCamera();
  }

  void badFilesLeaveTheSceneUnchanged() {
    QTemporaryDir dir;
    const std::string before = diffusionSceneToString(lab_->snapshot());
    QFile bad(dir.filePath("bad.json"));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write(R"({"flowscope_scene": 1, "lab": "gmm-diffusion"})");
    bad.close();
    QString error = window_->openScene(bad.fileName());
    QVERIFY2(error.contains("bad.json") && error.contains("field"), qPrintable(error));
    QFile mix(dir.filePath("mix.json"));
    QVERIFY(mix.open(QIODevice::WriteOnly));
    mix.write(R"({"type":"gmm","weights":[1],"means":[[0,0]],"covariances":[[[1,3],[3,1]]]})");
    mix.close();
    error = window_->openData(mix.fileName());
    QVERIFY2(error.contains("component 0"), qPrintable(error));
    QCOMPARE(diffusionSceneToString(lab_->snapshot()), before);
  }

  // The hostile-input cases of the CLI, through the GUI's paths: each is refused with the same
  // message, shown in red on the panel, and the lab stays byte-identical.
  void hostileInputsLeaveTheLabUnchanged() {
    VulkanViewport* vp = window_->viewport();
    QTemporaryDir dir;
    const std::string before = diffusionSceneToString(lab_->snapshot());
    auto write = [&](const char* name, const std::string& text) {
      QFile f(dir.filePath(name));
      f.open(QIODevice::WriteOnly);
      f.write(text.data(), qint64(text.size()));
      return f.fileName();
    };
    auto expectRefused = [&](const QString& error, const char* words) {
      QVERIFY2(error.contains(words), qPrintable(error));
      QCOMPARE(QString::fromStdString(vp->edits().message()), error);
      QCOMPARE(diffusionSceneToString(lab_->snapshot()), before);
    };
    expectRefused(window_->openData(write("far.csv", "x,y\n0,0\n1e300,2\n")),
                  "far.csv: line 3, column 1 (x): 1e+300 is outside the accepted range");
    QVERIFY(QDir(dir.path()).mkdir("folder.json"));
    expectRefused(window_->openData(dir.filePath("folder.json")), "is a directory");
    nlohmann::json scene = diffusionSceneToJson(lab_->snapshot());
    scene["sampling"]["sigma_max"] = 1e308;
    expectRefused(window_->openScene(write("sigma.json", scene.dump())),
                  "field 'sampling.sigma_max': must be between 1e-05 and 100000");
    expectRefused(window_->openScene(write("overflow.json", "{\"seed\": 1e400}")),
                  "number out of range: 1e400");
    expectRefused(
        window_->openScene(write("deep.json", std::string(5000, '[') + std::string(5000, ']'))),
        "nested deeper than 128 levels");
    // A panel field: sigma_max typed as 1e308 and entered. (The red line above moves the panel's
    // fields: cleared, and the fields' places taken from a frame drawn without it.)
    vp->edits().clear();
    waitFrames(3);
    QTRY_VERIFY(vp->controlRects().count("sigma_max") == 1);
    const ControlRect r = vp->controlRects().at("sigma_max");
    const QPoint field(int((r.x0 + r.x1) / 2), int((r.y0 + r.y1) / 2));
    QTest::mouseMove(vp, field);
    waitFrames(3);
    QTest::mouseClick(vp, Qt::LeftButton, Qt::NoModifier, field);
    waitFrames(3);
    QTest::keyClick(vp, Qt::Key_A, Qt::ControlModifier);
    waitFrames(2);
    for (char c : std::string("1e308")) {
      QTest::keyClick(vp, c);
      waitFrames(1);
    }
    QTest::keyClick(vp, Qt::Key_Return);
    QTRY_VERIFY2(vp->edits().message().find("sigma_max: must be between") != std::string::npos,
                 vp->edits().message().c_str());
    QCOMPARE(diffusionSceneToString(lab_->snapshot()), before);
    // An edit whose run would exceed the work budget (1M particles x 2,000 points x 1,999
    // evaluations): refused in red, the parameters back to those of the run shown, which the
    // panel keeps drawing.
    const DiffusionScene saved = lab_->snapshot();
    lab_->setData(DataSource::ofPreset("moons"));
    lab_->params().setSteps(1000);
    waitFrames(3);
    const std::string runnable = diffusionSceneToString(lab_->snapshot());
    lab_->params().setParticleCount(DiffusionParams::kMaxParticles);
    QTRY_VERIFY2(vp->edits().message().find("is above the budget of 1e+12") != std::string::npos,
                 vp->edits().message().c_str());
    QCOMPARE(diffusionSceneToString(lab_->snapshot()), runnable);
    waitFrames(3);
    const QImage refused = vp->grabRgb(true);
    QVERIFY(distinctColours(refused) > 100);
    if (const QString shots = qEnvironmentVariable("FLOWSCOPE_SHOTS"); !shots.isEmpty())
      refused.save(shots + "/diffusion_refused_edit.png");
    lab_->replaceScene(saved);
    vp->edits().clear();
    QTest::mouseMove(vp, QPoint(vp->width() - 50, vp->height() / 2));  // off the panel again
    waitFrames(3);
  }

  void saveOpenRoundTripAndExport() {
    QTemporaryDir dir;
    lab_->params().setSteps(9);
    lab_->playback().scrub(4, 9);
    const QString path = dir.filePath("scene.json");
    QCOMPARE(window_->saveScene(path), QString());
    const std::string saved = diffusionSceneToString(lab_->snapshot());
    lab_->params().setSteps(30);
    QCOMPARE(window_->openScene(path), QString());
    QCOMPARE(diffusionSceneToString(lab_->snapshot()), saved);
    QCOMPARE(lab_->playback().target(), 4);
    QCOMPARE(window_->exportPng(dir.filePath("export.png")), QString());
    QImage exported(dir.filePath("export.png"));
    QVERIFY(!exported.isNull());
    QVERIFY(distinctColours(exported) > 100);
  }

  void screenshotIsNotBlank() {
    waitFrames(3);
    QImage shot = window_->viewport()->grabRgb(true);
    QVERIFY(!shot.isNull());
    QVERIFY2(distinctColours(shot) > 100, "heatmap, arrows, particles and panel give many colours");
  }

  void splitViewPickingPaintingAndMetrics() {
    VulkanViewport* vp = window_->viewport();
    lab_->setData(DataSource::ofPreset("moons"));
    lab_->params().chooseSampler(SamplerKind::Ddim);
    lab_->params().setSteps(20);
    lab_->params().setCompareSampler(SamplerKind::Heun);
    lab_->params().setSplitView(true);
    lab_->playback().scrub(20, 20);
    waitFrames(4);
    QVERIFY(lab_->currentCompare() != nullptr);
    QCOMPARE(lab_->currentCompare()->config().sampler.kind, SamplerKind::Heun);
    QCOMPARE(lab_->currentCompare()->config().schedule.kind,
             ScheduleKind::Linear);  // the primary's, it fits
    QVERIFY(distinctColours(vp->grabRgb(false)) > 100);
    // The comparison shows the state paired with the shown one (equal step, NFE or sigma).
    QCOMPARE(lab_->currentCompare()->current(), 20);
    lab_->playback().scrub(10, 20);
    for (CompareAt at : {CompareAt::Nfe, CompareAt::Sigma, CompareAt::Step}) {
      lab_->params().setCompareAt(at);
      waitFrames(3);
      QCOMPARE(lab_->currentCompare()->current(),
               compareState(at, *lab_->currentSimulation(), 10, *lab_->currentCompare()));
    }
    QCOMPARE(lab_->currentCompare()->current(), 10);
    lab_->params().setCompareAt(CompareAt::Nfe);
    waitFrames(3);
    QVERIFY(lab_->currentCompare()->current() < 10);  // Heun spends 2 evaluations a step
    lab_->params().setCompareAt(CompareAt::Step);
    lab_->playback().scrub(20, 20);
    waitFrames(3);
    // Live metrics follow the shown state while the metrics window is open.
    auto& view = dynamic_cast<DiffusionView&>(vp->view(labIndex("diffusion")));
    view.panelContext().metricsOpen = true;
    QTRY_COMPARE(view.metrics().state, 20);
    QVERIFY(std::isfinite(view.metrics().energyDistance) && view.metrics().energyDistance >= 0.0);
    QVERIFY(view.metrics().memorised >= 0.0);
    // Ctrl+click on the particle nearest the primary run's centre picks it (the primary run is
    // the content's left half).
    const DiffusionSimulation* sim = lab_->currentSimulation();
    glm::dvec2 p0 = lab_->camera().center;
    double nearest = 1e300;
    for (const glm::vec2& p : sim->positions(sim->current()))
      if (glm::length(glm::dvec2(p) - lab_->camera().center) < nearest)
        nearest = glm::length(glm::dvec2(p) - lab_->camera().center), p0 = glm::dvec2(p);
    const QPoint p0At =
        screenOf(vp, lab_->camera(), p0, view.cameraWidth(int(vp->content().width)));
    lab_->clearPicked();
    QTest::mouseClick(vp, Qt::LeftButton, Qt::ControlModifier, p0At);
    QTRY_COMPARE(int(lab_->picked().size()), 1);
    QCOMPARE(int(lab_->pickedPaths().size()), 1);
    QCOMPARE(int(lab_->pickedPaths()[0].size()), 21);
    // Painting: a stroke adds points; using them makes a point-cloud dataset.
    lab_->params().setSplitView(false);
    lab_->setPainting(true);
    lab_->clearPainted();
    view.panelContext().metricsOpen = false;  // its window may lie where the stroke goes
    QTest::mouseMove(vp, QPoint(vp->width() - 300, 300));
    waitFrames(3);  // ImGui learns the mouse is over the scene before the press
    QTest::mousePress(vp, Qt::LeftButton, Qt::NoModifier, QPoint(vp->width() - 300, 300));
    for (int i = 1; i <= 20; ++i)
      QTest::mouseMove(vp, QPoint(vp->width() - 300 + 6 * i, 300 + 3 * i));
    QTest::mouseRelease(vp, Qt::LeftButton, Qt::NoModifier, QPoint(vp->width() - 180, 360));
    QVERIFY2(lab_->painted().size() >= 10, "one point per 4 pixels of stroke");
    lab_->usePainted();
    QVERIFY(lab_->dataset().points.has_value());
    QCOMPARE(lab_->dataset().points->points().size(), lab_->painted().size());
    waitFrames(3);
    lab_->replaceScene([] {
      DiffusionScene s = defaultDiffusionScene();
      s.playing = false;
      return s;
    }());
    waitFrames(2);
  }

  // The Transport lab: Ctrl+2 shows it; dragging a source point re-solves (W changes) and its
  // panel's method radio switches to exact OT; Ctrl+1 goes back. No validation messages.
  void transportLabDragAndMethodSwitch() {
    VulkanViewport* vp = window_->viewport();
    const auto before = sink_.count.load();
    QTest::mouseMove(vp, QPoint(vp->width() - 50, vp->height() / 2));
    waitFrames(2);
    QTest::keyClick(vp, Qt::Key_2, Qt::ControlModifier);
    QTRY_VERIFY(showing(vp, "transport"));
    QTRY_VERIFY_WITH_TIMEOUT(transport_->solution().status == SolveStatus::Converged, 20000);
    waitFrames(2);
    const double w0 = transport_->solution().w;
    // The rightmost source point, dragged 60 px further right.
    const size_t k = rightmostSourcePoint();
    const double dpr = vp->devicePixelRatio();
    const glm::dvec2 original = transport_->source().points[k];
    const size_t intervals = vp->stats().intervalsMs().size();
    dragRight(vp, screenOf(vp, transport_->camera(), original), 60);
    {  // for the record (not a timed assertion): the frames of the drag
      const std::vector<double>& all = vp->stats().intervalsMs();
      qInfo("drag: %d frames, longest %.1f ms", int(all.size() - intervals),
            *std::max_element(all.begin() + qsizetype(intervals), all.end()));
    }
    waitFrames(2);
    QVERIFY2(transport_->source().points[k].x > original.x + 0.1, "the point did not move");
    // The re-solve runs off the frame: its result comes a few frames later.
    QTRY_VERIFY_WITH_TIMEOUT(transport_->solution().w != w0 && !transport_->progress(), 10000);
    QCOMPARE(transport_->solution().status, SolveStatus::Converged);
    QTRY_VERIFY(vp->controlRects().count("transport.method.exact") == 1);
    const ControlRect r = vp->controlRects().at("transport.method.exact");
    const QPoint centre(int((r.x0 + r.x1) / 2 / dpr), int((r.y0 + r.y1) / 2 / dpr));
    QTest::mouseMove(vp, centre);
    waitFrames(3);
    QTest::mouseClick(vp, Qt::LeftButton, Qt::NoModifier, centre);
    QTRY_COMPARE_WITH_TIMEOUT(transport_->settings().method, OtMethod::Exact, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(transport_->solution().method, OtMethod::Exact, 10000);
    QVERIFY(transport_->solution().marginalError < 1e-9);
    // Every view draws something: potentials + interpolation, step-through, couplings. With
    // FLOWSCOPE_SHOTS=DIR the frames are saved there to be looked at.
    const QString shots = qEnvironmentVariable("FLOWSCOPE_SHOTS");
    const auto shoot = [&](const char* name) {
      waitFrames(3);
      QImage image = vp->grabRgb(true);
      QVERIFY(!image.isNull());
      std::set<QRgb> colours;
      for (int y = 0; y < image.height(); y += 7)
        for (int x = 0; x < image.width(); x += 7) colours.insert(image.pixel(x, y));
      QVERIFY2(colours.size() > 50, name);
      if (!shots.isEmpty()) image.save(shots + "/" + name + ".png");
    };
    shoot("transport_exact");
    transport_->setMethod(OtMethod::Sinkhorn);
    transport_->setPotential(PotentialShown::Source);
    transport_->setShowInterpolation(true);
    transport_->setT(0.5);
    shoot("transport_potential_interpolation");
    transport_->setPotential(PotentialShown::None);
    transport_->setShowInterpolation(false);
    transport_->setStepThrough(true);
    QTRY_VERIFY_WITH_TIMEOUT(!transport_->history().empty(), 20000);
    transport_->setStep(4);
    shoot("transport_stepthrough");
    QVERIFY(transport_->history()[3].epsilon > transport_->history().back().epsilon);  // annealing
    QCOMPARE(transport_->shownEpsilon(), transport_->history()[3].epsilon);
    transport_->setStepThrough(false);
    transport_->setMode(TransportMode::Coupling);
    QTRY_VERIFY_WITH_TIMEOUT(transport_->couplings().size() == 3, 20000);
    shoot("transport_couplings");
    transport_->setMode(TransportMode::Plan);
    // File > Save scene saves the lab shown; opening it restores that lab, even from the other.
    transport_->setT(0.25);
    const QString file = QDir::temp().filePath("flowscope-gui-transport-scene.json");
    QCOMPARE(window_->saveScene(file), QString());
    const std::string saved = transportSceneToString(transport_->snapshot());
    transport_->setT(0.75);
    transport_->movePoint({true, 0}, {9.0, 9.0});
    QTest::keyClick(vp, Qt::Key_1, Qt::ControlModifier);
    QTRY_VERIFY(!showing(vp, "transport"));
    QCOMPARE(window_->openScene(file), QString());
    QVERIFY(showing(vp, "transport"));
    QCOMPARE(transportSceneToString(transport_->snapshot()), saved);
    QFile::remove(file);
    waitFrames(2);
    QTest::keyClick(vp, Qt::Key_1, Qt::ControlModifier);
    QTRY_VERIFY(!showing(vp, "transport"));
    QCOMPARE(sink_.count.load(), before);
  }

  // A solve that takes long runs off the frame: frames keep coming, the previous plan stays on
  // screen, the progress window says what runs; a new problem stops it.
  void transportSolveRunsOffTheFrame() {
    VulkanViewport* vp = window_->viewport();
    const auto before = sink_.count.load();
    window_->showLab(labIndex("transport"));
    QTRY_VERIFY_WITH_TIMEOUT(!transport_->progress(), 20000);
    const nlohmann::json saved = transport_->sceneJson();
    auto restore = qScopeGuard([&] { transport_->openScene(saved, "saved"); });
    transport_->setTolerance(1e-9);
    transport_->setMaxIterations(1000000);
    MeasureSpec many = transport_->settings().source;
    many.count = 1500;
    transport_->setSource(many);
    transport_->setEpsilon(1e-4);
    QTRY_VERIFY(transport_->progress().has_value());
    const int frames = vp->stats().frames();
    const size_t intervals = vp->stats().intervalsMs().size();
    QTRY_VERIFY_WITH_TIMEOUT(vp->stats().frames() >= frames + 3, 20000);
    QVERIFY2(transport_->progress().has_value(), "the long solve ended before three frames");
    // For the record (not a timed assertion): the frames while the solve runs.
    const std::vector<double>& all = vp->stats().intervalsMs();
    qInfo("frames during the 1500x250 solve: %d, longest %.1f ms", int(all.size() - intervals),
          *std::max_element(all.begin() + qsizetype(intervals), all.end()));
    QVERIFY(transport_->solution().f.empty());  // no plan of the previous points drawn on these
    const auto working = [vp] {
      const auto windows = vp->imgui()->windowRects();
      return std::find_if(windows.begin(), windows.end(),
                          [](const auto& r) { return r.name == "Working"; }) != windows.end();
    };
    QTRY_VERIFY(working());
    const ControlRect bar = vp->controlRects().at("lab.progress");  // inside the plot's area
    QVERIFY(bar.x0 >= vp->content().x && bar.x1 <= vp->content().x + vp->content().width);
    QVERIFY(bar.y0 >= vp->content().y && bar.y1 <= vp->content().y + vp->content().height);
    const QString shots = qEnvironmentVariable("FLOWSCOPE_SHOTS");
    if (!shots.isEmpty()) vp->grabRgb(true).save(shots + "/transport_solving.png");
    transport_->openScene(saved, "saved");  // a new problem: the long solve stops
    restore.dismiss();
    QTRY_VERIFY_WITH_TIMEOUT(!transport_->progress(), 10000);
    QCOMPARE(transport_->source().points.size(), size_t(saved["transport"]["source"]["count"]));
    QCOMPARE(transport_->solution().status, SolveStatus::Converged);
    waitFrames(3);
    QVERIFY(!working());
    window_->showLab(labIndex("diffusion"));
    QCOMPARE(sink_.count.load(), before);
  }

  // The Transport lab's chosen coupling becomes the Diffusion & Flow lab's flow coupling: its
  // button switches labs, and the flow run integrates the coupling's velocity model.
  void couplingHandOffToTheDiffusionLab() {
    VulkanViewport* vp = window_->viewport();
    const auto before = sink_.count.load();
    QTest::keyClick(vp, Qt::Key_2, Qt::ControlModifier);
    QTRY_VERIFY(showing(vp, "transport"));
    transport_->setMode(TransportMode::Coupling);
    transport_->setCoupling(CouplingKind::Exact);
    QTRY_VERIFY_WITH_TIMEOUT(transport_->couplings().size() == 3, 20000);
    QTRY_VERIFY(vp->controlRects().count("transport.coupling.use") == 1);
    const double dpr = vp->devicePixelRatio();
    const ControlRect r = vp->controlRects().at("transport.coupling.use");
    const QPoint centre(int((r.x0 + r.x1) / 2 / dpr), int((r.y0 + r.y1) / 2 / dpr));
    QTest::mouseMove(vp, centre);
    waitFrames(3);
    QTest::mouseClick(vp, Qt::LeftButton, Qt::NoModifier, centre);
    QTRY_VERIFY_WITH_TIMEOUT(!showing(vp, "transport"), 20000);
    QCOMPARE(lab_->params().flowCoupling().kind, FlowCoupling::Exact);
    QCOMPARE(lab_->params().flowCoupling().pairs, transport_->settings().couplingCount);
    QVERIFY(isFlowSampler(lab_->params().sampler().kind));
    QCOMPARE(lab_->dataSource().name, transport_->settings().target.name);
    lab_->playback().scrub(lab_->params().schedule().steps, lab_->params().schedule().steps);
    waitFrames(4);
    const DiffusionSimulation* sim = lab_->currentSimulation();
    QVERIFY(sim && sim->data().coupling.has_value());
    QCOMPARE(sim->data().coupling->noise().size(), size_t(transport_->settings().couplingCount));
    const QString shots = qEnvironmentVariable("FLOWSCOPE_SHOTS");
    if (!shots.isEmpty()) vp->grabRgb(true).save(shots + "/diffusion_ot_coupling.png");
    transport_->setMode(TransportMode::Plan);
    lab_->setFlowCoupling(FlowCouplingParams{});
    QCOMPARE(sink_.count.load(), before);
  }

  void attentionLabCausalHoverPaintAndDiffusionLink() {
    VulkanViewport* vp = window_->viewport();
    AttentionLab& lab = *attention_;
    const auto before = sink_.count.load();
    const double dpr = vp->devicePixelRatio();
    auto centreOf = [&](const char* name) {
      const ControlRect r = vp->controlRects().at(name);
      return QPoint(int((r.x0 + r.x1) / 2 / dpr), int((r.y0 + r.y1) / 2 / dpr));
    };
    auto click = [&](QPoint p, Qt::KeyboardModifiers mods = Qt::NoModifier) {
      QTest::mouseMove(vp, p);
      waitFrames(3);
      QTest::mouseClick(vp, Qt::LeftButton, mods, p);
    };
    QTest::keyClick(vp, Qt::Key_3, Qt::ControlModifier);
    QTRY_VERIFY(showing(vp, "attention"));
    const size_t n = lab.tokenCount();
    QTRY_VERIFY_WITH_TIMEOUT(lab.weights().rows == n && n > 0, 20000);
    // The viewport's device runs the kernels where it is a GPU; on a CPU device (lavapipe) the
    // backend choice (auto) keeps them on the CPU, and the status bar says so.
    QCOMPARE(lab.onGpu(), !vp->gpu()->isCpu());
    QTRY_VERIFY(window_->statusText().contains(QString::fromStdString(lab.computeBackend())));
    QVERIFY(window_->statusText().contains("(backend auto)"));

    // The causal checkbox masks the upper triangle.
    QTRY_VERIFY(vp->controlRects().count("attention.causal") == 1);
    click(centreOf("attention.causal"));
    QTRY_VERIFY_WITH_TIMEOUT(lab.settings().options.causal, 10000);
    waitFrames(3);
    for (size_t i = 0; i < n; ++i)
      for (size_t j = i + 1; j < n; ++j) QCOMPARE(lab.weights()(i, j), 0.0);
    QCOMPARE(lab.weights()(0, 0), 1.0);
    // Masked cells are flat grey, apart from every weight colour: cell (0, n-1) is masked, and
    // (n-1, 0), a real weight however small, is not.
    waitFrames(2);
    {
      const QImage shot = vp->grabRgb(true);
      const ControlRect mr = vp->controlRects().at("attention.matrix");
      const double side = (mr.x1 - mr.x0) / double(n);
      const auto cellPixel = [&](size_t row, size_t col) {
        return QColor(shot.pixel(int(mr.x0 + side * (double(col) + 0.25)),
                                 int(mr.y0 + side * (double(row) + 0.75))));
      };
      QCOMPARE(cellPixel(0, n - 1), QColor(70, 72, 80));
      QCOMPARE(cellPixel(2, 5), QColor(70, 72, 80));
      QVERIFY(cellPixel(n - 1, 0) != QColor(70, 72, 80));
      QVERIFY(cellPixel(5, 2) != QColor(70, 72, 80));
      // The matrix's colour bar ends in the colour of the largest weight: cell (0, 0), weight 1.
      QVERIFY(vp->controlRects().count("attention.matrix.colorbar") == 1);
      const ControlRect bar = vp->controlRects().at("attention.matrix.colorbar");
      QVERIFY(bar.x1 - bar.x0 > 100.0f);
      const QColor top(shot.pixel(int(bar.x1) - 2, int((bar.y0 + bar.y1) / 2)));
      const QColor low(shot.pixel(int(bar.x0) + 1, int((bar.y0 + bar.y1) / 2)));
      QCOMPARE(top, cellPixel(0, 0));
      QVERIFY(low != top);
    }

    // Hovering a matrix cell highlights its query and key; clicking selects the query.
    const ControlRect m = vp->controlRects().at("attention.matrix");
    const double cell = (m.x1 - m.x0) / double(n);
    const QPoint cellPos(int((m.x0 + cell * 3.5) / dpr), int((m.y0 + cell * 5.5) / dpr));
    QTest::mouseMove(vp, cellPos);
    waitFrames(3);
    QTRY_COMPARE(lab.hoverRow(), 5);
    QCOMPARE(lab.hoverColumn(), 3);
    QTest::mouseClick(vp, Qt::LeftButton, Qt::NoModifier, cellPos);
    QTRY_COMPARE(lab.selected(), 5);

    // Shift+click on empty plane paints a token.
    const QPoint empty(vp->width() / 2 + 40, vp->height() - 40);
    click(empty, Qt::ShiftModifier);
    QTRY_COMPARE(lab.tokenCount(), n + 1);
    QCOMPARE(QString::fromStdString(lab.settings().tokens), QString("painted"));
    const QString shots = qEnvironmentVariable("FLOWSCOPE_SHOTS");
    if (!shots.isEmpty()) vp->grabRgb(true).save(shots + "/attention_causal.png");

    // The diffusion link: attention over the tokens equals the ideal denoiser.
    click(centreOf("attention.link"));
    QTRY_VERIFY_WITH_TIMEOUT(lab.settings().diffusionLink, 10000);
    waitFrames(3);
    const DenoiserAttention& d = lab.denoiser();
    QVERIFY(std::hypot(d.outX - lab.empiricalDenoised().x, d.outY - lab.empiricalDenoised().y) <
            1e-12);
    if (!shots.isEmpty()) vp->grabRgb(true).save(shots + "/attention_link.png");
    lab.setDiffusionLink(false);
    AttentionOptions o = lab.settings().options;
    o.causal = false;
    lab.setOptions(o);
    QTest::keyClick(vp, Qt::Key_1, Qt::ControlModifier);
    QTRY_VERIFY(!showing(vp, "attention") && !showing(vp, "transport"));
    QCOMPARE(sink_.count.load(), before);
  }

  // The Receptive Field lab: Ctrl+4; dragging a layer's kernel field re-computes the table and the
  // ERF for the very next frame; hovering the image picks the selected layer's unit under the
  // mouse; a click pins it and its ERF (support inside its theoretical box) follows.
  void rfLabEditHoverAndPin() {
    VulkanViewport* vp = window_->viewport();
    RfLab& lab = *rf_;
    const auto before = sink_.count.load();
    const double dpr = vp->devicePixelRatio();
    QTest::keyClick(vp, Qt::Key_4, Qt::ControlModifier);
    QTRY_VERIFY(showing(vp, "rf"));
    QTRY_VERIFY_WITH_TIMEOUT(lab.stats().mass > 0.0, 20000);
    QCOMPARE(lab.onGpu(), !vp->gpu()->isCpu());  // auto: the CPU twin on lavapipe
    QCOMPARE(QString::fromStdString(lab.selected()), QString("conv3_3"));
    QCOMPARE(lab.selectedRow()->out.size, int64_t(40));

    // Drag conv1_1's kernel field to the right: k grows, conv3_3's size by (k - 3) * jump 1.
    QTRY_VERIFY(vp->controlRects().count("rf_kernel_0") == 1);
    const ControlRect k = vp->controlRects().at("rf_kernel_0");
    const QPoint from(int((k.x0 + k.x1) / 2 / dpr), int((k.y0 + k.y1) / 2 / dpr));
    QTest::mousePress(vp, Qt::LeftButton, Qt::NoModifier, from);
    waitFrames(2);
    for (int dx = 5; dx <= 25; dx += 5) {
      QMouseEvent move(QEvent::MouseMove, QPointF(from + QPoint(dx, 0)),
                       vp->mapToGlobal(QPointF(from + QPoint(dx, 0))), Qt::NoButton, Qt::LeftButton,
                       Qt::NoModifier);
      QCoreApplication::sendEvent(vp, &move);
      waitFrames(2);
    }
    QTest::mouseRelease(vp, Qt::LeftButton, Qt::NoModifier, from + QPoint(25, 0));
    QTRY_VERIFY_WITH_TIMEOUT(lab.architecture().layers[0].kernel > 3, 10000);
    waitFrames(2);
    const int kernel = lab.architecture().layers[0].kernel;
    QCOMPARE(lab.selectedRow()->out.size, int64_t(40 + (kernel - 3)));
    const RfBox box = lab.erf().box;  // the ERF was recomputed for the edited stack
    QCOMPARE(box.bottom - box.top + 1, double(40 + (kernel - 3)));

    // Hover a point of the image: the unit under it; click: pinned, ERF inside its box.
    const double row = 60.0, col = 150.0;
    const QPoint at = screenOf(vp, lab.camera(), {col, -row});
    QTest::mouseMove(vp, at + QPoint(3, 0));  // the first move ends ImGui's hold of the mouse
    waitFrames(3);
    QTest::mouseMove(vp, at);
    waitFrames(3);
    const auto want = lab.unitNear(row, col);
    QTRY_COMPARE(lab.hoverRow(), want.first);
    QCOMPARE(lab.hoverCol(), want.second);
    QTest::mouseClick(vp, Qt::LeftButton, Qt::NoModifier, at);
    QTRY_VERIFY_WITH_TIMEOUT(lab.erfUnit() == want, 10000);
    waitFrames(3);
    const ErfStats& st = lab.stats();
    QVERIFY(st.mass > 0.0);
    QVERIFY(st.supportTop >= lab.erf().box.top && st.supportBottom <= lab.erf().box.bottom);
    QVERIFY(st.supportLeft >= lab.erf().box.left && st.supportRight <= lab.erf().box.right);
    QVERIFY(std::abs(lab.erf().box.centerRow - row) <= 2.0);  // jump 4: within half a jump
    const QString shots = qEnvironmentVariable("FLOWSCOPE_SHOTS");
    if (!shots.isEmpty()) vp->grabRgb(true).save(shots + "/rf_lab.png");
    lab.loadArchitecture("vgg16");
    QTest::keyClick(vp, Qt::Key_1, Qt::ControlModifier);
    QTRY_VERIFY(!showing(vp, "rf"));
    QCOMPARE(sink_.count.load(), before);
  }

  // The Training lab (Ctrl+5): Space trains while frames go on (the evaluation comes off the
  // frame), the Step button trains one step, and "Sample it in the Diffusion & Flow lab" saves
  // the weights and shows the Diffusion lab sampling the network.
  void trainingLabTrainsLiveAndHandsItsNetworkOver() {
    VulkanViewport* vp = window_->viewport();
    TrainingLab& lab = *training_;
    const auto before = sink_.count.load();
    QTest::keyClick(vp, Qt::Key_5, Qt::ControlModifier);
    QTRY_VERIFY(showing(vp, "training"));
    QTRY_VERIFY_WITH_TIMEOUT(lab.evaluation() != nullptr, 20000);
    const long start = lab.steps();
    QTest::keyClick(vp, Qt::Key_Space);
    QTRY_VERIFY_WITH_TIMEOUT(lab.steps() > start + 200, 30000);
    QTest::keyClick(vp, Qt::Key_Space);
    QVERIFY(!lab.playing());
    waitFrames(3);
    QTRY_VERIFY_WITH_TIMEOUT(lab.evaluation()->step > start, 20000);
    const double dpr = vp->devicePixelRatio();
    auto click = [&](const char* name) {
      QTRY_VERIFY(vp->controlRects().count(name) == 1);
      const ControlRect r = vp->controlRects().at(name);
      const QPoint centre(int((r.x0 + r.x1) / 2 / dpr), int((r.y0 + r.y1) / 2 / dpr));
      QTest::mouseMove(vp, centre);
      waitFrames(3);
      QTest::mouseClick(vp, Qt::LeftButton, Qt::NoModifier, centre);
      waitFrames(3);
    };
    const long paused = lab.steps();
    click("training_step");
    QTRY_COMPARE(lab.steps(), paused + 1);
    const QString shots = qEnvironmentVariable("FLOWSCOPE_SHOTS");
    if (!shots.isEmpty()) vp->grabRgb(true).save(shots + "/training_lab.png");
    const QString dir = QDir::currentPath();
    QDir::setCurrent(QDir::tempPath());  // the panel's default weights path is relative
    click("training_to_diffusion");
    QDir::setCurrent(dir);
    QTRY_VERIFY_WITH_TIMEOUT(showing(vp, "diffusion"), 20000);
    QVERIFY(!lab_->learnedModel().empty());
    QVERIFY(lab_->dataset().learned != nullptr);
    waitFrames(4);
    const DiffusionSimulation* sim = lab_->currentSimulation();
    QVERIFY(sim && sim->data().learned && sim->stepsOnCpu());  // lavapipe: the CPU twin steps
    lab_->setLearnedModel("");
    lab.resetTraining();
    QCOMPARE(sink_.count.load(), before);
  }

  // Space, Right, Left and R act on the lab shown: with the Attention or Receptive Field lab on
  // screen (neither has playback) they change no lab; with the Diffusion lab they step its run.
  void playbackKeysGoToTheShownLab() {
    VulkanViewport* vp = window_->viewport();
    QTest::mouseMove(vp, QPoint(vp->width() - 50, vp->height() / 2));
    waitFrames(2);
    const auto scenes = [&] {
      std::vector<std::string> texts;
      for (size_t i = 0; i < vp->labCount(); ++i) texts.push_back(sceneText(vp->lab(i)));
      return texts;
    };
    for (const char* id : {"attention", "rf"}) {
      window_->showLab(labIndex(id));
      waitFrames(3);
      const std::vector<std::string> before = scenes();
      const int step = lab_->playback().target();
      const bool playing = lab_->playback().playing();
      for (Qt::Key key : {Qt::Key_Space, Qt::Key_Right, Qt::Key_Right, Qt::Key_Left, Qt::Key_R}) {
        QTest::keyClick(vp, key);
        waitFrames(1);
      }
      waitFrames(3);
      QVERIFY(showing(vp, id));
      QCOMPARE(lab_->playback().target(), step);
      QCOMPARE(lab_->playback().playing(), playing);
      QVERIFY2(scenes() == before, id);
    }
    window_->showLab(labIndex("diffusion"));
    waitFrames(2);
    if (lab_->playback().playing()) QTest::keyClick(vp, Qt::Key_Space);
    QTest::keyClick(vp, Qt::Key_R);
    QTRY_COMPARE(lab_->playback().target(), 0);
    QTest::keyClick(vp, Qt::Key_Right);
    QTRY_COMPARE(lab_->playback().target(), 1);
  }

  // File > Save scene writes the shown lab's scene (its "lab" tag); File > Open scene restores
  // that lab from any other and shows it; save, open, save gives the same bytes for every lab. A
  // bad field is refused, named, and the lab is unchanged; Open data is the Diffusion lab's.
  void everyLabSavesAndOpensItsOwnScene() {
    VulkanViewport* vp = window_->viewport();
    QTemporaryDir dir;
    const auto read = [](const QString& path) {
      QFile f(path);
      return f.open(QIODevice::ReadOnly) ? f.readAll().toStdString() : std::string();
    };
    attention_->setSelected(5);
    rf_->pinUnit(10, 12);
    for (size_t i = 0; i < vp->labCount(); ++i) {
      Lab& lab = vp->lab(i);
      const QString id = QString::fromStdString(lab.info().id);
      const QString first = dir.filePath(id + "-1.json"), second = dir.filePath(id + "-2.json");
      window_->showLab(i);
      waitFrames(3);
      QCOMPARE(window_->saveScene(first), QString());
      const std::string saved = read(first);
      QCOMPARE(nlohmann::json::parse(saved)["lab"].get<std::string>(), lab.info().sceneTag);
      QCOMPARE(saved, sceneText(lab));
      window_->showLab((i + 1) % vp->labCount());
      lab.openScene(makeLab(lab.info().id)->sceneJson(), "default");
      if (id == "attention" || id == "rf") QVERIFY(sceneText(lab) != saved);
      waitFrames(2);
      QCOMPARE(window_->openScene(first), QString());
      QCOMPARE(vp->shown(), i);
      waitFrames(3);
      QCOMPARE(window_->saveScene(second), QString());
      QCOMPARE(read(second), saved);
    }
    const auto refused = [&](const char* id, const char* section, const char* field,
                             const nlohmann::json& value, const char* words) {
      Lab& lab = vp->lab(labIndex(id));
      nlohmann::json scene = lab.sceneJson();
      scene[section][field] = value;
      const QString path = dir.filePath(QString(id) + "-bad.json");
      QFile f(path);
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write(QByteArray::fromStdString(scene.dump()));
      f.close();
      const std::string before = sceneText(lab);
      const QString error = window_->openScene(path);
      QVERIFY2(error.contains(QString(id) + "-bad.json") && error.contains(words),
               qPrintable(error));
      QCOMPARE(sceneText(lab), before);
    };
    refused("attention", "attention", "heads", 0, "field 'attention.heads': must be at least 1");
    refused("rf", "receptive_field", "erf_opacity", 7,
            "field 'receptive_field.erf_opacity': must be between 0 and 1");
    refused("rf", "receptive_field", "layer", "conv9",
            "field 'receptive_field.layer': 'conv9': not in the architecture");
    for (const char* kind : {"*.json", "*.csv", "*.png"})  // what DataSource::ofFile reads
      QVERIFY(vp->view(labIndex("diffusion")).dataFilter().contains(kind));
    window_->showLab(labIndex("attention"));
    const QString error = window_->openData(dir.filePath("mix.json"));
    QVERIFY2(error.contains("the Attention lab opens no data files"), qPrintable(error));
    window_->showLab(labIndex("diffusion"));
    vp->edits().clear();
    waitFrames(2);
  }

  // Every panel window lies inside the viewport: as each lab opens, and after one is left past
  // the bottom-right corner (as a window that grows, or a viewport that shrinks, leaves it).
  void windowsStayInsideTheViewport() {
    VulkanViewport* vp = window_->viewport();
    const QSize size = vp->swapChainImageSize();
    const auto outside = [&] {
      std::string names;
      for (const auto& r : vp->imgui()->windowRects())
        if (r.x0 < 0.0f || r.y0 < 0.0f || r.x1 > size.width() + 0.5f || r.y1 > size.height() + 0.5f)
          names += r.name + " ";
      return names;
    };
    for (size_t i = 0; i < vp->labCount(); ++i) {
      window_->showLab(i);
      waitFrames(4);
      QVERIFY(!vp->imgui()->windowRects().empty());
      QVERIFY2(outside().empty(), outside().c_str());
    }
    ImGui::SetWindowPos("Theoretical receptive field",
                        ImVec2(float(size.width() - 20), float(size.height() - 20)));
    waitFrames(4);
    QVERIFY2(outside().empty(), outside().c_str());
    window_->showLab(labIndex("diffusion"));
    waitFrames(2);
  }

  // The UI scale: at 2 the panel's controls are twice as tall (their font is 34 pixels) and every
  // window still fits the viewport; Ctrl+= and Ctrl+- step through the scales, Ctrl+0 returns to
  // 1.
  void uiScaleEnlargesThePanels() {
    VulkanViewport* vp = window_->viewport();
    window_->showLab(labIndex("diffusion"));
    QTest::mouseMove(vp, QPoint(vp->width() - 50, vp->height() / 2));
    waitFrames(3);
    QCOMPARE(vp->uiScale(), 1.0f);
    const auto height = [&](const char* name) {
      const ControlRect r = vp->controlRects().at(name);
      return double(r.y1 - r.y0);
    };
    const double step1 = height("step");
    vp->setUiScale(2.0f);
    waitFrames(4);
    QVERIFY2(std::abs(height("step") / step1 - 2.0) < 0.2,
             qPrintable(QString("%1 -> %2").arg(step1).arg(height("step"))));
    const QSize size = vp->swapChainImageSize();
    for (const auto& r : vp->imgui()->windowRects())
      QVERIFY2(r.x0 >= 0.0f && r.y0 >= 0.0f && r.x1 <= size.width() + 0.5f &&
                   r.y1 <= size.height() + 0.5f,
               r.name.c_str());
    QTest::keyClick(vp, Qt::Key_0, Qt::ControlModifier);
    QTRY_COMPARE(vp->uiScale(), 1.0f);
    QTest::keyClick(vp, Qt::Key_Equal, Qt::ControlModifier);
    QTRY_COMPARE(vp->uiScale(), 1.25f);
    QTest::keyClick(vp, Qt::Key_Minus, Qt::ControlModifier);
    QTRY_COMPARE(vp->uiScale(), 1.0f);
    waitFrames(4);
    QVERIFY(std::abs(height("step") / step1 - 1.0) < 0.05);
  }

  // Tab hides every panel (no window is built, the plot is whole) and shows them again; F11
  // toggles full screen.
  void tabHidesThePanelsAndF11GoesFullScreen() {
    VulkanViewport* vp = window_->viewport();
    QTest::mouseMove(vp, QPoint(vp->width() - 50, vp->height() / 2));
    waitFrames(3);
    QVERIFY(!vp->imgui()->windowRects().empty());
    QTest::keyClick(vp, Qt::Key_Tab);
    QTRY_VERIFY(!vp->panelsShown());
    waitFrames(3);
    QVERIFY(vp->imgui()->windowRects().empty());
    QTest::keyClick(vp, Qt::Key_Tab);
    QTRY_VERIFY(vp->panelsShown());
    waitFrames(3);
    QVERIFY(!vp->imgui()->windowRects().empty());
    QTest::keyClick(vp, Qt::Key_F11);
    QTRY_VERIFY(window_->isFullScreen());
    QTest::keyClick(vp, Qt::Key_F11);
    QTRY_VERIFY(!window_->isFullScreen());
    waitFrames(3);
  }

  // --ui-scale sets the scale, which is remembered in the user's settings for the next start.
  void executableRemembersTheUiScale() {
    QTemporaryDir config;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("XDG_CONFIG_HOME", config.path());
    const auto run = [&](const QStringList& args, const QString& stats) {
      QProcess app;
      app.setProcessEnvironment(env);
      app.start(FLOWSCOPE_APP, args + QStringList{"--frames", "3", "--stats", stats});
      app.waitForFinished(60000);
      QFile f(stats);
      f.open(QIODevice::ReadOnly);
      return std::pair{app.exitCode(), QJsonDocument::fromJson(f.readAll()).object()};
    };
    auto [code, first] = run({"--ui-scale", "1.5"}, config.filePath("a.json"));
    QCOMPARE(code, 0);
    QCOMPARE(first["ui_scale"].toDouble(), 1.5);
    auto [again, second] = run({}, config.filePath("b.json"));
    QCOMPARE(again, 0);
    QCOMPARE(second["ui_scale"].toDouble(), 1.5);
    // The windows' layout is saved too: folded in the settings, the Attention matrix starts
    // folded, and the plot takes the right column it left.
    auto [c1, open] = run({"--lab", "attention", "--ui-scale", "1"}, config.filePath("c.json"));
    QCOMPARE(c1, 0);
    const QString conf = config.filePath("Flowscope/Flowscope.conf");
    QSettings saved(conf, QSettings::IniFormat);
    QString layout = saved.value("ui/layout").toString();
    QVERIFY2(layout.contains("[Window][Attention matrix]"), qPrintable(layout));
    const qsizetype at = layout.indexOf("Collapsed=", layout.indexOf("[Window][Attention matrix]"));
    QCOMPARE(layout.mid(at, 11), QString("Collapsed=0"));
    layout.replace(at, 11, "Collapsed=1");
    saved.setValue("ui/layout", layout);
    saved.sync();
    auto [c2, folded] = run({"--lab", "attention"}, config.filePath("d.json"));
    QCOMPARE(c2, 0);
    QVERIFY2(folded["content"][2].toDouble() > open["content"][2].toDouble() + 100.0,
             qPrintable(QString("%1 vs %2")
                            .arg(folded["content"][2].toDouble())
                            .arg(open["content"][2].toDouble())));
    QProcess bad;
    bad.setProcessEnvironment(env);
    bad.start(FLOWSCOPE_APP, {"--ui-scale", "9", "--frames", "3"});
    QVERIFY(bad.waitForFinished(60000));
    QCOMPARE(bad.exitCode(), 2);
    QVERIFY(bad.readAllStandardError().contains("--ui-scale"));
  }

  // Nothing hides the plot: at 1920x1080 and 1280x800, UI scales 1 and 2, in every lab, no
  // window overlaps the content area the docked panels leave; the plot keeps at least a third
  // of the width (at scale 2 on 1280 px the left panel alone is 760-860 px: Tab hides it); Home
  // fits the lab's content (the Transport clouds, the RF image) inside it.
  void panelsLeaveTheContentAreaFree() {
    VulkanViewport* vp = window_->viewport();
    const QSize original = window_->size();
    const QSize bars = window_->size() - vp->size();
    for (const QSize size : {QSize(1920, 1080), QSize(1280, 800)}) {
      window_->resize(size + bars);
      QTRY_COMPARE(vp->swapChainImageSize(), size * vp->devicePixelRatio());
      for (float scale : {1.0f, 2.0f}) {
        vp->setUiScale(scale);
        for (size_t i = 0; i < vp->labCount(); ++i) {
          window_->showLab(i);
          waitFrames(5);
          // The progress window of a solve in flight is drawn over the plot, while it runs.
          QTRY_VERIFY_WITH_TIMEOUT(!vp->shownLab().progress(), 20000);
          waitFrames(2);
          const ContentRect c = vp->content();
          const QString where = QString("%1x%2 scale %3 %4: content %5,%6 %7x%8")
                                    .arg(size.width())
                                    .arg(size.height())
                                    .arg(double(scale))
                                    .arg(QString::fromStdString(vp->shownLab().info().id))
                                    .arg(double(c.x))
                                    .arg(double(c.y))
                                    .arg(double(c.width))
                                    .arg(double(c.height));
          QVERIFY2(c.width >= 0.32f * float(vp->swapChainImageSize().width()), qPrintable(where));
          for (const auto& r : vp->imgui()->windowRects()) {
            const bool overlaps = r.x0 < c.x + c.width - 0.5f && r.x1 > c.x + 0.5f &&
                                  r.y0 < c.y + c.height - 0.5f && r.y1 > c.y + 0.5f;
            QVERIFY2(!overlaps,
                     qPrintable(where + " overlapped by " + QString::fromStdString(r.name)));
          }
          // Home: the content fitted to the area.
          window_->viewport()->home();
          waitFrames(3);
          const auto inside = [&](const View2D& camera, glm::dvec2 p) {
            const glm::dvec2 px = camera.worldToPixel(p, int(c.width), int(c.height));
            return px.x >= 0.0 && px.y >= 0.0 && px.x <= c.width && px.y <= c.height;
          };
          if (vp->shownLab().info().id == "transport")
            for (const Measure* m : {&transport_->source(), &transport_->target()})
              for (const glm::dvec2& p : m->points)
                QVERIFY2(inside(transport_->camera(), p), qPrintable(where));
          if (vp->shownLab().info().id == "rf") {
            auto& rf = dynamic_cast<RfLab&>(vp->shownLab());
            const Architecture& a = rf.architecture();
            for (glm::dvec2 corner :
                 {glm::dvec2(-0.5, 0.5), glm::dvec2(a.width - 0.5, 0.5 - a.height)})
              QVERIFY2(inside(rf.camera(), corner), qPrintable(where));
          }
        }
      }
    }
    vp->setUiScale(1.0f);
    window_->resize(original);
    QTRY_COMPARE(vp->size(), original - bars);
    window_->showLab(labIndex("diffusion"));
    waitFrames(3);
  }

  // No panel cuts its content off at the right edge: in every lab, at UI scales 1 and 2, every
  // window's widest line fits the width it has (labels once ran out: "tolerance (L1 ma").
  void panelsFitTheirContent() {
    VulkanViewport* vp = window_->viewport();
    for (float scale : {1.0f, 2.0f}) {
      vp->setUiScale(scale);
      for (size_t i = 0; i < vp->labCount(); ++i) {
        window_->showLab(i);
        waitFrames(4);
        for (const auto& r : vp->imgui()->windowRects())
          QVERIFY2(r.contentWidth <= r.innerWidth + 1.0f,
                   qPrintable(QString("%1 at scale %2: content %3 > %4")
                                  .arg(QString::fromStdString(r.name))
                                  .arg(double(scale))
                                  .arg(double(r.contentWidth))
                                  .arg(double(r.innerWidth))));
      }
    }
    vp->setUiScale(1.0f);
    window_->showLab(labIndex("diffusion"));
    waitFrames(3);
  }

  void executableRunsFramesAndWritesStats() {
    QTemporaryDir dir;
    QProcess app;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("FLOWSCOPE_VALIDATE", "1");
    app.setProcessEnvironment(env);
    // The default scene without its loop: a played step stays > 0 however fast the frames run.
    nlohmann::json scene = diffusionSceneToJson(defaultDiffusionScene());
    scene["display"]["loop"] = false;
    QFile sceneFile(dir.filePath("scene.json"));
    QVERIFY(sceneFile.open(QIODevice::WriteOnly));
    sceneFile.write(QByteArray::fromStdString(scene.dump()));
    sceneFile.close();
    app.start(FLOWSCOPE_APP, {"--scene", sceneFile.fileName(), "--frames", "120", "--stats",
                              dir.filePath("s.json"), "--screenshot", dir.filePath("s.png")});
    QVERIFY(app.waitForFinished(120000));
    QCOMPARE(app.exitCode(), 0);
    QFile stats(dir.filePath("s.json"));
    QVERIFY(stats.open(QIODevice::ReadOnly));
    QJsonObject json = QJsonDocument::fromJson(stats.readAll()).object();
    for (const char* key :
         {"frames", "frame_ms_median", "frame_ms_p95", "device", "width", "height"})
      QVERIFY2(json.contains(key), key);
    QCOMPARE(json["frames"].toInt(), 120);
    QVERIFY2(json["step"].toInt() > 0,
             "the default scene plays: sampler steps ran under validation");
    QCOMPARE(json["validation_messages"].toInt(), 0);
    QVERIFY(distinctColours(QImage(dir.filePath("s.png"))) > 100);
    QCOMPARE(json["backend"].toString(), QString("auto"));
    QVERIFY(json["compute"].toString().startsWith("sampler: "));
  }

  // --backend gpu puts every lab's kernels on Vulkan, lavapipe included, and says so in the
  // stats; the Training lab's Vulkan trainer is let go before the device at exit (exit 0).
  void executableForcesTheBackend() {
    QTemporaryDir dir;
    QProcess app;
    app.start(FLOWSCOPE_APP, {"--lab", "training", "--backend", "gpu", "--frames", "10", "--stats",
                              dir.filePath("s.json")});
    QVERIFY(app.waitForFinished(120000));
    QCOMPARE(app.exitStatus(), QProcess::NormalExit);  // no abort at exit
    QCOMPARE(app.exitCode(), 0);
    QFile stats(dir.filePath("s.json"));
    QVERIFY(stats.open(QIODevice::ReadOnly));
    const QJsonObject json = QJsonDocument::fromJson(stats.readAll()).object();
    QCOMPARE(json["backend"].toString(), QString("gpu"));
    QVERIFY2(json["compute"].toString().contains("Vulkan"), qPrintable(json["compute"].toString()));
    app.start(FLOWSCOPE_APP, {"--backend", "tpu", "--frames", "2"});
    QVERIFY(app.waitForFinished(60000));
    QCOMPARE(app.exitCode(), 2);
    QVERIFY(app.readAllStandardError().contains("--backend: unknown 'tpu'"));
  }

  void executableExitCodes() {
    QTemporaryDir dir;
    QFile bad(dir.filePath("bad.json"));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("{ not json");
    bad.close();
    QProcess app;
    app.start(FLOWSCOPE_APP, {"--scene", bad.fileName(), "--frames", "5"});
    QVERIFY(app.waitForFinished(60000));
    QCOMPARE(app.exitCode(), 2);
    QVERIFY(app.readAllStandardError().contains("bad.json"));
    QProcess noDevice;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("VK_DRIVER_FILES", "/nonexistent.json");
    env.insert("VK_ICD_FILENAMES", "/nonexistent.json");
    noDevice.setProcessEnvironment(env);
    noDevice.start(FLOWSCOPE_APP, {"--frames", "5"});
    QVERIFY(noDevice.waitForFinished(60000));
    QCOMPARE(noDevice.exitStatus(), QProcess::NormalExit);
    QCOMPARE(noDevice.exitCode(), 3);
    QVERIFY(noDevice.readAllStandardError().contains("Vulkan"));
  }

  // Undo restores the very same scene JSON, redo the edited one, in every lab: a parameter edit
  // (ε, the step count, causal masking, the ERF layer), a painted token, a layer removed and a
  // drag of a Transport point.
  void undoRestoresByteIdenticalScenes() {
    VulkanViewport* vp = window_->viewport();
    const auto check = [&](const char* id, const std::function<void()>& edit) {
      window_->showLab(labIndex(id));
      waitFrames(8);  // the camera fitted to the content area, which settles as windows open
      Lab& lab = vp->shownLab();
      window_->recordEdit();
      const std::string before = lab.sceneJson().dump(2);
      edit();
      waitFrames(3);
      window_->recordEdit();
      const std::string edited = lab.sceneJson().dump(2);
      QVERIFY2(edited != before, id);
      QTest::keyClick(vp, Qt::Key_Z, Qt::ControlModifier);
      QTRY_COMPARE(lab.sceneJson().dump(2), before);
      QTest::keyClick(vp, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
      QTRY_COMPARE(lab.sceneJson().dump(2), edited);
      QTest::keyClick(vp, Qt::Key_Z, Qt::ControlModifier);
      QTRY_COMPARE(lab.sceneJson().dump(2), before);
    };
    check("transport", [&] { transport_->setEpsilon(0.5); });
    if (lab_->playback().playing()) lab_->playback().toggle();  // a playing step is no edit
    check("diffusion", [&] { lab_->params().setSteps(12); });
    check("attention", [&] {
      auto& a = dynamic_cast<AttentionLab&>(vp->shownLab());
      AttentionOptions o = a.settings().options;
      o.causal = !o.causal;
      a.setOptions(o);
    });
    // Painting: Shift+click on the empty plane paints an Attention token.
    check("attention", [&] {
      const size_t tokens = attention_->tokenCount();
      const QPoint empty(vp->width() / 2 + 40, vp->height() - 40);
      QTest::mouseMove(vp, empty);
      waitFrames(3);
      QTest::mouseClick(vp, Qt::LeftButton, Qt::ShiftModifier, empty);
      QTRY_COMPARE(attention_->tokenCount(), tokens + 1);
    });
    check("rf", [&] { dynamic_cast<RfLab&>(vp->shownLab()).selectLayer("conv2_2"); });
    check("rf", [&] { dynamic_cast<RfLab&>(vp->shownLab()).removeLayer(LayerPath{2}); });
    // A drag: the rightmost Transport source point, 60 px right, undone to where it was.
    check("transport", [&] {
      QTRY_VERIFY_WITH_TIMEOUT(transport_->solution().status == SolveStatus::Converged, 20000);
      const glm::dvec2 p = transport_->source().points[rightmostSourcePoint()];
      dragRight(vp, screenOf(vp, transport_->camera(), p), 60);
    });
    window_->showLab(labIndex("diffusion"));
    waitFrames(3);
  }

  // File > Export video and figure: the Transport lab's McCann interpolation at the plot's size
  // and at a chosen one, read back with FFmpeg; PNG and SVG figures at a chosen size; the view's
  // own t is untouched; a lab without animation says so.
  void exportVideoRecordsTheShownLab() {
    VulkanViewport* vp = window_->viewport();
    window_->showLab(labIndex("transport"));
    waitFrames(4);
    const double t = transport_->settings().t;
    QTemporaryDir dir;
    const QString path = dir.filePath("mccann.mp4");
    QCOMPARE(window_->exportVideo(path, 4), QString());
    const VideoInfo info = readVideoInfo(path.toStdString());
    QCOMPARE(info.frames, 16);  // 4 seconds at 4 frames a second
    QCOMPARE(info.width, int(vp->content().width) & ~1);
    QCOMPARE(info.height, int(vp->content().height) & ~1);
    QCOMPARE(transport_->settings().t, t);
    // A figure at a chosen size: PNG pixels and an SVG document of that size.
    QCOMPARE(window_->exportFigure(dir.filePath("f.png"), QSize(640, 400)), QString());
    QCOMPARE(QImage(dir.filePath("f.png")).size(), QSize(640, 400));
    QCOMPARE(window_->exportFigure(dir.filePath("f.svg"), QSize(640, 400)), QString());
    QFile svg(dir.filePath("f.svg"));
    QVERIFY(svg.open(QIODevice::ReadOnly));
    const QByteArray doc = svg.readAll();
    QVERIFY(doc.contains("<svg") && doc.contains("width=\"640\"") && doc.contains("<text"));
    QVERIFY(window_->exportFigure(dir.filePath("f.jpg")).contains(".png or .svg"));
    // A video at a chosen size and rate.
    QCOMPARE(window_->exportVideo(dir.filePath("small.gif"), 3, QSize(160, 100)), QString());
    const VideoInfo small = readVideoInfo(dir.filePath("small.gif").toStdString());
    QCOMPARE(small.frames, 12);
    QCOMPARE(small.width, 160);
    window_->showLab(labIndex("attention"));
    waitFrames(2);
    QVERIFY(window_->exportVideo(dir.filePath("none.mp4"), 4).contains("no animation"));
    QVERIFY(!QFile::exists(dir.filePath("none.mp4")));
    // A parameter sweep: any lab, animation or not; the shown scene is untouched.
    const std::string shown = attention_->sceneJson().dump();
    SweepSpec sweep = parseSweep("attention.sigma=0.2:2", true, "sweep");
    QCOMPARE(window_->exportVideo(dir.filePath("sigma.mp4"), 4, QSize(96, 64), sweep, 5),
             QString());
    QCOMPARE(readVideoInfo(dir.filePath("sigma.mp4").toStdString()).frames, 5);
    QCOMPARE(attention_->sceneJson().dump(), shown);
    window_->showLab(labIndex("diffusion"));
    waitFrames(2);
  }

  // View > Light theme: the panels take ImGui's light colours and the plot a light background
  // (the median pixel of the content area), and back.
  void lightThemeSwapsPanelsAndPlot() {
    VulkanViewport* vp = window_->viewport();
    window_->showLab(labIndex("attention"));
    const auto medianLuminance = [&] {
      const QImage shot = vp->grabRgb(true);
      const ContentRect c = vp->content();
      std::vector<int> l;
      for (int y = int(c.y) + 5; y < int(c.y + c.height) - 5; y += 17)
        for (int x = int(c.x) + 5; x < int(c.x + c.width) - 5; x += 17)
          l.push_back(qGray(shot.pixel(x, y)));
      std::nth_element(l.begin(), l.begin() + long(l.size() / 2), l.end());
      return l[l.size() / 2];
    };
    vp->setTheme(ThemeKind::Light);
    waitFrames(3);
    QVERIFY(ImGui::GetStyle().Colors[ImGuiCol_WindowBg].x > 0.8f);
    QVERIFY2(medianLuminance() > 200, "light plot");
    vp->setTheme(ThemeKind::Dark);
    waitFrames(3);
    QVERIFY(ImGui::GetStyle().Colors[ImGuiCol_WindowBg].x < 0.2f);
    QVERIFY2(medianLuminance() < 50, "dark plot");
    window_->showLab(labIndex("diffusion"));
    waitFrames(2);
  }

  // Lessons: Page Down opens the first shipped lesson in its lab with its note in the Lesson
  // window; Page Down, the window's Next button and Page Up step through them.
  void lessonsStepWithPageKeysAndButtons() {
    VulkanViewport* vp = window_->viewport();
    const nlohmann::json saved = lab_->sceneJson();
    const std::vector<Lesson>& lessons = shippedLessons();
    QVERIFY(lessons.size() >= 3);
    QTest::keyClick(vp, Qt::Key_PageDown);
    QTRY_VERIFY(vp->lesson() && vp->lesson()->index == 0);
    QCOMPARE(vp->shown(), lessons[0].lab);
    QCOMPARE(QString::fromStdString(vp->lesson()->title),
             QString::fromStdString(lessons[0].note.title));
    waitFrames(3);
    const auto windows = vp->imgui()->windowRects();
    QVERIFY(std::any_of(windows.begin(), windows.end(),
                        [](const auto& r) { return r.name == "Lesson" && r.contentWidth > 0; }));
    QTest::keyClick(vp, Qt::Key_PageDown);
    QTRY_VERIFY(vp->lesson()->index == 1);
    waitFrames(3);
    QTRY_VERIFY(vp->controlRects().count("lesson.next") == 1);
    const ControlRect next = vp->controlRects().at("lesson.next");
    const double dpr = vp->devicePixelRatio();
    const QPoint at(int((next.x0 + next.x1) / 2 / dpr), int((next.y0 + next.y1) / 2 / dpr));
    QTest::mouseMove(vp, at);
    waitFrames(3);
    QTest::mouseClick(vp, Qt::LeftButton, Qt::NoModifier, at);
    QTRY_VERIFY(vp->lesson()->index == 2);
    // Page Up while a panel's button is still held (ImGui has an active item) steps back too.
    waitFrames(3);
    const ControlRect held = vp->controlRects().at("lesson.next");
    const QPoint on(int((held.x0 + held.x1) / 2 / dpr), int((held.y0 + held.y1) / 2 / dpr));
    QTest::mouseMove(vp, on);
    waitFrames(2);
    QTest::mousePress(vp, Qt::LeftButton, Qt::NoModifier, on);
    waitFrames(3);
    QVERIFY(ImGui::GetIO().WantCaptureKeyboard);
    QTest::keyClick(vp, Qt::Key_PageUp);
    QTRY_VERIFY(vp->lesson()->index == 1);
    QTest::mouseMove(vp, QPoint(vp->width() / 2, vp->height() / 2));  // off the button: no click
    waitFrames(2);
    QTest::mouseRelease(vp, Qt::LeftButton, Qt::NoModifier,
                        QPoint(vp->width() / 2, vp->height() / 2));
    waitFrames(3);
    QCOMPARE(vp->lesson()->index, 1);
    QCOMPARE(vp->shown(), lessons[1].lab);
    vp->setLesson(std::nullopt);
    lab_->openScene(saved, "saved");
    window_->showLab(labIndex("diffusion"));
    waitFrames(3);
  }

  // Guidance toward class 1 of gmm8: the particles take the class's colour, the Guidance window's
  // readout follows the shown state (the samples close to p(x | c) at gamma = 1, sharper at 3),
  // and a class the data lacks is refused with the lab unchanged.
  void guidanceColoursTheClassAndFillsItsWindow() {
    VulkanViewport* vp = window_->viewport();
    lab_->params().setSplitView(false);
    lab_->setData(DataSource::ofPreset("gmm8"));
    lab_->params().chooseSampler(SamplerKind::Heun);
    lab_->params().setSteps(12);
    auto& view = dynamic_cast<DiffusionView&>(vp->view(labIndex("diffusion")));
    view.panelContext().guidanceOpen = true;
    double spread[2];
    for (int k = 0; k < 2; ++k) {
      GuidanceSpec g;
      g.classLabel = 1;
      g.scale = k ? 3.0 : 1.0;
      lab_->setGuidance(g);
      lab_->playback().scrub(12, 12);
      QTRY_VERIFY(view.metrics().guided && view.metrics().state == 12 &&
                  view.metrics().guidance.scale == g.scale);
      spread[k] = view.metrics().readout.spread;
      if (k == 0) QVERIFY(view.metrics().readout.energyToClass < 0.02);
    }
    QVERIFY(spread[1] < spread[0]);
    // The gamma sweep runs off the GUI thread: frames go on, then its plot has rows.
    QTRY_VERIFY(vp->controlRects().count("guidance sweep") == 1);
    const ControlRect sweep = vp->controlRects().at("guidance sweep");
    const QPoint sweepAt(int((sweep.x0 + sweep.x1) / 2), int((sweep.y0 + sweep.y1) / 2));
    QTest::mouseMove(vp, sweepAt);
    waitFrames(2);
    QTest::mouseClick(vp, Qt::LeftButton, Qt::NoModifier, sweepAt);
    const long framesAtClick = vp->stats().frames();
    QTRY_VERIFY_WITH_TIMEOUT(view.guidanceSweepRows() == 9, 60000);
    QVERIFY(vp->stats().frames() > framesAtClick + 3);
    QTest::mouseMove(vp, QPoint(vp->width() - 50, vp->height() / 2));
    // Class 1's colour (sky blue, 86 180 233) on many pixels: the particles (arrows off).
    lab_->params().setShowField(false);
    waitFrames(3);
    const QImage image = vp->grabRgb(false);
    lab_->params().setShowField(true);
    int blue = 0;
    for (int y = 0; y < image.height(); y += 2)
      for (int x = 0; x < image.width(); x += 2) {
        const QColor c = image.pixelColor(x, y);
        blue += std::abs(c.red() - 86) + std::abs(c.green() - 180) + std::abs(c.blue() - 233) < 40;
      }
    QVERIFY2(blue > 1000, qPrintable(QString::number(blue)));  // 3,423 seen; 218 when orange
    const nlohmann::json before = lab_->sceneJson();
    GuidanceSpec missing;
    missing.classLabel = 7;
    missing.scale = 2.0;
    QVERIFY_THROWS_EXCEPTION(InputError, lab_->setGuidance(missing));
    QCOMPARE(lab_->sceneJson(), before);
    lab_->setGuidance(GuidanceSpec{});
    view.panelContext().guidanceOpen = false;
    waitFrames(2);
  }

  // The Normalizing Flows lab: "+500" trains (the held-out NLL falls), the arrow keys step the
  // layers shown, and the ODE line's log p matches the closed form while frames are drawn.
  void flowsLabTrainsStepsLayersAndIntegratesTheOde() {
    VulkanViewport* vp = window_->viewport();
    window_->showLab(labIndex("flows"));
    auto& flows = dynamic_cast<FlowsLab&>(vp->lab(labIndex("flows")));
    flows.setData("gmm8", 2000);
    waitFrames(3);
    QVERIFY(flows.view() != nullptr);
    const double before = flows.view()->heldOutNll;
    clickControl(vp, "flows_train500");
    QCOMPARE(flows.steps(), 500L);
    QTRY_VERIFY(flows.view()->step == 500);
    QVERIFY(flows.view()->heldOutNll < before - 0.5);
    QCOMPARE(flows.shownLayer(), flows.layerCount());
    QTest::keyClick(vp, Qt::Key_Left);
    waitFrames(2);
    QCOMPARE(flows.shownLayer(), flows.layerCount() - 1);
    QTest::keyClick(vp, Qt::Key_Right);
    waitFrames(2);
    QCOMPARE(flows.shownLayer(), flows.layerCount());
    FlowsSettings s = flows.settings();
    s.ode.steps = 512;
    flows.setSettings(s);
    flows.computeOdeLine();  // what the continuous section's button runs (folded by default)
    waitFrames(2);
    QCOMPARE(flows.odeLine().x.size(), size_t(64));
    int inData = 0;  // where the data has density (log p > -3): far outside, the ODE is stiff
    for (size_t i = 0; i < 64; ++i)
      if (flows.odeLine().closed[i] > -3.0) {
        ++inData;
        QVERIFY(std::abs(flows.odeLine().ode[i] - flows.odeLine().closed[i]) < 0.01);
      }
    QVERIFY(inData >= 2);
    window_->showLab(labIndex("diffusion"));
    waitFrames(2);
  }

  // The Estimators lab: "+50" runs the descent 50 steps; the categorical radio button swaps the
  // estimators for the categorical's (Gumbel-softmax among them) with the simplex of K = 3.
  void estimatorsLabDescendsAndSwitchesDistribution() {
    VulkanViewport* vp = window_->viewport();
    window_->showLab(labIndex("estimators"));
    auto& est = dynamic_cast<EstimatorsLab&>(vp->lab(labIndex("estimators")));
    waitFrames(3);
    QCOMPARE(est.rows().size(), size_t(4));  // pathwise and the three score-function ones
    clickControl(vp, "estimators.plus50");
    QCOMPARE(est.descentSteps(), 50L);
    for (const DescentPath& p : est.descent()) QVERIFY(p.loss.back() < p.loss.front());
    clickControl(vp, "estimators.dist.categorical");
    QTRY_VERIFY(est.settings().dist == EstimatorDist::Categorical);
    waitFrames(2);
    QCOMPARE(est.rows().size(), size_t(5));
    QCOMPARE(est.simplex().size(), EstimatorsLab::kSimplexTaus.size());
    QCOMPARE(est.descentSteps(), 0L);  // a new problem starts the descent over
    window_->showLab(labIndex("diffusion"));
    waitFrames(2);
  }

  // The Transport lab's critic mode, chosen in the panel, trains live frame after frame (the
  // frame never waits for the whole training) towards its target, its estimate rising.
  void transportCriticTrainsLive() {
    VulkanViewport* vp = window_->viewport();
    window_->showLab(labIndex("transport"));
    waitFrames(2);
    clickControl(vp, "transport.mode.critic");
    QTRY_VERIFY(transport_->settings().mode == TransportMode::Critic);
    QTRY_VERIFY(transport_->demo().critic() && transport_->demo().critic()->steps() > 20);
    const long early = transport_->demo().critic()->steps();
    QVERIFY(early < transport_->settings().critic.steps);
    QTRY_VERIFY_WITH_TIMEOUT(transport_->demo().critic()->steps() > early + 50, 20000);
    QVERIFY(transport_->demo().critic()->estimate() > 0.0);
    clickControl(vp, "transport.mode.plan");
    QTRY_VERIFY(transport_->settings().mode == TransportMode::Plan);
    waitFrames(2);
  }

  void cleanupTestCase() {
    window_.reset();  // and the labs
    QCOMPARE(sink_.count.load(), 0u);
    removeValidationCounter(instance_.vkInstance(), messenger_);
  }

 private:
  // Clicks the control the panel recorded under `name`, a few frames apart.
  void clickControl(VulkanViewport* vp, const char* name) {
    QTRY_VERIFY(vp->controlRects().count(name) == 1);
    const ControlRect r = vp->controlRects().at(name);
    const QPoint at(int((r.x0 + r.x1) / 2), int((r.y0 + r.y1) / 2));
    QTest::mouseMove(vp, at);
    waitFrames(2);
    QTest::mouseClick(vp, Qt::LeftButton, Qt::NoModifier, at);
    waitFrames(3);
  }
  // The Transport source point furthest right (a drag there moves it, not the camera).
  size_t rightmostSourcePoint() const {
    const auto& pts = transport_->source().points;
    size_t k = 0;
    for (size_t i = 1; i < pts.size(); ++i)
      if (pts[i].x > pts[k].x) k = i;
    return k;
  }
  // A left-button drag from `from`, `pixels` to the right in steps of 10, a frame apart.
  void dragRight(VulkanViewport* vp, QPoint from, int pixels) {
    QTest::mousePress(vp, Qt::LeftButton, Qt::NoModifier, from);
    for (int dx = 10; dx <= pixels; dx += 10) {
      const QPointF to(from + QPoint(dx, 0));
      QMouseEvent move(QEvent::MouseMove, to, vp->mapToGlobal(to), Qt::NoButton, Qt::LeftButton,
                       Qt::NoModifier);
      QCoreApplication::sendEvent(vp, &move);
      waitFrames(1);
    }
    QTest::mouseRelease(vp, Qt::LeftButton, Qt::NoModifier, from + QPoint(pixels, 0));
  }
  void waitFrames(int n) {
    const int target = window_->viewport()->stats().frames() + n;
    QTRY_VERIFY_WITH_TIMEOUT(window_->viewport()->stats().frames() >= target, 20000);
  }

  QVulkanInstance instance_;
  ValidationSink sink_;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  DiffusionLab* lab_ = nullptr;
  TransportLab* transport_ = nullptr;
  AttentionLab* attention_ = nullptr;
  RfLab* rf_ = nullptr;
  TrainingLab* training_ = nullptr;
  std::unique_ptr<MainWindow> window_;
};

QTEST_MAIN(GuiTest)
#include "test_gui.moc"
