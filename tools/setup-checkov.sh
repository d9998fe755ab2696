#!/usr/bin/env bash
# Installs checkov (pinned) into .venv-checkov/ at the repository root.
# Idempotent: does nothing when the venv already has the pinned version.
# Quiet on success; on failure prints pip's output and exits non-zero.
set -euo pipefail

CHECKOV_VERSION="${CHECKOV_VERSION:-3.3.30}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${CHECKOV_VENV:-$ROOT/.venv-checkov}"
PYTHON="${PYTHON:-python3}"

installed_version() {
  [ -x "$VENV/bin/checkov" ] || return 1
  "$VENV/bin/checkov" --version 2>/dev/null | tr -d '[:space:]'
}

if [ "$(installed_version || true)" = "$CHECKOV_VERSION" ]; then
  exit 0
fi

fail() {
  echo "setup-checkov: $*" >&2
  exit 1
}

command -v "$PYTHON" >/dev/null 2>&1 || fail "$PYTHON not found; install Python 3.9-3.12 (with the venv module)"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV" >"$log" 2>&1 || {
    cat "$log" >&2
    fail "could not create virtualenv at $VENV (on Debian/Ubuntu: apt-get install python3-venv)"
  }
fi

"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
  "checkov==$CHECKOV_VERSION" >"$log" 2>&1 || {
  cat "$log" >&2
  fail "pip install checkov==$CHECKOV_VERSION into $VENV failed (if the venv is broken: rm -rf $VENV and retry)"
}

got="$(installed_version || true)"
[ "$got" = "$CHECKOV_VERSION" ] || fail "expected checkov $CHECKOV_VERSION in $VENV, got '${got:-nothing}'"
