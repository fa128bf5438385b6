"""``lmms-magenta gain analyze|apply``: the plugin's own click commands.

Contributed through ``lmms_magenta_cli_commands`` because the command form generated
from the features does not fit: ``analyze`` takes any number of files, and both print
tables, JSON and charts. Every option that is a feature parameter is generated from
the parameter objects in :mod:`.params` (:func:`lmms_magenta.cli.options.schema_params`)
and checked by their schema, so a default, range or help text is declared once and a
bad value is the same one-line error as everywhere else; the work itself is the
features' code (:func:`.features.measure`, :func:`.features.stage_file`).

The DSP kernels come from the hardware profile (:func:`lmms_magenta.dsp.select_dsp`,
falling back to the CPU's), so ``--backend opencl`` runs the filters there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from lmms_magenta.cli.options import schema_params
from lmms_magenta.errors import UserError
from lmms_magenta.params import Schema

from .features import dsp_kernels, measure, stage_file
from .params import ANALYZE, APPLY, MODE, REPORT, TARGETS, target_of

if TYPE_CHECKING:
    from lmms_magenta.dsp import DspKernels

    from .analysis import MixAnalysis

__all__ = ["gain"]

#: the ``analyze`` options: the feature's parameters but its one file, and the report's
_ANALYZE_OPTIONS = Schema(*(p for p in ANALYZE if p.name != "input"), *REPORT)


def _given(options: dict[str, Any]) -> dict[str, Any]:
    """The options typed on the line; a target alone also picks its mode.

    ``--lufs-target -16`` means mode lufs; a target of the other mode than the one
    asked for (``--mode rms --lufs-target -16``) would be ignored, so it is refused.
    """
    given = {k: v for k, v in options.items() if v is not None}
    targets = [mode for mode, param in TARGETS.items() if param.name in given]
    if MODE.name not in given and len(targets) == 1:
        given[MODE.name] = targets[0]
    mode = MODE.coerce(given.get(MODE.name, MODE.default))
    for other in targets:
        if other != mode:
            flag = "--" + TARGETS[other].name.replace("_", "-")
            raise UserError(f"{flag} is the target of --mode {other}, not of --mode {mode}")
    return given


def _kernels(ctx: click.Context) -> DspKernels:
    """The hardware profile's DSP kernels (CPU / reference when there is no kernel)."""
    state = ctx.find_root().obj
    kernel = state.kernel() if state is not None and hasattr(state, "kernel") else None
    return dsp_kernels(
        kernel, note=lambda text: click.echo(f"lmms-magenta: note: {text}", err=True)
    )


def _console(as_json: bool) -> Any:
    from rich.console import Console

    return Console(stderr=as_json, highlight=False, soft_wrap=False, width=120)


def _progress(text: str) -> None:
    click.echo(text, err=True)


def _plot(path: str, analysis: MixAnalysis, mode: str, target: float, **extra: Any) -> None:
    """Chart the channels; ``targets`` / ``expected`` (by channel key) are optional."""
    from .plot import Bar, plot_channels

    expected = extra.pop("expected", {})
    targets = extra.pop("targets", {})
    bars = []
    for r in analysis.channels:
        key = r.channel.key if r.channel is not None else ""
        level = r.measurement.level(mode)
        goal = targets.get(key, target)
        bars.append(Bar(r.name, level, goal, r.measurement.true_peak, expected.get(key)))
    title = extra.pop("title", f"{Path(analysis.source).name}: channels vs target")
    mix_peak = analysis.mix.true_peak if analysis.mix is not None else None
    plot_channels(path, bars, mode=mode, title=title, mix_peak=mix_peak, **extra)


@click.group("gain", help="Smart gain staging: loudness analysis of a mix, recommendations, apply.")
def gain() -> None:
    """The ``gain`` command group."""


@gain.command("analyze")
@click.argument("inputs", nargs=-1, required=True, metavar="PROJECT|AUDIO...")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--plot", metavar="PNG", help="Also draw each channel against the target.")
@click.pass_context
def analyze(
    ctx: click.Context, /, inputs: tuple[str, ...], as_json: bool, plot: str | None, **options: Any
) -> None:
    """Measure an LMMS project (each channel rendered alone with LMMS) or audio files.

    Integrated loudness, loudness range, maximum momentary and short-term loudness
    (EBU R128 / ITU-R BS.1770), true peak, sample peak and RMS, per channel and for
    the mix. --mode and a target add the target to the table and the chart.
    """
    given = _given(options)
    values = _ANALYZE_OPTIONS.validate(given)
    files = [ANALYZE["input"].coerce(path) for path in inputs]
    result = measure(
        files,
        by=values["by"],
        channels=values["channels"],
        kernels=_kernels(ctx),
        progress=_progress,
    )
    shown = any(p.name in given for p in REPORT)
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2, allow_nan=False))
    else:
        from .report import print_analysis

        target = target_of(values) if shown else None
        print_analysis(_console(False), result, mode=values["mode"], target=target)
    if plot:
        _plot(plot, result, values["mode"], target_of(values))
        _progress(f"chart written to {plot}")


@gain.command("apply")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.option("--plot", metavar="PNG", help="Also draw the channels, now and after.")
@click.pass_context
def apply(ctx: click.Context, /, as_json: bool, plot: str | None, **options: Any) -> None:
    """Set each channel's fader so it reaches the target; keep the mix under the ceiling.

    Every recommendation is explained in words. The project is saved atomically; the
    file it replaces is kept as PROJECT.bak.
    """
    values = APPLY.validate(_given(options))
    result = stage_file(values, kernels=_kernels(ctx), progress=_progress)
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2, allow_nan=False))
    else:
        from .report import print_staging

        print_staging(_console(False), result)
    if plot:
        mode = values["mode"]
        expected = {p.key: p.expected for p in result.plan.channels}
        if result.final is not None:
            expected = {
                r.channel.key: r.measurement.level(mode)
                for r in result.final.channels
                if r.channel is not None
            }
        _plot(
            plot,
            result.analysis,
            mode,
            target_of(values),
            expected=expected,
            targets=result.plan.targets(),
            mix_peak_after=result.peak_final,
            ceiling=values["ceiling"],
            tolerance=values["tolerance"],
        )
        _progress(f"chart written to {plot}")
    if result.saved is not None:
        kept = f" (previous version kept as {result.backup})" if result.backup else ""
        _progress(f"saved {result.saved}{kept}")
    if result.converged is False:
        ctx.exit(1)


# the options that are feature parameters come from the parameter objects, first
analyze.params[1:1] = schema_params(_ANALYZE_OPTIONS)
apply.params[:0] = schema_params(APPLY)
