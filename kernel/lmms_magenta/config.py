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

Environment: ``LMMS_MAGENTA_CONFIG_DIR`` / ``_DATA_DIR`` / ``_CACHE_DIR`` move the
directories; ``LMMS_MAGENTA_ENABLE`` / ``_DISABLE`` (comma lists), ``_STRICT``,
``_TRACE`` (1/0) and ``_BACKEND`` override the file.

This module sits on the start-up path of every command (``plugins list`` must stay
within ~3x of a bare ``python -c pass``), so it imports neither ``dataclasses`` nor
``pathlib`` nor ``platformdirs`` at module level; see :func:`user_dirs`.
"""

from __future__ import annotations

import os
import sys

from .errors import UserError

# ``typing`` costs ~4 ms to import; mypy treats any name TYPE_CHECKING as the real one.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path
    from typing import Any

APP_NAME = "lmms-magenta"
CONFIG_FILE_NAME = "config.toml"

ENV_CONFIG_DIR = "LMMS_MAGENTA_CONFIG_DIR"
ENV_DATA_DIR = "LMMS_MAGENTA_DATA_DIR"
ENV_CACHE_DIR = "LMMS_MAGENTA_CACHE_DIR"
ENV_ENABLE = "LMMS_MAGENTA_ENABLE"
ENV_DISABLE = "LMMS_MAGENTA_DISABLE"
ENV_STRICT = "LMMS_MAGENTA_STRICT"
ENV_TRACE = "LMMS_MAGENTA_TRACE"
ENV_BACKEND = "LMMS_MAGENTA_BACKEND"

#: Where a flag-level disable comes from (shown in reasons: "disabled by --disable").
FLAG_SOURCE = "--disable"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


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
            backend=self.backend if backend is None else _check_backend(backend, "--backend"),
            settings=self._settings,
        )

    def __repr__(self) -> str:
        return (
            f"Config(config_dir={self._config_dir!r}, data_dir={self._data_dir!r}, "
            f"cache_dir={self._cache_dir!r}, layers={list(self.layers)!r}, "
            f"strict={self.strict!r}, trace={self.trace!r}, backend={self.backend!r})"
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
        data = _read_toml(path)
        file_layer, settings, file_strict, file_trace, file_backend = _parse_file(data, path)

        layers = [file_layer]
        env_enable = _split(env.get(ENV_ENABLE, ""))
        env_disable = _split(env.get(ENV_DISABLE, ""))
        if env_enable or env_disable:
            layers.append(Layer(ENV_DISABLE, env_enable, env_disable))
        config = cls(
            config_dir=config_dir,
            data_dir=data_dir,
            cache_dir=cache_dir,
            layers=layers,
            strict=_env_bool(env, ENV_STRICT, file_strict),
            trace=_env_bool(env, ENV_TRACE, file_trace),
            backend=_check_backend(env[ENV_BACKEND], ENV_BACKEND)
            if env.get(ENV_BACKEND)
            else file_backend,
            settings=settings,
        )
        return config.with_overrides(
            enable=enable, disable=disable, strict=strict, trace=trace, backend=backend
        )


def user_dirs(environ: Mapping[str, str] | None = None) -> tuple[str, str, str]:
    """(config, data, cache) directories, honouring the ``LMMS_MAGENTA_*_DIR`` overrides.

    On Linux the XDG rule is applied here directly (``$XDG_CONFIG_HOME`` if it is an
    absolute path, else ``~/.config``; likewise data and cache), which is what
    platformdirs does there; importing platformdirs costs ~10 ms, a third of the
    ``plugins list`` budget. Other platforms ask platformdirs.
    tests/kernel/test_config.py checks that both agree.
    """
    env = os.environ if environ is None else environ
    wanted = [env.get(ENV_CONFIG_DIR), env.get(ENV_DATA_DIR), env.get(ENV_CACHE_DIR)]
    if all(wanted):
        return wanted[0] or "", wanted[1] or "", wanted[2] or ""
    defaults = _platform_dirs(env)
    config_dir, data_dir, cache_dir = (w or d for w, d in zip(wanted, defaults, strict=True))
    return config_dir, data_dir, cache_dir


def _platform_dirs(env: Mapping[str, str]) -> tuple[str, str, str]:
    if sys.platform.startswith("linux") and not (
        hasattr(sys, "getandroidapilevel") or env.get("ANDROID_ROOT") == "/system"
    ):
        home = os.path.expanduser("~")

        def xdg(var: str, default: str) -> str:
            value = env.get(var, "")
            base = value if os.path.isabs(value) else os.path.join(home, default)
            return os.path.join(base, APP_NAME)

        return (
            xdg("XDG_CONFIG_HOME", ".config"),
            xdg("XDG_DATA_HOME", os.path.join(".local", "share")),
            xdg("XDG_CACHE_HOME", ".cache"),
        )
    import platformdirs

    return (
        platformdirs.user_config_dir(APP_NAME, appauthor=False),
        platformdirs.user_data_dir(APP_NAME, appauthor=False),
        platformdirs.user_cache_dir(APP_NAME, appauthor=False),
    )


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _env_bool(env: Mapping[str, str], var: str, default: bool) -> bool:
    raw = env.get(var)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise UserError(f"{var}={raw!r} is not a boolean (use 1 or 0)")


def _check_backend(value: str, where: str) -> str:
    value = value.strip()
    name, _, device = value.partition(":")
    if not name or any(c.isspace() for c in value) or (":" in value and not device):
        raise UserError(
            f"{where}: backend {value!r} is not 'auto', a backend name or 'name:device'"
        )
    return value


def _read_toml(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise UserError(f"cannot read the config file: {exc.strerror}", path=path) from exc
    import tomllib  # only when the file exists: ~8 ms

    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise UserError("the config file is not UTF-8 text", path=path) from exc
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"the config file is not valid TOML: {exc}", path=path) from exc


def _parse_file(
    data: Mapping[str, Any], path: str
) -> tuple[Layer, dict[str, dict[str, Any]], bool, bool, str]:
    """Validate the file's known keys; returns (layer, plugin tables, strict, trace, backend)."""

    def bad(key: str, expected: str) -> UserError:
        return UserError(f"'{key}' must be {expected}", path=path)

    strict, trace = data.get("strict", False), data.get("trace", False)
    if not isinstance(strict, bool):
        raise bad("strict", "true or false")
    if not isinstance(trace, bool):
        raise bad("trace", "true or false")

    plugins = data.get("plugins", {})
    if not isinstance(plugins, dict):
        raise bad("plugins", "a table")
    lists: dict[str, list[str]] = {}
    settings: dict[str, dict[str, Any]] = {}
    for key, value in plugins.items():
        if key in ("enabled", "disabled"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise bad(f"plugins.{key}", "a list of plugin names")
            lists[key] = value
        elif isinstance(value, dict):
            settings[key] = value
        else:
            raise bad(f"plugins.{key}", "a table of that plugin's settings")

    hardware = data.get("hardware", {})
    if not isinstance(hardware, dict):
        raise bad("hardware", "a table")
    backend = hardware.get("backend", "auto")
    if not isinstance(backend, str):
        raise bad("hardware.backend", "a string")
    backend = _check_backend(backend, f"{path}: hardware.backend")
    layer = Layer(path, lists.get("enabled", ()), lists.get("disabled", ()))
    return layer, settings, strict, trace, backend


# --- editing the file (``plugins enable`` / ``plugins disable``) --------------------------


def set_plugin_enabled(config_file: str | os.PathLike[str], name: str, enabled: bool) -> None:
    """Enable or disable plugin ``name`` in ``config_file`` (created if missing).

    Disabling adds the name to ``[plugins] disabled`` (and drops it from ``enabled``);
    enabling removes it from ``disabled`` and, when ``"*"`` is disabled, adds it to
    ``enabled``. The file is replaced atomically and the previous version is kept as
    ``config.toml.bak``. tomli-w does not keep comments; the backup does.
    """
    path = os.fspath(config_file)
    data = _read_toml(path)
    _parse_file(data, path)  # refuse to rewrite a file we could not read back
    plugins = data.setdefault("plugins", {})
    disabled = [n for n in plugins.get("disabled", []) if n != name]
    enabled_list = [n for n in plugins.get("enabled", []) if n != name]
    if enabled:
        if "*" in disabled:
            enabled_list.append(name)
    else:
        disabled.append(name)
    plugins["disabled"] = disabled
    plugins["enabled"] = enabled_list
    if not enabled_list:
        del plugins["enabled"]
    write_toml(path, data)


def write_toml(path: str, data: Mapping[str, Any]) -> None:
    """Write ``data`` as TOML atomically (temp file + ``os.replace``), keeping a ``.bak``."""
    import shutil
    import tempfile

    import tomli_w

    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".toml.tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            tomli_w.dump(dict(data), fh)
            fh.flush()
            os.fsync(fh.fileno())
        if os.path.exists(path):
            shutil.copy2(path, path + ".bak")
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
