"""Analyzing a whole LMMS mix: render each channel solo with LMMS and measure it.

For a project, every staged channel (:mod:`.units`) is rendered alone (the project
with every other track muted) and the full mix once; renders are zero-padded to one
length (muting shortens a render). Channel figures are given *at the channel*, before
the master: the solo render divided by the master gain (master volume times master
mixer fader), which is exact because LMMS applies both linearly. So a channel's level
does not change when the master fader moves, and the master can be set for headroom
on its own. The mix is measured as it leaves the master.

Audio files are measured as they are, one channel per file, without a mix.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmms_magenta.errors import UserError

from . import units
from .measure import LoudnessMeter, Measurement
from .params import PROJECT_SUFFIXES

if TYPE_CHECKING:
    import numpy as np

    from lmms_magenta.dsp import DspKernels
    from lmms_magenta.lmms import Project

    from .render import Renderer

    FloatArray = np.ndarray[Any, np.dtype[np.float64]]

__all__ = [
    "PROJECT_SUFFIXES",
    "ChannelResult",
    "MixAnalysis",
    "analyze_files",
    "analyze_project",
    "is_project",
]


def is_project(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names an LMMS project (by suffix)."""
    return Path(path).suffix.lower() in PROJECT_SUFFIXES


@dataclass(frozen=True)
class ChannelResult:
    """One measured channel: its figures and, for a project, where its fader is."""

    name: str
    measurement: Measurement
    channel: units.Channel | None = None
    fader: float | None = None  # linear, when analyzed

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.channel is not None:
            out.update(
                key=self.channel.key,
                kind=self.channel.kind,
                tracks=list(self.channel.tracks),
                automated=self.channel.automated,
            )
        if self.fader is not None:
            out["fader"] = round(self.fader, 6)
            out["fader_db"] = _db_or_none(self.fader)
        out.update(self.measurement.to_json())
        return out


def _db_or_none(gain: float) -> float | None:
    return round(20.0 * math.log10(gain), 3) if gain > 0 else None


@dataclass
class MixAnalysis:
    """The analysis of one project (or of a set of audio files).

    ``solos`` (channel key -> solo render as it leaves the master, aligned with
    ``mix_samples``) is kept for recommendations; it is not part of the JSON.
    """

    source: str
    rate: float
    channels: list[ChannelResult]
    mix: Measurement | None = None
    master_gain: float = 1.0
    notes: list[str] = field(default_factory=list)
    mix_samples: FloatArray | None = None
    solos: dict[str, FloatArray] = field(default_factory=dict)

    def result(self, key: str) -> ChannelResult:
        """The channel result with ``channel.key == key``."""
        for result in self.channels:
            if result.channel is not None and result.channel.key == key:
                return result
        raise KeyError(key)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "rate": self.rate,
            "master_gain": round(self.master_gain, 6),
            "channels": [c.to_json() for c in self.channels],
            "mix": self.mix.to_json() if self.mix is not None else None,
            "notes": list(self.notes),
        }


def _channel_notes(result: ChannelResult) -> list[str]:
    m = result.measurement
    if m.silent:
        return [
            f"{result.name}: silent in the render (a missing instrument or sample, "
            "or a fader at zero?)"
        ]
    return []


def analyze_project(
    project: Project,
    renderer: Renderer,
    *,
    by: units.Grouping = "auto",
    wanted: Sequence[str] | None = None,
    kernels: DspKernels | None = None,
) -> MixAnalysis:
    """Render and measure the channels of ``project`` (all, or those in ``wanted``)."""
    from .render import align

    source = str(project.source or "project")
    found = units.channels(project, by)
    if not found:
        raise UserError("the project has no unmuted instrument or sample track", path=source)
    selected = units.select(found, list(wanted) if wanted else None, project=source)
    mix, rate = renderer.render(project)
    solos = []
    for channel in selected:
        samples, solo_rate = renderer.render(units.solo_project(project, channel))
        if solo_rate != rate:  # cannot happen with one renderer; guard the invariant
            raise UserError(f"renders at {solo_rate} and {rate} Hz differ", path=source)
        solos.append(samples)
    aligned = align([mix, *solos])
    mix, solos = aligned[0], aligned[1:]
    meter = LoudnessMeter(rate, kernels=kernels)
    master = units.master_gain(project)
    analysis = MixAnalysis(source=source, rate=rate, channels=[], master_gain=master)
    analysis.mix = meter.measure(mix)
    analysis.mix_samples = mix
    for channel, samples in zip(selected, solos, strict=True):
        analysis.solos[channel.key] = samples
        at_channel = samples / master if master > 0 else samples
        result = ChannelResult(
            name=channel.name,
            measurement=meter.measure(at_channel),
            channel=channel,
            fader=units.fader(project, channel),
        )
        analysis.channels.append(result)
        analysis.notes.extend(_channel_notes(result))
    if master <= 0:
        analysis.notes.append("the master volume is at zero: the whole song is silent")
    if analysis.mix.silent:
        analysis.notes.append("the mix renders silent")
    return analysis


def analyze_files(
    paths: Sequence[str | os.PathLike[str]], *, kernels: DspKernels | None = None
) -> MixAnalysis:
    """Measure audio files, one channel per file (any sample rates)."""
    from .audio import read_audio

    analysis = MixAnalysis(source="files", rate=0.0, channels=[])
    for path in paths:
        samples, rate = read_audio(path)
        try:
            meter = LoudnessMeter(rate, kernels=kernels)
        except ValueError as err:
            raise UserError(str(err), path=path) from None
        result = ChannelResult(name=Path(path).name, measurement=meter.measure(samples))
        analysis.channels.append(result)
        analysis.notes.extend(_channel_notes(result))
        analysis.rate = analysis.rate or rate  # the first file's rate
    return analysis
