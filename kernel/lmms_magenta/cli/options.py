"""Click commands generated from a feature's parameter schema.

Every feature gets the same command-line shape without writing any click code:
input files are positional arguments, output files are ``-o/--output``-style
options, numbers show their range and unit, choices their list, booleans are
``--swing/--no-swing``, and every command has ``--preset FILE`` and
``--save-preset FILE``.

Click only *collects* the strings the user typed; all checking and conversion is done
by :meth:`lmms_magenta.params.Schema.validate`, the same code the UI and presets use,
so a value is accepted or refused identically everywhere, and a bad value is one line
on stderr with exit code 2 (no usage dump).

Values combine as: schema defaults < ``--preset`` file < options given on the line.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from ..errors import UserError
from ..params import (
    Bool,
    Choice,
    File,
    Integer,
    Key,
    Number,
    Param,
    Pitch,
    Scale,
    Schema,
    Seed,
    Text,
)
from ..params.base import fmt_number
from ..tonal import TONICS, pitch_name

if TYPE_CHECKING:
    from ..features import Feature
    from ..kernel import Kernel

__all__ = ["ParameterUsageError", "feature_command", "schema_params", "split_feature_name"]

#: Option names every feature command has; a schema must not use them.
RESERVED = frozenset({"preset", "save_preset", "save_preset_to", "help"})
_METAVARS = {
    "number": "FLOAT",
    "integer": "INTEGER",
    "pitch": "NOTE",
    "key": "KEY",
    "scale": "SCALE",
    "file": "FILE",
    "seed": "SEED",
}


class ParameterUsageError(click.ClickException):
    """A bad parameter value or preset: printed as one ``Error: ...`` line, exit code 2."""

    exit_code = 2


if TYPE_CHECKING:
    _ParamTypeBase = click.ParamType[Any]
else:  # click < 8.2 has no generic ParamType; subscripting it would fail at run time
    _ParamTypeBase = click.ParamType


class _SchemaValue(_ParamTypeBase):
    """Passes the typed text through unchanged (the schema converts it) and offers
    shell completion for choices, keys, scales and file names."""

    def __init__(self, param: Param) -> None:
        self.param = param
        self.name = param.kind

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return value

    def _candidates(self) -> tuple[str, ...]:
        if isinstance(self.param, Choice | Scale):
            return self.param.choices
        if isinstance(self.param, Key):
            return TONICS
        return ()

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[click.shell_completion.CompletionItem]:
        from click.shell_completion import CompletionItem

        if isinstance(self.param, File):
            return [CompletionItem(incomplete, type="file")]
        return [
            CompletionItem(c)
            for c in self._candidates()
            if c.casefold().startswith(incomplete.casefold())
        ]


def split_feature_name(name: str) -> tuple[str, str]:
    """``"groove.humanize" -> ("groove", "humanize")``: CLI group and command names."""
    group, _, command = name.partition(".")
    if not group or not command:
        raise ValueError(f"feature name {name!r} must be 'group.command'")
    return group, command.replace(".", "-").replace("_", "-")


def _show(param: Param, value: Any) -> str:
    """A default value as a musician reads it (``C4 (60)``, ``50 %``, ``random``)."""
    if isinstance(param, Pitch):
        return f"{pitch_name(value)} ({value})"
    if isinstance(param, Seed) and value is None:
        return "random"
    if isinstance(param, Number):
        return f"{fmt_number(value)}{' ' + param.unit if param.unit else ''}"
    if isinstance(param, Integer) and param.unit:
        return f"{value} {param.unit}"
    if isinstance(param, Bool):
        return "on" if value else "off"
    return str(value)


def _help(param: Param) -> str:
    """Help text: the parameter's own, what is allowed, per-choice help, the default."""
    parts = [param.help.rstrip(".") + "." if param.help else ""]
    if isinstance(param, File):
        if param.suffixes:
            parts.append(f"Allowed: {param.allowed()}.")
    elif not isinstance(param, Bool) and not _lists_choices(param):
        parts.append(f"Allowed: {param.allowed()}.")
    if isinstance(param, Choice) and param.choice_help:
        parts.append("; ".join(f"{c}: {h}" for c, h in dict(param.choice_help).items()) + ".")
    if param.default is not None or isinstance(param, Seed):
        parts.append(f"[default: {_show(param, param.default)}]")
    return " ".join(p for p in parts if p)


def _option_flags(param: Param) -> list[str]:
    long = "--" + param.name.replace("_", "-")
    if isinstance(param, Bool):
        return [f"{long}/--no-{param.name.replace('_', '-')}", param.name]
    if isinstance(param, File) and param.name == "output":
        return ["-o", long, param.name]
    return [long, param.name]


