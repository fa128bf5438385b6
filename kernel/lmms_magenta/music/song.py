"""MidiSong: what a MIDI file holds, as clips sharing one grid, tempo map and meter map.

Reading a MIDI file gives one :class:`MidiSong`; its clips (one per track and
channel that has notes) are ordinary :class:`~lmms_magenta.music.Clip` objects that
features can use directly. Writing takes a song or plain clips.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .clip import Clip
from .timebase import DEFAULT_BPM, Meter, MeterChange, TempoChange

__all__ = ["MidiSong"]


@dataclass(frozen=True, slots=True)
class MidiSong:
    """Clips laid out from tick 0 on one grid, with the song's full tempo and meter maps.

    ``tempo_map`` and ``meter_map`` are sorted by tick and start at tick 0 (defaults
    120 bpm and 4/4 when a file states none). Every clip has the song's ``ppq``, and
    its tempo and tempo changes equal the song's tempo map; a clip holds a single
    meter, the one at tick 0, while ``meter_map`` keeps every change. ``length`` is
    the song's length in ticks: the end of its longest track rounded up to whole bars
    of the first meter (the length of every clip read from the file).
    """

    clips: tuple[Clip, ...]
    ppq: int
    tempo_map: tuple[TempoChange, ...] = (TempoChange(0, DEFAULT_BPM),)
    meter_map: tuple[MeterChange, ...] = (MeterChange(0, Meter(4, 4)),)
    length: int = 0
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "clips", tuple(self.clips))
        for clip in self.clips:
            if clip.ppq != self.ppq:
                raise ValueError(f"clip {clip.name!r} is at {clip.ppq} ppq, the song at {self.ppq}")
        for label, events in (("tempo_map", self.tempo_map), ("meter_map", self.meter_map)):
            ticks = [e.tick for e in events]
            if not ticks or ticks[0] != 0 or ticks != sorted(ticks):
                raise ValueError(f"{label} must be sorted and start at tick 0")
        if self.length < 0:
            raise ValueError(f"song length must be >= 0, got {self.length}")

    @property
    def meter(self) -> Meter:
        """Meter at the start of the song."""
        return self.meter_map[0].meter

    @property
    def bpm(self) -> float:
        """Tempo at the start of the song."""
        return self.tempo_map[0].bpm

    @property
    def drum_clips(self) -> tuple[Clip, ...]:
        """The clips played on MIDI channel 10."""
        return tuple(c for c in self.clips if c.is_drum)

    @property
    def melodic_clips(self) -> tuple[Clip, ...]:
        """The clips on the other channels."""
        return tuple(c for c in self.clips if not c.is_drum)

    @classmethod
    def from_clips(cls, clips: Sequence[Clip], name: str = "") -> MidiSong:
        """A song of ``clips`` all starting at tick 0, using the first clip's grid,
        tempo (with its changes) and meter. ValueError if the clips' ppq differ."""
        if not clips:
            raise ValueError("a song needs at least one clip")
        first = clips[0]
        tempo_map = (TempoChange(0, first.tempo), *first.tempo_changes)
        return cls(
            clips=tuple(clips),
            ppq=first.ppq,
            tempo_map=tempo_map,
            meter_map=(MeterChange(0, first.meter),),
            length=max(c.length for c in clips),
            name=name,
        )
