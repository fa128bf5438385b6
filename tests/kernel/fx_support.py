"""Helpers for the kernel tests: the fixture distributions, isolated directories, the CLI.

Kept out of ``conftest.py`` so test modules import them by a unique module name
(several test folders have a ``conftest.py``, and ``from conftest import ...`` picks
whichever one was imported first).
"""

from __future__ import annotations

import hashlib
import json
import os
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
    # CLI name clashes (tests/kernel/test_cli_commands.py)
    "custom": ["fxcustom"],
    "rival": ["fxrival"],
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


#: installed plugins that are not fixtures (disabled in every run), found once
_others: list[str] = []


def cli(
    dirs: list[Path], *args: str, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a fresh interpreter with ``dirs`` on PYTHONPATH.

    Plugins installed in the development environment (the builtin ones, work in
    progress) are disabled so that only the fixture plugins count.
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, dirs))}
    code = "import sys; from lmms_magenta.cli import main; sys.exit(main())"
    if not _others:
        proc = subprocess.run(
            [sys.executable, "-c", code, "plugins", "list", "--json"],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        _others.extend(r["name"] for r in json.loads(proc.stdout) if not r["name"].startswith("fx"))
        _others.append("fx-none")  # the list is never empty once computed
    env["LMMS_MAGENTA_DISABLE"] = ",".join(_others)
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True
    )
