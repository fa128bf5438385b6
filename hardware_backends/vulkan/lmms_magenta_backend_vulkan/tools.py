"""Where the conversion tools are and which versions they have - without importing them.

``import pnnx`` imports torch (3.5 s); the conversion needs only the ``pnnx`` program the
wheel ships inside its package folder, so it is found with ``importlib.util.find_spec``,
which does not run the package. Versions come from distribution metadata.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

__all__ = ["load_ncnn", "pnnx_executable", "tool_versions"]


def pnnx_executable() -> Path:
    """The ``pnnx`` program of the installed ``pnnx`` wheel; FileNotFoundError if absent."""
    spec = importlib.util.find_spec("pnnx")
    folders = list(spec.submodule_search_locations or []) if spec else []
    name = "pnnx.exe" if sys.platform == "win32" else "pnnx"
    for folder in folders:
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise FileNotFoundError(
        "the pnnx converter is not installed: pip install --no-deps pnnx"
        " (--no-deps: the program needs no torch)"
    )


def tool_versions() -> dict[str, str]:
    """``{"pnnx": ..., "ncnn": ...}``; a missing tool reads ``"missing"``."""
    versions = {}
    for dist in ("pnnx", "ncnn"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = "missing"
    return versions


def load_ncnn() -> Any:
    """The ``ncnn`` module (ImportError when it is not installed).

    ncnn is a compiled extension without type information; importing it by name gives
    it the type ``Any`` in one place instead of a mypy exception per import.
    """
    import importlib

    return importlib.import_module("ncnn")
