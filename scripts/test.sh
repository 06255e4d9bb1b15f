#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs the whole suite with ctest:
# lavapipe pinned, the Khronos validation layer on (with synchronization validation), GUI tests
# under xvfb-run. Then the sanitizer pass: the core, CLI and render tests again, built with
# AddressSanitizer and UndefinedBehaviorSanitizer (any report fails its test), in build-sanitize/.
# Exits non-zero on any failure.
#   scripts/test.sh [--no-sanitize] [ctest arguments...]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

sanitize=1
if [ "${1:-}" = "--no-sanitize" ]; then
  sanitize=0
  shift
fi

ensure_packages
# A GPU test that finds no Vulkan device (or no validation layer) fails here instead of skipping.
export FLOWSCOPE_REQUIRE_GPU=1
start=$SECONDS
build -DFLOWSCOPE_WERROR=ON
(cd "$FLOWSCOPE_BUILD" && ctest --output-on-failure --timeout 900 -j "$(nproc)" "$@")
echo "suite: $((SECONDS - start)) s"
[ "$sanitize" = 1 ] || exit 0

start=$SECONDS
SANITIZE_BUILD=${FLOWSCOPE_SANITIZE_BUILD:-$FLOWSCOPE_ROOT/build-sanitize}
cmake -S "$FLOWSCOPE_ROOT" -B "$SANITIZE_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=None \
  -DFLOWSCOPE_SANITIZE=ON -DFLOWSCOPE_BUILD_APP=OFF -DFLOWSCOPE_WERROR=ON
cmake --build "$SANITIZE_BUILD" --parallel "$(nproc)"
# The loader unloads the layer and the driver before LeakSanitizer reports; preloaded, their
# frames keep the names tests/lsan.supp matches. libasan must come first.
libdir=/usr/lib/$(gcc -print-multiarch)
preload="$(gcc -print-file-name=libasan.so):$libdir/libVkLayer_khronos_validation.so:$libdir/libvulkan_lvp.so"
(cd "$SANITIZE_BUILD" &&
  LD_PRELOAD="$preload" \
  ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1 \
  UBSAN_OPTIONS=print_stacktrace=1 \
  LSAN_OPTIONS="suppressions=$FLOWSCOPE_ROOT/tests/lsan.supp:print_suppressions=0" \
  ctest --output-on-failure --timeout 900 -j "$(nproc)" "$@")
echo "sanitizer pass (ASan + UBSan, build and tests): $((SECONDS - start)) s"
