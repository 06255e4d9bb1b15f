#!/usr/bin/env bash
# The empirical ideal denoiser (512 x 512 queries x 4,000 data points) in numpy and PyTorch (CPU,
# all cores, OpenBLAS), side by side with flowscope-cli bench's GPU figure. Installs the Debian
# packages a user's machine would have, builds Flowscope if needed, prints a table and JSON.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
FLOWSCOPE_PACKAGES+=(python3-numpy python3-torch libopenblas0-pthread)
ensure_packages
[ -x "$FLOWSCOPE_BUILD/bin/flowscope-cli" ] || build
exec /usr/bin/python3 "$FLOWSCOPE_ROOT/scripts/bench_reference.py" "$FLOWSCOPE_BUILD/bin/flowscope-cli" "$@"
