"""Helpers for the hardware tests: the fixture backend distributions, installed for real.

Each distribution in tests/fixtures/backends is installed with ``pip install --target``
into its own directory, so a test chooses which backends a kernel sees through its
search path. The installs are kept in pytest's cache directory, keyed by a hash of
the fixture sources (like tests/kernel/conftest.py does for tests/fixtures/dists): only
the first run after a change pays for pip.

Not a test module: test modules wrap these functions in small fixtures.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from lmms_magenta.config import Config
from lmms_magenta.kernel import Kernel

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "backends"
BACKENDS = ("cpu", "fastgpu", "npu", "brokenprobe", "oddballs")
#: the library the fixture backends share (not a plugin): installed beside each of them
KIT = "kit"
PROBE_LOG_ENV = "LMMS_MAGENTA_FIXTURE_PROBE_LOG"

MakeKernel = Callable[..., Kernel]


def pip_install(source: Path, target: Path, *, with_kit: bool = False) -> Path:
    """Install one source tree (and the shared fixture kit, with ``with_kit``) into
    ``target``, building from copies (setuptools writes build/ and *.egg-info next to
    the sources)."""
    sources = [FIXTURES / KIT, source] if with_kit else [source]
    with tempfile.TemporaryDirectory() as tmp:
        copies = [Path(tmp) / src.name for src in sources]
        for src, copy in zip(sources, copies, strict=True):
            shutil.copytree(src, copy, ignore=shutil.ignore_patterns("__pycache__"))
        cmd = [sys.executable, "-m", "pip", "install", "-q", "--no-deps"]
        cmd += ["--no-build-isolation", "--no-index", "--target", str(target)]
        subprocess.run([*cmd, *map(str, copies)], check=True, capture_output=True)
    return target


def _sources_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(FIXTURES.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(FIXTURES)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def installed_backends(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """Backend name -> directory holding that fixture distribution, installed.

    Without pytest's cache (``-p no:cacheprovider``) the installs go to a temporary
    directory instead, once per test module.
    """
    cache = getattr(request.config, "cache", None)  # absent with -p no:cacheprovider
    base = (
        Path(cache.mkdir("lmms-magenta-fixture-backends"))
        if cache is not None
        else tmp_path_factory.mktemp("fixture-backends")
    )
    root = base / _sources_hash()
    if not (root / "complete").exists():
        shutil.rmtree(root, ignore_errors=True)
        for name in BACKENDS:
            pip_install(FIXTURES / name, root / name, with_kit=True)
        (root / "complete").write_text("ok\n")
    return {name: root / name for name in BACKENDS}


def forget_fixture_modules() -> None:
    """Drop the imported fixture modules, so the next test imports its own copies."""
    for name in [m for m in sys.modules if m.startswith("lmms_magenta_fixture_")]:
        del sys.modules[name]


def kernel_factory(dirs: object, installed: dict[str, Path]) -> MakeKernel:
    """``make("cpu", "fastgpu", backend="auto", strict=False)``: a kernel seeing only
    those backends, with the config/data/cache directories of ``dirs`` (``fx_env``)."""

    def make(*names: str, backend: str = "auto", strict: bool = False) -> Kernel:
        config = Config(
            config_dir=getattr(dirs, "config"),  # noqa: B009 - FxEnv is not importable here
            data_dir=getattr(dirs, "data"),  # noqa: B009
            cache_dir=getattr(dirs, "cache"),  # noqa: B009
            backend=backend,
            strict=strict,
        )
        return Kernel(config, path=[installed[n] for n in names])

    return make


def probes(log: Path) -> list[str]:
    """Backend names in the probe log, one per probe() call."""
    return log.read_text().split() if log.exists() else []
