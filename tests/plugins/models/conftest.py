"""Fixtures for the model repository tests: real plugin dists, isolated dirs, a kernel.

The fixture distributions in ``fixtures/`` (a feature plugin that ships real ONNX
models, and an onnxruntime backend ``ortfx``) are built and installed with ``pip
install --target`` once, cached in pytest's cache directory under a hash of their
sources. The kernel sees exactly those plugins plus ``lmms-magenta-models`` itself
(its editable install's metadata is linked into a directory of its own), so the tests
do not depend on which other plugins happen to be installed.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from index_server import IndexServer
from lmms_magenta_models import ModelRepository
from models_helpers import model_dir

from lmms_magenta.kernel import Kernel

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
DISTS = ("fxshipped", "fxort")


def _sources_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted([*FIXTURES.rglob("*"), HERE / "models_helpers.py"]):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(HERE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _build_shipped(package: Path) -> None:
    """Generate the shipped models into a copy of the fxshipped package."""
    model_dir(package / "models" / "fx-drums", name="fx-drums", kind="mlp")
    model_dir(package / "models" / "fx-rnn", name="fx-rnn", kind="gru")
    broken = model_dir(package / "models" / "fx-broken", name="fx-broken", seed=2)
    data = json.loads((broken / "model.json").read_text())
    data["colour"] = "red"
    (broken / "model.json").write_text(json.dumps(data))
    model_dir(package / "extra_models" / "fx-extra", name="fx-extra", seed=3)
    model_dir(package / "object_models" / "fx-object", name="fx-object", seed=4)


@pytest.fixture(scope="session")
def plugin_dirs(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> list[Path]:
    """Search path for the kernel: the installed fixture dists + lmms-magenta-models."""
    root = Path(request.config.cache.mkdir("lmms-magenta-models-fixtures")) / _sources_hash()
    if not (root / "complete").exists():
        shutil.rmtree(root, ignore_errors=True)
        src = tmp_path_factory.mktemp("models-fx-src")
        for name in DISTS:
            shutil.copytree(FIXTURES / name, src / name)
        _build_shipped(src / "fxshipped" / "lmms_magenta_fxshipped")
        cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"]
        cmd += ["--no-build-isolation", "--no-index", "--target", str(root / "site")]
        subprocess.run([*cmd, *(str(src / n) for n in DISTS)], check=True, capture_output=True)
        (root / "complete").write_text("ok\n")
    own = tmp_path_factory.mktemp("models-dist")
    dist = importlib.metadata.distribution("lmms-magenta-models")
    info_dir = next(f.parts[0] for f in dist.files or () if f.parts[0].endswith(".dist-info"))
    (own / info_dir).symlink_to(Path(str(dist.locate_file(info_dir))))
    return [root / "site", own]


class ModelsEnv:
    """One test's isolated config/data/cache dirs and its kernels."""

    def __init__(self, tmp_path: Path, plugin_dirs: list[Path]) -> None:
        self.tmp = tmp_path
        self.config = tmp_path / "config"
        self.data = tmp_path / "data"
        self.cache = tmp_path / "cache"
        self.ort_log = tmp_path / "ort.log"
        self.plugin_dirs = plugin_dirs

    @property
    def store(self) -> Path:
        return self.data / "models"

    def kernel(self) -> Kernel:
        return Kernel(path=self.plugin_dirs)

    def repo(self) -> ModelRepository:
        return ModelRepository.from_kernel(self.kernel())

    def write_config(self, models: dict[str, Any]) -> None:
        import tomli_w

        self.config.mkdir(parents=True, exist_ok=True)
        (self.config / "config.toml").write_text(tomli_w.dumps({"plugins": {"models": models}}))

    def ort_events(self) -> list[str]:
        return self.ort_log.read_text().splitlines() if self.ort_log.exists() else []

    def store_listing(self) -> list[str]:
        """Every path under the store, relative (to check an operation left no debris)."""
        if not self.store.exists():
            return []
        return sorted(str(p.relative_to(self.store)) for p in self.store.rglob("*"))


@pytest.fixture
def env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, plugin_dirs: list[Path]
) -> Iterator[ModelsEnv]:
    """Isolated dirs (LMMS_MAGENTA_*_DIR), backend pinned to ``ortfx``, a session log."""
    e = ModelsEnv(tmp_path, plugin_dirs)
    for name in ("config", "data", "cache"):
        getattr(e, name).mkdir()
        monkeypatch.setenv(f"LMMS_MAGENTA_{name.upper()}_DIR", str(getattr(e, name)))
    for var in ("ENABLE", "DISABLE", "STRICT", "TRACE"):
        monkeypatch.delenv(f"LMMS_MAGENTA_{var}", raising=False)
    monkeypatch.setenv("LMMS_MAGENTA_BACKEND", "ortfx")
    monkeypatch.setenv("LMMS_MAGENTA_ORTFX_LOG", str(e.ort_log))
    monkeypatch.delenv("LMMS_MAGENTA_ORTFX_PRECISIONS", raising=False)
    saved = list(sys.path)
    yield e
    sys.path[:] = saved
    for name in [m for m in sys.modules if m.startswith("lmms_magenta_fx")]:
        del sys.modules[name]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[IndexServer]:
    """A loopback HTTP server (127.0.0.1) serving a model index from a temp folder."""
    root = tmp_path / "www"
    root.mkdir()
    srv = IndexServer(root).start()
    yield srv
    srv.stop()


@pytest.fixture
def user_model(tmp_path: Path) -> Path:
    """A model folder (MLP decoder, name ``my-drums``) outside any source."""
    return model_dir(tmp_path / "src" / "my-drums", name="my-drums", seed=5)
