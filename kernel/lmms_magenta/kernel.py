"""The kernel: discovers plugins, resolves them, loads them and calls their hooks.

Life cycle of one :class:`Kernel`::

    Kernel()            reads the configuration (file, environment, flags); cheap
    .plugins            discovery (cached index) + resolution; imports no plugin
    .load()             imports + registers enabled plugins in dependency order and
                        calls each one's ``lmms_magenta_configure``
    .contributions()    calls a contribution hook once per plugin, lazily, cached
    .startup()          ``lmms_magenta_startup`` in dependency order
    .shutdown()         ``lmms_magenta_shutdown`` in reverse order, for every plugin
                        that was started, even after errors

``with Kernel() as kernel:`` runs startup and shutdown around the block.

Isolation: a plugin that fails to import, registers invalid hooks, or raises in a
hook becomes ``broken`` (the reason names the hook and the error); plugins that
require it become ``disabled`` saying so, and everything else keeps working. In
strict mode (``--strict``, ``LMMS_MAGENTA_STRICT=1``, ``strict = true``) such a
failure raises :class:`~lmms_magenta.errors.PluginError` instead.

Importing this module is cheap: pluggy, the hook specifications and plugin code are
imported on the first :meth:`Kernel.load`.
"""

from __future__ import annotations

import os
import sys

from ._version import __version__
from .config import Config
from .discovery import Index, discover, search_dirs
from .errors import PluginError
from .manifest import BROKEN, DISABLED, ENABLED, PluginInfo
from .resolve import Resolution, requirement_closure, resolve
from .tracing import Tracer

TYPE_CHECKING = False  # avoids importing typing (~4 ms); mypy understands the name
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from types import TracebackType
    from typing import Any

    import pluggy

    from .features import Feature

__all__ = ["BROKEN", "DISABLED", "ENABLED", "Kernel", "PluginInfo"]

_LIFECYCLE = ("lmms_magenta_configure", "lmms_magenta_startup", "lmms_magenta_shutdown")


