"""Reading, checking and rewriting ``config.toml`` (the file layer of :mod:`.config`).

Every known key is checked for its type and range here, and a wrong one becomes a
:class:`~lmms_magenta.errors.UserError` naming the file and the key; the same checks
serve the environment variables that override the file. Unknown top-level keys are
left alone, so a newer version's file still loads.

Like :mod:`.config`, this module is on the start-up path of every command: ``tomllib``
is imported only when a file exists, ``tomli_w`` only when one is written.
"""

from __future__ import annotations

import math
import os

from .errors import UserError

# ``typing`` costs ~4 ms to import; mypy treats any name TYPE_CHECKING as the real one.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

#: Result cache defaults: ``[cache] max_mb`` (MiB) and ``[cache] similarity`` (0 = exact only).
DEFAULT_CACHE_MAX_MB = 256.0
DEFAULT_CACHE_SIMILARITY = 0.0


class FileSettings:
    """The known settings of one config file (the defaults when it does not exist)."""

    __slots__ = (
        "backend",
        "cache_max_mb",
        "cache_similarity",
        "disabled",
        "enabled",
        "plugins",
        "strict",
        "trace",
    )

    def __init__(self) -> None:
        self.strict = False
        self.trace = False
        self.enabled: list[str] = []
        self.disabled: list[str] = []
        #: plugin name -> its own ``[plugins.<name>]`` table
        self.plugins: dict[str, dict[str, Any]] = {}
        self.backend = "auto"
        self.cache_max_mb = DEFAULT_CACHE_MAX_MB
        self.cache_similarity = DEFAULT_CACHE_SIMILARITY


def read_toml(path: str) -> dict[str, Any]:
    """The parsed file, ``{}`` when it does not exist; UserError naming it otherwise."""
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


# --- value checks (shared by the file and the environment) ------------------------------


def check_backend(value: str, where: str) -> str:
    """A hardware profile string, stripped: ``auto``, ``name`` or ``name:device``."""
    value = value.strip()
    name, _, device = value.partition(":")
    if not name or any(c.isspace() for c in value) or (":" in value and not device):
        raise UserError(
            f"{where}: backend {value!r} is not 'auto', a backend name or 'name:device'"
        )
    return value


def _number(value: object) -> float | None:
    """``value`` as a finite float, or None when it is not a number (booleans are not)."""
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def cache_max_mb(value: object) -> float | None:
    """The result cache's size cap in MiB (a number > 0), or None when ``value`` is not one."""
    number = _number(value)
    return number if number is not None and number > 0 else None


def cache_similarity(value: object) -> float | None:
    """The similarity tolerance (a number from 0 to 1), or None when ``value`` is not one."""
    number = _number(value)
    return number if number is not None and 0 <= number <= 1 else None


#: What each cache key must be, for the error message.
CACHE_MAX_MB_RULE = "a number of MiB greater than 0 (default 256)"
CACHE_SIMILARITY_RULE = "a number from 0 (exact matches only) to 1"


# --- the file -------------------------------------------------------------------------


def parse_file(data: Mapping[str, Any], path: str) -> FileSettings:
    """Check the file's known keys and return them; UserError naming file and key."""

    def bad(key: str, expected: str) -> UserError:
        return UserError(f"'{key}' must be {expected}", path=path)

    def table(key: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise bad(key, "a table")
        return value

    out = FileSettings()
    for key in ("strict", "trace"):
        value = data.get(key, False)
        if not isinstance(value, bool):
            raise bad(key, "true or false")
        setattr(out, key, value)

    for key, value in table("plugins").items():
        if key in ("enabled", "disabled"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise bad(f"plugins.{key}", "a list of plugin names")
            setattr(out, key, value)
        elif isinstance(value, dict):
            out.plugins[key] = value
        else:
            raise bad(f"plugins.{key}", "a table of that plugin's settings")

    backend = table("hardware").get("backend", "auto")
    if not isinstance(backend, str):
        raise bad("hardware.backend", "a string")
    out.backend = check_backend(backend, f"{path}: hardware.backend")

    cache = table("cache")
    for key, check, rule in (
        ("max_mb", cache_max_mb, CACHE_MAX_MB_RULE),
        ("similarity", cache_similarity, CACHE_SIMILARITY_RULE),
    ):
        if key in cache:
            # a TOML string ("256") is not a number: only the environment is text
            number = None if isinstance(cache[key], str) else check(cache[key])
            if number is None:
                raise bad(f"cache.{key}", rule)
            setattr(out, f"cache_{key}", number)
    return out


# --- editing the file (``plugins enable`` / ``plugins disable``) --------------------------


def set_plugin_enabled(config_file: str | os.PathLike[str], name: str, enabled: bool) -> None:
    """Enable or disable plugin ``name`` in ``config_file`` (created if missing).

    Disabling adds the name to ``[plugins] disabled`` (and drops it from ``enabled``);
    enabling removes it from ``disabled`` and, when ``"*"`` is disabled, adds it to
    ``enabled``. The file is replaced atomically and the previous version is kept as
    ``config.toml.bak``. tomli-w does not keep comments; the backup does.
    """
    path = os.fspath(config_file)
    data = read_toml(path)
    parse_file(data, path)  # refuse to rewrite a file we could not read back
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
