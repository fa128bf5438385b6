"""Shared set-up of the opencl backend tests (a plain module: conftest.py is not importable).

The opencl distribution is installed with ``pip install --target`` into its own folder
(cached in pytest's cache, keyed by a hash of its sources), next to the cpu and
openvino folders of conftest.py's ``installed`` fixture, so a test kernel sees exactly
the backends it names. The tests run for real on PoCL's CPU device (the
``pocl-binary-distribution`` wheel the backend depends on); on a machine with no
OpenCL device at all they skip and say so.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from realbackends import install_backend

from lmms_magenta.config import Config
from lmms_magenta.hardware import Backend
from lmms_magenta.kernel import Kernel

ROOT = Path(__file__).resolve().parents[3]
SOURCE = ROOT / "hardware_backends" / "opencl"


def _shipped_models() -> list[Path]:
    """Every ONNX file a feature ships: those its models' ``model.json`` manifests list."""
    found = set()
    for manifest in ROOT.glob("plugins_builtin/*/lmms_magenta_*/models/*/model.json"):
        files = json.loads(manifest.read_text(encoding="utf-8")).get("files", [])
        for entry in files:
            path = manifest.parent / str(entry.get("path", ""))
            if path.suffix == ".onnx" and path.is_file():
                found.add(path)
    return sorted(found)


#: every ONNX model a feature ships (the groove VAE, the pattern encoders/decoders ...)
SHIPPED_MODELS = _shipped_models()
#: ``make("cpu", "opencl", backend=..., settings=...)`` -> Kernel
MakeOpenClKernel = Callable[..., Kernel]

NO_DEVICE = (
    "no OpenCL device: install an OpenCL driver to run the opencl backend tests "
    "(pip install pocl-binary-distribution gives PoCL's CPU device; the backend depends on it)"
)


def install_opencl(cache_root: Path) -> Path:
    """The folder holding the installed opencl distribution (installed once per source)."""
    return install_backend(SOURCE, cache_root)


def opencl_dirs(request: pytest.FixtureRequest, installed: dict[str, Path]) -> dict[str, Path]:
    """Backend name -> folder, for cpu, openvino and opencl."""
    pytest.importorskip("pyopencl", reason="the opencl backend needs pyopencl")
    cache = getattr(request.config, "cache", None)
    if cache is not None:
        root = Path(cache.mkdir("lmms-magenta-opencl"))
    else:  # pytest -p no:cacheprovider
        root = request.getfixturevalue("tmp_path_factory").mktemp("opencl")
    return {**installed, "opencl": install_opencl(root)}


def require_opencl_device() -> None:
    """Skip the calling test when pyopencl finds no OpenCL device."""
    import pyopencl as cl

    try:
        count = sum(len(p.get_devices()) for p in cl.get_platforms())
    except cl.Error:
        count = 0
    if count == 0:
        pytest.skip(NO_DEVICE)


def kernel_factory(tmp_path: Path, dirs: dict[str, Path]) -> MakeOpenClKernel:
    """A ``make(*backends, backend=, settings=)`` building isolated kernels."""

    def make(
        *names: str, backend: str = "auto", settings: dict[str, dict[str, Any]] | None = None
    ) -> Kernel:
        config = Config(
            config_dir=tmp_path / "config",
            data_dir=tmp_path / "data",
            cache_dir=tmp_path / "cache",
            backend=backend,
            settings=settings,
        )
        return Kernel(config, path=[dirs[n] for n in names or ("cpu", "opencl")])

    return make


def backend_of(kernel: Kernel, name: str) -> Any:
    """The backend object called ``name`` that ``kernel`` loaded."""
    for _plugin, backend in kernel.contributions("lmms_magenta_backends"):
        if isinstance(backend, Backend) and backend.name == name:
            return backend
    raise LookupError(name)
