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
    from .hardware import Backend, Device, HardwareChoice, Session, TensorInfo, select_hardware
    from .hardware_sessions import open_session
    from .hookspecs import hookimpl
    from .kernel import Kernel
    from .lmms import Project
    from .manifest import PluginInfo
    from .music import Clip, Meter, MidiSong, Note, read_midi, write_midi
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
        Text,
    )
    from .presets import load_preset, save_preset

__all__ = [
    "Backend",
    "BackendError",
    "Bool",
    "Choice",
    "Clip",
    "Config",
    "Device",
    "Feature",
    "File",
    "FileFormatError",
    "HardwareChoice",
    "Integer",
    "Kernel",
    "Key",
    "Meter",
    "MidiSong",
    "ModelError",
    "Note",
    "Number",
    "Param",
    "ParameterError",
    "Pitch",
    "PluginError",
    "PluginInfo",
    "Project",
    "Scale",
    "Schema",
    "Seed",
    "Session",
    "TensorInfo",
    "Text",
    "UserError",
    "__version__",
    "hookimpl",
    "load_preset",
    "open_session",
    "read_midi",
    "save_preset",
    "select_hardware",
    "write_midi",
]

_PARAM_NAMES: tuple[str, ...] = ("Bool", "Choice", "File", "Integer", "Key", "Number", "Param")
_PARAM_NAMES += ("Pitch", "Scale", "Schema", "Seed", "Text")

# public name -> module that defines it (imported on first access)
_LAZY = {
    "Config": "config",
    "Feature": "features",
    "Kernel": "kernel",
    "PluginInfo": "manifest",
    "hookimpl": "hookspecs",
    **dict.fromkeys(
        ("Backend", "Device", "HardwareChoice", "Session", "TensorInfo", "select_hardware"),
        "hardware",
    ),
    "open_session": "hardware_sessions",
    "Project": "lmms",
    **dict.fromkeys(("Clip", "Meter", "MidiSong", "Note", "read_midi", "write_midi"), "music"),
    **dict.fromkeys(("load_preset", "save_preset"), "presets"),
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
