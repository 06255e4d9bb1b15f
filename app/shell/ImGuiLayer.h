#pragma once
// ImGuiLayer: Dear ImGui 1.86 on the viewport's Vulkan device and render pass, fed by Qt input.
//
// ImGui 1.86 has the old input API (io.MouseDown, io.KeysDown). Qt can deliver a press and its
// release, or several typed characters, between two ImGui frames, so events are queued and
// applied in order, at most one change per button or key per frame (the rest wait for the next
// frame); otherwise quick clicks are lost and typed text comes out scrambled.
#include <QEvent>
#include <QPointF>

#include <vulkan/vulkan.h>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "GpuContext.h"

struct ImDrawData;
struct ImFont;
struct ImGuiStyle;

namespace flowscope {

struct ImGuiDeviceInfo {
  const GpuContext* gpu;
  VkRenderPass renderPass;
  uint32_t imageCount;  // >= frames in flight: the backend rotates one buffer set per frame
  std::string fontPath;
  float fontPixels = 17.0f;  // at UI scale 1 and device pixel ratio 1 (kBaseFontPixels)
  double devicePixelRatio = 1.0;
  std::string layout;  // windows' saved places and folds (ImGui's ini text), or empty
};

class ImGuiLayer {
 public:
  explicit ImGuiLayer(const ImGuiDeviceInfo& info);
  ~ImGuiLayer();
  ImGuiLayer(const ImGuiLayer&) = delete;

  // Returns true if ImGui wants this event (the viewport should then ignore it).
  bool queueEvent(const QEvent* event, double devicePixelRatio);
  // The font and style for a UI scale (one of kUiScales, times the device pixel ratio), between
  // frames; windows placed once (ImGuiCond_FirstUseEver) are placed and sized again for it.
  void setScale(float scale);
  // The panels' colours: ImGui's dark or light style (kept at the current scale).
  void setLight(bool light);
  void newFrame(float width, float height, double seconds);
  // Ends the ImGui frame; records its draw data only when `draw` (export hides the panel).
  void render(VkCommandBuffer cmd, bool draw);
  // The windows' places and folds (ImGui's ini text) when they changed since the last call.
  std::optional<std::string> takeLayoutChange();
  std::string layout() const;  // the windows' places and folds now
  bool wantsMouse() const;
  // A text field is being edited: keys are ImGui's alone. Otherwise they also reach the window's
  // shortcuts, even while a panel's button or slider is held (PageUp right after a click).
  bool editsText() const;
  // The panels' windows shown in the last frame, in framebuffer pixels (GUI tests).
  struct WindowRect {
    std::string name;
    float x0, y0, x1, y1;
    // The widest line of its content and the width it has for it (content wider than that is
    // cut off at the right edge, unless the window scrolls sideways).
    float contentWidth, innerWidth;
  };
  std::vector<WindowRect> windowRects() const;

 private:
  struct Input {
    enum Kind { MouseMove, MouseButton, Wheel, Key, Text, Modifiers } kind;
    QPointF pos;
    int index = 0;
    bool down = false;
    float wheel = 0.0f;
    std::u32string text;
    int mods = 0;
  };
  void applyQueuedInput();
  void keepWindowsInView();
  VkDevice device_;
  double devicePixelRatio_ = 1.0;
  std::vector<std::pair<float, ImFont*>> fonts_;  // one per UI scale, rasterised at start
  std::unique_ptr<ImGuiStyle> baseStyle_;         // the style at scale 1
  float scale_ = 1.0f;                            // the scale set last
  VkDescriptorPool pool_ = VK_NULL_HANDLE;
  std::deque<Input> queue_;
};

}  // namespace flowscope
