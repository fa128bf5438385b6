"""Shared names for the real-backend tests (a plain module: conftest.py is not importable).

Every backend distribution under hardware_backends/ is installed for real with ``pip
install --target`` into its own folder (:func:`install_backend`, cached by a hash of its
sources), so a test kernel sees exactly the backends it names through its search path
(:func:`kernel_factory`), or a CLI process does (:func:`run_cli`). conftest.py installs
cpu and openvino for every test; opencl_env.py and vulkan_env.py add their backend with
:func:`with_backend`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lmms_magenta.config import Config
from lmms_magenta.hardware import Backend, select_hardware
from lmms_magenta.hardware_sessions import open_session
from lmms_magenta.kernel import Kernel

ROOT = Path(__file__).resolve().parents[3]
#: ``python -c CLI args...`` runs the ``lmms-magenta`` command of this interpreter
CLI = "import sys; from lmms_magenta.cli import main; sys.exit(main())"
#: ``make("cpu", "openvino", backend="auto", settings={...}, data_dir=...)`` -> Kernel
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


def cache_folder(request: pytest.FixtureRequest, name: str) -> Path:
    """pytest's cache folder ``name``; a temporary one under ``-p no:cacheprovider``."""
    cache = getattr(request.config, "cache", None)
    if cache is not None:
        return Path(cache.mkdir(name))
    factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
    return factory.mktemp(name)


def with_backend(
    request: pytest.FixtureRequest, installed: dict[str, Path], name: str, runtime: str
) -> dict[str, Path]:
    """Backend name -> folder: ``installed`` plus hardware_backends/``name``, installed;
    skips the calling test when the backend's Python ``runtime`` module is missing."""
    pytest.importorskip(
        runtime, reason=f"the {name} backend needs {runtime} (pip install {runtime})"
    )
    source = ROOT / "hardware_backends" / name
    folder = cache_folder(request, f"lmms-magenta-{name}")
    return {**installed, name: install_backend(source, folder)}


def kernel_factory(
    tmp_path: Path, dirs: dict[str, Path], data_dir: Path | None = None
) -> MakeKernel:
    """``make(*backends, backend=, settings=, data_dir=)``: isolated kernels (config and
    cache under ``tmp_path``) that see only the named backends of ``dirs``. The data
    folder (where converted models are kept) defaults to ``data_dir`` or
    ``tmp_path / "data"``."""
    default_data = tmp_path / "data" if data_dir is None else data_dir

    def make(
        *names: str,
        backend: str = "auto",
        settings: dict[str, dict[str, Any]] | None = None,
        data_dir: Path = default_data,
    ) -> Kernel:
        config = Config(
            config_dir=tmp_path / "config",
            data_dir=data_dir,
            cache_dir=tmp_path / "cache",
            backend=backend,
            settings=settings,
        )
        return Kernel(config, path=[dirs[n] for n in names])

    return make


def backend_of(kernel: Kernel, name: str) -> Any:
    """The backend object called ``name`` that ``kernel`` loaded."""
    for _plugin, backend in kernel.contributions("lmms_magenta_backends"):
        if isinstance(backend, Backend) and backend.name == name:
            return backend
    raise LookupError(name)


def assert_scaler_runs_on_cpu(
    kernel: Kernel, models: dict[str, Path], caplog: pytest.LogCaptureFixture, pinned: str
) -> str:
    """The ``ml_scaler`` model (its ``ai.onnx.ml`` Scaler is refused by every backend but
    cpu), opened on ``kernel`` pinned to device ``pinned``, runs on cpu:cpu instead: ONNX
    Runtime's result, the retry logged, a reason from "could not open it on <pinned>" to
    "using cpu:cpu". Returns the reason, for the backend's own words in it."""
    import build_models as bm  # tests/fixtures/models, put on sys.path by conftest.py

    choice = select_hardware(kernel)
    assert choice.device is not None and choice.device.key == pinned
    feeds = bm.sample_feeds("ml_scaler", batch=2)
    with caplog.at_level(logging.WARNING, logger="lmms_magenta.hardware"):
        session = open_session(kernel, models["ml_scaler"], choice=choice)
    with session:
        result = session.run(feeds)
        assert session.device.key == "cpu:cpu"
        reason = session.fallback_reason or ""
    assert reason.startswith(f"could not open it on {pinned}")
    assert reason.endswith("using cpu:cpu")
    np.testing.assert_allclose(result["y"], (feeds["x"] - 1.0) * 2.0, rtol=1e-6)
    assert any("retrying on cpu:cpu" in r.getMessage() for r in caplog.records)
    return reason


def run_cli(
    dirs: Mapping[str, Path],
    home: Path,
    *args: str,
    names: Sequence[str] | None = None,
    first: Sequence[Path] = (),
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``lmms-magenta *args`` in a fresh process that sees only the backends ``names``
    (default: all of ``dirs``), after the folders ``first``, with every other plugin
    disabled, its config/data/cache folders under ``home`` and ``env`` added."""
    names = list(dirs) if names is None else list(names)
    run_env = {k: v for k, v in os.environ.items() if not k.startswith("LMMS_MAGENTA_")}
    run_env.update(env or {})
    run_env["PYTHONPATH"] = os.pathsep.join(str(p) for p in [*first, *(dirs[n] for n in names)])
    run_env["LMMS_MAGENTA_DISABLE"] = "*"
    run_env["LMMS_MAGENTA_ENABLE"] = ",".join(names)
    for kind in ("CONFIG", "DATA", "CACHE"):
        run_env[f"LMMS_MAGENTA_{kind}_DIR"] = str(home / kind.lower())
    return subprocess.run(
        [sys.executable, "-c", CLI, *args], env=run_env, capture_output=True, text=True, timeout=300
    )


def hardware_json(dirs: Mapping[str, Path], home: Path, *args: str, **kw: Any) -> Any:
    """The document of ``lmms-magenta hardware --json`` (:func:`run_cli`), which must
    succeed without a traceback."""
    result = run_cli(dirs, home, *args, "hardware", "--json", **kw)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


def broken_package(folder: Path, name: str, message: str) -> Path:
    """A folder (below ``folder``) holding a package ``name`` whose import raises
    ImportError(``message``), like a runtime with a missing shared library: put it
    first on a path to make that runtime unusable."""
    package = folder / "shadow" / name
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(f"raise ImportError({message!r})\n")
    return package.parent
