"""The click application: global options, lazy built-in groups, plugin commands.

Built-in command groups are imported only when invoked (:data:`BUILTIN`). Commands
contributed by plugins — through ``lmms_magenta_cli_commands`` or as features, one
group per feature-name prefix (``groove.humanize`` -> ``lmms-magenta groove
humanize``) — are looked up only for names that are not built in, or for the full
``--help``; that is when plugins get imported.

When two sources want the same command name:

- a built-in command always wins (the plugin's command or feature group is ignored,
  with a warning);
- a plugin's own hand-written command ``X`` replaces the group generated from *its
  own* features ``X.*``, silently: a plugin may offer a custom command line while its
  features stay available to Python and the panels;
- between *different* plugins (two commands ``X``, or one plugin's command ``X`` and
  another plugin's features ``X.*``) the first plugin in load order wins and the
  other one is reported in a warning.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
from typing import TYPE_CHECKING, Any

import click

from .._version import __version__
from ..config import Config
from ..errors import UserError
from . import PROG, error_line

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ..features import Feature
    from ..kernel import Kernel

#: built-in command name -> "module:attribute" of its click command
BUILTIN = {
    "plugins": "lmms_magenta.cli.plugins:plugins",
    "hardware": "lmms_magenta.cli.hardware:hardware",
    "lmms": "lmms_magenta.cli.lmms:lmms",
    "cache": "lmms_magenta.cli.cache:cache",
}


class CliState:
    """``ctx.obj``: the global options, and the kernel created from them on demand."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}
        self._config: Config | None = None
        self._kernel: Kernel | None = None
        self._started = False

    def set_params(self, params: dict[str, Any]) -> None:
        """Take the root command's parsed options (before any kernel is made)."""
        if self._config is None:
            self.params = dict(params)

    @property
    def config(self) -> Config:
        """File + environment + flags."""
        if self._config is None:
            p = self.params
            self._config = Config.load(
                enable=p.get("enable") or (),
                disable=p.get("disable") or (),
                strict=p.get("strict"),
                trace=p.get("trace"),
                backend=p.get("backend"),
            )
        return self._config

    def kernel(self) -> Kernel:
        """The kernel (plugins discovered on demand, not loaded)."""
        if self._kernel is None:
            from ..kernel import Kernel

            self._kernel = Kernel(self.config)
        return self._kernel

    def started_kernel(self) -> Kernel:
        """The kernel with every enabled plugin loaded and started (shut down at exit)."""
        kernel = self.kernel()
        if not self._started:
            self._started = True
            kernel.startup()
        return kernel

    def close(self) -> None:
        """Shut the kernel down if it was started; print its warnings."""
        if self._kernel is None:
            return
        try:
            if self._started:
                self._kernel.shutdown()
        finally:
            for warning in self._kernel.warnings:
                print(error_line(f"warning: {warning}"), file=sys.stderr)


def _state(ctx: click.Context) -> CliState:
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState()
    root.obj.set_params(root.params)
    return root.obj


