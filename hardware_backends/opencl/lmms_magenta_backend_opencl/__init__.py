"""lmms-magenta backend ``opencl``: the project's models and loudness DSP on OpenCL devices.

Importing this module is cheap: pyopencl and onnx are imported only when the kernel
probes the backend, opens a session or asks for the DSP kernels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lmms_magenta.hookspecs import hookimpl

from .backend import NAME, OpenClBackend

if TYPE_CHECKING:
    from lmms_magenta.config import Config

__all__ = ["OpenClBackend"]

_settings: dict[str, Any] = {}


@hookimpl
def lmms_magenta_configure(config: Config) -> None:
    """Keep this plugin's ``[plugins.opencl]`` table (measure)."""
    _settings.clear()
    _settings.update(config.plugin(NAME))


@hookimpl
def lmms_magenta_backends() -> list[Any]:
    return [OpenClBackend(_settings)]
