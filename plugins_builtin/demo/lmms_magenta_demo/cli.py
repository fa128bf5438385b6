"""``lmms-magenta demo [-o DIR] [--seed N] [--bars N] [--no-render]``: the demo command.

A hand-written top-level command rather than the generated ``lmms-magenta demo song``:
the demo is the first thing a new user runs, so it is one word and shows its progress
stage by stage. The options are checked by the feature's own schema
(:data:`.features.SONG_PARAMS`), so a bad value is the same one-line error as
everywhere else, and the work is the feature's (:func:`.pipeline.make_song`).
Progress goes to stderr; the closing summary (what was written, how to go on) to
stdout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from .features import SONG_PARAMS

if TYPE_CHECKING:
    from lmms_magenta.kernel import Kernel

    from .features import DemoResult

__all__ = ["demo"]


def _help(name: str) -> str:
    param = SONG_PARAMS[name]
    default = param.default
    if isinstance(default, bool):
        default = "on" if default else "off"
    return f"{param.help}. [default: {default}]"


def _kernel(ctx: click.Context) -> Kernel:
    """The CLI's started kernel (plugins loaded), or a new one outside the CLI."""
    state = ctx.find_root().obj
    if state is not None and hasattr(state, "started_kernel"):
        kernel: Kernel = state.started_kernel()
        return kernel
    from lmms_magenta.kernel import Kernel

    kernel = Kernel()
    kernel.startup()
    ctx.call_on_close(kernel.shutdown)
    return kernel


def _summary(result: DemoResult, *, random_seed: bool, seconds: float) -> None:
    echo = click.echo
    echo(f"\nYour demo song ({result.plan.title}) is in {result.folder}/ ({seconds:.1f} s)")
    echo(f"  {result.project.name:<34} open it in LMMS: lmms {result.project}")
    echo(f"  {' '.join(p.name for p in result.midi.values()):<34} the same parts as MIDI files")
    previews = " ".join(p.name for p in result.previews.values())
    echo(f"  {previews:<34} piano-roll pictures of the parts")
    if result.audio is not None and result.loudness is not None:
        echo(f"  {result.audio.name:<34} {result.loudness}")
    for line in result.skipped:
        echo(f"  (skipped {line})")
    if random_seed:
        echo(f"Seed {result.seed}: 'lmms-magenta demo --seed {result.seed}' makes this song again.")
    else:
        echo("A new song each time: lmms-magenta demo --seed random")


@click.command("demo", short_help="Make a demo song from nothing: drums, bass, melody.")
@click.option("-o", "--output", metavar="DIR", help=_help("output"))
@click.option("--seed", metavar="SEED", help=_help("seed"))
@click.option("--bars", metavar="INTEGER", help=_help("bars"))
@click.option("--render/--no-render", default=None, help=_help("render"))
@click.pass_context
def demo(ctx: click.Context, /, **given: Any) -> None:
    """Make a new LMMS song from nothing, with every feature at work.

    Generated drums (pattern feature) humanized on Beat+Bassline tracks (groove
    feature), a generated bass line and melody on TripleOscillator tracks, arranged
    over 8 bars and gain-staged (gain feature). Writes demo.mmpz, drums.mid, bass.mid,
    melody.mid, piano-roll pictures and, when LMMS is installed, demo.wav with its
    loudness.
    """
    from .pipeline import make_song
    from .progress import ConsoleProgress

    params = SONG_PARAMS.validate({k: v for k, v in given.items() if v is not None})
    progress = ConsoleProgress()
    result = make_song(_kernel(ctx), params, progress)
    _summary(result, random_seed=params["seed"] is None, seconds=progress.seconds)
