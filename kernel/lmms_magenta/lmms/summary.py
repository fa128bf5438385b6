"""A plain-data overview of a project (for ``lmms-magenta lmms info`` and tools).

Everything is JSON-ready (str, int, float, bool, lists, dicts). Positions are given
both as LMMS ticks and as bars counted from 1, the way LMMS shows them.
"""

from __future__ import annotations

from typing import Any

from .patterns import Pattern, lmms_pattern_length
from .project import Project
from .tracks import AutomationTrack, BeatTrack, InstrumentTrack, SampleTrack, Track

__all__ = ["summarize"]


def _bar(project: Project, tick: int) -> float | int:
    bar = tick / project.ticks_per_bar + 1
    return int(bar) if bar.is_integer() else round(bar, 4)


def _pattern(project: Project, pattern: Pattern) -> dict[str, Any]:
    notes = pattern.notes  # read once: the properties below would each re-read them
    melody = any(n.length > 0 for n in notes)
    return {
        "name": pattern.name,
        "tick": pattern.pos,
        "bar": _bar(project, pattern.pos),
        "length_ticks": lmms_pattern_length(notes, pattern.steps, project.ticks_per_bar),
        "kind": "melody" if melody else "beat",
        "notes": len(notes),
        "muted": pattern.muted,
    }


def _track(project: Project, track: Track) -> dict[str, Any]:
    out: dict[str, Any] = {"name": track.name, "kind": track.kind, "muted": track.muted}
    if isinstance(track, InstrumentTrack):
        out.update(
            instrument=track.instrument,
            volume=track.volume,
            pan=track.pan,
            mixer_channel=track.mixer_channel,
            patterns=[_pattern(project, p) for p in track.patterns],
        )
    elif isinstance(track, BeatTrack):
        out.update(
            beat=track.index + 1,
            clips=[
                {"tick": c.pos, "bar": _bar(project, c.pos), "length_ticks": c.length}
                for c in track.clips
            ],
        )
    elif isinstance(track, SampleTrack):
        out.update(volume=track.volume, clips=track.clip_count)
    elif isinstance(track, AutomationTrack):
        out.update(clips=track.clip_count)
    return out


def _beat_instrument(project: Project, track: InstrumentTrack) -> dict[str, Any]:
    patterns = []
    for beat in project.beat_tracks:
        pattern = project.beat_pattern(beat, track)
        if pattern is not None:
            patterns.append(
                {"beat": beat.index + 1, "steps": pattern.steps, "notes": len(pattern.notes)}
            )
    return {
        "name": track.name,
        "instrument": track.instrument,
        "volume": track.volume,
        "mixer_channel": track.mixer_channel,
        "patterns": patterns,
    }


def summarize(project: Project) -> dict[str, Any]:
    """Tempo, meter, master volume, tracks with their patterns, beat instruments, mixer."""
    num, den = project.meter
    length = project.length
    return {
        "file": str(project.path) if project.path else None,
        "compressed": project.compressed,
        "creator_version": project.root.get("creatorversion", ""),
        "tempo": project.tempo,
        "meter": f"{num}/{den}",
        "master_volume": project.master_volume,
        "length_ticks": length,
        "length_bars": -(-length // project.ticks_per_bar),
        "tracks": [_track(project, t) for t in project.tracks],
        "beat_instruments": [_beat_instrument(project, t) for t in project.beat_instruments],
        "mixer": [
            {
                "number": ch.number,
                "name": ch.name,
                "volume": ch.volume,
                "muted": ch.muted,
                "sends": [{"channel": c, "amount": a} for c, a in ch.sends],
            }
            for ch in project.mixer_channels
        ],
    }
