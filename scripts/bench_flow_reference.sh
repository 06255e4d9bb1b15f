#!/usr/bin/env bash
# Normalizing-flow training steps per second: Flowscope's fast CPU backend against the same RealNVP
# in PyTorch on the CPU, side by side on one machine (scripts/bench_flow_reference.py). Installs
# PyTorch from Debian (python3-torch, OpenBLAS).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
FLOWSCOPE_PACKAGES+=(python3-torch python3-numpy libopenblas0-pthread)
ensure_packages
[ -x "$FLOWSCOPE_BUILD/bin/flowscope-cli" ] || build
exec /usr/bin/python3 "$FLOWSCOPE_ROOT/scripts/bench_flow_reference.py" "$FLOWSCOPE_BUILD/bin/flowscope-cli" "$@"
