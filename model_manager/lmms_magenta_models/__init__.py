"""lmms-magenta model repository: manifests, verified loading, install, import, convert.

The Python API features use (docs/models.md)::

    from lmms_magenta_models import ModelRepository

    repo = ModelRepository.from_kernel(kernel)
    session = repo.session("groove-vae-2bar", task="groove-vae-2bar")
    outputs = session.run(feeds)

Names are imported on first access (PEP 562), so importing the package, and the
plugin module the kernel loads on every command, stays cheap; onnx and onnxruntime
are only imported inside the functions that need them.
"""

from __future__ import annotations

TYPE_CHECKING = False  # avoids importing typing; mypy understands the name
if TYPE_CHECKING:
    # Explicit imports give type checkers the real names and types; at run time
    # ``__getattr__`` below loads each name from its module on first access.
    from .manifest import (
        FileEntry,
        Manifest,
        TrainingData,
        Variant,
        load_manifest,
        parse_manifest,
    )
    from .repository import Catalogue, ModelRepository, ResolvedModel, parse_spec
    from .sessions import LazySession, LoadedModel
    from .sources import FolderSource, IndexSource, ModelEntry, ModelSource
    from .tasks import Contract, TaskRegistry, TensorSpec

# a literal list, so that type checkers see these names as the package's exports
__all__ = [
    "Catalogue",
    "Contract",
    "FileEntry",
    "FolderSource",
    "IndexSource",
    "LazySession",
    "LoadedModel",
    "Manifest",
    "ModelEntry",
    "ModelRepository",
    "ModelSource",
    "ResolvedModel",
    "TaskRegistry",
    "TensorSpec",
    "TrainingData",
    "Variant",
    "load_manifest",
    "parse_manifest",
    "parse_spec",
]

# public name -> module that defines it (imported on first access)
_EXPORTS = {
    **dict.fromkeys(
        ("FileEntry", "Manifest", "TrainingData", "Variant", "load_manifest", "parse_manifest"),
        "manifest",
    ),
    **dict.fromkeys(("Catalogue", "ModelRepository", "ResolvedModel", "parse_spec"), "repository"),
    **dict.fromkeys(("LazySession", "LoadedModel"), "sessions"),
    **dict.fromkeys(("FolderSource", "IndexSource", "ModelEntry", "ModelSource"), "sources"),
    **dict.fromkeys(("Contract", "TaskRegistry", "TensorSpec"), "tasks"),
}


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'lmms_magenta_models' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
