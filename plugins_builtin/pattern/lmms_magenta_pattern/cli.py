"""The top-level ``lmms-magenta interpolate A B --steps N -o DIR`` command.

The kernel already makes ``lmms-magenta generate interpolate`` from the feature's
schema; the issue asks for the shorter top-level form too. Both run the same feature
through the kernel's schema-driven command builder, so options, presets, validation
and error messages are identical.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from lmms_magenta.cli.options import feature_command

from .features import INTERPOLATE

if TYPE_CHECKING:
    from lmms_magenta.kernel import Kernel

__all__ = ["interpolate_command"]


def _kernel() -> Kernel:
    """The CLI's started kernel (the one the root command made for its global options),
    or a fresh started one when the command runs outside ``lmms-magenta``."""
    root = click.get_current_context().find_root()
    started = getattr(root.obj, "started_kernel", None)
    if callable(started):
        kernel = started()
        from lmms_magenta.kernel import Kernel

        if isinstance(kernel, Kernel):
            return kernel
    from lmms_magenta.config import Config
    from lmms_magenta.kernel import Kernel

    kernel = Kernel(Config.load())
    kernel.startup()
    return kernel


def interpolate_command() -> click.Command:
    """A click command ``interpolate`` that runs ``generate.interpolate``."""
    return feature_command(INTERPOLATE, _kernel)
