"""The environment layer of :mod:`.config`: variable names, user directories, parsing.

:class:`~lmms_magenta.config.Config` merges three layers: the file (:mod:`.config_file`),
the environment (this module) and the command-line flags. This module knows the
``LMMS_MAGENTA_*`` variables, where the config, data and cache directories are (the
platform's user directories unless a variable moves them), and how a variable's text
becomes a bool, a number or a list; a bad value is a
:class:`~lmms_magenta.errors.UserError` naming the variable.

===================================  =========================================
variable                             setting
===================================  =========================================
``LMMS_MAGENTA_CONFIG_DIR``          folder of ``config.toml``
``LMMS_MAGENTA_DATA_DIR``            folder for models and presets
``LMMS_MAGENTA_CACHE_DIR``           folder for caches (probe, results)
``LMMS_MAGENTA_ENABLE`` / ``_DISABLE``  comma lists of plugin names
``LMMS_MAGENTA_STRICT``              ``strict`` (1/0)
``LMMS_MAGENTA_TRACE``               ``trace`` (1/0)
``LMMS_MAGENTA_BACKEND``             ``[hardware] backend``
``LMMS_MAGENTA_CACHE_MAX_MB``        ``[cache] max_mb`` (a number > 0)
``LMMS_MAGENTA_CACHE_SIMILARITY``    ``[cache] similarity`` (a number 0..1)
===================================  =========================================

Like :mod:`.config`, this module is on the start-up path of every command, so it
imports only ``os`` and ``sys`` at module level (see :func:`user_dirs` for why
``platformdirs`` is not imported on Linux).
"""

from __future__ import annotations

import os
import sys

from .errors import UserError

# ``typing`` costs ~4 ms to import; mypy treats any name TYPE_CHECKING as the real one.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = [
    "APP_NAME",
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
    "env_bool",
    "env_number",
    "split_names",
    "user_dirs",
]

APP_NAME = "lmms-magenta"

ENV_CONFIG_DIR = "LMMS_MAGENTA_CONFIG_DIR"
ENV_DATA_DIR = "LMMS_MAGENTA_DATA_DIR"
ENV_CACHE_DIR = "LMMS_MAGENTA_CACHE_DIR"
ENV_ENABLE = "LMMS_MAGENTA_ENABLE"
ENV_DISABLE = "LMMS_MAGENTA_DISABLE"
ENV_STRICT = "LMMS_MAGENTA_STRICT"
ENV_TRACE = "LMMS_MAGENTA_TRACE"
ENV_BACKEND = "LMMS_MAGENTA_BACKEND"
ENV_CACHE_MAX_MB = "LMMS_MAGENTA_CACHE_MAX_MB"
ENV_CACHE_SIMILARITY = "LMMS_MAGENTA_CACHE_SIMILARITY"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


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


def split_names(value: str) -> list[str]:
    """A comma list (``"a, b,,c"``) -> its non-blank, stripped items."""
    return [part.strip() for part in value.split(",") if part.strip()]


def env_bool(env: Mapping[str, str], var: str, default: bool) -> bool:
    """``var`` as a boolean (1/0, true/false, yes/no, on/off), ``default`` when unset."""
    raw = env.get(var)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise UserError(f"{var}={raw!r} is not a boolean (use 1 or 0)")


def env_number(
    env: Mapping[str, str],
    var: str,
    default: float,
    check: Callable[[object], float | None],
    rule: str,
) -> float:
    """The number in ``var`` if it is set (and not blank), checked by ``check``."""
    raw = env.get(var, "")
    if not raw.strip():
        return default
    number = check(raw)
    if number is None:
        raise UserError(f"{var}={raw!r} is not {rule}")
    return number
