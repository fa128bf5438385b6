#!/usr/bin/env bash
# Create (or update) the virtual environment at .venv in the repository root and install
# the kernel plus every distribution in this repository (builtin feature plugins, hardware
# backends, the model repository), all editable so that a `git pull` takes effect at once.
#
#   bash scripts/setup.sh          # runtime only
#   bash scripts/setup.sh --test   # plus test tools (pytest, hypothesis, ruff, mypy, copier ...)
set -euo pipefail
cd "$(dirname "$0")/.."

extra=""
if [[ "${1:-}" == "--test" ]]; then
    extra="[test]"
fi

python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
    echo "setup: Python >= 3.11 is required (found: $("$python" --version 2>&1))" >&2
    exit 2
fi

if [[ ! -x .venv/bin/python ]]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip setuptools wheel

# Every folder with a pyproject.toml below these roots is one distribution.
args=(-e ".${extra}")
for dir in model_manager hardware_backends/* plugins_builtin/*; do
    if [[ -f "$dir/pyproject.toml" ]]; then
        args+=(-e "$dir")
    fi
done
# The Vulkan backend converts models with the `pnnx` program from the pnnx wheel; the
# wheel declares torch for its Python API, which is never used: install it without deps.
if [[ -f hardware_backends/vulkan/pyproject.toml ]]; then
    .venv/bin/python -m pip install --quiet --no-deps "pnnx>=20240410"
fi
.venv/bin/python -m pip install --quiet "${args[@]}"
echo "setup: .venv ready ($(.venv/bin/python --version), ${#args[@]} distributions)"
