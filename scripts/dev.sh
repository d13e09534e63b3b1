#!/usr/bin/env bash
# Set up everything greatleap needs on a fresh Debian machine, then run it.
#   bash scripts/dev.sh app     serve the dashboard on http://127.0.0.1:8765
#   bash scripts/dev.sh test    run the whole test suite (what CI runs)
# Idempotent: a second call skips what is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${GREATLEAP_VENV:-.venv}
PY=$VENV/bin/python

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

apt_install() {  # apt_install PKG... : install Debian packages if we may (root or sudo)
  as_root true 2>/dev/null || { echo "note: cannot install $* (not root); install them by hand" >&2; return 1; }
  if [ -z "${_APT_UPDATED:-}" ]; then as_root apt-get update -qq; _APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_python() {
  if [ ! -x "$PY" ]; then
    python3 -m venv "$VENV" 2>/dev/null || { apt_install python3-venv && python3 -m venv "$VENV"; }
  fi
  # reinstall only when pyproject.toml changed since the last install
  if [ ! -f "$VENV/.installed" ] || [ pyproject.toml -nt "$VENV/.installed" ]; then
    "$PY" -m pip install -q --upgrade pip
    "$PY" -m pip install -q -e ".[dev]"
    touch "$VENV/.installed"
  fi
}

ensure_compiled() {  # compile the model's numba passes once into greatleap/__pycache__ (~5 s)
  "$PY" -c "from greatleap.runner import warm_up; warm_up()"
}

ensure_browser() {  # Debian's chromium for the browser tests (never `playwright install`)
  if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then return 0; fi
  apt_install chromium fonts-liberation || true
}

ensure_npm() {
  command -v npm >/dev/null || apt_install npm || true
}

ensure_assets() {  # Solara's front-end files, from the npm registry, so the dashboard runs offline
  ensure_npm
  "$PY" -m greatleap.visualization.assets fill
}

cmd=${1:-help}; shift || true
case "$cmd" in
  app)
    ensure_python; ensure_compiled; ensure_assets
    exec "$VENV/bin/greatleap" app "$@" ;;
  test)
    ensure_python; ensure_compiled; ensure_browser; ensure_assets
    "$VENV/bin/ruff" check .  # unused imports and names, undefined names: fail before any test
    if [ $# -gt 0 ]; then exec "$PY" -m pytest "$@"; fi
    # The whole suite (CI): two workers for all but the browser tests, a module whole on one worker
    # (its fixtures built once), longest modules first (tests/conftest.py); then the browser tests
    # on their own, one at a time, as their servers and timeouts were tuned for.
    status=0
    "$PY" -m pytest -n 2 --dist loadfile --no-loadscope-reorder -m "not browser" || status=$?
    "$PY" -m pytest -m browser || status=$?
    exit $status ;;
  setup)
    ensure_python; ensure_compiled; ensure_browser; ensure_assets ;;
  *)
    echo "usage: bash scripts/dev.sh app|test|setup [args...]" >&2; exit 2 ;;
esac
