#include "ImGuiLayer.h"

#include "UiScale.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QWheelEvent>

#include <backends/imgui_impl_vulkan.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace flowscope {
namespace {

// Our own key indices into io.KeysDown (Qt key codes are too large for KeysDown[512]).
enum KeyIndex {
  kTab = 1,
  kLeft,
  kRight,
  kUp,
  kDown,
  kPageUp,
  kPageDown,
  kHome,
  kEnd,
  kInsert,
  kDelete,
  kBackspace,
  kSpace,
  kEnter,
  kEscape,
  kKeypadEnter,
  kA,
  kC,
  kV,
  kX,
  kY,
  kZ
};

int keyIndex(int qtKey) {
  switch (qtKey) {
    case Qt::Key_Tab:
      return kTab;
    case Qt::Key_Left:
      return kLeft;
    case Qt::Key_Right:
      return kRight;
    case Qt::Key_Up:
      return kUp;
    case Qt::Key_Down:
      return kDown;
    case Qt::Key_PageUp:
      return kPageUp;
    case Qt::Key_PageDown:
      return kPageDown;
    case Qt::Key_Home:
      return kHome;
    case Qt::Key_End:
      return kEnd;
    case Qt::Key_Insert:
      return kInsert;
    case Qt::Key_Delete:
      return kDelete;
    case Qt::Key_Backspace:
      return kBackspace;
    case Qt::Key_Space:
      return kSpace;
    case Qt::Key_Return:
      return kEnter;
    case Qt::Key_Escape:
      return kEscape;
    case Qt::Key_Enter:
      return kKeypadEnter;
    case Qt::Key_A:
      return kA;
    case Qt::Key_C:
      return kC;
    case Qt::Key_V:
      return kV;
    case Qt::Key_X:
      return kX;
    case Qt::Key_Y:
      return kY;
    case Qt::Key_Z:
      return kZ;
    default:
      return -1;
  }
}

int mouseIndex(Qt::MouseButton b) {
  switch (b) {
    case Qt::LeftButton:
      return 0;
    case Qt::RightButton:
      return 1;
    case Qt::MiddleButton:
      return 2;
    default:
      return -1;
  }
}

void checkVk(VkResult r) {
  if (r != VK_SUCCESS) vkCheck(r, "imgui_impl_vulkan");
}

}  // namespace

ImGuiLayer::ImGuiLayer(const ImGuiDeviceInfo& info) : device_(info.gpu->device()) {
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // no imgui.ini in the user's working directory: Qt's settings
  if (!info.layout.empty())
    ImGui::LoadIniSettingsFromMemory(info.layout.c_str(), info.layout.size());
  io.BackendPlatformName = "flowscope-qt";
  const int map[][2] = {{ImGuiKey_Tab, kTab},
                        {ImGuiKey_LeftArrow, kLeft},
                        {ImGuiKey_RightArrow, kRight},
                        {ImGuiKey_UpArrow, kUp},
                        {ImGuiKey_DownArrow, kDown},
                        {ImGuiKey_PageUp, kPageUp},
                        {ImGuiKey_PageDown, kPageDown},
                        {ImGuiKey_Home, kHome},
                        {ImGuiKey_End, kEnd},
                        {ImGuiKey_Insert, kInsert},
                        {ImGuiKey_Delete, kDelete},
                        {ImGuiKey_Backspace, kBackspace},
                        {ImGuiKey_Space, kSpace},
                        {ImGuiKey_Enter, kEnter},
                        {ImGuiKey_Escape, kEscape},
                        {ImGuiKey_KeyPadEnter, kKeypadEnter},
                        {ImGuiKey_A, kA},
                        {ImGuiKey_C, kC},
                        {ImGuiKey_V, kV},
                        {ImGuiKey_X, kX},
                        {ImGuiKey_Y, kY},
                        {ImGuiKey_Z, kZ}};
  for (const auto& m : map) io.KeyMap[m[0]] = m[1];
  ImGui::StyleColorsDark();
  ImGuiStyle& style = ImGui::GetStyle();
  style.WindowRounding = 4.0f;
  style.FrameRounding = 3.0f;
  style.Colors[ImGuiCol_WindowBg].w = 0.88f;
  // Latin-1, Greek (σ, ρ, ε), arrows and math operators (∇, −) used in the panel's labels.
  static const ImWchar ranges[] = {0x0020, 0x00FF, 0x0370, 0x03FF, 0x2190,
                                   0x21FF, 0x2200, 0x22FF, 0};
  baseStyle_ = std::make_unique<ImGuiStyle>(style);
  devicePixelRatio_ = info.devicePixelRatio;
  // Every UI scale's font at once: switching scales needs no new font texture.
  if (!info.fontPath.empty())
    for (float scale : kUiScales)
      fonts_.push_back({scale, io.Fonts->AddFontFromFileTTF(
                                   info.fontPath.c_str(),
                                   std::round(info.fontPixels * scale * float(devicePixelRatio_)),
                                   nullptr, ranges)});

  VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 4};
  VkDescriptorPoolCreateInfo poolInfo{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  poolInfo.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
  poolInfo.maxSets = 4;
  poolInfo.poolSizeCount = 1;
  poolInfo.pPoolSizes = &size;
  vkCheck(vkCreateDescriptorPool(device_, &poolInfo, nullptr, &pool_), "vkCreateDescriptorPool");

  ImGui_ImplVulkan_InitInfo init{};
  init.Instance = info.gpu->instance();
  init.PhysicalDevice = info.gpu->physicalDevice();
  init.Device = info.gpu->device();
  init.QueueFamily = info.gpu->queueFamily();
  init.Queue = info.gpu->queue();
  init.DescriptorPool = pool_;
  init.MinImageCount = 2;
  init.ImageCount = std::max(2u, info.imageCount);
  init.MSAASamples = VK_SAMPLE_COUNT_1_BIT;
  init.CheckVkResultFn = checkVk;
  ImGui_ImplVulkan_Init(&init, info.renderPass);
  info.gpu->submitAndWait([](VkCommandBuffer cmd) { ImGui_ImplVulkan_CreateFontsTexture(cmd); });
  ImGui_ImplVulkan_DestroyFontUploadObjects();
}

