"""Shared fixtures for the kernel tests: isolated config/cache dirs and real plugin dists.

The fixture distributions in tests/fixtures/dists/ are installed with
``pip install --no-deps --no-build-isolation --no-index --target DIR`` into three
directories: ``good`` (plugins that work together), ``bad`` (every failure the kernel
must isolate) and ``late`` (installed during a test). The install is cached in pytest's
cache directory, keyed by a hash of the fixture sources, so only the first run after a
change pays for pip (~15 s); later sessions reuse it.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fx_support import DISTS, SETS, FxEnv, pip_install_target, sources_hash


@pytest.fixture(scope="session")
def fx_dists(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """Directories ``good``, ``bad`` and ``late`` with the fixture dists installed."""
    root = Path(request.config.cache.mkdir("lmms-magenta-fixture-dists")) / sources_hash()
    if not (root / "complete").exists():
        shutil.rmtree(root, ignore_errors=True)
        # build from a copy: setuptools writes build/ and *.egg-info next to the sources
        src = tmp_path_factory.mktemp("fx-src")
        for name in os.listdir(DISTS):
            if (DISTS / name / "pyproject.toml").exists():
                shutil.copytree(DISTS / name, src / name)
        for set_name, names in SETS.items():
            pip_install_target([src / n for n in names], root / set_name)
        (root / "complete").write_text("ok\n")
    return {name: root / name for name in SETS}


@pytest.fixture
def fx_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FxEnv]:
    """Isolated config/data/cache dirs, no LMMS_MAGENTA_* overrides, an event log.

    Afterwards the fixture plugin modules are forgotten and ``sys.path`` restored
    (the kernel puts a ``path=[...]`` directory on it when it imports plugins).
    """
    env = FxEnv(tmp_path)
    for name in ("config", "data", "cache"):
        getattr(env, name).mkdir()
        monkeypatch.setenv(f"LMMS_MAGENTA_{name.upper()}_DIR", str(getattr(env, name)))
    for var in ("ENABLE", "DISABLE", "STRICT", "TRACE", "BACKEND"):
        monkeypatch.delenv(f"LMMS_MAGENTA_{var}", raising=False)
    monkeypatch.setenv("FX_EVENT_LOG", str(env.log))
    saved_path = list(sys.path)
    yield env
    sys.path[:] = saved_path
    for name in [m for m in sys.modules if m.startswith("lmms_magenta_fx")]:
        del sys.modules[name]
