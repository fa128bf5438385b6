"""Musical parameter types: a note (``Pitch``), a key tonic (``Key``), a ``Scale``."""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any, ClassVar

from .. import tonal
from ..tonal import SCALES
from .base import Invalid, Param

__all__ = ["Key", "Pitch", "Scale"]


@dataclass(frozen=True, kw_only=True)
class Pitch(Param):
    """A MIDI note 0-127, given as a number (``60``) or a name (``C4``, ``F#3``, ``Bb2``).

    Middle C is ``C4`` = 60. The validated value is always the note number.
    """

    kind: ClassVar[str] = "pitch"
    default: int = 60
    min: int = 0
    max: int = 127

    def __post_init__(self) -> None:
        if not 0 <= self.min <= self.max <= 127:
            raise ValueError(f"parameter {self.name!r}: pitch range must lie within 0-127")
        super().__post_init__()

    def _coerce(self, value: Any) -> int:
        note: int
        if isinstance(value, bool):
            raise Invalid()
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, numbers.Integral):
            note = int(value)
        elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
            note = int(value.strip())
        elif isinstance(value, str):
            try:
                note = tonal.parse_pitch(value)
            except ValueError:
                raise Invalid("is not a note") from None
        else:
            raise Invalid("is not a note")
        if not self.min <= note <= self.max:
            raise Invalid("is out of range")
        return note

    def allowed(self) -> str:
        low, high = tonal.pitch_name(self.min), tonal.pitch_name(self.max)
        return f"a MIDI note {self.min}-{self.max} or a note name {low}..{high} (C4 = 60)"


@dataclass(frozen=True, kw_only=True)
class Key(Param):
    """The tonic of a key (``C``, ``F#``, ``Bb``), normalized (``"c#" -> "C#"``)."""

    kind: ClassVar[str] = "key"
    default: str = "C"

    def _coerce(self, value: Any) -> str:
        if not isinstance(value, str):
            raise Invalid()
        try:
            return tonal.normalize_tonic(value)
        except ValueError:
            raise Invalid() from None

    def allowed(self) -> str:
        return "a note letter A-G with optional # or b (C, F#, Bb ...)"


@dataclass(frozen=True, kw_only=True)
class Scale(Param):
    """A scale name; the value is canonical (``"Harmonic Minor" -> "harmonic-minor"``).

    ``choices`` restricts the scales a feature supports (default: all of
    :data:`SCALES`); :func:`scale_intervals` gives the interval set of the value.
    """

    kind: ClassVar[str] = "scale"
    default: str = "major"
    choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        try:
            names = tuple(tonal.normalize_scale(c) for c in self.choices or tuple(SCALES))
        except ValueError as err:
            raise ValueError(f"parameter {self.name!r}: {err}") from None
        object.__setattr__(self, "choices", names)
        super().__post_init__()

    def _coerce(self, value: Any) -> str:
        if not isinstance(value, str):
            raise Invalid()
        try:
            name = tonal.normalize_scale(value)
        except ValueError:
            name = ""
        if name not in self.choices:
            raise Invalid()
        return name

    def allowed(self) -> str:
        return "one of " + ", ".join(self.choices)
