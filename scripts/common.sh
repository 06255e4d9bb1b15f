# Shared by run.sh and test.sh: install what is missing (Debian 12), configure and build.
# shellcheck shell=bash

FLOWSCOPE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FLOWSCOPE_BUILD=${FLOWSCOPE_BUILD:-$FLOWSCOPE_ROOT/build}

# Every Debian package the build, the app and the test suite need.
FLOWSCOPE_PACKAGES=(
  cmake ninja-build g++ pkg-config
  qt6-base-dev qt6-base-dev-tools qt6-svg-dev
  libvulkan-dev mesa-vulkan-drivers vulkan-validationlayers glslc
  libglm-dev libimgui-dev libstb-dev nlohmann-json3-dev libcli11-dev libgtest-dev libeigen3-dev
  libopenblas-dev
  libavformat-dev libavcodec-dev libavfilter-dev libavutil-dev
  xvfb xauth
)

ensure_packages() {
  local missing=()
  for pkg in "${FLOWSCOPE_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing missing Debian packages: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# build [extra cmake args...]
build() {
  cmake -S "$FLOWSCOPE_ROOT" -B "$FLOWSCOPE_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
  cmake --build "$FLOWSCOPE_BUILD" --parallel "$(nproc)"
}
