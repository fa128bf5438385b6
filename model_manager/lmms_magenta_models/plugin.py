"""The ``models`` plugin module (entry point in ``lmms_magenta.plugins``).

Cheap to import: no onnx, onnxruntime or click at module level. It validates the
``[plugins.models]`` settings when the kernel configures it (so a typo is reported
at start-up, naming the config file), adds the ``lmms-magenta models`` command group,
and closes open model sessions at shutdown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lmms_magenta.hookspecs import hookimpl

from .settings import Settings

if TYPE_CHECKING:
    from lmms_magenta.config import Config
    from lmms_magenta.kernel import Kernel


@hookimpl
def lmms_magenta_configure(config: Config) -> None:
    """Validate ``[plugins.models]`` early (UserError naming the config file)."""
    Settings.from_table(config.plugin("models"), str(config.config_file))


@hookimpl
def lmms_magenta_cli_commands() -> list[Any]:
    """The ``models`` command group."""
    from .cli import models

    return [models]


@hookimpl
def lmms_magenta_shutdown(kernel: Kernel) -> None:
    """Close the sessions this kernel's repository opened."""
    from .repository import _REPOS

    repo = _REPOS.get(kernel)
    if repo is not None:
        repo.close()
