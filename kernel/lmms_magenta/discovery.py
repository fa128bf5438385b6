"""Find installed plugins and their static facts without importing them.

The plugin index (every plugin's :class:`~lmms_magenta.manifest.Manifest`, the
installed versions of the dists plugins require, and the precomputed version checks)
is built from distribution metadata with :mod:`importlib.metadata` and cached as JSON
in ``<cache_dir>/plugins/``. The cache is keyed by the search path and validated by a
*fingerprint*: the modification times of every search directory and of every
``*.dist-info`` / ``*.egg-info`` entry in it (plus the files inside an ``.egg-info``,
which setuptools rewrites in place). Installing, upgrading or uninstalling a
distribution adds or removes a ``.dist-info`` directory and so changes its parent's
mtime; computing the fingerprint costs a few ``stat`` calls.

On a cache hit nothing but ``os``, ``json`` and ``zlib`` is imported: not
``importlib.metadata`` (~35 ms) nor ``packaging`` (~10 ms). That keeps
``lmms-magenta plugins list`` near the cost of starting Python (benchmarks/discovery.py).
"""

from __future__ import annotations

import json
import os
import sys
import zlib

from .manifest import KERNEL_DIST, Manifest, Requirement, kind_from_keywords

TYPE_CHECKING = False  # avoids importing typing (~4 ms); mypy understands the name
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from importlib.metadata import Distribution, PackageMetadata
    from typing import Any

GROUP = "lmms_magenta.plugins"
#: bump when the JSON layout or the meaning of its fields changes
INDEX_FORMAT = 1
PLUGIN_DIST_PREFIX = "lmms-magenta-"
_META_SUFFIXES = (".dist-info", ".egg-info")
_EGG_INFO_FILES = ("PKG-INFO", "entry_points.txt", "requires.txt")
#: an index file not rewritten for this long is deleted (another venv, an old cwd)
STALE_SECONDS = 30 * 24 * 3600


class Index:
    """The plugins found on one search path, with what resolution needs."""

    __slots__ = ("from_cache", "installed", "manifests", "verdicts")

    def __init__(
        self,
        manifests: dict[str, Manifest],
        installed: dict[str, str],
        verdicts: dict[str, bool],
        *,
        from_cache: bool = False,
    ) -> None:
        self.manifests = manifests
        #: canonical dist name -> version, for the kernel and every plugin dist
        self.installed = installed
        #: "spec|version" -> satisfied, for every requirement in the manifests
        self.verdicts = verdicts
        self.from_cache = from_cache

    def check(self, spec: str, version: str) -> bool:
        """Version check from the precomputed table, falling back to packaging."""
        if not spec:
            return True
        verdict = self.verdicts.get(f"{spec}|{version}")
        if verdict is None:
            from .resolve import default_check

            verdict = self.verdicts[f"{spec}|{version}"] = default_check(spec, version)
        return verdict

    def to_json(self, fingerprint: str, dirs: Sequence[str]) -> dict[str, Any]:
        return {
            "format": INDEX_FORMAT,
            "fingerprint": fingerprint,
            "dirs": list(dirs),
            "plugins": [m.to_dict() for m in self.manifests.values()],
            "installed": self.installed,
            "verdicts": self.verdicts,
        }


def search_dirs(path: Iterable[str] | None = None) -> list[str]:
    """Absolute, de-duplicated search directories (``sys.path`` when ``path`` is None)."""
    entries = sys.path if path is None else path
    seen: dict[str, None] = {}
    cwd = None
    for entry in entries:
        if not entry:
            cwd = cwd or os.getcwd()
            entry = cwd
        seen.setdefault(os.path.abspath(os.fspath(entry)), None)
    return list(seen)


def fingerprint(dirs: Sequence[str], kernel_version: str) -> str:
    """A string that changes when a distribution is installed, upgraded or removed."""
    parts = [f"{INDEX_FORMAT}|{kernel_version}|{sys.version}|{sys.executable}"]
    for directory in dirs:
        try:
            parts.append(f"{directory}:{os.stat(directory).st_mtime_ns}")
            with os.scandir(directory) as entries:
                names = [(e.name, e.path) for e in entries if e.name.endswith(_META_SUFFIXES)]
        except (FileNotFoundError, NotADirectoryError, PermissionError):
            continue
        names.sort()
        for name, full in names:
            # a vanished entry (removed while we looked) reads "-": the next run rescans
            parts.append(f"{name}:{_mtime(full)}")
            if name.endswith(".egg-info"):
                parts.extend(f"{f}:{_mtime(os.path.join(full, f))}" for f in _EGG_INFO_FILES)
    return "\n".join(parts)


def _mtime(path: str) -> str:
    try:
        return str(os.stat(path).st_mtime_ns)
    except OSError:
        return "-"


def index_file(cache_dir: str, dirs: Sequence[str]) -> str:
    """Where the index for this search path and interpreter is cached."""
    key = zlib.crc32("\n".join([sys.executable, *dirs]).encode("utf-8", "surrogateescape"))
    return os.path.join(cache_dir, "plugins", f"index-{key:08x}.json")


def discover(path: Iterable[str] | None, cache_dir: str | None, kernel_version: str) -> Index:
    """The plugin index for ``path`` (``sys.path`` if None), from cache when valid."""
    dirs = search_dirs(path)
    stamp = fingerprint(dirs, kernel_version)
    cache = index_file(cache_dir, dirs) if cache_dir else None
    if cache:
        cached = _read_cache(cache, stamp, dirs)
        if cached is not None:
            return cached
    index = scan(dirs, kernel_version)
    if cache:
        _write_cache(cache, index.to_json(stamp, dirs))
    return index


