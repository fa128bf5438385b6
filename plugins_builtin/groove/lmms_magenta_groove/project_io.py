"""LMMS projects in and out of the groove features.

``--track`` names what to work on:

* a **Beat+Bassline track** (``"Drum I"``): its beat pattern, i.e. the step pattern
  of every instrument of the Beat+Bassline editor at that beat. Each instrument is
  mapped to a drum class by its name or sample (:mod:`lmms_magenta.lmms.drumkit`);
  instruments that are no drum (a bass line) are left alone and reported.
* an **instrument track** of the song editor: all its patterns, as one part over the
  song. Its drum class comes from its name/sample as above; a whole kit on one track
  (a SoundFont player on the drum bank 128, or a track named "Drums", "Kit",
  "Perc" ...) is read by each note's General MIDI drum pitch. Anything else is no
  drum track (an error, rather than grooving a piano as if it were drums).

Humanized hits go back **into the same patterns**, Beat+Bassline hits staying hits
(``len="-192"``, "play the whole sample"): only their ``pos`` and ``vol`` change.
LMMS places a note at any tick of its 48-ticks-per-quarter grid, and the real LMMS
plays a hit at a position between steps exactly there (checked by rendering: a kick
5 ticks late sounds 5 x 10.4 ms late at 120 bpm). So the groove's resolution in a
project is one tick, a quarter of a 16th step (~10 ms at 120 bpm, ~7 ms at 180). The
price: LMMS's Beat+Bassline editor lights a step button only for a hit exactly on the
step, so a moved hit plays but its button looks off (the piano roll shows it); with
``--balance 1`` (velocity only) every hit stays on its step. A hit cannot move before
the start of its pattern (it stays on tick 0).

Velocity <-> volume uses the kernel's mapping (:mod:`lmms_magenta.lmms.convert`,
LMMS's own: ``vol = velocity * 200 / 127``). Silent hits (volume 0) are left alone.

Drumify writes its groove as a **new Beat+Bassline track** holding one
AudioFileProcessor instrument per drum voice it uses (LMMS's stock samples,
:data:`lmms_magenta.lmms.drumkit.STOCK_SAMPLES`; instruments named
``Drumify <voice>`` are reused on later runs), one beat pattern as long as the groove,
placed where the source plays.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy.typing as npt

from lmms_magenta.errors import UserError
from lmms_magenta.lmms import (
    STEP_HIT_LENGTH,
    BeatTrack,
    InstrumentTrack,
    LmmsNote,
    Pattern,
    Project,
)
from lmms_magenta.lmms.convert import track_to_clip, velocity_to_vol, vol_to_velocity
from lmms_magenta.lmms.drumkit import STOCK_SAMPLES, instrument_drum_class
from lmms_magenta.music import DRUM_CHANNEL, LMMS_PPQ, DrumClass, Meter, Note, canonical_pitch
from lmms_magenta.music import drum_class as pitch_class
from lmms_magenta.music.grid import decode_drums

from .parts import DrumPart, check_meter

__all__ = ["ProjectInput"]

_STEP = 12  # LMMS ticks per 16th step


def _is_drum_kit(track: InstrumentTrack) -> bool:
    """A whole kit on one track, notes at General MIDI drum pitches: a SoundFont player
    on the drum bank (128), or a track whose name says so ("Drums", "Kit", "Perc")."""
    sf2 = track.element.find("instrumenttrack/instrument/sf2player")
    if sf2 is not None and sf2.get("bank", "").strip() == "128":
        return True
    return bool(re.search(r"drum|\bkit\b|perc|beat", track.name.lower()))


def _model_note(cls: int, note: LmmsNote, start: int) -> Note:
    length = _STEP if note.length < 0 else note.length
    return Note(canonical_pitch(cls), vol_to_velocity(note.vol), start, length, DRUM_CHANNEL)


@dataclass
class _Slot:
    """One LMMS note in the part: its pattern, index there, and model note."""

    pattern: Pattern
    index: int
    note: LmmsNote
    model: Note


@dataclass
class ProjectInput:
    """An LMMS project opened for a groove feature, with the chosen track."""

    path: Path
    project: Project
    track: BeatTrack | InstrumentTrack
    #: names of instruments left alone because they are not drums (for a warning)
    skipped: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, path: str | os.PathLike[str], track: str | None) -> ProjectInput:
        """Load the project and find ``track`` (UserError naming the file otherwise)."""
        project = Project.load(path)
        check_meter([Meter(*project.meter)], path)
        if track is None:
            names = [t.name for t in project.tracks if isinstance(t, BeatTrack | InstrumentTrack)]
            listed = ", ".join(map(repr, names)) or "none"
            raise UserError(
                f"which track? give --track with a Beat+Bassline or instrument track ({listed})",
                path=path,
            )
        found = project.find_track(track)
        if not isinstance(found, BeatTrack | InstrumentTrack):
            raise UserError(
                f"track {track!r} is a {found.kind} track; give a Beat+Bassline or "
                "instrument track",
                path=path,
            )
        return cls(Path(path), project, found)

    @property
    def in_beat_editor(self) -> bool:
        """True for an instrument of the Beat+Bassline editor."""
        return isinstance(self.track, InstrumentTrack) and (
            self.track in self.project.beat_instruments
        )

    # --- humanize ----------------------------------------------------------------------

    def drum_part(self) -> DrumPart:
        """The chosen track's drum hits; UserError when none is recognisably a drum."""
        if isinstance(self.track, BeatTrack):
            slots, length = self._beat_slots(self.track)
        elif self.in_beat_editor:
            beats = ", ".join(repr(b.name) for b in self.project.beat_tracks)
            raise UserError(
                f"track {self.track.name!r} is an instrument of the Beat+Bassline editor; "
                f"humanize the Beat+Bassline track that plays it ({beats}) so the whole kit "
                "grooves together",
                path=self.path,
            )
        else:
            slots, length = self._track_slots(self.track)
        if not slots:
            others = [n for n in self.skipped if n != self.track.name]
            skipped = f" (not drums: {', '.join(others)})" if others else ""
            raise UserError(
                f"no drums to humanize in track {self.track.name!r}{skipped}; name drum "
                "instruments after their drum (kick, snare, hihat, tom, crash, ride) or use "
                "General MIDI drum notes",
                path=self.path,
            )
        origin = 0 if isinstance(self.track, BeatTrack) else None

        def write(moved: list[Note]) -> int:
            return _write_back(slots, moved, origin)

        bar = self.project.ticks_per_bar
        return DrumPart(
            [s.model for s in slots],
            LMMS_PPQ,
            -(-max(length, 1) // bar) * bar,
            self.project.tempo,
            write,
            self.track.name,
        )

    def _beat_slots(self, beat: BeatTrack) -> tuple[list[_Slot], int]:
        slots: list[_Slot] = []
        loop = self.project.ticks_per_bar
        for inst in self.project.beat_instruments:
            pattern = self.project.beat_pattern(beat, inst)
            if pattern is None:
                continue
            loop = max(loop, pattern.length)
            notes = pattern.notes
            cls = instrument_drum_class(inst)
            if cls is None:
                if notes:
                    self.skipped.append(inst.name)
                continue
            slots.extend(
                _Slot(pattern, k, n, _model_note(cls, n, n.pos))
                for k, n in enumerate(notes)
                if n.vol > 0
            )
        return slots, loop

    def _track_slots(self, track: InstrumentTrack) -> tuple[list[_Slot], int]:
        slots: list[_Slot] = []
        cls = instrument_drum_class(track)
        if cls is None and not _is_drum_kit(track):
            self.skipped.append(track.name)
            return slots, 0
        end = 0
        for pattern in track.patterns:
            for k, n in enumerate(pattern.notes):
                note_cls = cls if cls is not None else pitch_class(n.key + 12)
                if note_cls is None or n.vol == 0:
                    continue
                start = pattern.pos + n.pos
                slots.append(_Slot(pattern, k, n, _model_note(note_cls, n, start)))
                end = max(end, start + 1)
        return slots, end

    def save(self, output: str | os.PathLike[str] | None = None) -> Path:
        """Save atomically (in place when ``output`` is None), keeping ``<name>.bak``."""
        target = Path(output) if output is not None else self.path
        self.project.save(target, backup=True)
        return target

    # --- drumify -----------------------------------------------------------------------

    def tap_notes(self) -> tuple[list[Note], int]:
        """The chosen track's notes (48 ppq) as a rhythm, and its length in ticks."""
        if isinstance(self.track, BeatTrack):
            beat = self.track
            notes = []
            loop = self.project.ticks_per_bar
            for inst in self.project.beat_instruments:
                pattern = self.project.beat_pattern(beat, inst)
                if pattern is None:
                    continue
                loop = max(loop, pattern.length)
                notes += [_model_note(0, n, n.pos) for n in pattern.notes if n.vol > 0]
            return notes, loop
        clip = track_to_clip(self.project, self.track)
        return list(clip.notes), clip.length

    def add_drum_beat(
        self, hits: npt.ArrayLike, velocities: npt.ArrayLike, offsets: npt.ArrayLike
    ) -> BeatTrack:
        """A new Beat+Bassline track playing the groove where the source plays."""
        drums = decode_drums(hits, velocities, offsets, ppq=LMMS_PPQ)
        steps = drums.length // _STEP
        placements = (
            [(c.pos, c.length) for c in self.track.clips]
            if isinstance(self.track, BeatTrack)
            else [(0, drums.length)]
        )
        beat = self.project.add_beat_track(f"Drumify {self.track.name}")
        used = {pitch_class(n.pitch) for n in drums.notes}
        for cls in sorted(c for c in used if c is not None):
            inst = self._drum_instrument(cls)
            hits_of = [
                LmmsNote(n.start, STEP_HIT_LENGTH, inst.base_key, velocity_to_vol(n.velocity))
                for n in drums.notes
                if pitch_class(n.pitch) == cls
            ]
            self.project.set_beat_notes(beat, inst, hits_of, steps=steps)
        for pos, length in placements:
            beat.add_clip(pos, length)
        return beat

    def _drum_instrument(self, cls: DrumClass) -> InstrumentTrack:
        """The ``Drumify <voice>`` instrument (reused if there is exactly one). The
        kernel gives it an empty pattern for every other beat, as LMMS needs."""
        name = f"Drumify {cls.label}"
        same = [t for t in self.project.beat_instruments if t.name == name]
        if len(same) == 1:
            return same[0]
        return self.project.add_beat_instrument(
            name, "audiofileprocessor", settings={"src": STOCK_SAMPLES[cls]}
        )


def _write_back(slots: list[_Slot], moved: list[Note], origin: int | None) -> int:
    """Put moved model notes into their patterns; ``origin`` 0 for pattern-relative
    starts (a beat), None for song ticks (an instrument track)."""
    edits: dict[int, tuple[Pattern, list[LmmsNote]]] = {}
    changed = 0
    for slot, new in zip(slots, moved, strict=True):
        if new == slot.model:
            continue
        base = 0 if origin is not None else slot.pattern.pos
        same_velocity = new.velocity == slot.model.velocity
        vol = slot.note.vol if same_velocity else velocity_to_vol(new.velocity)
        note = LmmsNote(
            max(0, new.start - base), slot.note.length, slot.note.key, vol, slot.note.pan
        )
        if note == slot.note:
            continue
        key = id(slot.pattern.element)
        if key not in edits:
            edits[key] = (slot.pattern, slot.pattern.notes)
        edits[key][1][slot.index] = note
        changed += 1
    for pattern, notes in edits.values():
        pattern.set_notes(notes)
    return changed
