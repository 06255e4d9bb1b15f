#include "Resources.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "InputError.h"

namespace flowscope {

std::string executableDirectory() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : exe.parent_path().string();
}

std::string assetRoot() {
  if (const char* env = std::getenv("FLOWSCOPE_ASSETS"); env && *env) {
    if (std::error_code ec; std::filesystem::is_directory(env, ec)) return env;
    throw InputError(std::string("FLOWSCOPE_ASSETS=") + env + ": not a directory");
  }
  std::filesystem::path candidate =
      std::filesystem::path(executableDirectory()) / ".." / "share" / "flowscope" / "assets";
  if (std::error_code ec; std::filesystem::is_directory(candidate, ec)) {
    const auto canonical = std::filesystem::weakly_canonical(candidate, ec);
    return (ec ? candidate : canonical).string();
  }
  throw InputError("assets not found at " + candidate.string() + " (set FLOWSCOPE_ASSETS)");
}

std::string assetPath(const std::string& relative) {
  return assetRoot() + "/" + relative;
}

std::string resolveAsset(const std::string& nameOrPath) {
  return nameOrPath.rfind("assets:", 0) == 0 ? assetPath(nameOrPath.substr(7)) : nameOrPath;
}

std::vector<std::array<float, 4>> loadColormap(const std::string& name) {
  const std::string path = assetPath("colormaps/" + name + ".csv");
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot open colormap");
  std::string line;
  std::getline(in, line);
  if (line != "r,g,b") throw InputError(path + ": line 1: expected header r,g,b");
  std::vector<std::array<float, 4>> lut;
  for (int lineNo = 2; std::getline(in, line); ++lineNo) {
    if (line.empty()) continue;
    std::array<float, 4> rgba{0, 0, 0, 1};
    std::istringstream row(line);
    char comma1 = 0, comma2 = 0;
    row >> rgba[0] >> comma1 >> rgba[1] >> comma2 >> rgba[2];
    if (!row || comma1 != ',' || comma2 != ',')
      throw InputError(path + ": line " + std::to_string(lineNo) + ": expected r,g,b");
    lut.push_back(rgba);
  }
  if (lut.size() != 256)
    throw InputError(path + ": expected 256 colours, found " + std::to_string(lut.size()));
  return lut;
}

}  // namespace flowscope
