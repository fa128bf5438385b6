"""The demo plugin module (entry point ``demo`` in ``lmms_magenta.plugins``).

Contributes the feature ``demo.song`` (for Python and the panels) and the top-level
command ``lmms-magenta demo``, which replaces the ``demo song`` command the CLI would
generate from the feature. Cheap to import: click, rich, numpy and matplotlib are
imported only when the command or the feature is used.

The plugin is enabled only when the pattern, groove and gain plugins are: its
distribution requires theirs, and the kernel's dependency resolution disables it,
naming the missing or disabled one, otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lmms_magenta.hookspecs import hookimpl

if TYPE_CHECKING:
    import click

    from lmms_magenta.features import Feature


@hookimpl
def lmms_magenta_features() -> list[Feature]:
    """``demo.song``."""
    from .features import features

    return features()


@hookimpl
def lmms_magenta_cli_commands() -> list[click.Command]:
    """``lmms-magenta demo``."""
    from .cli import demo

    return [demo]