def _read_cache(cache: str, stamp: str, dirs: Sequence[str]) -> Index | None:
    try:
        with open(cache, encoding="utf-8") as fh:
            data = json.load(fh)
        if (
            data.get("format") != INDEX_FORMAT
            or data.get("fingerprint") != stamp
            or data.get("dirs") != list(dirs)
        ):
            return None
        manifests = {p["name"]: Manifest.from_dict(p) for p in data["plugins"]}
        return Index(manifests, data["installed"], data["verdicts"], from_cache=True)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # missing, stale or corrupt: rebuild


def _write_cache(cache: str, data: dict[str, Any]) -> None:
    """Atomically replace the cache file; a read-only cache directory is not an error.

    Each search path (interpreter, working directory) has its own file; files not
    used for :data:`STALE_SECONDS` are removed here, which runs only on a cache miss.
    """
    try:
        directory = os.path.dirname(cache)
        os.makedirs(directory, exist_ok=True)
        tmp = f"{cache}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh, separators=(",", ":"))
        os.replace(tmp, cache)
        import time

        old = time.time() - STALE_SECONDS
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.name.startswith("index-") and entry.stat().st_mtime < old:
                    os.unlink(entry.path)
    except OSError:
        pass


# --- building the index from metadata (cache miss) ----------------------------------------


def canonical(name: str) -> str:
    """PEP 503 normalized distribution name."""
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(name))


def scan(dirs: Sequence[str], kernel_version: str) -> Index:
    """Read every distribution's metadata on ``dirs`` and build the index."""
    from importlib.metadata import distributions

    dists: dict[str, Distribution] = {}
    plugin_names: dict[str, list[str]] = {}
    for dist in distributions(path=list(dirs)):
        name = dist.metadata["Name"]
        if not name:
            continue
        key = canonical(name)
        if key in dists:  # an earlier directory on the path shadows this one
            continue
        dists[key] = dist
        names = [ep.name for ep in dist.entry_points if ep.group == GROUP]
        if names:
            plugin_names[key] = names

    installed = {key: dists[key].version for key in plugin_names}
    installed[KERNEL_DIST] = kernel_version
    manifests: dict[str, Manifest] = {}
    for key in plugin_names:
        dist = dists[key]
        for ep in dist.entry_points:
            if ep.group != GROUP or ep.name in manifests:
                continue
            manifests[ep.name] = _manifest(ep.name, ep.value, dist, dists, plugin_names)

    from .resolve import default_check

    verdicts: dict[str, bool] = {}
    for manifest in manifests.values():
        for req in (*manifest.requires, *manifest.optional):
            version = installed.get(req.dist)
            if req.spec and version is not None:
                verdicts[f"{req.spec}|{version}"] = default_check(req.spec, version)
    return Index(manifests, installed, verdicts)


def _manifest(
    name: str,
    value: str,
    dist: Distribution,
    dists: dict[str, Distribution],
    plugin_names: dict[str, list[str]],
) -> Manifest:
    meta = dist.metadata
    requires: list[Requirement] = []
    optional: list[Requirement] = []
    error = None
    extras = meta.get_all("Provides-Extra") or []
    for text in dist.requires or []:
        try:
            parsed = _classify(text, extras)
        except ValueError as exc:
            error = f"invalid requirement {text!r} in the metadata of {meta['Name']}: {exc}"
            continue
        if parsed is None:
            continue
        req_name, spec, extra, shown = parsed
        key = canonical(req_name)
        if key == KERNEL_DIST:
            targets: tuple[str, ...] = ()
        elif key in dists:
            if key not in plugin_names:
                continue  # an ordinary library: pip's business, not ours
            targets = tuple(plugin_names[key])
        elif key.startswith(PLUGIN_DIST_PREFIX):
            targets = ()  # a plugin dist that is not installed
        else:
            continue
        req = Requirement(shown, key, spec, targets, extra)
        (optional if extra else requires).append(req)
    return Manifest(
        name,
        dist=meta["Name"],
        version=dist.version,
        module=value.split("[", 1)[0].strip(),
        summary=_field(meta, "Summary"),
        kind=kind_from_keywords(_field(meta, "Keywords")),
        requires=tuple(requires),
        optional=tuple(optional),
        error=error,
    )


def _field(meta: PackageMetadata, name: str) -> str:
    """A metadata header's first value ("" when absent)."""
    values = meta.get_all(name) or []
    return str(values[0]) if values else ""


def _classify(text: str, extras: list[str]) -> tuple[str, str, str | None, str] | None:
    """(name, specifier, extra or None, text without markers), or None if not for us.

    Raises ValueError for an unparseable requirement.
    """
    from packaging.requirements import InvalidRequirement
    from packaging.requirements import Requirement as Parsed

    try:
        req = Parsed(text)
    except InvalidRequirement as exc:
        raise ValueError(str(exc)) from exc
    shown = req.name + (f"[{','.join(sorted(req.extras))}]" if req.extras else "")
    shown += str(req.specifier)
    extra: str | None = None
    if req.marker is not None and not req.marker.evaluate({"extra": ""}):
        extra = next((e for e in extras if req.marker.evaluate({"extra": e})), None)
        if extra is None:
            return None  # a marker that does not apply here (platform, python)
    return req.name, str(req.specifier), extra, shown
