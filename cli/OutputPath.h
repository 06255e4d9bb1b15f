#pragma once
// Checks an output path before any work starts, so usage errors exit 2 without computing: not
// empty, the expected extension, an existing directory this process may write into, and not a
// directory itself.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "InputError.h"

namespace flowscope::cli {

inline void checkOutputPath(const std::string& flag, const std::string& path,
                            const std::string& extension) {
  namespace fs = std::filesystem;
  if (path.empty()) throw InputError(flag + ": empty path");
  const fs::path p(path);
  if (!extension.empty() && p.extension() != extension)
    throw InputError(flag + " " + path + ": expected a " + extension + " file");
  const fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw InputError(
        flag + " " + path + ": directory " + dir.string() + " does not exist" +
        (ec && ec != std::errc::no_such_file_or_directory ? " (" + ec.message() + ")" : ""));
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw InputError(flag + " " + path + ": cannot write into " + dir.string() + " (" +
                     std::strerror(errno) + ")");
  if (fs::is_directory(p, ec)) throw InputError(flag + " " + path + ": is a directory");
}

}  // namespace flowscope::cli
