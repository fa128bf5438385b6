"""The model repository: the catalogue of every source, resolving, verified sessions.

Features call::

    repo = ModelRepository.from_kernel(kernel)
    model = repo.resolve("groove-vae-2bar")            # or "name@1.0", "name@>=1,<2"
    session = repo.session("groove-vae-2bar", task="groove-vae-2bar")
    outputs = session.run({"hits": ..., ...})

``session`` returns a lazy session: the file is sha256-verified and opened on the
device of the kernel's hardware profile (with H2's CPU fallback) at the first run,
kept in an LRU under ``[plugins.models] memory_budget_mb``, and re-opened on demand
after being closed to make room. Installing, importing, converting, verifying and
removing live in :mod:`lmms_magenta_models.operations`.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from lmms_magenta.errors import ModelError

from .hashing import VerifiedCache
from .manifest import NAME_RE, Manifest
from .sessions import LazySession, LoadedModel, SessionCache
from .settings import Settings
from .sources import FolderSource, IndexSource, ModelEntry, ModelSource, ShippedSource
from .store import UserStore
from .tasks import Contract, TaskRegistry

if TYPE_CHECKING:
    from lmms_magenta.hardware import HardwareChoice, Session
    from lmms_magenta.kernel import Kernel

__all__ = ["Catalogue", "ModelRepository", "ResolvedModel", "parse_spec"]

SOURCES_HOOK = "lmms_magenta_model_sources"
#: origin -> priority when one name@version is in several places (lower wins)
ORIGIN_PRIORITY = {"store": 0, "shipped": 1, "folder": 2, "remote": 3}

_REPOS: weakref.WeakKeyDictionary[Kernel, ModelRepository] = weakref.WeakKeyDictionary()


def parse_spec(spec: str) -> tuple[str, SpecifierSet | None]:
    """``name``, ``name@1.0`` (exact) or ``name@>=1,<2`` -> (name, specifier or None)."""
    name, sep, version = spec.strip().partition("@")
    if not NAME_RE.match(name):
        raise ModelError(f"{spec!r} is not a model name (NAME or NAME@VERSION)")
    if not sep:
        return name, None
    text = version.strip()
    try:
        return name, SpecifierSet(text if text[:1] in "<>=!~" else f"=={text}")
    except InvalidSpecifier as exc:
        raise ModelError(f"{spec!r}: {text!r} is not a version or version range") from exc


@dataclass
class Catalogue:
    """Entries found in the sources (best first per name@version) and their problems."""

    entries: list[ModelEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def matching(self, name: str, spec: SpecifierSet | None = None) -> list[ModelEntry]:
        """Entries called ``name`` within ``spec``: highest version first, then priority."""
        found = [
            e for e in self.entries
            if e.manifest.name == name
            and (spec is None or spec.contains(e.manifest.parsed_version, prereleases=True))
        ]  # fmt: skip
        return sorted(
            found,
            key=lambda e: (e.manifest.parsed_version, -ORIGIN_PRIORITY.get(e.origin, 9)),
            reverse=True,
        )


@dataclass(frozen=True)
class ResolvedModel:
    """A local model and its task contract; :meth:`path` hands out verified files."""

    entry: ModelEntry
    contract: Contract
    verified: VerifiedCache

    @property
    def manifest(self) -> Manifest:
        return self.entry.manifest

    @property
    def precisions(self) -> list[str]:
        return list(self.manifest.variants)

    def path(self, precision: str = "fp32") -> Path:
        """The file of a precision variant, sha256-verified (ModelError naming it if not)."""
        if precision not in self.manifest.variants:
            raise ModelError(
                f"model {self.manifest.key} has no {precision} variant "
                f"(it has {', '.join(self.manifest.variants)}); make one with "
                f"lmms-magenta models convert {self.manifest.key} --precision {precision}"
            )
        file = self.manifest.variant_file(precision)
        path = self.entry.file_path(file.path)
        self.verified.verify(path, file.sha256, file.size)
        return path


class ModelRepository:
    """Models from every source of one kernel; one instance per kernel (:meth:`from_kernel`)."""

    def __init__(self, kernel: Kernel, *, settings: Settings | None = None) -> None:
        self.kernel = kernel
        config = kernel.config
        self.settings = settings or Settings.from_table(
            config.plugin("models"), str(config.config_file)
        )
        self.store = UserStore(config.data_dir)
        self.verified = VerifiedCache(config.cache_dir / "models" / "verified.json")
        self.sessions = SessionCache(self.settings.memory_budget_bytes)
        self._tasks: TaskRegistry | None = None
        self._local: Catalogue | None = None
        self._indexes: dict[str, IndexSource] = {}
        self._choice: HardwareChoice | None = None
        self._plugin_indexes: list[str] = []

    @classmethod
    def from_kernel(cls, kernel: Kernel) -> ModelRepository:
        """The repository of ``kernel`` (created on first use, shared afterwards)."""
        repo = _REPOS.get(kernel)
        if repo is None:
            repo = _REPOS[kernel] = cls(kernel)
        return repo

    # --- catalogue --------------------------------------------------------------------

    def refresh(self) -> None:
        """Forget the scanned catalogue (after the store changed)."""
        self._local = None
        self._tasks = None

    @property
    def tasks(self) -> TaskRegistry:
        """Known tasks: the contracts feature plugins ship inline in their manifests."""
        self.catalogue()
        assert self._tasks is not None
        return self._tasks

    def index(self, url: str) -> IndexSource:
        """The (cached) source for a remote index URL."""
        if url not in self._indexes:
            self._indexes[url] = IndexSource(url, timeout=self.settings.timeout_s)
        return self._indexes[url]

    def _plugin_sources(self) -> tuple[list[ModelSource], list[str]]:
        local: list[ModelSource] = []
        remote: list[str] = []
        for plugin, item in self.kernel.contributions(SOURCES_HOOK):
            if isinstance(item, str) and item.lower().startswith(("http://", "https://")):
                remote.append(item)
            elif isinstance(item, str | Path):
                local.append(FolderSource(Path(item), label=f"plugin {plugin} folder {item}"))
            elif isinstance(item, ModelSource):
                local.append(item)
            else:
                self.kernel.warn(
                    f"plugin '{plugin}' returned a '{type(item).__name__}' from {SOURCES_HOOK}; "
                    "expected a ModelSource, a folder path or an index URL"
                )
        return local, remote

    @staticmethod
    def _collect(source: ModelSource, into: Catalogue) -> list[ModelEntry]:
        try:
            entries = list(source.entries())
        except ModelError as exc:
            into.problems.append(f"{source.name}: {exc}")
            return []
        except Exception as exc:  # a third-party source must not break the catalogue
            into.problems.append(f"{source.name}: {type(exc).__name__}: {exc}")
            return []
        into.problems.extend(getattr(source, "problems", []))
        return entries

    def catalogue(self, *, remote: bool = False, indexes: tuple[str, ...] = ()) -> Catalogue:
        """Local models (cached); with ``remote`` also the configured and given indexes."""
        if self._local is None:
            local = Catalogue()
            tasks = TaskRegistry()
            shipped = self._collect(ShippedSource(self.kernel), local)
            for entry in shipped:
                contract = entry.manifest.contract
                if contract is not None:
                    warning = tasks.register(
                        entry.manifest.task, contract, f"plugin '{entry.plugin}'"
                    )
                    if warning:
                        local.problems.append(warning)
            local.entries += self._collect(self.store.source(), local) + shipped
            plugin_local, self._plugin_indexes = self._plugin_sources()
            for source in plugin_local:
                local.entries += self._collect(source, local)
            self._local, self._tasks = local, tasks
        if not remote:
            return self._local
        out = Catalogue(list(self._local.entries), list(self._local.problems))
        for url in self.index_urls(indexes):
            out.entries += self._collect(self.index(url), out)
        return out

    def index_urls(self, indexes: tuple[str, ...] = ()) -> list[str]:
        """Remote index URLs: configured, from plugins, then ``indexes`` (no duplicates)."""
        self.catalogue()  # plugin sources are read with the local catalogue
        return list(dict.fromkeys((*self.settings.indexes, *self._plugin_indexes, *indexes)))

    # --- resolving ----------------------------------------------------------------------

    def contract(self, entry: ModelEntry) -> Contract:
        """The contract ``entry``'s model must fit (registered task, else its own)."""
        where = str(entry.manifest_path) if entry.manifest_path else entry.source
        return self.tasks.require(entry.manifest.task, entry.manifest.contract, path=where)

    def resolve(self, spec: str, *, task: str | None = None) -> ResolvedModel:
        """The best local model for ``spec`` (highest version; store before shipped).

        ``task`` checks the model is made for that task. Raises ModelError when no
        installed model matches.
        """
        name, wanted = parse_spec(spec)
        catalogue = self.catalogue()
        found = catalogue.matching(name, wanted)
        if not found:
            versions = sorted({e.manifest.version for e in catalogue.matching(name)})
            have = (
                f"installed versions: {', '.join(versions)}"
                if versions
                else "installed models: "
                + (", ".join(sorted({e.manifest.name for e in catalogue.entries})) or "none")
            )
            raise ModelError(
                f"model '{spec}' is not installed ({have}); "
                f"install it with: lmms-magenta models install {spec}"
            )
        entry = found[0]
        if task is not None and entry.manifest.task != task:
            raise ModelError(
                f"model {entry.manifest.key} is made for task '{entry.manifest.task}', "
                f"not '{task}'",
                path=entry.manifest_path,
            )
        return ResolvedModel(entry, self.contract(entry), self.verified)

    # --- sessions -----------------------------------------------------------------------

    def hardware(self) -> HardwareChoice:
        """The kernel's hardware choice (selected once per repository)."""
        if self._choice is None:
            from lmms_magenta.hardware import select_hardware

            self._choice = select_hardware(self.kernel)
        return self._choice

    def _pick_precision(self, model: ResolvedModel, choice: HardwareChoice) -> str:
        """The first precision the chosen backend offers that the model has a file for."""
        device = choice.device
        if device is None or len(model.manifest.variants) == 1:
            return "fp32"
        from lmms_magenta.hardware_probe import BACKENDS_HOOK

        for _plugin, backend in self.kernel.contributions(BACKENDS_HOOK):
            if getattr(backend, "name", None) == device.backend:
                try:
                    offered = list(backend.precisions(str(model.path("fp32")), device))
                except ModelError:
                    raise
                except Exception:  # a backend that cannot tell gets the reference file
                    offered = []
                return next((p for p in offered if p in model.manifest.variants), "fp32")
        return "fp32"

    def session(
        self, spec: str, *, task: str | None = None, precision: str | None = None
    ) -> LazySession:
        """A lazy, verified session for ``spec`` on the hardware profile's device.

        ``precision`` picks a variant file (default: the first precision the chosen
        backend offers that the model has a file for, else fp32). At the first ``run``
        the fp32 file and the chosen one are sha256-verified (backends may read the
        fp32 file too: OpenVINO compiles every precision from it), and the chosen file
        is opened with that precision, explicitly, so a backend never substitutes a
        file the manifest does not vouch for.
        """
        model = self.resolve(spec, task=task)
        if precision is not None:
            model.path(precision)  # fail now for a missing or tampered variant
        key = f"{model.manifest.key}/{precision or 'auto'}"

        def opener() -> tuple[Session, LoadedModel]:
            from lmms_magenta.hardware_sessions import open_session

            choice = self.hardware()
            chosen = precision or self._pick_precision(model, choice)
            model.path("fp32")
            path = model.path(chosen)
            session = open_session(self.kernel, path, choice=choice, precision=chosen)
            info = LoadedModel(model.manifest.key, chosen, session.device.key, path.stat().st_size)
            return session, info

        return LazySession(self.sessions, key, opener)

    def loaded(self) -> list[LoadedModel]:
        """Models with an open session, least recently used first."""
        return self.sessions.loaded()

    def close(self) -> None:
        """Close every open session (the plugin's shutdown hook calls this)."""
        self.sessions.close_all()
