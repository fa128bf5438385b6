"""``lmms-magenta gain analyze|apply``: the plugin's own click commands.

Contributed through ``lmms_magenta_cli_commands`` because the generated feature form
does not fit: ``analyze`` takes any number of files and both take a list of channel
names. Option values are still checked by a kernel :class:`~lmms_magenta.params.Schema`
(:data:`OPTIONS`), so a bad value is the same one-line error as everywhere else.

The DSP kernels come from the hardware profile (:func:`lmms_magenta.dsp.select_dsp`,
falling back to the CPU's), so ``--backend opencl`` runs the filters there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from lmms_magenta.errors import UserError
from lmms_magenta.params import Bool, Choice, Number, Schema

if TYPE_CHECKING:
    from lmms_magenta.dsp import DspKernels

    from .analysis import MixAnalysis

__all__ = ["OPTIONS", "gain"]

OPTIONS = Schema(
    Choice(
        "mode",
        default="rms",
        choices=("rms", "lufs"),
        help="What level means",
        choice_help=(
            ("rms", "RMS while playing, dBFS (classic gain staging, target -18)"),
            ("lufs", "integrated loudness, LUFS (target -23)"),
        ),
    ),
    Number("target", default=-18.0, min=-80.0, max=0.0, unit="dB", help="Level to reach"),
    Number("ceiling", default=-1.0, min=-20.0, max=0.0, unit="dB", help="Mix true-peak ceiling"),
    Number("tolerance", default=0.5, min=0.05, max=6.0, unit="dB", help="Allowed error"),
    Choice("by", default="auto", choices=("auto", "mixer", "track"), help="What a channel is"),
    Bool("preserve_balance", default=False, help="One common offset for all channels"),
    Bool("auto", default=False, help="Re-render, re-measure and correct"),
)

_BY_HELP = (
    "What a channel is: mixer channels (with tracks playing into the master as tracks), "
    "tracks, or auto (mixer when the song uses 2+ mixer channels)."
)


def _values(**given: Any) -> dict[str, Any]:
    """Validate the given options with :data:`OPTIONS`; the target defaults by mode."""
    from .recommend import DEFAULT_TARGETS

    values = OPTIONS.validate({k: v for k, v in given.items() if v is not None}, partial=True)
    full = OPTIONS.defaults() | values
    if "target" not in values:
        full["target"] = DEFAULT_TARGETS[full["mode"]]
    return full


def _names(channels: tuple[str, ...]) -> list[str] | None:
    """``--channels a,b --channels c`` -> ``["a", "b", "c"]`` (None when not given)."""
    names = [n.strip() for item in channels for n in item.split(",") if n.strip()]
    return names or None


def _kernels(ctx: click.Context) -> DspKernels:
    """The hardware profile's DSP kernels (CPU / reference when there is no kernel)."""
    from .measure import default_kernels

    state = ctx.find_root().obj
    if state is None or not hasattr(state, "kernel"):
        return default_kernels()
    from lmms_magenta.dsp import select_dsp

    choice = select_dsp(state.kernel())
    if choice.fallback_reason:
        click.echo(f"lmms-magenta: note: {choice.reason}", err=True)
    return choice.kernels


def _console(as_json: bool) -> Any:
    from rich.console import Console

    return Console(stderr=as_json, highlight=False, soft_wrap=False, width=120)


def _progress(text: str) -> None:
    click.echo(text, err=True)


def _load_project(path: str) -> Any:
    from lmms_magenta.lmms import Project

    return Project.load(path)


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
@click.option("--mode", metavar="[rms|lufs]", help="Level for the target column and chart.")
@click.option("--target", metavar="DB", help="Target level [default: -18 rms, -23 lufs].")
@click.option("--by", metavar="[auto|mixer|track]", help=_BY_HELP)
@click.option("--channels", multiple=True, metavar="NAME[,NAME]", help="Only these channels.")
@click.pass_context
def analyze(
    ctx: click.Context,
    inputs: tuple[str, ...],
    as_json: bool,
    plot: str | None,
    mode: str | None,
    target: str | None,
    by: str | None,
    channels: tuple[str, ...],
) -> None:
    """Measure an LMMS project (each channel rendered alone with LMMS) or audio files.

    Integrated loudness, loudness range, maximum momentary and short-term loudness
    (EBU R128 / ITU-R BS.1770), true peak, sample peak and RMS, per channel and for
    the mix.
    """
    from .analysis import analyze_files, analyze_project, is_project

    values = _values(mode=mode, target=target, by=by)
    kernels = _kernels(ctx)
    projects = [p for p in inputs if is_project(p)]
    if projects and len(inputs) > 1:
        raise UserError("analyze one project at a time (or any number of audio files)")
    if projects:
        from .render import Renderer

        project = _load_project(projects[0])
        with Renderer() as renderer:
            _progress(f"rendering {projects[0]} with LMMS, each channel alone ...")
            result = analyze_project(
                project, renderer, by=values["by"], wanted=_names(channels), kernels=kernels
            )
    else:
        if channels:
            raise UserError("--channels needs a project (audio files are one channel each)")
        result = analyze_files(inputs, kernels=kernels)
    shown_target = values["target"] if (target is not None or mode is not None) else None
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2, allow_nan=False))
    else:
        from .report import print_analysis

        print_analysis(_console(False), result, mode=values["mode"], target=shown_target)
    if plot:
        _plot(plot, result, values["mode"], values["target"])
        _progress(f"chart written to {plot}")


