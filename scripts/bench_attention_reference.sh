#!/usr/bin/env bash
# Softmax attention side by side with PyTorch on the CPU (OpenBLAS): n = m = 4,096 and 16,384,
# d = dv = 64. Installs the Debian packages a user's machine would have (python3-torch,
# libopenblas0-pthread). Usage: scripts/bench_attention_reference.sh [--runs N] [--full]
# (--full: also lavapipe's 16,384-token run and the double reference).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
FLOWSCOPE_PACKAGES+=(python3-torch python3-numpy libopenblas0-pthread)
ensure_packages
[ -x "$FLOWSCOPE_BUILD/bin/flowscope-cli" ] || build
exec /usr/bin/python3 "$FLOWSCOPE_ROOT/scripts/bench_attention_reference.py" "$FLOWSCOPE_BUILD/bin/flowscope-cli" "$@"
