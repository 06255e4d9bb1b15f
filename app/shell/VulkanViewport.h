#pragma once
// VulkanViewport: the QVulkanWindow that shows one lab at a time. It owns the labs (LabCatalog's
// list) and their views (ViewCatalog), routes the mouse to the shown lab's view and keys to the
// main window's shortcuts; its renderer adopts Qt's Vulkan device (GpuContext::adopt, never
// destroying it), runs the shown lab in Qt's per-frame command buffer and draws the ImGui panel
// on top.
#include <QVulkanWindow>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ControlRect.h"
#include "DockLayout.h"
#include "EditErrors.h"
#include "FrameStats.h"
#include "Lab.h"
#include "LabView.h"
#include "Theme.h"

namespace flowscope {

class ImGuiLayer;

class VulkanViewport : public QVulkanWindow {
  Q_OBJECT
 public:
  explicit VulkanViewport(std::vector<std::unique_ptr<Lab>> labs);
  ~VulkanViewport() override;
  QVulkanWindowRenderer* createRenderer() override;

  // The labs, in the list's order, and the one shown (the Lab menu).
  size_t labCount() const { return labs_.size(); }
  Lab& lab(size_t index) { return *labs_.at(index); }
  LabView& view(size_t index) { return *views_.at(index); }
  size_t shown() const { return shown_; }
  Lab& shownLab() { return *labs_[shown_]; }
  LabView& shownView() { return *views_[shown_]; }
  void show(size_t index);
  // A lab's request of another (LabRequest): the receiving lab takes it, then labRequested asks
  // the window to show that lab; a refusal goes to the error line.
  void deliver(const LabRequest& request);

  // The panels' one error line: a rejected edit or file, in red until the next edit succeeds.
  EditErrors& edits() { return edits_; }
  FrameStats& stats() { return stats_; }
  ControlRects& controlRects() { return controlRects_; }
  QString deviceName() const;
  // The UI scale (UiScale.h): the panels' font and widgets and the overlays, times the device
  // pixel ratio. Snapped to a step; uiScaleChanged tells the window.
  float uiScale() const { return uiScale_; }
  void setUiScale(float scale);
  // The colour theme of the panels and everything drawn around the data (Theme.h).
  ThemeKind theme() const { return theme_; }
  void setTheme(ThemeKind theme) {
    theme_ = theme;
    requestUpdate();
  }
  ImGuiLayer* imgui() const { return imgui_; }
  void setImGui(ImGuiLayer* layer) { imgui_ = layer; }
  // The device the viewport renders with (Qt's, adopted), while it exists (null before).
  const GpuContext* gpu() const { return gpu_; }
  void setGpu(const GpuContext* gpu) { gpu_ = gpu; }
  // The next frame is drawn without the ImGui panel (PNG export of the scene only).
  void setPanelHidden(bool hidden) { panelHidden_ = hidden; }
  bool panelHidden() const { return panelHidden_; }
  // Tab: the panels shown or not (hidden, no panel is built or drawn and the plot is whole).
  bool panelsShown() const { return panelsShown_; }
  void setPanelsShown(bool shown) {
    panelsShown_ = shown;
    requestUpdate();
  }
  // Docked panels (View > Dock panels, on by default) and the lab's content area they leave, in
  // framebuffer pixels (the last frame's; the mouse maps into it).
  DockLayout& dockLayout() { return dock_; }
  bool panelsDocked() const { return docked_; }
  void setPanelsDocked(bool docked) {
    docked_ = docked;
    requestUpdate();
  }
  const ContentRect& content() const { return content_; }
  // The windows' saved layout (ImGui's ini text) applied when ImGui starts; layoutChanged
  // reports each change of a place or fold.
  void setSavedLayout(const QString& layout) { savedLayout_ = layout; }
  const QString& savedLayout() const { return savedLayout_; }
  void setContent(const ContentRect& content) { content_ = content; }
  // The camera follows the content area: refitted (Lab::resetCamera) when the area's size
  // changes while the camera is where the last fit put it; Home refits at once; a camera the
  // user moved or a scene set is kept.
  struct CameraFit {
    bool follow = true, refit = false;
    std::optional<View2D> fitted;
    uint32_t width = 0, height = 0;
  };
  CameraFit& cameraFit(size_t index) { return fits_.at(index); }
  void home() {
    fits_.at(shown_).refit = true;
    requestUpdate();
  }
  void keepCamera(size_t index) {
    fits_.at(index).follow = false;
    fits_.at(index).fitted.reset();
  }
  // The lesson on screen (a scene with a "lesson" note): its note is shown in the Lesson window
  // beside its lab's plot; `index` in the shipped lessons, or -1 for another scene file's.
  struct ShownLesson {
    std::string title, note;
    size_t lab = 0;
    int index = -1, count = 0;
  };
  const std::optional<ShownLesson>& lesson() const { return lesson_; }
  void setLesson(std::optional<ShownLesson> lesson) {
    lesson_ = std::move(lesson);
    lessonOpened_ = true;
  }
  // True once after each setLesson: the Lesson window unfolds for a new note.
  bool takeLessonOpened() { return std::exchange(lessonOpened_, false); }
  // grab() with red and blue put right for BGRA swapchains (QVulkanWindow returns them swapped).
  QImage grabRgb(bool withPanel);

  // Key presses the panel does not take are offered here (the main window's shortcuts).
  std::function<bool(QKeyEvent*)> shortcutHandler;

 signals:
  void frameFinished();
  void uiScaleChanged(float scale);
  void layoutChanged(const QString& layout);
  // The Lesson window's previous / next buttons (+1 or -1 from the lesson shown).
  void lessonStepRequested(int delta);
  void renderError(const QString& message);
  // A lab took another's request; the window shows it after the frame.
  void labRequested(int index);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  bool handleSceneInput(QEvent* event);
  std::vector<std::unique_ptr<Lab>> labs_;
  EditErrors edits_;
  std::vector<std::unique_ptr<LabView>> views_;
  size_t shown_ = 0;
  FrameStats stats_;
  ControlRects controlRects_;
  ImGuiLayer* imgui_ = nullptr;
  const GpuContext* gpu_ = nullptr;
  bool panelHidden_ = false;
  bool panelsShown_ = true;
  float uiScale_ = 1.0f;
  ThemeKind theme_ = ThemeKind::Dark;
  DockLayout dock_;
  bool docked_ = true;
  ContentRect content_;
  QString savedLayout_;
  std::optional<ShownLesson> lesson_;
  bool lessonOpened_ = false;
  std::vector<CameraFit> fits_;
};

}  // namespace flowscope
