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

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .manifest import FileEntry, Manifest, TrainingData, Variant, load_manifest, parse_manifest  # noqa: F401
    from .repository import Catalogue, ModelRepository, ResolvedModel, parse_spec  # noqa: F401
    from .sessions import LazySession, LoadedModel  # noqa: F401
    from .sources import FolderSource, IndexSource, ModelEntry, ModelSource  # noqa: F401
    from .tasks import BUILTIN_TASKS, Contract, TaskRegistry, TensorSpec  # noqa: F401

_EXPORTS = {
    "BUILTIN_TASKS": "tasks",
    "Catalogue": "repository",
    "Contract": "tasks",
    "FileEntry": "manifest",
    "FolderSource": "sources",
    "IndexSource": "sources",
    "LazySession": "sessions",
    "LoadedModel": "sessions",
    "Manifest": "manifest",
    "ModelEntry": "sources",
    "ModelRepository": "repository",
    "ModelSource": "sources",
    "ResolvedModel": "repository",
    "TaskRegistry": "tasks",
    "TensorSpec": "tasks",
    "TrainingData": "manifest",
    "Variant": "manifest",
    "load_manifest": "manifest",
    "parse_manifest": "manifest",
    "parse_spec": "repository",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'lmms_magenta_models' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
