#pragma once
// The one error line every lab panel shows: apply() runs a validating setter (the labs throw
// InputError and stay unchanged); its message is kept until the next edit succeeds.
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
  // The message in red, when there is one.
  void show() const {
    if (!message_.empty())
      ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.35f, 1.0f), "%s", message_.c_str());
  }

 private:
  std::string message_;
};

}  // namespace flowscope
