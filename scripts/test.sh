#!/usr/bin/env bash
# Install everything the tests need (see setup.sh) and run the whole test suite, servers and
# browser tests included. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
exec .venv/bin/python -m pytest "$@"
