#include "OutputFiles.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "InputError.h"

namespace flowscope {
namespace {

std::string suffixed(const std::string& path, const char* what) {
  return path + what + std::to_string(::getpid());
}

// "x.csv", "./x.csv" and "/abs/x.csv" name one file, existing or not.
bool sameFile(const std::string& a, const std::string& b) {
  std::error_code ea, eb;
  const auto ca = std::filesystem::weakly_canonical(a, ea),
             cb = std::filesystem::weakly_canonical(b, eb);
  return ea || eb ? a == b : ca == cb;
}

[[noreturn]] void cannotWrite(const std::string& path, int error) {
  throw InputError(path + ": cannot write file: " +
                   (error ? std::string(std::strerror(error)) : std::string("write failed")));
}

}  // namespace

OutputFiles::~OutputFiles() {
  discard();
}

void OutputFiles::discard() {
  for (const Staged& s : staged_) {
    std::remove(s.temporary.c_str());
    if (!s.backup.empty()) std::remove(s.backup.c_str());
  }
  staged_.clear();
}

void OutputFiles::stage(const std::string& path, const std::function<void(std::ostream&)>& write) {
  for (const Staged& s : staged_)
    if (sameFile(s.target, path))
      throw InputError(path + ": the same file is given for two outputs");
  const std::string tmp = suffixed(path, ".tmp-");
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  if (!out) cannotWrite(path, errno);
  errno = 0;
  try {
    write(out);
  } catch (...) {
    out.close();
    std::remove(tmp.c_str());
    throw;
  }
  int error = out ? 0 : errno;  // the first failed write's reason, before close resets it
  if (out) {
    out.flush();
    out.close();
    if (out.fail()) error = errno;
  }
  if (!out) {
    std::remove(tmp.c_str());
    cannotWrite(path, error);
  }
  staged_.push_back({path, tmp, {}});
}

void OutputFiles::stage(const std::string& path, std::string_view bytes) {
  stage(path, [&](std::ostream& out) { out.write(bytes.data(), std::streamsize(bytes.size())); });
}

void OutputFiles::commit() {
  // Hard links keep the targets being replaced, so a failed rename can put them back.
  for (Staged& s : staged_)
    if ((s.existed = ::access(s.target.c_str(), F_OK) == 0)) {
      s.backup = suffixed(s.target, ".bak-");
      std::remove(s.backup.c_str());
      if (::link(s.target.c_str(), s.backup.c_str()) != 0) s.backup.clear();
    }
  for (size_t k = 0; k < staged_.size(); ++k)
    if (std::rename(staged_[k].temporary.c_str(), staged_[k].target.c_str()) != 0) {
      const int error = errno;
      const std::string target = staged_[k].target;
      rollBack(k);
      cannotWrite(target, error);
    }
  for (const Staged& s : staged_)
    if (!s.backup.empty()) std::remove(s.backup.c_str());
  staged_.clear();
}

void OutputFiles::rollBack(size_t replaced) {
  for (size_t k = 0; k < replaced; ++k) {
    Staged& s = staged_[k];
    if (!s.existed)
      std::remove(s.target.c_str());
    else if (!s.backup.empty() && std::rename(s.backup.c_str(), s.target.c_str()) == 0)
      s.backup.clear();
  }
  discard();
}

void writeFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
  OutputFiles files;
  files.stage(path, write);
  files.commit();
}

void writeFileAtomically(const std::string& path, std::string_view contents) {
  OutputFiles files;
  files.stage(path, contents);
  files.commit();
}

}  // namespace flowscope
