"""Helpers for the kernel tests: the fixture distributions and isolated directories.

Kept out of ``conftest.py`` so test modules import them by a unique module name
(several test folders have a ``conftest.py``, and ``from conftest import ...`` picks
whichever one was imported first).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

DISTS = Path(__file__).resolve().parents[1] / "fixtures" / "dists"
SETS = {
    "good": ["fxpattern", "fxgroove", "fxtools", "fxbackend"],
    "bad": [
        "fxneedsmissing",
        "fxoldgroove",
        "fxcyca",
        "fxcycb",
        "fxneedscycle",
        "fximportfail",
        "fxdependsfail",
        "fxnewkernel",
        "fxraises",
        "fxraisesdep",
    ],
    "late": ["fxlate"],
}


def sources_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(DISTS.rglob("*")):
        if path.is_file() and "egg-info" not in str(path) and "/build/" not in str(path):
            digest.update(str(path.relative_to(DISTS)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def pip_install_target(sources: list[Path], target: Path) -> None:
    """Install source trees into ``target`` with pip (no network, no dependencies)."""
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"]
    cmd += ["--no-build-isolation", "--no-index", "--target", str(target)]
    subprocess.run([*cmd, *map(str, sources)], check=True, capture_output=True, text=True)


class FxEnv:
    """Paths of one test's isolated directories, and the fixture plugins' event log."""

    def __init__(self, tmp_path: Path) -> None:
        self.config = tmp_path / "config"
        self.data = tmp_path / "data"
        self.cache = tmp_path / "cache"
        self.log = tmp_path / "events.log"
        self.config_file = self.config / "config.toml"

    def events(self) -> list[str]:
        """Hook events the fixture plugins wrote to $FX_EVENT_LOG, in order."""
        return self.log.read_text().split() if self.log.exists() else []
