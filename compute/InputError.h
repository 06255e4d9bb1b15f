#pragma once
#include <stdexcept>
#include <string>

namespace flowscope {

// Bad input from a user: a file, a flag or a field. The message names it; the CLI exits 2 and
// the GUI shows it and keeps its current state.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace flowscope
