"""The gain parameters, declared once: the features, the CLI and the panels read them.

:data:`ANALYZE` and :data:`APPLY` are the schemas of the features ``gain.analyze`` and
``gain.apply`` (:mod:`.features`); the hand-written ``lmms-magenta gain`` commands
(:mod:`.cli`) build their options from the same parameter objects, so a default, a
range or a help text lives in exactly one place, and a bad value is refused the same
way from Python, the command line and a panel.

Each mode has its own target (:data:`RMS_TARGET`, :data:`LUFS_TARGET`) rather than one
``target`` whose default depends on the mode: a schema default is one number, and
"-18" is a sensible RMS level but far too loud as a loudness target.

Cheap to import (only the kernel's parameter types).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lmms_magenta.params import Bool, Choice, File, Number, Schema, Text

__all__ = [
    "ANALYZE",
    "APPLY",
    "AUTO",
    "BY",
    "CEILING",
    "CHANNELS",
    "DEFAULT_CEILING",
    "DEFAULT_TARGETS",
    "DEFAULT_TOLERANCE",
    "DRY_RUN",
    "LUFS_TARGET",
    "MODE",
    "MODES",
    "PRESERVE_BALANCE",
    "PROJECT_SUFFIXES",
    "REPORT",
    "RMS_TARGET",
    "TARGETS",
    "TOLERANCE",
    "channel_names",
    "target_of",
]

MODES = ("rms", "lufs")
DEFAULT_TARGETS = {"rms": -18.0, "lufs": -23.0}
#: EBU R128's true-peak ceiling for the mix, dBTP
DEFAULT_CEILING = -1.0
#: ``auto`` stops when every channel is this close to its target, dB
DEFAULT_TOLERANCE = 0.5
PROJECT_SUFFIXES = (".mmp", ".mmpz")

MODE = Choice(
    "mode",
    default="rms",
    choices=MODES,
    help="What level means",
    choice_help=(
        ("rms", "RMS while playing, dBFS (classic gain staging)"),
        ("lufs", "integrated loudness, LUFS (how loud it sounds)"),
    ),
)


def _target(mode: str, unit: str, label: str, what: str) -> Number:
    """The target parameter of ``mode`` (named ``<mode>_target``)."""
    return Number(
        f"{mode}_target",
        default=DEFAULT_TARGETS[mode],
        min=-80.0,
        max=0.0,
        unit=unit,
        label=label,
        help=f"{what} each channel should reach in mode {mode}",
    )


RMS_TARGET = _target("rms", "dBFS", "RMS target", "Level")
LUFS_TARGET = _target("lufs", "LUFS", "Loudness target", "Loudness")
#: the target parameter of each mode
TARGETS = {"rms": RMS_TARGET, "lufs": LUFS_TARGET}
CEILING = Number(
    "ceiling",
    default=DEFAULT_CEILING,
    min=-20.0,
    max=0.0,
    unit="dBTP",
    help="True-peak ceiling of the mix; the master fader comes down to stay under it",
)
TOLERANCE = Number(
    "tolerance",
    default=DEFAULT_TOLERANCE,
    min=0.05,
    max=6.0,
    unit="dB",
    help="With auto, how close to its target each channel must end up",
)
BY = Choice(
    "by",
    default="auto",
    choices=("auto", "mixer", "track"),
    help="What a channel is",
    choice_help=(
        ("auto", "mixer when the song uses 2+ mixer channels, else track"),
        ("mixer", "each mixer channel with its tracks (tracks on the master alone)"),
        ("track", "every track on its own"),
    ),
)
CHANNELS = Text(
    "channels",
    metavar="NAMES",
    help="Only these channels (names, labels or mixer numbers, comma separated); "
    "all when not given",
)
PRESERVE_BALANCE = Bool(
    "preserve_balance",
    default=False,
    help="Move every channel by one common amount (the loudest lands on the target)",
)
AUTO = Bool("auto", default=False, help="Render again, measure and correct until on target")
DRY_RUN = Bool("dry_run", default=False, help="Work out the changes but write nothing")

ANALYZE = Schema(
    File("input", help="An LMMS project (each channel rendered alone with LMMS) or an audio file"),
    BY,
    CHANNELS,
)
APPLY = Schema(
    File("project", suffixes=PROJECT_SUFFIXES, help="The LMMS project"),
    File(
        "output",
        role="output",
        suffixes=PROJECT_SUFFIXES,
        is_required=False,
        help="Write the staged project here [default: PROJECT, keeping PROJECT.bak]",
    ),
    MODE,
    RMS_TARGET,
    LUFS_TARGET,
    CEILING,
    TOLERANCE,
    BY,
    CHANNELS,
    PRESERVE_BALANCE,
    AUTO,
    DRY_RUN,
)
#: what the analysis report and chart compare against (the CLI's ``analyze`` options)
REPORT = Schema(MODE, RMS_TARGET, LUFS_TARGET)


def target_of(values: Mapping[str, Any]) -> float:
    """The target level of the validated ``values``' mode."""
    return float(values[TARGETS[values["mode"]].name])


def channel_names(text: str | None) -> list[str] | None:
    """``"Kick, Bass"`` -> ``["Kick", "Bass"]``; None (all channels) when empty."""
    names = [n.strip() for n in (text or "").split(",") if n.strip()]
    return names or None
