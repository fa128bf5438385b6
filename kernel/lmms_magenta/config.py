"""The user's configuration: directories, enabled/disabled plugins, strict/trace, backend.

Settings come from three layers, later ones winning: the config file
(``<config_dir>/config.toml``), environment variables, then command-line flags. For
every disabled plugin the configuration remembers *where* it was disabled (the file's
path, ``LMMS_MAGENTA_DISABLE`` or ``--disable``) so a message can tell the user what
to change.

``config.toml``::

    strict = false            # a broken plugin is an error instead of being skipped
    trace = false             # print every hook call with its wall time to stderr

    [plugins]
    disabled = ["style"]      # "*" disables every plugin not listed in `enabled`
    enabled = []

    [plugins.groove]          # a plugin's own settings: config.plugin("groove")
    intensity = 0.5

    [hardware]
    backend = "auto"          # or "openvino", "opencl:0" ...

    [cache]                   # the result cache (lmms_magenta.resultcache)
    max_mb = 256              # size cap in MiB; least recently used results go first
    similarity = 0.0          # 0 = exact matches only; 0.02 = reuse a result whose
                              # settings differ by at most 2% of each one's range

Environment variables override the file (flags override both); they are listed in
:mod:`.config_env`, which also finds the default directories.

The file is read and checked by :mod:`.config_file`, the environment by
:mod:`.config_env`; this module merges the layers into one :class:`Config`. It sits on
the start-up path of every command (``plugins list`` must stay within ~3x of a bare
``python -c pass``), so it imports neither ``dataclasses`` nor ``pathlib`` nor
``platformdirs`` at module level; see :func:`.config_env.user_dirs`.
"""

from __future__ import annotations

import os

from .config_env import (
    APP_NAME,
    ENV_BACKEND,
    ENV_CACHE_DIR,
    ENV_CACHE_MAX_MB,
    ENV_CACHE_SIMILARITY,
    ENV_CONFIG_DIR,
    ENV_DATA_DIR,
    ENV_DISABLE,
    ENV_ENABLE,
    ENV_STRICT,
    ENV_TRACE,
    env_bool,
    env_number,
    split_names,
    user_dirs,
)
from .config_file import (
    CACHE_MAX_MB_RULE,
    CACHE_SIMILARITY_RULE,
    DEFAULT_CACHE_MAX_MB,
    DEFAULT_CACHE_SIMILARITY,
    cache_max_mb,
    cache_similarity,
    check_backend,
    parse_file,
    read_toml,
)
from .config_file import set_plugin_enabled as set_plugin_enabled  # re-exported
from .config_file import write_toml as write_toml  # re-exported

# ``typing`` costs ~4 ms to import; mypy treats any name TYPE_CHECKING as the real one.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path
    from typing import Any

# The environment names and ``user_dirs`` live in .config_env; they are re-exported
# here because callers (the testing plugin, tests) know them as ``config.ENV_*``.
__all__ = [
    "APP_NAME",
    "CONFIG_FILE_NAME",
    "ENV_BACKEND",
    "ENV_CACHE_DIR",
    "ENV_CACHE_MAX_MB",
    "ENV_CACHE_SIMILARITY",
    "ENV_CONFIG_DIR",
    "ENV_DATA_DIR",
    "ENV_DISABLE",
    "ENV_ENABLE",
    "ENV_STRICT",
    "ENV_TRACE",
    "FLAG_SOURCE",
    "Config",
    "Layer",
    "set_plugin_enabled",
    "user_dirs",
    "write_toml",
]

CONFIG_FILE_NAME = "config.toml"

#: Where a flag-level disable comes from (shown in reasons: "disabled by --disable").
FLAG_SOURCE = "--disable"


class Layer:
    """One source of enable/disable lists (the file, the environment or the flags)."""

    __slots__ = ("disable", "enable", "source")

    def __init__(self, source: str, enable: Iterable[str], disable: Iterable[str]) -> None:
        self.source = source
        self.enable = frozenset(enable)
        self.disable = frozenset(disable)

    def __repr__(self) -> str:
        return (
            f"Layer({self.source!r}, enable={sorted(self.enable)}, disable={sorted(self.disable)})"
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Layer) and (self.source, self.enable, self.disable) == (
            other.source,
            other.enable,
            other.disable,
        )

    def __hash__(self) -> int:
        return hash((self.source, self.enable, self.disable))


