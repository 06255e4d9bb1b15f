#pragma once
// Assets (colormaps, scenes, mixtures) are found relative to the running executable, never the
// working directory: <exe dir>/../share/flowscope/assets, which is both the installed layout and
// the build tree's (executables in <build>/bin, assets copied to <build>/share/flowscope/assets).
// FLOWSCOPE_ASSETS=<dir> overrides.
#include <array>
#include <string>
#include <vector>

namespace flowscope {

std::string executableDirectory();
// Throws InputError listing the places searched when the asset root cannot be found.
std::string assetRoot();
std::string assetPath(const std::string& relative);
// "assets:<relative path>" names a file that ships with Flowscope, wherever it is installed:
// the asset path; any other string is returned as it is.
std::string resolveAsset(const std::string& nameOrPath);

// A 256-entry colormap from assets/colormaps/<name>.csv (header r,g,b; values in [0, 1]).
std::vector<std::array<float, 4>> loadColormap(const std::string& name);

}  // namespace flowscope
