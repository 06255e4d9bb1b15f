#pragma once
// The names of enum values in files, flags and the UI, one table per enum, so that a name and its
// parser cannot disagree. Parse errors name the field and list the valid names:
//   "<field>: unknown '<name>' (valid: a, b, c)" (InputError).
#include <cstddef>
#include <string>
#include <utility>

#include "InputError.h"

namespace flowscope {

template <typename E>
using NamedValue = std::pair<E, const char*>;

template <typename E, size_t N>
std::string nameIn(const NamedValue<E> (&table)[N], E value) {
  for (const auto& [v, name] : table)
    if (v == value) return name;
  return "?";
}

template <typename E, size_t N>
E parseIn(const NamedValue<E> (&table)[N], const std::string& name, const std::string& field) {
  std::string valid;
  for (const auto& [v, n] : table) {
    if (name == n) return v;
    valid += (valid.empty() ? "" : ", ") + std::string(n);
  }
  throw InputError(field + ": unknown '" + name + "' (valid: " + valid + ")");
}

}  // namespace flowscope