@gain.command("apply")
@click.argument("project", metavar="PROJECT")
@click.option("--mode", metavar="[rms|lufs]", help="rms: RMS while playing; lufs: loudness.")
@click.option("--target", metavar="DB", help="Target level [default: -18 rms, -23 lufs].")
@click.option("--channels", multiple=True, metavar="NAME[,NAME]", help="Only these channels.")
@click.option(
    "--preserve-balance", is_flag=True, default=None, help="Move all by one common offset."
)
@click.option("--auto", is_flag=True, default=None, help="Re-render and correct until on target.")
@click.option("-o", "--output", metavar="OUT", help="Write here [default: PROJECT, with .bak].")
@click.option("--by", metavar="[auto|mixer|track]", help=_BY_HELP)
@click.option("--ceiling", metavar="DBTP", help="Mix true-peak ceiling [default: -1].")
@click.option("--tolerance", metavar="DB", help="--auto stops within this [default: 0.5].")
@click.option("--dry-run", is_flag=True, help="Show the recommendations, write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.option("--plot", metavar="PNG", help="Also draw the channels, now and after.")
@click.pass_context
def apply(ctx: click.Context, /, project: str, **opts: Any) -> None:
    """Set each channel's fader so it reaches the target; keep the mix under the ceiling.

    Every recommendation is explained in words. The project is saved atomically; the
    file it replaces is kept as PROJECT.bak.
    """
    from .analysis import PROJECT_SUFFIXES
    from .apply import stage
    from .render import Renderer

    given = {k: opts[k] for k in ("mode", "target", "by", "ceiling", "tolerance")}
    given |= {"preserve_balance": opts["preserve_balance"], "auto": opts["auto"]}
    values = _values(**given)
    output = opts["output"]
    if output is not None and Path(output).suffix.lower() not in PROJECT_SUFFIXES:
        raise UserError("the output must be an LMMS project (.mmp or .mmpz)", path=output)
    kernels = _kernels(ctx)
    song = _load_project(project)
    with Renderer() as renderer:
        _progress(f"rendering {project} with LMMS, each channel alone ...")
        result = stage(
            song,
            renderer,
            mode=values["mode"],
            target=values["target"],
            wanted=_names(opts["channels"]),
            by=values["by"],
            preserve_balance=values["preserve_balance"],
            ceiling=values["ceiling"],
            auto=values["auto"],
            tolerance=values["tolerance"],
            kernels=kernels,
        )
        renders = renderer.renders
    saved = backup = None
    if not opts["dry_run"]:
        saved = Path(output) if output else Path(project)
        backup = song.save(saved)
    if opts["as_json"]:
        data = result.to_json() | {
            "saved": str(saved) if saved else None,
            "backup": str(backup) if backup else None,
            "lmms_renders": renders,
        }
        click.echo(json.dumps(data, indent=2, allow_nan=False))
    else:
        from .report import print_staging

        print_staging(_console(False), result)
    if opts["plot"]:
        expected = {p.key: p.expected for p in result.plan.channels}
        if result.final is not None:
            expected = {
                r.channel.key: r.measurement.level(values["mode"])
                for r in result.final.channels
                if r.channel is not None
            }
        _plot(
            opts["plot"],
            result.analysis,
            values["mode"],
            values["target"],
            expected=expected,
            targets=result.plan.targets(),
            mix_peak_after=result.peak_final,
            ceiling=values["ceiling"],
            tolerance=values["tolerance"],
        )
        _progress(f"chart written to {opts['plot']}")
    if saved is not None:
        _progress(f"saved {saved}" + (f" (previous version kept as {backup})" if backup else ""))
    if result.converged is False:
        ctx.exit(1)
