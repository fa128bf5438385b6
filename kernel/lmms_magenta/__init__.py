"""lmms-magenta: Magenta-style AI music tools for LMMS, as a plugin kernel.

The public API. Importing this package is cheap: names are loaded from their
modules on first access (PEP 562 ``__getattr__``), so ``lmms-magenta plugins list``
and plugin imports do not pay for pluggy, numpy, rich or mido up front.

    from lmms_magenta import Kernel

    with Kernel() as kernel:
        result = kernel.feature("groove.humanize")(kernel, clip="beat.mid")
"""

from __future__ import annotations

from ._version import __version__
from .errors import (
    BackendError,
    FileFormatError,
    ModelError,
    ParameterError,
    PluginError,
    UserError,
)

TYPE_CHECKING = False  # avoids importing typing (~4 ms); mypy understands the name
if TYPE_CHECKING:
    from .config import Config
    from .features import Feature
    from .hardware import Backend, Device, Session
    from .hookspecs import hookimpl
    from .kernel import Kernel
    from .manifest import PluginInfo
    from .params import (
        Bool,
        Choice,
        File,
        Integer,
        Key,
        Number,
        Param,
        Pitch,
        Scale,
        Schema,
        Seed,
    )

__all__ = [
    "Backend",
    "BackendError",
    "Bool",
    "Choice",
    "Config",
    "Device",
    "Feature",
    "File",
    "FileFormatError",
    "Integer",
    "Kernel",
    "Key",
    "ModelError",
    "Number",
    "Param",
    "ParameterError",
    "Pitch",
    "PluginError",
    "PluginInfo",
    "Scale",
    "Schema",
    "Seed",
    "Session",
    "UserError",
    "__version__",
    "hookimpl",
]

_PARAM_NAMES: tuple[str, ...] = ("Bool", "Choice", "File", "Integer", "Key", "Number", "Param")
_PARAM_NAMES += ("Pitch", "Scale", "Schema", "Seed")

# public name -> module that defines it (imported on first access)
_LAZY = {
    "Config": "config",
    "Feature": "features",
    "Kernel": "kernel",
    "PluginInfo": "manifest",
    "hookimpl": "hookspecs",
    **dict.fromkeys(("Backend", "Device", "Session"), "hardware"),
    **dict.fromkeys(_PARAM_NAMES, "params"),
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'lmms_magenta' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