void ImGuiLayer::setLight(bool light) {
  if (light) {
    ImGui::StyleColorsLight(baseStyle_.get());
    baseStyle_->Colors[ImGuiCol_WindowBg].w = 0.94f;
  } else {
    ImGui::StyleColorsDark(baseStyle_.get());
    baseStyle_->Colors[ImGuiCol_WindowBg].w = 0.88f;
  }
  setScale(scale_);
}

void ImGuiLayer::setScale(float scale) {
  scale_ = scale;
  const float pixels = scale * float(devicePixelRatio_), step = nearestUiScale(scale);
  for (const auto& [fontScale, font] : fonts_)
    if (fontScale == step) ImGui::GetIO().FontDefault = font;
  ImGuiStyle style = *baseStyle_;
  style.ScaleAllSizes(pixels);
  ImGui::GetStyle() = style;
  for (ImGuiWindow* w : ImGui::GetCurrentContext()->Windows) {
    w->SetWindowPosAllowFlags |= ImGuiCond_FirstUseEver;
    w->SetWindowSizeAllowFlags |= ImGuiCond_FirstUseEver;
  }
}

ImGuiLayer::~ImGuiLayer() {
  vkDeviceWaitIdle(device_);
  ImGui_ImplVulkan_Shutdown();
  ImGui::DestroyContext();
  vkDestroyDescriptorPool(device_, pool_, nullptr);
}

bool ImGuiLayer::wantsMouse() const {
  return ImGui::GetIO().WantCaptureMouse;
}
bool ImGuiLayer::editsText() const {
  return ImGui::GetIO().WantTextInput;
}

bool ImGuiLayer::queueEvent(const QEvent* event, double dpr) {
  switch (event->type()) {
    case QEvent::MouseMove: {
      auto* e = static_cast<const QMouseEvent*>(event);
      queue_.push_back({Input::MouseMove, e->position() * dpr});
      return wantsMouse();
    }
    case QEvent::MouseButtonPress:
    case QEvent::MouseButtonRelease:
    case QEvent::MouseButtonDblClick: {
      auto* e = static_cast<const QMouseEvent*>(event);
      int index = mouseIndex(e->button());
      if (index < 0) return false;
      queue_.push_back({Input::MouseMove, e->position() * dpr});
      Input in{Input::MouseButton, e->position() * dpr, index};
      in.down = event->type() != QEvent::MouseButtonRelease;
      queue_.push_back(in);
      return wantsMouse();
    }
    case QEvent::Wheel: {
      auto* e = static_cast<const QWheelEvent*>(event);
      Input in{Input::Wheel, e->position() * dpr};
      in.wheel = float(e->angleDelta().y()) / 120.0f;
      queue_.push_back(in);
      return wantsMouse();
    }
    case QEvent::KeyPress:
    case QEvent::KeyRelease: {
      auto* e = static_cast<const QKeyEvent*>(event);
      Input mods{Input::Modifiers};
      mods.mods = int(e->modifiers());
      queue_.push_back(mods);
      int index = keyIndex(e->key());
      if (index >= 0) {
        Input in{Input::Key};
        in.index = index;
        in.down = event->type() == QEvent::KeyPress;
        queue_.push_back(in);
      }
      if (event->type() == QEvent::KeyPress && !e->text().isEmpty() && e->text()[0].isPrint()) {
        Input in{Input::Text};
        in.text = e->text().toStdU32String();
        queue_.push_back(in);
      }
      return editsText();  // else the window's shortcuts get the key too
    }
    default:
      return false;
  }
}

