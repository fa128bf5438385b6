"""The gain plugin module (entry point ``gain`` in ``lmms_magenta.plugins``).

Offers the features ``gain.analyze`` and ``gain.apply`` (for Python and the panels)
and its own ``lmms-magenta gain`` click group, which replaces the command group the
CLI would generate from those features: ``analyze`` takes any number of files and
both print tables, JSON and charts. Both read the same parameters (:mod:`.params`).

Cheap to import: the features, the click commands and with them numpy, scipy and
matplotlib are imported only when asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lmms_magenta.hookspecs import hookimpl

if TYPE_CHECKING:
    from lmms_magenta.features import Feature


@hookimpl
def lmms_magenta_features() -> list[Feature]:
    """``gain.analyze`` and ``gain.apply``."""
    from .features import features

    return features()


@hookimpl
def lmms_magenta_cli_commands() -> list[Any]:
    """``lmms-magenta gain analyze|apply``."""
    from .cli import gain

    return [gain]
