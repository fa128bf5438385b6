"""Between LMMS patterns and the kernel's music model (:class:`~lmms_magenta.music.Clip`).

Units: LMMS counts 48 ticks per quarter note (clips made here use ``ppq=48``; a clip
on another grid is rescaled, rounding to the nearest LMMS tick); MIDI pitch = LMMS
key + 12; LMMS note volume 0-200 <-> MIDI velocity 1-127 the way LMMS's own MIDI
import maps them (``vol = round(velocity * 200 / 127)``, ``velocity =
round(vol * 127 / 200)``, at least 1). velocity -> vol -> velocity is exact, so a
clip survives a trip through a project unchanged; vol -> velocity -> vol can move a
volume by one step (the 201 LMMS volumes do not fit in 127 velocities). Per-note
panning has no MIDI counterpart and is not exported.

Beat+Bassline hits (length -192, "the whole sound") become notes one step (a 16th)
long in a drum clip on MIDI channel 10; coming back, every note of a clip put into a
step pattern becomes a hit at the instrument's base note (a drum sample played at
another key would be re-pitched).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import ParameterError
from ..music import DRUM_CHANNEL, LMMS_PPQ, Clip, Meter, Note
from .patterns import STEP_HIT_LENGTH, TICKS_PER_STEP, LmmsNote, Pattern
from .project import Project
from .tracks import InstrumentTrack

__all__ = [
    "clip_to_notes",
    "pattern_to_clip",
    "track_to_clip",
    "velocity_to_vol",
    "vol_to_velocity",
]


def vol_to_velocity(vol: int) -> int:
    """LMMS note volume (0-200) -> MIDI velocity (1-127)."""
    return max(1, min(127, (vol * 127 * 2 + 200) // 400))


def velocity_to_vol(velocity: int) -> int:
    """MIDI velocity (0-127) -> LMMS note volume (0-200)."""
    return max(0, min(200, (velocity * 200 * 2 + 127) // 254))


def _to_note(note: LmmsNote, start: int, drum: bool) -> Note:
    pitch = note.key + 12
    if not 0 <= pitch <= 127:
        raise ParameterError(f"note key {note.key} (MIDI {pitch}) is outside the MIDI range 0-127")
    length = TICKS_PER_STEP if note.length < 0 else note.length
    channel = DRUM_CHANNEL if drum else 0
    return Note(pitch, vol_to_velocity(note.vol), start, length, channel)


def _meter(project: Project) -> Meter:
    num, den = project.meter
    return Meter(num, den)


def _beat_notes(project: Project, track: InstrumentTrack) -> Iterable[tuple[int, LmmsNote]]:
    """(song tick, note) for a Beat+Bassline instrument, following the beat clips."""
    instruments = project.beat_instruments
    for beat in project.beat_tracks:
        pattern = project.beat_pattern(beat, track)
        if pattern is None or pattern.muted or beat.muted:
            continue
        notes = pattern.notes
        # a beat loops over its longest pattern (LMMS's BBTrackContainer::lengthOfBB)
        loop = project.ticks_per_bar
        for other in instruments:
            p = project.beat_pattern(beat, other)
            loop = max(loop, p.length if p is not None else 0)
        for clip in beat.clips:
            if clip.muted:
                continue
            for offset in range(0, clip.length, loop):
                for n in notes:
                    if offset + n.pos < clip.length:
                        yield clip.pos + offset + n.pos, n


def track_to_clip(project: Project, track: InstrumentTrack) -> Clip:
    """Everything ``track`` plays in the song, as one clip starting at song tick 0.

    For a song-editor track: its unmuted patterns at their positions. For an
    instrument of the Beat+Bassline editor: its step patterns wherever the beat
    tracks play them (a drum clip). Length: whole bars covering the notes.
    """
    in_beat_editor = track in project.beat_instruments
    placed: list[tuple[int, LmmsNote]] = []
    if in_beat_editor:
        placed.extend(_beat_notes(project, track))
    else:
        for pattern in track.patterns:
            if not pattern.muted:
                placed.extend((pattern.pos + n.pos, n) for n in pattern.notes)
    drum = in_beat_editor or (bool(placed) and all(n.is_step for _, n in placed))
    notes = [_to_note(n, start, drum) for start, n in placed]
    return Clip(
        notes,
        ppq=LMMS_PPQ,
        meter=_meter(project),
        tempo=project.tempo,
        is_drum=drum,
        name=track.name,
    )


def pattern_to_clip(project: Project, pattern: Pattern) -> Clip:
    """One pattern as a clip (positions relative to the pattern start)."""
    notes = pattern.notes
    drum = bool(notes) and all(n.is_step for n in notes)
    return Clip(
        [_to_note(n, n.pos, drum) for n in notes],
        ppq=LMMS_PPQ,
        meter=_meter(project),
        tempo=project.tempo,
        length=max(pattern.length, max((n.pos + 1 for n in notes), default=0)),
        is_drum=drum,
        name=pattern.name,
    )


def clip_to_notes(clip: Clip, *, steps: bool = False, base_key: int = 57) -> list[LmmsNote]:
    """The clip's notes in LMMS units (rescaled to 48 ppq, nearest tick).

    ``steps=True`` makes Beat+Bassline hits at ``base_key`` (pitch ignored).
    """
    clip48 = clip.with_ppq(LMMS_PPQ, rounding="nearest")
    out = []
    for n in clip48.notes:
        vol = velocity_to_vol(n.velocity)
        if steps:
            out.append(LmmsNote(n.start, STEP_HIT_LENGTH, base_key, vol))
            continue
        key = n.pitch - 12
        if key < 0:
            raise ParameterError(f"MIDI note {n.pitch} is below LMMS's lowest key (MIDI 12)")
        out.append(LmmsNote(n.start, n.length, key, vol))
    if steps:  # one hit per step position, the loudest wins
        loudest: dict[int, LmmsNote] = {}
        for note in out:
            if note.pos not in loudest or note.vol > loudest[note.pos].vol:
                loudest[note.pos] = note
        out = [loudest[p] for p in sorted(loudest)]
    return out
