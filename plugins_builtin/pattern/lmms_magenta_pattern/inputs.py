"""The clip a variation or an interpolation starts from: a MIDI file or an LMMS project.

Which part of the file (``clip_track``, else chosen by ``kind``):

* MIDI: the track with that name; else the first drum track (channel 10) for drums,
  the first other track with notes for a melody, the first track with notes for auto.
* LMMS project: a **Beat+Bassline track** by name (its beat pattern: every instrument
  of the Beat+Bassline editor that is a drum by its name or sample, see
  :mod:`lmms_magenta.lmms.drumkit`, at its General MIDI pitch), or an **instrument
  track** (everything it plays in the song). Without a name: the first Beat+Bassline
  track with hits for drums, the first song-editor instrument track with notes for a
  melody; auto tries drums first.

Then the bars ``from_bar .. from_bar + bars - 1`` (1-based) are cut out. Everything a
user can get wrong is a :class:`~lmms_magenta.errors.UserError` naming the file.
"""

from __future__ import annotations

from pathlib import Path

from lmms_magenta.errors import UserError
from lmms_magenta.lmms import BeatTrack, InstrumentTrack, Project
from lmms_magenta.lmms.convert import track_to_clip, vol_to_velocity
from lmms_magenta.lmms.drumkit import instrument_drum_class
from lmms_magenta.music import (
    DRUM_CHANNEL,
    LMMS_PPQ,
    Clip,
    Meter,
    Note,
    canonical_pitch,
    read_midi,
)

__all__ = ["read_clip"]

_PROJECTS = (".mmp", ".mmpz")
_STEP = LMMS_PPQ // 4


def read_clip(path: Path, kind: str, track: str | None, from_bar: int, bars: int) -> Clip:
    """The clip to work on (see the module docstring); ``kind`` auto/drums/melody."""
    if path.suffix.lower() in _PROJECTS:
        clip = _project_clip(path, kind, track)
    else:
        clip = _midi_clip(path, kind, track)
    if clip.meter != Meter(4, 4):
        raise UserError(f"the clip is in {clip.meter}; patterns need 4/4", path=path)
    if kind == "drums" and not clip.is_drum:
        raise UserError(f"track {clip.name!r} is not a drum track", path=path)
    if kind == "melody" and clip.is_drum:
        raise UserError(f"track {clip.name!r} is a drum track, not a melody", path=path)
    start = from_bar - 1
    if start >= clip.bar_count:
        raise UserError(
            f"the clip has {clip.bar_count} bars; --from-bar {from_bar} is after its end",
            path=path,
        )
    cut = clip.slice_bars(start, min(clip.bar_count, start + bars))
    if not cut.notes:
        raise UserError(
            f"track {clip.name!r} has no notes in bars {from_bar}-{start + bars}", path=path
        )
    return cut


def _midi_clip(path: Path, kind: str, track: str | None) -> Clip:
    song = read_midi(path)
    clips = [c for c in song.clips if c.notes]
    if track is not None:
        named = [c for c in song.clips if c.name == track]
        if not named:
            names = ", ".join(repr(c.name) for c in song.clips) or "none"
            raise UserError(f"no track named {track!r} (tracks: {names})", path=path)
        return named[0]
    if kind == "drums":
        clips = [c for c in clips if c.is_drum]
    elif kind == "melody":
        clips = [c for c in clips if not c.is_drum]
    if not clips:
        what = {"drums": "drum track", "melody": "melodic track"}.get(kind, "track")
        raise UserError(f"no {what} with notes", path=path)
    return clips[0]


def _project_clip(path: Path, kind: str, track: str | None) -> Clip:
    project = Project.load(path)
    if track is not None:
        found = project.find_track(track)
        if isinstance(found, BeatTrack):
            return _beat_clip(project, found)
        if isinstance(found, InstrumentTrack):
            return track_to_clip(project, found)
        raise UserError(f"track {track!r} is neither an instrument nor a Beat+Bassline track")
    if kind in ("drums", "auto"):
        for beat in project.beat_tracks:
            clip = _beat_clip(project, beat, strict=False)
            if clip.notes:
                return clip
    if kind in ("melody", "auto"):
        for t in project.tracks:
            if isinstance(t, InstrumentTrack):
                clip = track_to_clip(project, t)
                if clip.notes and not clip.is_drum:
                    return clip
    what = {"drums": "Beat+Bassline track", "melody": "instrument track"}.get(kind, "track")
    raise UserError(f"no {what} with notes; name one with --clip-track", path=path)


def _beat_clip(project: Project, beat: BeatTrack, *, strict: bool = True) -> Clip:
    """The beat pattern of ``beat`` as a drum clip (drum instruments only)."""
    notes: list[Note] = []
    length = project.ticks_per_bar
    for inst in project.beat_instruments:
        pattern = project.beat_pattern(beat, inst)
        cls = instrument_drum_class(inst)
        if pattern is None or cls is None:
            continue
        length = max(length, pattern.length)
        for n in pattern.notes:
            notes.append(
                Note(canonical_pitch(cls), vol_to_velocity(n.vol), n.pos, _STEP, DRUM_CHANNEL)
            )
    if strict and not notes:
        raise UserError(
            f"Beat+Bassline track {beat.name!r} has no hits on drum instruments",
            path=project.source,
        )
    num, den = project.meter
    return Clip(
        notes,
        ppq=LMMS_PPQ,
        meter=Meter(num, den),
        tempo=project.tempo,
        length=max(length, max((n.end for n in notes), default=0)),
        is_drum=True,
        name=beat.name,
    )
