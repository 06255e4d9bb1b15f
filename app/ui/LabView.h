#pragma once
// How the GUI shows a lab: its ImGui panel, its mouse input in the scene, its entries in the
// View and Analysis menus and the data files it opens. One view per lab (LabList.h), made by
// ViewCatalog; the shell (MainWindow, VulkanViewport, ViewportRenderer) reaches every lab through
// Lab and LabView alone. Keys are the shell's: its shortcuts act on the lab shown (Lab's playback
// and camera).
#include <QEvent>
#include <QPointF>
#include <QString>

#include <optional>
#include <string>

#include "ControlRect.h"
#include "EditErrors.h"
#include "Lab.h"

class QMenu;
class QWidget;

namespace flowscope {

// The drawing area as the view's input sees it: the framebuffer's size in pixels and the ratio
// of those pixels to Qt's logical ones.
// The lab's content area: its size and top-left in framebuffer pixels (the area the docked
// panels leave), and the device pixel ratio that maps Qt's logical event positions to them.
struct ViewSurface {
  int width = 0, height = 0;
  double dpr = 1.0;
  double x = 0.0, y = 0.0;
  // An event's position in the content's pixels.
  QPointF pixel(QPointF logical) const { return logical * dpr - QPointF(x, y); }
};

class LabView {
 public:
  virtual ~LabView() = default;
  virtual Lab& lab() = 0;

  // Each frame of the shown lab, before its panel: work on state that frames already submitted
  // computed (the Diffusion lab's metrics).
  virtual void beforePanel() {}
  // The lab's panel, rebuilt every frame; it records its controls in `rects` and returns what it
  // asks of another lab. Views report rejected edits on the viewport's one error line
  // (EditErrors, given to their makers).
  virtual std::optional<LabRequest> buildPanel(ControlRects& rects) = 0;

  // Mouse and wheel events over the scene (the panel did not take them); true when used. An edit
  // the lab refuses is reported, never thrown.
  virtual bool handleInput(const QEvent* event, const ViewSurface& surface) = 0;
  // True while a press in the scene holds the mouse (a pan, a drag, a stroke): its moves and
  // release come here even over the panel.
  virtual bool holdsMouse() const = 0;
  // The left part of the framebuffer the lab's camera maps (the Diffusion lab's split view
  // gives its primary run the left half).
  virtual int cameraWidth(int framebufferWidth) const { return framebufferWidth; }

  // The lab's entries in the View and Analysis menus (shown while the lab is); `parent` for
  // their dialogs.
  virtual void addMenuActions(QMenu* view, QMenu* analysis, QWidget* parent) {
    (void)view;
    (void)analysis;
    (void)parent;
  }
  // File > Open data: the file dialog's filter (empty when the lab opens no data files), and
  // opening one (InputError naming the file, the lab unchanged).
  virtual QString dataFilter() const { return {}; }
  virtual void openData(const std::string& path);
};

}  // namespace flowscope
