#!/usr/bin/env bash
# Exports a PyTorch MLP of Flowscope's layout to safetensors (scripts/pytorch_mlp.py) and checks
# that Flowscope's outputs match PyTorch's to 1e-5. Installs PyTorch from Debian (python3-torch).
# Arguments go to scripts/pytorch_export_check.py (--objective, --width, --depth, --activation,
# --residual, --embedding, --model MODEL.pt to bring your own).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
FLOWSCOPE_PACKAGES+=(python3-torch python3-numpy)
ensure_packages
[ -x "$FLOWSCOPE_BUILD/bin/flowscope-cli" ] || build
exec /usr/bin/python3 "$FLOWSCOPE_ROOT/scripts/pytorch_export_check.py" "$FLOWSCOPE_BUILD/bin/flowscope-cli" "$@"
