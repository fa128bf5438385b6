"""Where models come from: shipped in plugins, folders (the user store), remote indexes.

Each source yields :class:`ModelEntry` objects (a validated manifest plus where its files
are). A broken manifest in one place must not hide the other models, so the built-in
sources collect such problems in ``problems`` (one line each) and go on; the
repository shows them in ``models list``. Third-party sources (hook
``lmms_magenta_model_sources``) implement :class:`ModelSource`.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from lmms_magenta.errors import ModelError

from .manifest import MANIFEST_NAME, Manifest, load_manifest, parse_manifest
from .urls import check_url

if TYPE_CHECKING:
    from lmms_magenta.kernel import Kernel

__all__ = [
    "INDEX_VERSION",
    "FolderSource",
    "IndexSource",
    "ModelEntry",
    "ModelSource",
    "ShippedSource",
]

INDEX_VERSION = 1
MODELS_HOOK = "lmms_magenta_models"


@dataclass(frozen=True)
class ModelEntry:
    """A manifest and where its files are: a local ``folder`` or a remote ``index_url``.

    ``origin`` is ``shipped``, ``store``, ``folder`` or ``remote``; ``source`` says
    where in words (``plugin groove``, ``user store``, ``index https://...``).
    """

    manifest: Manifest
    origin: str
    source: str
    folder: Path | None = None
    index_url: str | None = None
    plugin: str | None = None

    @property
    def local(self) -> bool:
        return self.folder is not None

    @property
    def manifest_path(self) -> Path | None:
        return self.folder / MANIFEST_NAME if self.folder is not None else None

    def file_path(self, rel: str) -> Path:
        """Absolute path of a listed file of a local model."""
        if self.folder is None:
            raise ModelError(
                f"model {self.manifest.key} is not installed (it is in {self.source}); "
                f"run: lmms-magenta models install {self.manifest.key}"
            )
        return self.folder.joinpath(*rel.split("/"))

    def file_url(self, rel: str) -> str:
        """Absolute http(s) URL of a listed file of a remote model."""
        url = self.manifest.file(rel).url
        if url is None or self.index_url is None:
            raise ModelError(f"model {self.manifest.key} in {self.source} has no URL for {rel}")
        return check_url(urllib.parse.urljoin(self.index_url, url), where=self.index_url)


@runtime_checkable
class ModelSource(Protocol):
    """A place models come from. ``entries`` may raise ModelError (reported, skipped).

    A source may also have a ``problems`` list of one-line messages about entries
    it skipped; the repository shows them.
    """

    @property
    def name(self) -> str: ...

    def entries(self) -> list[ModelEntry]: ...


class FolderSource:
    """Models in a folder: ``ROOT/<name>/<version>/model.json`` or ``ROOT/<name>/model.json``.

    The user store is a FolderSource with origin ``store``. Folders whose names start
    with ``.`` (install temp dirs, trash) are skipped.
    """

    def __init__(self, root: Path, *, origin: str = "folder", label: str | None = None) -> None:
        self.root = Path(root)
        self.origin = origin
        self.name = label or f"folder {self.root}"
        self.problems: list[str] = []

    def manifest_paths(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        found = []
        for child in sorted(self.root.iterdir()):
            if child.name.startswith(".") or not child.is_dir():
                continue
            if (child / MANIFEST_NAME).is_file():
                found.append(child / MANIFEST_NAME)
            for sub in sorted(child.iterdir()):
                if not sub.name.startswith(".") and (sub / MANIFEST_NAME).is_file():
                    found.append(sub / MANIFEST_NAME)
        return found

    def entries(self) -> list[ModelEntry]:
        self.problems = []
        out = []
        for path in self.manifest_paths():
            try:
                manifest = load_manifest(path)
            except ModelError as exc:
                self.problems.append(str(exc))
                continue
            out.append(ModelEntry(manifest, self.origin, self.name, folder=path.parent))
        return out


class ShippedSource:
    """Models feature plugins ship, from the ``lmms_magenta_models`` hook.

    An item is a path to a ``model.json`` (its files are next to it) or a manifest
    mapping (its files are relative to the plugin module's folder).
    """

    name = "shipped"

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self.problems: list[str] = []

    def _module_dir(self, plugin: str) -> Path | None:
        module = self.kernel.plugin_manager.get_plugin(plugin)
        file = getattr(module, "__file__", None)
        return Path(file).parent if file else None

    def _entry(self, plugin: str, item: Any) -> ModelEntry:
        label = f"plugin {plugin}"
        if isinstance(item, str | os.PathLike):
            path = Path(item)
            return ModelEntry(load_manifest(path), "shipped", label, path.parent, plugin=plugin)
        if isinstance(item, Mapping):
            manifest = parse_manifest(dict(item), path=f"model manifest of plugin '{plugin}'")
            folder = self._module_dir(plugin)
            if folder is None:
                raise ModelError(f"plugin '{plugin}' gave a manifest mapping but has no folder")
            return ModelEntry(manifest, "shipped", label, folder, plugin=plugin)
        raise ModelError(
            f"plugin '{plugin}' returned a {type(item).__name__} from {MODELS_HOOK}; "
            "expected a path to model.json or a manifest mapping"
        )

    def entries(self) -> list[ModelEntry]:
        self.problems = []
        out = []
        for plugin, item in self.kernel.contributions(MODELS_HOOK):
            try:
                out.append(self._entry(plugin, item))
            except ModelError as exc:
                self.problems.append(str(exc))
        return out


class IndexSource:
    """A remote HTTP(S) JSON index: ``{"index_version": 1, "models": [manifest, ...]}``.

    The index is fetched once per source object; file URLs are resolved against the
    index URL and must be http(s).
    """

    def __init__(self, url: str, *, timeout: float) -> None:
        self.url = check_url(url)
        self.timeout = timeout
        self.name = f"index {url}"
        self.problems: list[str] = []
        self._entries: list[ModelEntry] | None = None

    def entries(self) -> list[ModelEntry]:
        if self._entries is not None:
            return self._entries
        from .remote import fetch_json

        data = fetch_json(self.url, timeout=self.timeout)
        if not isinstance(data, dict) or data.get("index_version") != INDEX_VERSION:
            raise ModelError(f"model index {self.url} is not a format-{INDEX_VERSION} index "
                             "(expected an object with index_version and models)")  # fmt: skip
        models = data.get("models")
        if not isinstance(models, list):
            raise ModelError(f"model index {self.url}: 'models' must be a list of manifests")
        self.problems, out = [], []
        for i, item in enumerate(models):
            where = f"{self.url} models[{i}]"
            try:
                manifest = parse_manifest(item, path=where, allow_urls=True)
                entry = ModelEntry(manifest, "remote", self.name, index_url=self.url)
                for file in manifest.files:
                    entry.file_url(file.path)  # every file needs a valid http(s) URL
            except ModelError as exc:
                self.problems.append(str(exc))
                continue
            out.append(entry)
        self._entries = out
        return out