class Config:
    """The effective configuration of one kernel.

    Build it with :meth:`Config.load` (file + environment + flags). It is a plain
    value object; a hand-written class rather than a ``dataclass`` because importing
    ``dataclasses`` (it pulls in ``inspect``) costs ~10 ms on the ``plugins list`` path,
    a third of that command's budget.
    """

    __slots__ = (
        "_cache_dir",
        "_config_dir",
        "_data_dir",
        "_settings",
        "backend",
        "cache_max_mb",
        "cache_similarity",
        "layers",
        "strict",
        "trace",
    )

    def __init__(
        self,
        *,
        config_dir: str | os.PathLike[str],
        data_dir: str | os.PathLike[str],
        cache_dir: str | os.PathLike[str],
        layers: Iterable[Layer] = (),
        strict: bool = False,
        trace: bool = False,
        backend: str = "auto",
        settings: Mapping[str, Mapping[str, Any]] | None = None,
        cache_max_mb: float = DEFAULT_CACHE_MAX_MB,
        cache_similarity: float = DEFAULT_CACHE_SIMILARITY,
    ) -> None:
        self._config_dir = os.fspath(config_dir)
        self._data_dir = os.fspath(data_dir)
        self._cache_dir = os.fspath(cache_dir)
        #: enable/disable layers, lowest priority first
        self.layers: tuple[Layer, ...] = tuple(layers)
        self.strict = strict
        self.trace = trace
        #: "auto", a backend name, or "name:device"
        self.backend = backend
        self._settings: dict[str, dict[str, Any]] = {
            k: dict(v) for k, v in (settings or {}).items()
        }
        #: result cache size cap in MiB (``[cache] max_mb``)
        self.cache_max_mb = cache_max_mb
        #: how far a cached result's settings may be from a request's and still answer
        #: it, as a fraction of each setting's range (``[cache] similarity``; 0 = exact)
        self.cache_similarity = cache_similarity

    # --- directories (Path objects built on demand: pathlib costs ~5 ms to import) ---

    @property
    def config_dir(self) -> Path:
        """Directory holding ``config.toml``."""
        from pathlib import Path

        return Path(self._config_dir)

    @property
    def data_dir(self) -> Path:
        """Directory for user data (downloaded or trained models, presets)."""
        from pathlib import Path

        return Path(self._data_dir)

    @property
    def cache_dir(self) -> Path:
        """Directory for caches that can be deleted at any time (plugin index, probes)."""
        from pathlib import Path

        return Path(self._cache_dir)

    @property
    def config_file(self) -> Path:
        """Path of ``config.toml`` (it need not exist)."""
        return self.config_dir / CONFIG_FILE_NAME

    @property
    def cache_path(self) -> str:
        """The cache directory as a plain string (for the start-up path)."""
        return self._cache_dir

    # --- plugins ---

    def plugin(self, name: str) -> dict[str, Any]:
        """The plugin's own table from ``[plugins.<name>]`` (a copy; empty if absent)."""
        return dict(self._settings.get(name, {}))

    def disabled_by(self, name: str) -> str | None:
        """Where plugin ``name`` was disabled (file path, env var or flag), or None.

        Within one layer an explicit ``disable`` beats ``enable``, and ``enable`` beats
        the ``"*"`` wildcard; a later layer overrides an earlier one.
        """
        where: str | None = None
        for layer in self.layers:
            if name in layer.disable:
                where = layer.source
            elif name in layer.enable:
                where = None
            elif "*" in layer.disable:
                where = layer.source
        return where

    def with_overrides(
        self,
        *,
        enable: Iterable[str] = (),
        disable: Iterable[str] = (),
        strict: bool | None = None,
        trace: bool | None = None,
        backend: str | None = None,
        source: str = FLAG_SOURCE,
    ) -> Config:
        """A copy with one more (highest-priority) layer and the given flags applied."""
        enable, disable = tuple(enable), tuple(disable)
        layers = self.layers + ((Layer(source, enable, disable),) if enable or disable else ())
        return Config(
            config_dir=self._config_dir,
            data_dir=self._data_dir,
            cache_dir=self._cache_dir,
            layers=layers,
            strict=self.strict if strict is None else strict,
            trace=self.trace if trace is None else trace,
            backend=self.backend if backend is None else check_backend(backend, "--backend"),
            settings=self._settings,
            cache_max_mb=self.cache_max_mb,
            cache_similarity=self.cache_similarity,
        )

    def __repr__(self) -> str:
        return (
            f"Config(config_dir={self._config_dir!r}, data_dir={self._data_dir!r}, "
            f"cache_dir={self._cache_dir!r}, layers={list(self.layers)!r}, "
            f"strict={self.strict!r}, trace={self.trace!r}, backend={self.backend!r}, "
            f"cache_max_mb={self.cache_max_mb!r}, cache_similarity={self.cache_similarity!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Config):
            return NotImplemented
        return repr(self) == repr(other) and self._settings == other._settings

    __hash__ = None  # type: ignore[assignment]  # mutable value object

    # --- construction ---

    @classmethod
    def load(
        cls,
        *,
        enable: Iterable[str] = (),
        disable: Iterable[str] = (),
        strict: bool | None = None,
        trace: bool | None = None,
        backend: str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Config:
        """Read the config file, then the environment, then apply the flags given here.

        Raises :class:`~lmms_magenta.errors.UserError` naming the file (or variable)
        when the file is not valid TOML or a setting has the wrong type.
        """
        env = os.environ if environ is None else environ
        config_dir, data_dir, cache_dir = user_dirs(env)
        path = os.path.join(config_dir, CONFIG_FILE_NAME)
        file = parse_file(read_toml(path), path)

        layers = [Layer(path, file.enabled, file.disabled)]
        env_enable = split_names(env.get(ENV_ENABLE, ""))
        env_disable = split_names(env.get(ENV_DISABLE, ""))
        if env_enable or env_disable:
            layers.append(Layer(ENV_DISABLE, env_enable, env_disable))
        config = cls(
            config_dir=config_dir,
            data_dir=data_dir,
            cache_dir=cache_dir,
            layers=layers,
            strict=env_bool(env, ENV_STRICT, file.strict),
            trace=env_bool(env, ENV_TRACE, file.trace),
            backend=check_backend(env[ENV_BACKEND], ENV_BACKEND)
            if env.get(ENV_BACKEND)
            else file.backend,
            settings=file.plugins,
            cache_max_mb=env_number(
                env, ENV_CACHE_MAX_MB, file.cache_max_mb, cache_max_mb, CACHE_MAX_MB_RULE
            ),
            cache_similarity=env_number(
                env,
                ENV_CACHE_SIMILARITY,
                file.cache_similarity,
                cache_similarity,
                CACHE_SIMILARITY_RULE,
            ),
        )
        return config.with_overrides(
            enable=enable, disable=disable, strict=strict, trace=trace, backend=backend
        )
