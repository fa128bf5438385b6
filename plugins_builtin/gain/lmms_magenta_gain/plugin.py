"""The gain plugin module (entry point ``gain`` in ``lmms_magenta.plugins``).

Cheap to import: the click commands (and with them numpy, scipy, matplotlib) are
imported only when the CLI asks for plugin commands.
"""

from __future__ import annotations

from typing import Any

from lmms_magenta.hookspecs import hookimpl


@hookimpl
def lmms_magenta_cli_commands() -> list[Any]:
    """``lmms-magenta gain analyze|apply``."""
    from .cli import gain

    return [gain]
