#!/usr/bin/env bash
# Optimal transport side by side with POT on identical data: Sinkhorn 4,096^2 (eps 0.05) and
# 1,024^2 (eps 0.01) to an L1 marginal error of 1e-4, exact OT 2,000^2 against ot.emd. Installs
# the Debian packages a user's machine would have (python3-pot, OpenBLAS). --skip-slow skips POT's
# sinkhorn_log at eps = 0.01, which takes minutes; --gpu adds flowscope's Vulkan path (slow on
# lavapipe); --runs N sets the runs each median takes (5).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
FLOWSCOPE_PACKAGES+=(python3-pot python3-numpy libopenblas0-pthread)
ensure_packages
[ -x "$FLOWSCOPE_BUILD/bin/flowscope-cli" ] || build
exec /usr/bin/python3 "$FLOWSCOPE_ROOT/scripts/bench_ot_reference.py" "$FLOWSCOPE_BUILD/bin/flowscope-cli" "$@"
