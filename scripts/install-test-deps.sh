#!/usr/bin/env bash
# System packages the test suites use, from Debian's archive:
#   dataset-fashion-mnist  real IDX files for the loader tests
#   python3-numpy          LAPACK reference values (fixture script), and the bench
#   python3-torch          PyTorch-layout checkpoints for the import test, and the bench's reference
#   libopenblas0-pthread   makes PyTorch use an optimized BLAS (the reference must be a fair one)
#   chromium               headless browser for the webview and VS Code tests
#   libkrb5-dev ripgrep    what code-server's native modules need
#   g++ make python3       to compile those native modules (node-gyp)
set -euo pipefail
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "test deps: not a Debian system; install the equivalents of the Debian packages listed in this script (tests that need one say which)" >&2
  exit 0
fi
packages=(dataset-fashion-mnist python3-numpy python3-torch libopenblas0-pthread chromium libkrb5-dev ripgrep g++ make python3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then echo "test deps: all present"; exit 0; fi
echo "test deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
