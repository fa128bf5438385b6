"""MIDI files in and out of the groove features.

Humanize reads the drum tracks (MIDI channel 10) of a file, all of them together as
one performance (a kit split over several tracks still grooves as one drummer), or
only the track named by ``--track``; it writes the same file back with only those
notes' onsets and velocities changed: every other track, the tempo map, the meter,
track names and programs stay. Drumify reads every note of the file (or of the named
track) as a one-voice rhythm and writes a file holding the new drum track.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from lmms_magenta.errors import UserError
from lmms_magenta.music import Clip, MidiSong, Note, drum_class, read_midi, write_midi

from .parts import DrumPart, check_meter, check_resolution

__all__ = ["MidiInput"]


@dataclass
class MidiInput:
    """A MIDI file opened for a groove feature (``track``: one track by name, or all)."""

    path: Path
    song: MidiSong
    track: str | None = None
    clips: list[Clip] = field(default_factory=list)

    @classmethod
    def open(cls, path: str | os.PathLike[str], track: str | None = None) -> MidiInput:
        """Read the file (FileFormatError for an empty or broken one); check meter and grid."""
        song = read_midi(path)
        check_meter([m.meter for m in song.meter_map], path)
        check_resolution(song.ppq, path)
        found = cls(Path(path), song, track, list(song.clips))
        if track is not None and not found._selected():
            names = sorted({c.name for c in song.clips if c.name})
            listed = ", ".join(map(repr, names)) or "no named tracks"
            raise UserError(f"no track named {track!r} (tracks: {listed})", path=path)
        return found

    def _selected(self) -> list[int]:
        """Indices of the clips the feature works on."""
        return [
            i for i, clip in enumerate(self.clips) if self.track is None or clip.name == self.track
        ]

    # --- humanize ----------------------------------------------------------------------

    def drum_part(self) -> DrumPart:
        """The drum notes of the chosen tracks; UserError if there are none."""
        picked = [i for i in self._selected() if self.clips[i].is_drum]
        where = f"track {self.track!r}" if self.track else "the file"
        if not picked:
            raise UserError(
                f"no drums to humanize: {where} has no notes on MIDI channel 10 (drums)",
                path=self.path,
            )
        slots = [
            (i, j)
            for i in picked
            for j, note in enumerate(self.clips[i].notes)
            if drum_class(note.pitch) is not None
        ]
        if not slots:
            raise UserError(
                f"no drums to humanize: none of the drum notes in {where} is a kick, snare, "
                "hi-hat, tom or cymbal of the General MIDI drum map",
                path=self.path,
            )

        def write(moved: list[Note]) -> int:
            notes = {i: list(self.clips[i].notes) for i in picked}
            changed = 0
            for (i, j), new in zip(slots, moved, strict=True):
                if new is notes[i][j]:
                    continue
                if new.start >= self.clips[i].length:  # a clip's notes start inside it
                    new = replace(new, start=self.clips[i].length - 1)
                changed += new != notes[i][j]
                notes[i][j] = new
            for i in picked:
                self.clips[i] = self.clips[i].with_notes(notes[i])
            return changed

        return DrumPart(
            [self.clips[i].notes[j] for i, j in slots],
            self.song.ppq,
            self.song.length,
            self.song.bpm,
            write,
            self.track or self.path.stem,
        )

    def save(self, output: str | os.PathLike[str]) -> Path:
        """Write the (edited) song atomically, keeping a backup of a replaced file."""
        write_midi(output, replace(self.song, clips=tuple(self.clips)), backup=True)
        return Path(output)

    # --- drumify -----------------------------------------------------------------------

    def tap_notes(self) -> list[Note]:
        """Every note of the chosen tracks (the rhythm to drumify)."""
        return [n for i in self._selected() for n in self.clips[i].notes]

    def with_drum_clip(self, drums: Clip) -> MidiSong:
        """A song holding only ``drums``, on this file's grid, tempo map and meter."""
        first = self.song.clips[0]
        changes = tuple(t for t in first.tempo_changes if t.tick < drums.length)
        clip = replace(drums, tempo=first.tempo, tempo_changes=changes)
        return MidiSong.from_clips([clip], name=self.song.name)