void ImGuiLayer::applyQueuedInput() {
  ImGuiIO& io = ImGui::GetIO();
  std::set<std::pair<int, int>> changed;  // (kind, index) already changed this frame
  while (!queue_.empty()) {
    Input& in = queue_.front();
    if (in.kind == Input::MouseButton || in.kind == Input::Key) {
      auto key = std::make_pair(int(in.kind), in.index);
      if (changed.count(key)) break;  // the rest waits for the next frame, in order
      changed.insert(key);
      if (in.kind == Input::MouseButton)
        io.MouseDown[in.index] = in.down;
      else
        io.KeysDown[in.index] = in.down;
    } else if (in.kind == Input::MouseMove) {
      io.MousePos = ImVec2(float(in.pos.x()), float(in.pos.y()));
    } else if (in.kind == Input::Wheel) {
      io.MouseWheel += in.wheel;
    } else if (in.kind == Input::Text) {
      if (changed.count({int(Input::Text), 0})) break;
      changed.insert({int(Input::Text), 0});
      for (char32_t c : in.text) io.AddInputCharacter(uint32_t(c));
    } else if (in.kind == Input::Modifiers) {
      io.KeyCtrl = in.mods & Qt::ControlModifier;
      io.KeyShift = in.mods & Qt::ShiftModifier;
      io.KeyAlt = in.mods & Qt::AltModifier;
      io.KeySuper = in.mods & Qt::MetaModifier;
    }
    queue_.pop_front();
  }
}

void ImGuiLayer::newFrame(float width, float height, double seconds) {
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(width, height);
  io.DeltaTime = float(std::max(seconds, 1e-4));
  applyQueuedInput();
  ImGui_ImplVulkan_NewFrame();
  ImGui::NewFrame();
}

namespace {

// The panels' own windows: not child windows, tooltips or popups.
bool isPanelWindow(const ImGuiWindow* w) {
  return !w->Hidden && !(w->Flags & (ImGuiWindowFlags_ChildWindow | ImGuiWindowFlags_Tooltip |
                                     ImGuiWindowFlags_Popup));
}

}  // namespace

// Every window of this frame moved inside the display (as far as it fits): one that grows, opens
// at a corner or outlives a smaller window stays reachable. Takes effect from the next frame.
void ImGuiLayer::keepWindowsInView() {
  ImGuiContext& g = *ImGui::GetCurrentContext();
  const ImVec2 display = g.IO.DisplaySize;
  for (ImGuiWindow* w : g.Windows) {
    if (w->LastFrameActive != g.FrameCount || !isPanelWindow(w)) continue;
    const ImVec2 pos(std::clamp(w->Pos.x, 0.0f, std::max(0.0f, display.x - w->Size.x)),
                     std::clamp(w->Pos.y, 0.0f, std::max(0.0f, display.y - w->Size.y)));
    if (pos.x != w->Pos.x || pos.y != w->Pos.y) ImGui::SetWindowPos(w, pos);
  }
}

std::vector<ImGuiLayer::WindowRect> ImGuiLayer::windowRects() const {
  std::vector<WindowRect> rects;
  for (const ImGuiWindow* w : ImGui::GetCurrentContext()->Windows)
    if (w->WasActive && isPanelWindow(w))
      rects.push_back({w->Name, w->Pos.x, w->Pos.y, w->Pos.x + w->Size.x, w->Pos.y + w->Size.y,
                       w->Collapsed ? 0.0f : w->ContentSize.x,  // a collapsed one hides it
                       w->ContentRegionRect.GetWidth()});
  return rects;
}

std::optional<std::string> ImGuiLayer::takeLayoutChange() {
  ImGuiIO& io = ImGui::GetIO();
  if (!io.WantSaveIniSettings) return std::nullopt;
  io.WantSaveIniSettings = false;
  return layout();
}

std::string ImGuiLayer::layout() const {
  return ImGui::SaveIniSettingsToMemory();
}

void ImGuiLayer::render(VkCommandBuffer cmd, bool draw) {
  keepWindowsInView();
  ImGui::Render();
  if (draw) ImGui_ImplVulkan_RenderDrawData(ImGui::GetDrawData(), cmd);
}

}  // namespace flowscope
