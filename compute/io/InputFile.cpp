#include "InputFile.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "InputError.h"

namespace flowscope {
namespace {

[[noreturn]] void refuse(const std::string& path, const std::string& why) {
  throw InputError(path + ": cannot open file: " + why);
}

}  // namespace

void checkInputFile(const std::string& path) {
  if (path.empty()) throw InputError("empty file name");
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) refuse(path, std::strerror(errno));
  if (S_ISDIR(st.st_mode)) refuse(path, "is a directory");
  if (!S_ISREG(st.st_mode)) refuse(path, "not a regular file");
  if (size_t(st.st_size) > kMaxInputBytes)
    refuse(path, "larger than " + std::to_string(kMaxInputBytes >> 20) + " MiB");
  if (::access(path.c_str(), R_OK) != 0) refuse(path, std::strerror(errno));
}

std::string readInputFile(const std::string& path) {
  checkInputFile(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) refuse(path, std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) refuse(path, "read error");
  return text.str();
}

}  // namespace flowscope