_MAX_CHOICES_IN_METAVAR = 8


def _lists_choices(param: Param) -> bool:
    return isinstance(param, Choice) and len(param.choices) <= _MAX_CHOICES_IN_METAVAR


def _metavar(param: Param) -> str:
    """Click's conventions: ``FLOAT RANGE`` for a bounded number, ``[a|b]`` for choices;
    text shows its own word (``--track NAME``)."""
    if isinstance(param, Text):
        return param.metavar
    if isinstance(param, Choice) and _lists_choices(param):
        return "[" + "|".join(param.choices) + "]"
    bounded = isinstance(param, Number | Integer) and (
        param.min is not None or param.max is not None
    )
    return _METAVARS.get(param.kind, "VALUE") + (" RANGE" if bounded else "")


def schema_params(schema: Schema) -> list[click.Parameter]:
    """Click arguments and options for every parameter of ``schema``, in order.

    Every click default is ``None`` (meaning "not given"), so the schema's default and
    a preset's value can still apply. Raises ValueError for a reserved name.
    """
    out: list[click.Parameter] = []
    for param in schema:
        if param.name in RESERVED:
            raise ValueError(f"parameter name {param.name!r} is reserved by the CLI")
        if isinstance(param, File) and param.positional:
            # Never required at click level: --save-preset needs no files, and the
            # schema reports a missing file as one line.
            out.append(
                click.Argument(
                    [param.name],
                    required=False,
                    type=_SchemaValue(param),
                    metavar=param.name.upper() if param.required else f"[{param.name.upper()}]",
                )
            )
        elif isinstance(param, Bool):
            out.append(click.Option(_option_flags(param), default=None, help=_help(param)))
        else:
            out.append(
                click.Option(
                    _option_flags(param),
                    type=_SchemaValue(param),
                    default=None,
                    metavar=_metavar(param),
                    help=_help(param),
                )
            )
    return out


def _positional_help(schema: Schema) -> str:
    lines = [
        f"{p.name.upper()}: {_help(p)}" for p in schema if isinstance(p, File) and p.positional
    ]
    return "\n\n".join(lines)


def _report(result: Any) -> None:
    if isinstance(result, str):
        click.echo(result)
    elif isinstance(result, os.PathLike):
        click.echo(os.fspath(result))


def feature_command(feature: Feature, get_kernel: Callable[[], Kernel]) -> click.Command:
    """A click command running ``feature``; the kernel is created only when it runs.

    The command validates everything through ``feature.params`` (ParameterError and
    preset errors become one ``Error:`` line with exit code 2), picks and reports a
    random seed for any seed left unset, then calls ``feature.run(kernel, params)``
    and prints a returned string or path. ``--save-preset FILE`` saves the settings
    (all but files) and exits without running.
    """
    from ..presets import load_preset, save_preset

    schema = feature.params
    _, name = split_feature_name(feature.name)

    def callback(preset: str | None, save_preset_to: str | None, **given: Any) -> None:
        given = {k: v for k, v in given.items() if v is not None}
        try:
            values = load_preset(schema, preset, feature=feature.name) if preset else {}
            values.update(given)
            if save_preset_to:
                save_preset(schema, values, save_preset_to, feature=feature.name)
                click.echo(f"saved preset {save_preset_to}", err=True)
                return
            params = schema.validate(values)
        except UserError as err:
            raise ParameterUsageError(str(err)) from err
        seeded = schema.resolve_seeds(params)
        for key, value in seeded.items():
            if params[key] is None and isinstance(schema[key], Seed):
                flag = "--" + key.replace("_", "-")
                click.echo(f"{key}: {value} (use {flag} {value} to repeat)", err=True)
        _report(feature.run(get_kernel(), seeded))

    params = schema_params(schema)
    params.append(
        click.Option(
            ["--preset", "preset"],
            type=click.Path(dir_okay=False),
            metavar="FILE",
            help="Load settings from a preset file (options given here still win).",
        )
    )
    params.append(
        click.Option(
            ["--save-preset", "save_preset_to"],
            type=click.Path(dir_okay=False),
            metavar="FILE",
            help="Save these settings (all but files) as a preset FILE and exit.",
        )
    )
    help_text = f"{feature.title}\n\n{feature.summary}"
    positional = _positional_help(schema)
    if positional:
        help_text += "\n\n" + positional
    return click.Command(
        name,
        callback=callback,
        params=params,
        help=help_text,
        short_help=feature.summary,
    )
