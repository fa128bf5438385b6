"""lmms-magenta backend ``cpu``: ONNX Runtime on the CPU.

Importing this module is cheap: onnxruntime is imported only when the kernel probes
the backend or opens a session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lmms_magenta.hookspecs import hookimpl

from .backend import NAME, OnnxRuntimeBackend

if TYPE_CHECKING:
    from lmms_magenta.config import Config

__all__ = ["OnnxRuntimeBackend"]

_settings: dict[str, Any] = {}


@hookimpl
def lmms_magenta_configure(config: Config) -> None:
    """Keep this plugin's ``[plugins.cpu]`` table (threads, measure)."""
    _settings.clear()
    _settings.update(config.plugin(NAME))


@hookimpl
def lmms_magenta_backends() -> list[Any]:
    return [OnnxRuntimeBackend(_settings)]
