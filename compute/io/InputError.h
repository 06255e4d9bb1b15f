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

// A computation on accepted input that still produced a non-finite number (an overflow in
// float32, a softmax whose every term underflowed). The message says where: which step, which
// quantity. Handled like bad input (exit 2, the GUI keeps its state) and nothing is written.
class NumericalError : public InputError {
 public:
  using InputError::InputError;
};

}  // namespace flowscope