class Kernel:
    """Plugin host: discovery, dependency resolution, loading, isolated hook calls.

    ``config`` defaults to :meth:`Config.load`; ``enable``/``disable``/``strict``/
    ``trace`` are applied on top of it as command-line flags would be. ``path``
    replaces ``sys.path`` as the list of directories searched for plugin
    distributions (those directories are put on ``sys.path`` only when plugins are
    imported).
    """

    def __init__(
        self,
        config: Config | None = None,
        *,
        enable: Iterable[str] = (),
        disable: Iterable[str] = (),
        strict: bool | None = None,
        trace: bool | None = None,
        path: Sequence[str | os.PathLike[str]] | None = None,
    ) -> None:
        enable, disable = tuple(enable), tuple(disable)
        if config is None:
            config = Config.load(enable=enable, disable=disable, strict=strict, trace=trace)
        elif enable or disable or strict is not None or trace is not None:
            config = config.with_overrides(
                enable=enable, disable=disable, strict=strict, trace=trace
            )
        self.config = config
        self._path = None if path is None else [os.fspath(p) for p in path]
        self._tracer = Tracer() if config.trace else None
        self._index: Index | None = None
        self._resolution: Resolution | None = None
        self._failures: dict[str, str] = {}
        self._loaded: dict[str, object] = {}  # name -> plugin object, in load order
        self._impls: dict[str, dict[str, list[pluggy.HookImpl]]] = {}
        self._contributions: dict[str, dict[str, list[Any]]] = {}
        self._started: list[str] = []
        self._pm: pluggy.PluginManager | None = None
        #: non-fatal problems (feature-name clashes ...), each a one-line message
        self.warnings: list[str] = []

    # --- discovery and resolution (no plugin imports) ---------------------------------

    @property
    def index(self) -> Index:
        """The plugin index (discovered on first use, cached on disk)."""
        if self._index is None:
            started = Tracer.now()
            self._index = discover(self._path, self.config.cache_path, __version__)
            if self._tracer:
                how = "cached index" if self._index.from_cache else "metadata scan"
                self._tracer.done(
                    f"discover ({how})", f"{len(self._index.manifests)} plugins", started
                )
        return self._index

    def _resolved(self) -> Resolution:
        if self._resolution is None:
            index = self.index
            self._resolution = resolve(
                index.manifests,
                installed=index.installed,
                disabled_by=self.config.disabled_by,
                broken=self._failures,
                check=index.check,
            )
        return self._resolution

    @property
    def plugins(self) -> Mapping[str, PluginInfo]:
        """Every installed plugin by name (sorted), with its state; imports nothing."""
        res = self._resolved()
        manifests = self.index.manifests
        return {
            name: PluginInfo(
                manifests[name],
                res.states[name].state,
                res.states[name].reason,
                problem=res.states[name].problem,
                loaded=name in self._loaded,
            )
            for name in sorted(manifests)
        }

    @property
    def load_order(self) -> list[str]:
        """Enabled plugins in dependency order (requirements first)."""
        return self._resolved().enabled()

    def has_plugin(self, name: str) -> bool:
        """True if plugin ``name`` is installed and enabled (loaded or not)."""
        state = self._resolved().states.get(name)
        return state is not None and state.state == ENABLED

    def problems(self, names: Iterable[str] | None = None) -> list[PluginInfo]:
        """Plugins that are broken or disabled by a requirement (not by the user)."""
        infos = self.plugins
        wanted = infos.keys() if names is None else set(names)
        return [info for name, info in infos.items() if name in wanted and info.problem]

    # --- loading -----------------------------------------------------------------------

    @property
    def plugin_manager(self) -> pluggy.PluginManager:
        """The pluggy plugin manager (created with the hook specifications on first use)."""
        if self._pm is None:
            import pluggy

            from . import hookspecs

            pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
            pm.add_hookspecs(hookspecs)
            if self._tracer:
                self._tracer.monitor(pm)
            self._pm = pm
        return self._pm

    @property
    def hook(self) -> Any:
        """``plugin_manager.hook``: pluggy's direct (non-isolated) call path."""
        return self.plugin_manager.hook

    def load(self, names: Iterable[str] | None = None) -> None:
        """Import and register enabled plugins (all, or ``names`` and their requirements).

        Plugins are loaded in dependency order; each one's ``lmms_magenta_configure``
        runs right after it is registered. Raises :class:`UserError` for an unknown
        name, :class:`PluginError` for a requested plugin that is not enabled, and in
        strict mode for any plugin that is broken or disabled by a requirement.
        """
        res = self._resolved()
        if names is None:
            wanted = needed = set(res.states)
        else:
            wanted, needed = requirement_closure(self.index.manifests, names, res)
        problems = self.problems(needed)
        if self.config.strict and problems:
            raise PluginError(_problem_text(problems) + " (strict mode)")
        self.plugin_manager  # noqa: B018 - create it (and tracing) before importing plugins
        if self._path is not None:
            self._extend_sys_path()
        for name in list(res.order):
            if name in wanted and name not in self._loaded and self.has_plugin(name):
                self._load_one(name)

    def _extend_sys_path(self) -> None:
        import importlib

        missing = [d for d in search_dirs(self._path) if d not in sys.path]
        sys.path[:0] = missing
        if missing:
            importlib.invalidate_caches()

    def _load_one(self, name: str) -> None:
        import importlib

        manifest = self.index.manifests[name]
        module_name, _, attr = manifest.module.partition(":")
        started = Tracer.now()
        try:
            obj: object = importlib.import_module(module_name.strip())
            for part in attr.strip().split(".") if attr.strip() else ():
                obj = getattr(obj, part)
        except Exception as exc:
            self.mark_broken(name, f"import failed: {type(exc).__name__}: {exc}", exc)
            return
        finally:
            if self._tracer:
                self._tracer.done("import", name, started)
        pm = self.plugin_manager
        try:
            pm.register(obj, name=name)
        except Exception as exc:
            self.mark_broken(name, f"invalid plugin: {type(exc).__name__}: {exc}", exc)
            return
        impls: dict[str, list[pluggy.HookImpl]] = {}
        unknown = []
        for caller in pm.get_hookcallers(obj) or ():
            if caller.spec is None:
                unknown.append(caller.name)
            impls[caller.name] = [i for i in caller.get_hookimpls() if i.plugin_name == name]
        self._loaded[name] = obj
        self._impls[name] = impls
        if unknown:
            self.mark_broken(name, f"implements unknown hook {', '.join(sorted(unknown))}")
            return
        self._call_plugin(name, "lmms_magenta_configure", {"config": self.config})

    # --- calling hooks -----------------------------------------------------------------

    def _active(self, name: str) -> bool:
        return name in self._loaded and self.has_plugin(name)

    def mark_broken(self, name: str, reason: str, exc: BaseException | None = None) -> None:
        """Mark plugin ``name`` broken with ``reason`` (the first reason given sticks).

        It and every loaded plugin that requires it are unregistered and skipped by
        later calls (their shutdown hooks still run). For callers that validate what a
        plugin contributed (the CLI, the model repository). Raises
        :class:`PluginError` in strict mode, chained to ``exc``.
        """
        self._failures.setdefault(name, reason)  # the first failure is the cause
        self._resolution = None
        if self._pm is not None:
            for loaded in self._loaded:
                if not self.has_plugin(loaded) and self._pm.get_plugin(loaded) is not None:
                    self._pm.unregister(name=loaded)
            if name not in self._loaded and self._pm.get_plugin(name) is not None:
                self._pm.unregister(name=name)
        if self.config.strict:
            raise PluginError(f"plugin '{name}' is broken: {reason}") from exc

    def _call_plugin(self, name: str, hook_name: str, kwargs: Mapping[str, Any]) -> list[Any]:
        """Call ``name``'s implementations of ``hook_name``; a raise marks it broken."""
        results = []
        for impl in self._impls.get(name, {}).get(hook_name, ()):
            if impl.hookwrapper or impl.wrapper:
                continue  # wrappers only take part in calls through ``kernel.hook``
            started = Tracer.now()
            try:
                result = impl.function(*[kwargs[arg] for arg in impl.argnames])
            except Exception as exc:
                self.mark_broken(name, f"{hook_name} failed: {type(exc).__name__}: {exc}", exc)
                return []
            finally:
                if self._tracer:
                    self._tracer.done(hook_name, name, started)
            if result is not None:
                results.append(result)
        return results

    def _check_call(self, hook_name: str, kwargs: Mapping[str, Any]) -> None:
        caller = getattr(self.plugin_manager.hook, hook_name, None)
        if caller is None or caller.spec is None:
            raise ValueError(f"unknown hook {hook_name!r}")
        missing = [a for a in caller.spec.argnames if a not in kwargs]
        if missing:
            raise TypeError(f"{hook_name}() missing argument(s): {', '.join(missing)}")

    def call(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call ``hook_name`` on every loaded, enabled plugin, one plugin at a time.

        Returns ``(plugin name, result)`` pairs in load order, leaving out ``None``
        results. A plugin whose implementation raises is marked broken (its
        dependents disabled) and skipped; in strict mode the error is raised.
        """
        self._check_call(hook_name, kwargs)
        self.load()
        out: list[tuple[str, Any]] = []
        for name in list(self._loaded):
            if self._active(name):
                out.extend((name, r) for r in self._call_plugin(name, hook_name, kwargs))
        return out

    def contributions(self, hook_name: str) -> list[tuple[str, Any]]:
        """Flattened ``(plugin name, item)`` pairs of a list-returning contribution hook.

        Each plugin's hook is called once, the first time it is needed; a result that
        is not a list or tuple marks the plugin broken.
        """
        if hook_name in _LIFECYCLE:
            raise ValueError(f"{hook_name} is a lifecycle hook, not a contribution hook")
        self._check_call(hook_name, {})
        self.load()
        cache = self._contributions.setdefault(hook_name, {})
        out: list[tuple[str, Any]] = []
        for name in list(self._loaded):
            if not self._active(name):
                continue
            if name not in cache:
                items: list[Any] = []
                for result in self._call_plugin(name, hook_name, {}):
                    if not isinstance(result, (list, tuple)):
                        what = type(result).__name__
                        self.mark_broken(name, f"{hook_name} returned {what}, expected a list")
                        items = []
                        break
                    items.extend(result)
                cache[name] = items
            if self._active(name):
                out.extend((name, item) for item in cache[name])
        return out

    # --- features ----------------------------------------------------------------------

    def features(self) -> dict[str, Feature]:
        """All features of enabled plugins by name (first plugin in load order wins)."""
        from .features import collect_features

        return collect_features(self)

    def feature(self, name: str) -> Feature:
        """The feature called ``name``; UserError listing the known ones otherwise."""
        from .features import find_feature

        return find_feature(self.features(), name)

    def warn(self, message: str) -> None:
        """Record a non-fatal problem (shown by the CLI on stderr), once."""
        if message not in self.warnings:
            self.warnings.append(message)

    # --- life cycle --------------------------------------------------------------------

    def startup(self) -> None:
        """Load all enabled plugins, then call ``lmms_magenta_startup`` in load order."""
        self.load()
        for name in list(self._loaded):
            if self._active(name) and name not in self._started:
                self._started.append(name)
                self._call_plugin(name, "lmms_magenta_startup", {"kernel": self})

    def shutdown(self) -> None:
        """Call ``lmms_magenta_shutdown`` in reverse order on every started plugin.

        Every plugin gets its call even if an earlier one raised; in strict mode the
        first error is raised afterwards.
        """
        first: PluginError | None = None
        while self._started:
            name = self._started.pop()
            try:
                self._call_plugin(name, "lmms_magenta_shutdown", {"kernel": self})
            except PluginError as exc:
                first = first or exc
        if first is not None:
            raise first

    def __enter__(self) -> Kernel:
        try:
            self.startup()
        except BaseException:
            self.shutdown()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.shutdown()

    def __repr__(self) -> str:
        loaded = ", ".join(self._loaded) or "-"
        return f"<Kernel loaded=[{loaded}] strict={self.config.strict}>"


def _problem_text(problems: Sequence[PluginInfo]) -> str:
    return "; ".join(f"plugin '{p.name}' is {p.state}: {p.reason}" for p in problems)
