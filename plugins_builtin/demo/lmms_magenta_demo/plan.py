"""The musical plan of a demo song: key, scale, tempo, style and form, from one seed.

A demo is made of 2-bar patterns (the length the pattern models write), arranged the
way a short song is: the drum beat loops and a busier variation closes the song as a
fill; the bass plays its riff ``A A B A`` (the ``B`` riff every third phrase of four);
the melody waits one phrase, then answers ``A B A B ...``. Parts agree on the key and
scale; the bass is generated in a low register and moved down an octave.

Everything random follows from the seed: the song setting (:data:`SETTINGS`) is picked
by it and each generated part gets its own sub-seed (:meth:`SongPlan.seed_for`), so a
seed gives the same song every time.
"""

from __future__ import annotations

from dataclasses import dataclass

from lmms_magenta.errors import ParameterError

__all__ = [
    "PATTERN_BARS",
    "SETTINGS",
    "Placement",
    "Setting",
    "SongPlan",
    "plan_song",
]

#: Length of one generated pattern (and of one phrase of the form), in bars.
PATTERN_BARS = 2


@dataclass(frozen=True)
class Setting:
    """Key, scale, tempo and drum style that make a song sound like one piece."""

    key: str
    scale: str
    tempo: float
    style: str


#: Song settings a seed picks from: keys and modes that suit funk and rock grooves, at
#: tempos where the Groove MIDI Dataset has plenty of playing in those styles.
SETTINGS: tuple[Setting, ...] = (
    Setting("A", "minor", 96.0, "funk"),
    Setting("D", "dorian", 100.0, "funk"),
    Setting("E", "minor", 120.0, "rock"),
    Setting("G", "mixolydian", 116.0, "rock"),
    Setting("C", "minor", 92.0, "funk"),
    Setting("F", "major", 108.0, "rock"),
)


@dataclass(frozen=True)
class Placement:
    """One clip in the song: variant ``variant`` (0 = A, 1 = B) from ``bar`` (counted
    from 1, as LMMS shows bars) for ``bars`` bars."""

    bar: int
    bars: int
    variant: int


@dataclass(frozen=True)
class SongPlan:
    """Everything decided before any note is generated."""

    seed: int
    bars: int
    setting: Setting
    drums: tuple[Placement, ...]
    bass: tuple[Placement, ...]
    melody: tuple[Placement, ...]

    @property
    def title(self) -> str:
        """``"A minor, 96 bpm, funk"``."""
        s = self.setting
        return f"{s.key} {s.scale}, {s.tempo:g} bpm, {s.style}"

    def seed_for(self, part: str) -> int:
        """A sub-seed for one generated part, fixed by the song's seed."""
        offsets = {"drums": 0, "fill": 1, "bass": 2, "melody": 3, "groove": 4}
        return (self.seed + 7919 * offsets[part]) % 2**32


def _phrases(bars: int) -> int:
    if bars < 2 * PATTERN_BARS or bars % PATTERN_BARS:
        raise ParameterError(
            f"a demo song needs an even number of bars, at least {2 * PATTERN_BARS}; got {bars}"
        )
    return bars // PATTERN_BARS


def plan_song(seed: int, bars: int = 8) -> SongPlan:
    """The plan for a song of ``bars`` bars (even, >= 4) from ``seed``."""
    phrases = _phrases(bars)
    starts = [1 + k * PATTERN_BARS for k in range(phrases)]
    drums = (
        Placement(1, bars - PATTERN_BARS, 0),
        Placement(starts[-1], PATTERN_BARS, 1),
    )
    bass = tuple(Placement(b, PATTERN_BARS, 1 if k % 4 == 2 else 0) for k, b in enumerate(starts))
    melody = tuple(Placement(b, PATTERN_BARS, (k + 1) % 2) for k, b in enumerate(starts) if k)
    setting = SETTINGS[seed % len(SETTINGS)]
    return SongPlan(seed, bars, setting, drums, bass, melody)
