"""Shared names for the real-backend tests (a plain module: conftest.py is not importable)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from lmms_magenta.kernel import Kernel

#: ``make_kernel("cpu", "openvino", backend="auto", settings={...})`` -> Kernel
MakeKernel = Callable[..., Kernel]


def install_backend(source: Path, cache_root: Path) -> Path:
    """The folder holding the backend distribution in ``source``, pip-installed with
    ``--target`` once per version of its sources (keyed by their hash)."""
    digest = hashlib.sha256()
    for path in sorted(source.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and ".egg-info" not in str(path):
            digest.update(str(path.relative_to(source)).encode())
            digest.update(path.read_bytes())
    target = cache_root / source.name / digest.hexdigest()[:16]
    if not (target / "complete").exists():
        shutil.rmtree(target, ignore_errors=True)
        with tempfile.TemporaryDirectory() as tmp:
            # build from a copy: setuptools writes build/ and *.egg-info beside the sources
            copy = Path(tmp) / source.name
            ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
            shutil.copytree(source, copy, ignore=ignore)
            cmd = [sys.executable, "-m", "pip", "install", "-q", "--no-deps"]
            cmd += ["--no-build-isolation", "--no-index", "--target", str(target), str(copy)]
            subprocess.run(cmd, check=True, capture_output=True)
        (target / "complete").write_text("ok\n")
    return target
