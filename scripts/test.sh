#!/usr/bin/env bash
# The whole test suite: lint, types (strict on the kernel), then pytest.
# Extra arguments go to pytest (e.g. `bash scripts/test.sh -k groove`).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"

echo "== ruff"
ruff check .
ruff format --check .
echo "== mypy (strict, kernel)"
mypy
echo "== pytest"
pytest "$@"
