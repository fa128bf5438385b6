"""Hook specifications: the whole contract between the kernel and its plugins.

A plugin is a module (named by an entry point in the group ``lmms_magenta.plugins``)
whose functions are marked with :data:`hookimpl` and named like the specs below.
A plugin implements only the hooks it needs. Every hook here is called by the kernel
(:class:`lmms_magenta.Kernel`), never by plugins on each other, and every call is
isolated: an implementation that raises marks *its* plugin broken (with the error as
the reason) and the call goes on with the other plugins. In strict mode the error is
raised instead.

Contribution hooks (``*_features``, ``*_models`` ...) return lists so that one plugin
can contribute several things; the kernel flattens them and remembers which plugin
contributed what. They are called lazily, the first time the kernel needs that kind
of contribution, and their results are cached for the life of the kernel.

Keep plugin modules cheap to import: no onnxruntime, openvino, torch or Qt at module
level. Import heavy libraries inside the objects you return.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click

    from .config import Config
    from .features import Feature
    from .hardware import Backend
    from .kernel import Kernel

PROJECT_NAME = "lmms_magenta"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
#: Decorator a plugin puts on each hook implementation.
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


# --- lifecycle -------------------------------------------------------------------------


@hookspec
def lmms_magenta_configure(config: Config) -> None:
    """Read settings from the kernel's configuration.

    Called once per plugin right after it is imported and registered, in dependency
    order (a plugin's requirements are configured before it). ``config.plugin(name)``
    gives the plugin's own table from the user's config file (``[plugins.<name>]``).
    Return value is ignored.
    """


@hookspec
def lmms_magenta_startup(kernel: Kernel) -> None:
    """Acquire resources after all enabled plugins are configured.

    Called by :meth:`Kernel.startup` in dependency order. Keep it fast: it runs on
    every command that loads plugins. Return value is ignored.
    """


@hookspec
def lmms_magenta_shutdown(kernel: Kernel) -> None:
    """Release resources (sessions, threads, temp files).

    Called by :meth:`Kernel.shutdown` in reverse dependency order, also after errors.
    Return value is ignored.
    """


# --- contributions ---------------------------------------------------------------------


@hookspec
def lmms_magenta_features() -> list[Feature]:
    """Return the features (operations a musician runs) this plugin provides.

    Called the first time the kernel lists or runs features. Each
    :class:`~lmms_magenta.features.Feature` declares its parameters once with the
    kernel's schema; the CLI, the UI panels and presets are generated from it.
    """


@hookspec
def lmms_magenta_models() -> list[Any]:
    """Return manifests of models shipped inside this plugin's package.

    Called by the model repository when it builds its catalogue. Each item is a
    path to a model manifest (``model.json``) or a manifest mapping; the model
    repository plugin defines and validates the manifest format.
    """


@hookspec
def lmms_magenta_model_sources() -> list[Any]:
    """Return additional model sources (for instance a remote index or a folder).

    Called by the model repository when it builds its catalogue, after shipped
    models. Each item implements the model repository's ``ModelSource`` protocol.
    """


@hookspec
def lmms_magenta_backends() -> list[Backend]:
    """Return the accelerator backends this plugin provides.

    Called when the kernel selects the hardware profile (only if no valid cached
    probe exists, or when a session is needed). Each item implements
    :class:`~lmms_magenta.hardware.Backend`: it probes its devices, says which
    precisions a model can run in, and creates inference sessions.
    """


@hookspec
def lmms_magenta_ui_panels() -> list[Any]:
    """Return Qt panel factories for the panel host.

    Called only by the UI host plugin. Each item is a callable
    ``(kernel, parent_widget) -> QWidget`` with ``name`` and ``title`` attributes.
    Qt must be imported inside the factory, never at plugin import.
    """


@hookspec
def lmms_magenta_cli_commands() -> list[click.Command]:
    """Return click commands or groups to add to the ``lmms-magenta`` CLI.

    Called only when the user runs a command that is not built into the kernel
    (or asks for the full ``--help``). Command names must not clash with the
    kernel's own (``plugins``, ``hardware``); a clash disables the later plugin's
    command with a warning.
    """
