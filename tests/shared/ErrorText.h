#pragma once
// The message of the InputError `f` throws, or "" when it throws none.
#include <functional>
#include <string>

#include "InputError.h"

namespace flowscope::testing {

inline std::string errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace flowscope::testing
