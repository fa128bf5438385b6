"""Musical time: meters, tempo changes and exact conversions between tick grids.

All positions in the music model are integer *ticks* at a resolution ``ppq`` (ticks
per quarter note): 48 in LMMS projects, usually 480 or 960 in MIDI files. Keeping
integers (never float seconds or beats) makes every operation exact and every round
trip through MIDI or LMMS lossless. Beats (quarter notes) are exposed as
:class:`fractions.Fraction` so a caller can compute with them without rounding.

Converting between resolutions is exact whenever the target grid holds the value;
otherwise the caller chooses a :data:`Rounding` mode explicitly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

__all__ = [
    "DEFAULT_BPM",
    "DEFAULT_PPQ",
    "LMMS_PPQ",
    "MAX_MIDI_TEMPO",
    "Meter",
    "MeterChange",
    "Rounding",
    "TempoChange",
    "rescale_ticks",
]

#: Resolution used when a caller does not say (the Groove MIDI Dataset's and most DAWs').
DEFAULT_PPQ = 480
#: LMMS's fixed resolution: 48 ticks per quarter note (192 per 4/4 bar).
LMMS_PPQ = 48
#: Tempo assumed when a file states none (the MIDI standard's default).
DEFAULT_BPM = 120.0

#: Largest MIDI tempo: ``set_tempo`` holds 24 bits of microseconds per quarter note.
MAX_MIDI_TEMPO = 0xFFFFFF

#: How a tick value that falls between two ticks of a coarser grid is resolved:
#: ``"exact"`` refuses (ValueError), ``"nearest"`` rounds half up, ``"floor"`` rounds down.
Rounding = Literal["exact", "nearest", "floor"]


def rescale_ticks(ticks: int, from_ppq: int, to_ppq: int, rounding: Rounding = "exact") -> int:
    """Convert a tick count from one resolution to another.

    ``rescale_ticks(240, 480, 48) == 24``. With ``rounding="exact"`` a value the
    target grid cannot hold raises ValueError; ``"nearest"`` rounds half up and
    ``"floor"`` rounds toward minus infinity.
    """
    if from_ppq <= 0 or to_ppq <= 0:
        raise ValueError(f"ppq must be positive, got {from_ppq} -> {to_ppq}")
    num = ticks * to_ppq
    if rounding == "exact":
        if num % from_ppq:
            raise ValueError(
                f"tick {ticks} at {from_ppq} ppq is not on the {to_ppq} ppq grid; "
                "pass rounding='nearest' or 'floor' to round it"
            )
        return num // from_ppq
    if rounding == "nearest":
        return (2 * num + from_ppq) // (2 * from_ppq)
    if rounding == "floor":
        return num // from_ppq
    raise ValueError(f"unknown rounding {rounding!r}")


@dataclass(frozen=True, slots=True)
class Meter:
    """A time signature such as 4/4 or 6/8 (``denominator`` a power of two, 1-64)."""

    numerator: int = 4
    denominator: int = 4

    def __post_init__(self) -> None:
        if not 1 <= self.numerator <= 255:
            raise ValueError(f"meter numerator must be 1-255, got {self.numerator}")
        d = self.denominator
        if d < 1 or d > 64 or d & (d - 1):
            raise ValueError(f"meter denominator must be a power of two 1-64, got {d}")

    @property
    def beats_per_bar(self) -> Fraction:
        """Length of one bar in quarter notes (6/8 -> 3)."""
        return Fraction(4 * self.numerator, self.denominator)

    def ticks_per_bar(self, ppq: int) -> int:
        """Length of one bar in ticks; ValueError if the bar is not a whole number of ticks."""
        num = ppq * 4 * self.numerator
        if num % self.denominator:
            raise ValueError(f"a {self} bar is not a whole number of ticks at {ppq} ppq")
        return num // self.denominator

    def __str__(self) -> str:
        return f"{self.numerator}/{self.denominator}"

    @classmethod
    def parse(cls, text: str) -> Meter:
        """Parse ``"6/8"`` or ``"6-8"`` (the Groove dataset's spelling)."""
        sep = "/" if "/" in text else "-"
        num, _, den = text.strip().partition(sep)
        try:
            return cls(int(num), int(den))
        except ValueError as err:
            raise ValueError(f"not a meter: {text!r} ({err})") from None


@dataclass(frozen=True, slots=True)
class TempoChange:
    """The tempo becomes ``bpm`` quarter notes per minute at ``tick``.

    MIDI stores a tempo as integer microseconds per quarter note, which programs get
    by rounding or truncating ``60e6 / bpm`` (the Groove MIDI Dataset's 95 bpm files
    hold 631578 us, not 631579), so a file's tempo is rarely an exact bpm.
    :meth:`from_usec` reads it back as the shortest decimal bpm within that rounding
    (631578 us -> 95.0, 652174 us -> 92.0); any bpm survives a write and read
    unchanged, and any MIDI tempo changes by at most 1 us on its first re-save.
    """

    tick: int
    bpm: float

    def __post_init__(self) -> None:
        if self.tick < 0:
            raise ValueError(f"tempo change tick must be >= 0, got {self.tick}")
        if not (math.isfinite(self.bpm) and self.bpm > 0):
            raise ValueError(f"tempo must be a positive number of bpm, got {self.bpm}")

    @property
    def usec_per_quarter(self) -> int:
        """The tempo as a MIDI ``set_tempo`` value (microseconds per quarter note)."""
        return round(60_000_000 / self.bpm)

    @classmethod
    def from_usec(cls, tick: int, usec: int) -> TempoChange:
        """The change a MIDI ``set_tempo`` of ``usec`` microseconds per quarter note means.

        The bpm is the shortest decimal that writes back as exactly ``usec`` when that
        has at most two decimals; otherwise a tempo of at most two decimals that
        *truncates* to ``usec``, because many programs (and the Groove MIDI Dataset)
        store ``int(60e6 / bpm)``: 631578 reads as 95 bpm. Reading what
        :attr:`usec_per_quarter` writes gives the same bpm back.
        """
        if usec <= 0:
            raise ValueError(f"tempo must be a positive number of microseconds, got {usec}")
        exact = _shortest_bpm(usec)
        if round(exact, 2) == exact:
            return cls(tick, exact)
        for digits in range(3):
            # a round tempo stored truncated, provided re-reading what it writes gives it back
            bpm = round(60_000_000 / usec, digits)
            truncates_to_usec = bpm > 0 and int(60_000_000 / bpm) == usec
            if truncates_to_usec and _shortest_bpm(round(60_000_000 / bpm)) == bpm:
                return cls(tick, bpm)
        return cls(tick, exact)


def _shortest_bpm(usec: int) -> float:
    """The shortest decimal bpm (at most 6 decimals) that writes back as exactly ``usec``."""
    exact = 60_000_000 / usec
    for digits in range(7):
        bpm = round(exact, digits)
        if bpm > 0 and round(60_000_000 / bpm) == usec:
            return bpm
    return exact


@dataclass(frozen=True, slots=True)
class MeterChange:
    """The meter becomes ``meter`` at ``tick`` (normally a bar line)."""

    tick: int
    meter: Meter

    def __post_init__(self) -> None:
        if self.tick < 0:
            raise ValueError(f"meter change tick must be >= 0, got {self.tick}")
