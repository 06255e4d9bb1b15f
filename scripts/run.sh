#!/usr/bin/env bash
# Installs what is missing, builds, and opens Flowscope on its default scene.
# Without a display it renders the default scene to flowscope-default.png instead.
# Extra arguments go to flowscope (e.g. scripts/run.sh --scene my-scene.json).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_packages
build

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  out="$PWD/flowscope-default.png"
  echo "No DISPLAY: cannot open the window, so the default scene (step 12 of 18) is rendered headlessly."
  "$FLOWSCOPE_BUILD/bin/flowscope-cli" render --scene default --step 12 --out "$out" >/dev/null
  echo "$out"
  exit 0
fi
exec "$FLOWSCOPE_BUILD/bin/flowscope" "$@"
