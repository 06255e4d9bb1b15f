#pragma once
// Every input file is read through here: a path that does not exist, is a directory, a FIFO or a
// device, cannot be read, or is larger than kMaxInputBytes is refused with one InputError naming
// it ("<path>: cannot open file: is a directory"), before any parsing.
#include <cstddef>
#include <string>

namespace flowscope {

inline constexpr size_t kMaxInputBytes = size_t(1) << 30;  // 1 GiB

// Throws InputError unless `path` names a readable regular file of at most kMaxInputBytes.
void checkInputFile(const std::string& path);
// The whole file (after checkInputFile).
std::string readInputFile(const std::string& path);

}  // namespace flowscope
