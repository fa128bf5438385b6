"""Shared set-up of the vulkan backend tests (a plain module: conftest.py is not importable).

The vulkan distribution is installed with ``pip install --target`` into its own folder
(cached in pytest's cache, keyed by a hash of its sources), next to the cpu and
openvino folders of conftest.py's ``installed`` fixture, so a test kernel sees exactly
the backends it names. The tests run for real on Mesa's lavapipe (CI installs
``mesa-vulkan-drivers libvulkan1``); without any Vulkan device they skip and say so.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from realbackends import install_backend

from lmms_magenta.config import Config
from lmms_magenta.hardware import Backend
from lmms_magenta.kernel import Kernel

ROOT = Path(__file__).resolve().parents[3]
SOURCE = ROOT / "hardware_backends" / "vulkan"
GROOVE_MODEL = ROOT / "plugins_builtin/groove/lmms_magenta_groove/models/groove-vae-2bar/model.onnx"
#: ``make("cpu", "vulkan", backend=..., settings=..., data_dir=...)`` -> Kernel
MakeVulkanKernel = Callable[..., Kernel]

NO_DEVICE = (
    "no Vulkan device: install a Vulkan driver to run the vulkan backend tests "
    "(Debian: apt-get install mesa-vulkan-drivers libvulkan1; .ci/run does)"
)


def install_vulkan(cache_root: Path) -> Path:
    """The folder holding the installed vulkan distribution (installed once per source)."""
    return install_backend(SOURCE, cache_root)


def vulkan_dirs(request: pytest.FixtureRequest, installed: dict[str, Path]) -> dict[str, Path]:
    """Backend name -> folder, for cpu, openvino and vulkan."""
    pytest.importorskip("ncnn", reason="the vulkan backend needs ncnn (pip install ncnn)")
    cache = request.config.cache
    assert cache is not None
    return {**installed, "vulkan": install_vulkan(Path(cache.mkdir("lmms-magenta-vulkan")))}


def require_vulkan_device() -> None:
    """Skip the calling test when ncnn sees no Vulkan device."""
    import ncnn

    if ncnn.get_gpu_count() == 0:
        pytest.skip(NO_DEVICE)


def kernel_factory(tmp_path: Path, dirs: dict[str, Path], data_dir: Path) -> MakeVulkanKernel:
    """A ``make(*backends, backend=, settings=, data_dir=)`` building isolated kernels."""

    def make(
        *names: str,
        backend: str = "auto",
        settings: dict[str, dict[str, Any]] | None = None,
        data_dir: Path = data_dir,
    ) -> Kernel:
        config = Config(
            config_dir=tmp_path / "config",
            data_dir=data_dir,
            cache_dir=tmp_path / "cache",
            backend=backend,
            settings=settings,
        )
        return Kernel(config, path=[dirs[n] for n in names or ("cpu", "vulkan")])

    return make


def backend_of(kernel: Kernel, name: str) -> Any:
    """The backend object called ``name`` that ``kernel`` loaded."""
    for _plugin, backend in kernel.contributions("lmms_magenta_backends"):
        if isinstance(backend, Backend) and backend.name == name:
            return backend
    raise LookupError(name)
