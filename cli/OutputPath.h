#pragma once
// Checks an output path before any work starts, so usage errors exit 2 without computing.
#include <filesystem>
#include <string>

#include "InputError.h"

namespace flowscope::cli {

inline void checkOutputPath(const std::string& flag, const std::string& path,
                            const std::string& extension) {
  namespace fs = std::filesystem;
  if (path.empty()) throw InputError(flag + ": empty path");
  fs::path p(path);
  if (!extension.empty() && p.extension() != extension)
    throw InputError(flag + " " + path + ": expected a " + extension + " file");
  fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  if (!fs::is_directory(dir))
    throw InputError(flag + " " + path + ": directory " + dir.string() + " does not exist");
  if (fs::is_directory(p)) throw InputError(flag + " " + path + ": is a directory");
}

}  // namespace flowscope::cli
