#include "AtomicFile.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "InputError.h"

namespace flowscope {
namespace {

std::string temporaryFor(const std::string& path) {
  return path + ".tmp-" + std::to_string(::getpid());
}

}  // namespace

void writePathAtomically(const std::string& path,
                         const std::function<bool(const std::string&)>& write) {
  const std::string tmp = temporaryFor(path);
  bool ok = false;
  try {
    ok = write(tmp);
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
  if (!ok) {
    std::remove(tmp.c_str());
    throw InputError(path + ": cannot write file");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw InputError(path + ": cannot write file (" + ec.message() + ")");
  }
}

void writeFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
  writePathAtomically(path, [&](const std::string& tmp) {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) return false;
    write(out);
    out.flush();
    return bool(out);
  });
}

void writeFileAtomically(const std::string& path, const std::string& contents) {
  writeFileAtomically(path, [&](std::ostream& out) { out << contents; });
}

}  // namespace flowscope
