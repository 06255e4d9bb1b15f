#pragma once
// MainWindow: menus, shortcuts, dialogs and the status bar around the Vulkan viewport. Qt owns
// windows, menus, dialogs and input routing; ImGui owns the in-viewport panel. Every menu entry
// acts on a lab through Lab and LabView (the Lab menu lists LabCatalog's labs); none names one.
#include <QLabel>
#include <QMainWindow>
#include <QTimer>

#include <memory>
#include <vector>

#include "AppOptions.h"
#include "GpuContext.h"
#include "Lab.h"
#include "ParameterSweep.h"
#include "UndoHistory.h"
#include "VulkanViewport.h"

class QActionGroup;

namespace flowscope {

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  QString statusText() const;  // the status bar's line (tests)
  // `labs`: LabCatalog's list (makeLabs), possibly with a scene opened; options.lab names the one
  // shown first (empty: the first).
  MainWindow(std::vector<std::unique_ptr<Lab>> labs, QVulkanInstance* instance,
             const AppOptions& options, ValidationSink* validation);
  // Shows the lab at this position of the list (Lab menu, Ctrl+1…).
  void showLab(size_t index);
  VulkanViewport* viewport() const { return viewport_; }
  // File > Open scene (any lab's; its lab is shown) / Open data (the shown lab's) / Save scene
  // (the shown lab's), without dialogs; errors name the file and field and leave the labs
  // unchanged. Return the error message, or an empty string.
  QString openScene(const QString& path);
  // Lessons menu: the shipped lesson at this position (its scene in its lab, its note in the
  // Lesson window); step: the next (+1) or previous (-1) one from the lesson shown (the first
  // when none is).
  QString openLesson(int index);
  void stepLesson(int delta);
  // Edit > Undo / Redo on the shown lab (UndoHistory); false when there is nothing to undo.
  bool undo();
  bool redo();
  // Records the shown lab's edit if one is complete (no mouse held, no widget active); the
  // window does it every 200 ms.
  void recordEdit();
  void askSweepVideo();  // File > Export video of a parameter sweep
  // File > Export video and the sweep's: the file, size and rate asked, then exportVideo().
  void askVideo(const QString& title, const QString& name, const std::optional<SweepSpec>& sweep,
                int frames);
  QString openData(const QString& path);
  QString saveScene(const QString& path);
  QString exportPng(const QString& path);           // the scene, without the panel
  QString exportPngWithPanel(const QString& path);  // what the window shows
  // File > Export video: the shown lab's animation (Lab::showAnimation) as .mp4 or .gif at the
  // plot's size, `fps` frames a second, from a copy of its scene (the view is untouched), with a
  // progress dialog that can cancel. Returns the error, or an empty string.
  // With `sweep`: a video of that scene field swept over `frames` frames (File > Export video of
  // a parameter sweep), for any lab.
  QString exportVideo(const QString& path, int fps = 12, QSize size = {},
                      const std::optional<SweepSpec>& sweep = {}, int frames = 0);
  // File > Export figure: the shown scene rendered headless at `size` (empty: the plot's) as
  // .png or .svg (vectors over the GPU layers), from a copy of its scene.
  QString exportFigure(const QString& path, QSize size = {});
  // Exit code of --frames mode: 0, or 3 when a frame failed.
  int exitCode() const { return exitCode_; }

 private:
  void buildMenus();
  void buildLabMenu();
  void buildPlaybackMenu();
  void buildScaleActions();
  void buildLessonMenu();
  void showSceneLesson(const QString& scene);
  // The export size: the plot's, or 720p, 1080p, 4K (a dialog); empty when cancelled.
  std::optional<QSize> askExportSize(const QString& title);
  std::unique_ptr<Lab> shownSceneCopy();
  QSize plotSize() const;
  float figureScale(QSize size) const;
  QAction* addAction(QMenu* menu, const QString& text, const QKeySequence& key,
                     std::function<void()> fn);
  bool handleShortcut(QKeyEvent* event);
  void updateStatus();
  void onFrame();
  void finishFrames();
  void showAbout();
  QString writeViewportPng(const QString& path, bool withPanel);
  Lab& shownLab() { return viewport_->shownLab(); }

  AppOptions options_;
  ValidationSink* validation_;
  VulkanViewport* viewport_;
  QLabel* status_;
  QTimer statusTimer_, historyTimer_;
  std::vector<UndoHistory> history_;  // one per lab
  QList<QAction*> shortcuts_;
  QList<QAction*> labActions_;                    // the Lab menu, in the list's order
  std::vector<QList<QAction*>> viewMenuActions_;  // each lab's View and Analysis entries
  QMenu *viewMenu_ = nullptr, *analysisMenu_ = nullptr;
  QAction* openDataAction_ = nullptr;
  bool finishing_ = false;
  int exitCode_ = 0;
};

}  // namespace flowscope
