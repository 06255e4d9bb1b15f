#pragma once
// The one error line every lab panel shows (one object, owned by the viewport): apply() runs a
// validating setter (the labs throw InputError and stay unchanged); report() shows a message
// from elsewhere (File > Open data / Open scene). A message is kept until the next edit succeeds
// or another lab is shown.
#include <imgui.h>

#include <string>

#include "InputError.h"

namespace flowscope {

class EditErrors {
 public:
  template <typename Fn>
  void apply(Fn&& setter) {
    try {
      setter();
      message_.clear();
    } catch (const InputError& e) {
      message_ = e.what();
    }
  }
  void report(const std::string& message) { message_ = message; }
  void clear() { message_.clear(); }
  const std::string& message() const { return message_; }
  // The message in red and wrapped to the panel, when there is one. Panels show it first, under
  // their title, so it is in view whatever the panel's length.
  void show() const {
    if (message_.empty()) return;
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.45f, 0.35f, 1.0f));
    ImGui::TextWrapped("%s", message_.c_str());
    ImGui::PopStyleColor();
  }

 private:
  std::string message_;
};

}  // namespace flowscope