class LazyGroup(click.Group):
    """Root group that finds built-in and plugin commands only when asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = [n for n in BUILTIN if _importable(BUILTIN[n])]
        names += [n for n in _plugin_commands(ctx) if n not in names]
        return sorted(names)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in BUILTIN:
            target = BUILTIN[cmd_name]
            if _importable(target):
                module, _, attr = target.partition(":")
                command = getattr(importlib.import_module(module), attr)
                assert isinstance(command, click.Command)
                return command
        command = _plugin_commands(ctx).get(cmd_name)
        if command is None:
            _explain_unavailable(ctx, cmd_name)
        return command


def _explain_unavailable(ctx: click.Context, cmd_name: str) -> None:
    """Say why a plugin's command is missing: the plugin of that name is not enabled.

    ``lmms-magenta demo`` with the gain plugin disabled then ends in "plugin 'demo' is
    disabled (requires 'gain', which is disabled ...)" - the dependency resolution's
    reason, which names the package to install - rather than "No such command".
    """
    info = _state(ctx).kernel().plugins.get(cmd_name)
    if info is not None and info.state != "enabled":
        raise UserError(
            f"command '{cmd_name}' is not available: plugin '{cmd_name}' is {info.state} "
            f"({info.reason})"
        )


def _importable(target: str) -> bool:
    try:
        return importlib.util.find_spec(target.partition(":")[0]) is not None
    except ImportError:
        return False


def _plugin_commands(ctx: click.Context) -> dict[str, click.Command]:
    """Commands from the ``lmms_magenta_cli_commands`` hook and from features.

    Clashes are settled as the module docstring says: built-in names first, then the
    first plugin in load order; a plugin's own command replaces the group generated
    from its own features without a warning.
    """
    state = _state(ctx)
    kernel = state.kernel()
    found: dict[str, click.Command] = {}
    author: dict[str, str] = {}  # command name -> the plugin that contributed it
    for plugin, command in kernel.contributions("lmms_magenta_cli_commands"):
        if not isinstance(command, click.Command) or not command.name:
            kernel.warn(f"plugin '{plugin}' returned a CLI command that is not a click command")
        elif command.name in BUILTIN or command.name in found:
            other = f"plugin '{author[command.name]}'" if command.name in author else "the kernel"
            kernel.warn(
                f"command '{command.name}' of plugin '{plugin}' is ignored: {other} provides it too"
            )
        else:
            found[command.name] = command
            author[command.name] = plugin
    owners = _feature_owners(kernel)
    rank = {name: i for i, name in enumerate(kernel.load_order)}
    for name, command in _feature_commands(kernel, state.started_kernel).items():
        others = [p for p in owners.get(name, []) if p != author.get(name)]
        if name in BUILTIN:
            kernel.warn(
                f"features '{name}.*' of {_plugins(others)} are hidden by the built-in "
                f"command '{name}'"
            )
        elif name not in found:
            found[name] = command
        elif not others:
            continue  # the plugin's own command replaces the group made from its features
        elif rank.get(others[0], len(rank)) < rank.get(author[name], len(rank)):
            kernel.warn(
                f"command '{name}' of plugin '{author[name]}' is ignored: the features "
                f"'{name}.*' of {_plugins(others)} come first in load order"
            )
            found[name] = command
        else:
            kernel.warn(
                f"features '{name}.*' of {_plugins(others)} are hidden by the command "
                f"'{name}' of plugin '{author[name]}'"
            )
    return found


def _plugins(names: Sequence[str]) -> str:
    quoted = ", ".join(f"'{n}'" for n in names)
    return f"plugin{'s' if len(names) > 1 else ''} {quoted}"


def _feature_owners(kernel: Kernel) -> dict[str, list[str]]:
    """Command name -> the plugins (in load order) whose features make up its group."""
    features = kernel.features()
    owners: dict[str, list[str]] = {}
    for plugin, item in kernel.contributions("lmms_magenta_features"):
        name = getattr(item, "name", None)
        if isinstance(name, str) and features.get(name) is item:  # the feature that counts
            plugins = owners.setdefault(name.partition(".")[0], [])
            if plugin not in plugins:
                plugins.append(plugin)
    return owners


def _feature_commands(kernel: Kernel, get_kernel: Callable[[], Kernel]) -> dict[str, click.Command]:
    """One click group per feature-name prefix (or a command for an undotted name)."""
    try:
        from .options import feature_command  # written with the parameter schema
    except ImportError:
        return {}
    groups: dict[str, list[tuple[str, Feature]]] = {}
    for name, feature in sorted(kernel.features().items()):
        prefix, _, rest = name.partition(".")
        groups.setdefault(prefix, []).append((rest, feature))
    out: dict[str, click.Command] = {}
    for prefix, members in groups.items():
        if len(members) == 1 and not members[0][0]:
            out[prefix] = feature_command(members[0][1], get_kernel)
            continue
        group = click.Group(prefix, help=f"{prefix.capitalize()} features.")
        for rest, feature in members:
            if rest:
                group.add_command(feature_command(feature, get_kernel), rest.replace(".", "-"))
        out[prefix] = group
    return out


@click.group(
    cls=LazyGroup, invoke_without_command=True, context_settings={"max_content_width": 100}
)
@click.version_option(__version__, "--version", prog_name=PROG, message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.option(
    "--strict/--no-strict",
    default=None,
    help="Fail on a broken plugin instead of skipping it (LMMS_MAGENTA_STRICT).",
)
@click.option(
    "--trace/--no-trace",
    default=None,
    help="Print every hook call with its time to stderr (LMMS_MAGENTA_TRACE).",
)
@click.option("--enable", multiple=True, metavar="NAME", help="Enable a plugin (repeatable).")
@click.option("--disable", multiple=True, metavar="NAME", help="Disable a plugin (repeatable).")
@click.option(
    "--backend",
    metavar="NAME[:DEVICE]",
    default=None,
    help="Hardware backend: auto, a backend name, or name:device (LMMS_MAGENTA_BACKEND).",
)
@click.pass_context
def cli(ctx: click.Context, /, **_: Any) -> None:
    """Magenta-style AI music tools for LMMS projects and MIDI files."""
    _state(ctx)
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


class _LowerLevelFormatter(logging.Formatter):
    """``warning:`` rather than ``WARNING:``, like the CLI's ``error:`` lines."""

    def format(self, record: logging.LogRecord) -> str:
        record.levelname = record.levelname.lower()
        return super().format(record)


def _setup_logging(debug: bool) -> None:
    """Show warnings (hardware fallbacks, skipped plugins) as ``lmms-magenta: warning: ...``."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LowerLevelFormatter(f"{PROG}: %(levelname)s: %(message)s"))
    root = logging.getLogger("lmms_magenta")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.WARNING)
    root.propagate = False


def run(args: Sequence[str]) -> int:
    """Run the click application; usage errors become one line, exit 2."""
    _setup_logging("--debug" in args)
    state = CliState()
    try:
        result = cli.main(args=list(args), prog_name=PROG, standalone_mode=False, obj=state)
    except click.UsageError as exc:
        path = exc.ctx.command_path if exc.ctx else PROG
        message = exc.format_message()
        raise _UsageLine(f"error: {message} (see '{path} --help')") from exc
    except click.ClickException as exc:
        print(error_line(f"error: {exc.format_message()}"), file=sys.stderr)
        return exc.exit_code
    except click.Abort:
        print(error_line("aborted"), file=sys.stderr)
        return 1
    finally:
        state.close()
    return result if isinstance(result, int) else 0


class _UsageLine(UserError):
    """A click usage error, shown like any other user error (exit 2)."""

    def __init__(self, line: str) -> None:
        super().__init__(line.removeprefix("error: "))
