"""lmms-magenta backend ``vulkan``: ncnn with Vulkan compute, models converted by pnnx.

Importing this module is cheap: ncnn is imported only when the kernel probes the
backend or opens a session, pnnx only runs (as a program) when a model is converted.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmms_magenta.hookspecs import hookimpl

from .backend import NAME, VulkanBackend

if TYPE_CHECKING:
    from lmms_magenta.config import Config

__all__ = ["VulkanBackend"]

_settings: dict[str, Any] = {}
_data_dir: list[Path] = []


@hookimpl
def lmms_magenta_configure(config: Config) -> None:
    """Keep ``[plugins.vulkan]`` and the data dir (where conversions are stored)."""
    _settings.clear()
    _settings.update(config.plugin(NAME))
    _data_dir[:] = [config.data_dir]


@hookimpl
def lmms_magenta_backends() -> list[Any]:
    if not _data_dir:  # not configured by a kernel: use the user's configuration
        from lmms_magenta.config import Config

        _data_dir.append(Config.load().data_dir)
    return [VulkanBackend(_settings, _data_dir[0])]
