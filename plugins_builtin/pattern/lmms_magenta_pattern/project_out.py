"""Writing generated clips into an LMMS project (``--into PROJECT --track NAME --at BAR``).

Clips are placed one after another from bar ``at`` (1 = the song's start), each as
long as the pattern. The project is saved in place, atomically, the old file kept as
``.bak``; it must be in 4/4.

**Drums** go into Beat+Bassline tracks: the first clip into the track named NAME (made
if missing; an existing one gets its drum patterns *replaced*), every further clip into
its own new beat track ``NAME 2``, ``NAME 3`` ... (a beat track plays one pattern, so
alternatives need one each). The 9 drum classes are **mapped onto the instruments of
the Beat+Bassline editor** by their names and samples (:mod:`lmms_magenta.lmms.drumkit`:
"BD 03" is a kick, "Closed HihHat" a closed hi-hat ...). A class the kit lacks is played
by a related instrument the kit has (:data:`FALLBACK`: open hi-hat on the closed one,
a missing tom on another tom, ride and crash on each other); if none fits, an
AudioFileProcessor with LMMS's stock sample (``Pattern <drum>``) is added (and found
by its name on the next run). Each beat
pattern is ``16 * bars`` steps long; instruments that are no drums (a bass line in
the editor) are left alone.

**Melodies** go into the instrument track NAME of the song editor (made if missing,
with LMMS's TripleOscillator), one pattern per clip.
"""

from __future__ import annotations

from pathlib import Path

from lmms_magenta.errors import UserError
from lmms_magenta.lmms import STEP_HIT_LENGTH, BeatTrack, InstrumentTrack, LmmsNote, Project
from lmms_magenta.lmms.convert import clip_to_notes, velocity_to_vol
from lmms_magenta.lmms.drumkit import STOCK_SAMPLES, instrument_drum_class
from lmms_magenta.music import Clip, DrumClass, drum_class

__all__ = ["FALLBACK", "ProjectWrite", "write_into_project"]

#: Instruments that may play a drum class the kit lacks, in order of preference.
FALLBACK: dict[DrumClass, tuple[DrumClass, ...]] = {
    DrumClass.KICK: (DrumClass.LOW_TOM,),
    DrumClass.SNARE: (),
    DrumClass.CLOSED_HIHAT: (DrumClass.OPEN_HIHAT, DrumClass.RIDE),
    DrumClass.OPEN_HIHAT: (DrumClass.CLOSED_HIHAT, DrumClass.CRASH),
    DrumClass.LOW_TOM: (DrumClass.MID_TOM, DrumClass.HIGH_TOM),
    DrumClass.MID_TOM: (DrumClass.LOW_TOM, DrumClass.HIGH_TOM),
    DrumClass.HIGH_TOM: (DrumClass.MID_TOM, DrumClass.LOW_TOM),
    DrumClass.CRASH: (DrumClass.RIDE, DrumClass.OPEN_HIHAT),
    DrumClass.RIDE: (DrumClass.CRASH, DrumClass.CLOSED_HIHAT),
}
_STEP = 12  # LMMS ticks per 16th step


class ProjectWrite:
    """What went into the project: the tracks used and one line per kit decision."""

    def __init__(self) -> None:
        self.tracks: list[str] = []
        self.notes: list[str] = []


def write_into_project(
    path: Path, clips: list[Clip], track: str | None, at: int, bars: int, default_name: str
) -> ProjectWrite:
    """Put ``clips`` (drum or melodic) into the project at ``path`` and save it."""
    project = Project.load(path)
    if project.meter != (4, 4):
        num, den = project.meter
        raise UserError(f"the song is in {num}/{den}; patterns need 4/4", path=path)
    name = track or default_name
    done = ProjectWrite()
    bar_ticks = project.ticks_per_bar
    players = _players(project, clips, done)
    for i, clip in enumerate(clips):
        pos = project.bar_tick(at + i * bars)
        if clip.is_drum:
            beat = _beat_track(project, name if i == 0 else f"{name} {i + 1}")
            _write_beat(project, beat, clip, bars, players)
            beat.add_clip(pos, bars * bar_ticks)
            done.tracks.append(beat.name)
        else:
            inst = _instrument_track(project, name, path)
            inst.add_pattern(pos, clip_to_notes(clip), name=clip.name, steps=bars * 16)
            if not done.tracks:
                done.tracks.append(inst.name)
    project.save(path)
    return done


def _beat_track(project: Project, name: str) -> BeatTrack:
    for beat in project.beat_tracks:
        if beat.name == name:
            return beat
    return project.add_beat_track(name)


def _instrument_track(project: Project, name: str, path: Path) -> InstrumentTrack:
    for t in project.tracks:
        if t.name == name:
            if isinstance(t, InstrumentTrack):
                return t
            raise UserError(f"track {name!r} is not an instrument track", path=path)
    return project.add_instrument_track(name)


def _kit(project: Project) -> dict[DrumClass, InstrumentTrack]:
    kit: dict[DrumClass, InstrumentTrack] = {}
    for inst in project.beat_instruments:
        cls = instrument_drum_class(inst)
        if cls is not None and cls not in kit:
            kit[cls] = inst
    return kit


def _players(
    project: Project, clips: list[Clip], done: ProjectWrite
) -> dict[DrumClass, InstrumentTrack]:
    """The instrument that plays each drum class the clips use (adding what is missing
    before any beat is written, so every beat gets a pattern on every instrument)."""
    used: set[DrumClass] = set()
    for clip in clips:
        if clip.is_drum:
            used |= {DrumClass(c) for n in clip.notes if (c := drum_class(n.pitch)) is not None}
    kit = _kit(project)  # the project's own kit: fallbacks go only there
    return {cls: _player(project, kit, cls, done) for cls in sorted(used)}


def _player(
    project: Project, kit: dict[DrumClass, InstrumentTrack], cls: DrumClass, done: ProjectWrite
) -> InstrumentTrack:
    if cls in kit:
        return kit[cls]
    for other in FALLBACK[cls]:
        if other in kit:
            done.notes.append(f"{cls.label} played by {kit[other].name!r}")
            return kit[other]
    name = f"Pattern {cls.label}"
    done.notes.append(f"added {name!r} ({STOCK_SAMPLES[cls]})")
    return project.add_beat_instrument(
        name, "audiofileprocessor", settings={"src": STOCK_SAMPLES[cls]}
    )


def _write_beat(
    project: Project,
    beat: BeatTrack,
    clip: Clip,
    bars: int,
    players: dict[DrumClass, InstrumentTrack],
) -> None:
    """Replace the drum patterns of ``beat`` with ``clip``'s hits."""
    step_ticks = clip.ppq // 4
    instruments = project.beat_instruments
    hits: dict[int, dict[int, int]] = {}  # instrument index -> step -> velocity
    for note in clip.notes:
        cls = drum_class(note.pitch)
        if cls is None:
            continue
        key = instruments.index(players[DrumClass(cls)])
        step = note.start // step_ticks
        cell = hits.setdefault(key, {})
        cell[step] = max(cell.get(step, 0), note.velocity)
    playing = {instruments.index(inst) for inst in players.values()}
    for key, inst in enumerate(instruments):
        if key not in playing and instrument_drum_class(inst) is None:
            continue  # not a drum: leave it alone
        notes = [
            LmmsNote(step * _STEP, STEP_HIT_LENGTH, inst.base_key, velocity_to_vol(vel))
            for step, vel in sorted(hits.get(key, {}).items())
        ]
        project.set_beat_notes(beat, inst, notes, steps=bars * 16)
