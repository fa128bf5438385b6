"""The groove features and their parameters: ``groove.humanize`` and ``groove.drumify``.

Cheap to import (no numpy, no model): the kernel lists features and builds the CLI
from these schemas without running anything. The work happens in :mod:`.humanize`
and :mod:`.drumify`, imported when a feature runs.

The CLI the kernel generates::

    lmms-magenta groove humanize IN [-o OUT] [--track NAME] [--intensity 0-1]
        [--balance -1..1] [--style STYLE] [--temperature 0-2] [--seed N]
    lmms-magenta groove drumify IN [-o OUT] [--track NAME] [--style STYLE]
        [--temperature 0-2] [--seed N]
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmms_magenta.features import Feature
from lmms_magenta.params import Choice, File, Number, Param, Schema, Seed, Text

from .styles import STYLES

if TYPE_CHECKING:
    from lmms_magenta.kernel import Kernel

__all__ = ["DRUMIFY", "HUMANIZE", "GrooveResult", "features"]

_SUFFIXES = (".mid", ".midi", ".mmp", ".mmpz")
_MAX_NAME = 200


@dataclass(frozen=True)
class GrooveResult:
    """What a groove feature did; ``os.fspath(result)`` is the file written."""

    output: Path
    notes: int
    changed: int
    seed: int
    style: str
    warnings: tuple[str, ...] = field(default=())

    def __fspath__(self) -> str:
        return os.fspath(self.output)


def _io_params(what: str, midi_default: str) -> tuple[Param, ...]:
    return (
        File(
            "input",
            suffixes=_SUFFIXES,
            help=f"{what}: a MIDI file, or an LMMS project (.mmp/.mmpz) with --track",
        ),
        File(
            "output",
            role="output",
            suffixes=_SUFFIXES,
            is_required=False,
            help=(
                f"Where to write; default: IN{midi_default} for MIDI, the project itself "
                "for a project (the old file is kept as .bak)"
            ),
        ),
        Text(
            "track",
            non_empty=True,
            max_length=_MAX_NAME,
            metavar="NAME",
            help=(
                "Project: the Beat+Bassline track (or instrument track) to use; "
                "MIDI: only the track with this name (default: all)"
            ),
        ),
    )


def _style() -> Choice:
    return Choice(
        "style",
        default="any",
        choices=STYLES,
        help="Groove style to play like (the Groove MIDI Dataset's styles; any = no preference)",
    )


def _temperature(default: float) -> Number:
    return Number(
        "temperature",
        default=default,
        min=0.0,
        max=2.0,
        step=0.1,
        help="Variation: 0 plays the most likely groove (the seed does not matter), "
        "higher values draw more varied ones",
    )


def _seed() -> Seed:
    return Seed("seed", help="Random seed; the same seed gives the same result")


HUMANIZE_PARAMS = Schema(
    *_io_params("Quantized drums to humanize", ".humanized.mid"),
    Number(
        "intensity",
        default=1.0,
        min=0.0,
        max=1.0,
        step=0.05,
        help="How far to move toward the model's groove: 0 leaves every note as it is, "
        "1 plays the groove fully",
    ),
    Number(
        "balance",
        default=0.0,
        min=-1.0,
        max=1.0,
        step=0.1,
        help="Timing/velocity balance: -1 timing only, 0 both, 1 velocity only "
        "(in between: the other part is scaled down)",
    ),
    _style(),
    _temperature(1.0),
    _seed(),
)

DRUMIFY_PARAMS = Schema(
    *_io_params("A one-voice rhythm (taps, a bass line, any notes)", ".drums.mid"),
    _style(),
    _temperature(0.5),
    _seed(),
)


def _run_humanize(kernel: Kernel, params: Mapping[str, Any]) -> GrooveResult:
    from .humanize import humanize

    return humanize(kernel, params)


def _run_drumify(kernel: Kernel, params: Mapping[str, Any]) -> GrooveResult:
    from .drumify import drumify

    return drumify(kernel, params)


HUMANIZE = Feature(
    name="groove.humanize",
    title="Humanize a drum pattern",
    summary="Play quantized drums like a drummer: timing and velocity from the groove "
    "model, every note kept.",
    params=HUMANIZE_PARAMS,
    run=_run_humanize,
    models=("groove-vae-2bar",),
)

DRUMIFY = Feature(
    name="groove.drumify",
    title="Turn a rhythm into drums",
    summary="Turn a one-voice rhythm (taps, a bass line, any MIDI) into a full drum groove.",
    params=DRUMIFY_PARAMS,
    run=_run_drumify,
    models=("groove-vae-2bar",),
)


def features() -> list[Feature]:
    """Both groove features."""
    return [HUMANIZE, DRUMIFY]
