"""lmms-magenta backend ``openvino``: OpenVINO reading the ONNX models directly.

Importing this module is cheap: openvino is imported only when the kernel probes
the backend or opens a session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lmms_magenta.hookspecs import hookimpl

from .backend import NAME, OpenVinoBackend

if TYPE_CHECKING:
    from lmms_magenta.config import Config

__all__ = ["OpenVinoBackend"]

_settings: dict[str, Any] = {}


@hookimpl
def lmms_magenta_configure(config: Config) -> None:
    """Keep this plugin's ``[plugins.openvino]`` table (threads, measure)."""
    _settings.clear()
    _settings.update(config.plugin(NAME))


@hookimpl
def lmms_magenta_backends() -> list[Any]:
    return [OpenVinoBackend(_settings)]
