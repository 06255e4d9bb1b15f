#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs the whole suite with ctest:
# lavapipe pinned, the Khronos validation layer on (with synchronization validation), GUI tests
# under xvfb-run. Exits non-zero on any failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_packages
build -DFLOWSCOPE_WERROR=ON
cd "$FLOWSCOPE_BUILD"
ctest --output-on-failure --timeout 900 "$@"
