"""Note names, key tonics and scales: the musical vocabulary of feature parameters.

Parameters such as ``--root C4``, ``--key F#`` or ``--scale dorian`` are typed by
musicians, so they are parsed here into numbers the features compute with: MIDI note
numbers (scientific pitch notation, middle C = ``C4`` = 60, like most DAWs and the
MIDI Tuning Standard) and pitch classes 0-11. Scales are interval sets in semitones
above the tonic, so a feature gets the notes of "E dorian" with
``{(pitch_class("E") + i) % 12 for i in SCALES["dorian"]}``.

Kept dependency-free and tiny: it runs on every CLI start-up while parameters are
validated.
"""

from __future__ import annotations

import re
from types import MappingProxyType

__all__ = [
    "SCALES",
    "SCALE_ALIASES",
    "SCALE_HELP",
    "TONICS",
    "normalize_scale",
    "normalize_tonic",
    "parse_pitch",
    "pitch_class",
    "pitch_name",
    "scale_intervals",
]

_LETTER_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_SHARP_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")

#: Every tonic spelling a key parameter accepts, in canonical form, ordered by pitch.
TONICS: tuple[str, ...] = (
    "C", "B#", "C#", "Db", "D", "D#", "Eb", "E", "Fb", "E#", "F", "F#", "Gb",
    "G", "G#", "Ab", "A", "A#", "Bb", "B", "Cb",
)  # fmt: skip

#: Semitone intervals above the tonic for each scale name (canonical names only).
SCALES: MappingProxyType[str, tuple[int, ...]] = MappingProxyType(
    {
        "major": (0, 2, 4, 5, 7, 9, 11),
        "minor": (0, 2, 3, 5, 7, 8, 10),
        "harmonic-minor": (0, 2, 3, 5, 7, 8, 11),
        "melodic-minor": (0, 2, 3, 5, 7, 9, 11),
        "dorian": (0, 2, 3, 5, 7, 9, 10),
        "phrygian": (0, 1, 3, 5, 7, 8, 10),
        "lydian": (0, 2, 4, 6, 7, 9, 11),
        "mixolydian": (0, 2, 4, 5, 7, 9, 10),
        "locrian": (0, 1, 3, 5, 6, 8, 10),
        "major-pentatonic": (0, 2, 4, 7, 9),
        "minor-pentatonic": (0, 3, 5, 7, 10),
        "blues": (0, 3, 5, 6, 7, 10),
        "whole-tone": (0, 2, 4, 6, 8, 10),
        "chromatic": tuple(range(12)),
    }
)

#: One-line descriptions of the scales, shown in help texts and UI tooltips.
SCALE_HELP: MappingProxyType[str, str] = MappingProxyType(
    {
        "major": "Ionian; the bright 'do re mi' scale",
        "minor": "natural minor (Aeolian)",
        "harmonic-minor": "minor with a raised 7th (leading tone)",
        "melodic-minor": "minor with raised 6th and 7th (jazz minor)",
        "dorian": "minor with a major 6th; funk, jazz, folk",
        "phrygian": "minor with a flat 2nd; flamenco, metal",
        "lydian": "major with a sharp 4th; dreamy, film",
        "mixolydian": "major with a flat 7th; rock, blues",
        "locrian": "diminished; flat 2nd and 5th",
        "major-pentatonic": "five notes, no half steps",
        "minor-pentatonic": "five notes; the rock and blues box",
        "blues": "minor pentatonic plus the flat 5th blue note",
        "whole-tone": "six whole steps; dreamy, ambiguous",
        "chromatic": "all twelve notes (no scale constraint)",
    }
)

#: Other names musicians use for the same scales.
SCALE_ALIASES: MappingProxyType[str, str] = MappingProxyType(
    {
        "ionian": "major",
        "aeolian": "minor",
        "natural-minor": "minor",
        "jazz-minor": "melodic-minor",
        "pentatonic": "major-pentatonic",
        "minor-blues": "blues",
    }
)

# Accidentals after the letter: ASCII and the proper signs; a doubled sign is allowed
# for pitches ("Bbb3", never mixed like "C#b4") but not for key tonics.
_ACCIDENTAL = {"#": 1, "♯": 1, "b": -1, "♭": -1}
_PITCH_RE = re.compile(r"^([A-Ga-g])([#♯]{0,2}|[b♭]{0,2})(-?\d{1,2})$")
_TONIC_RE = re.compile(r"^([A-Ga-g])(?:([#b♯♭])|[\s_-]*(sharp|flat))?$", re.IGNORECASE)


def pitch_name(note: int) -> str:
    """Name of MIDI note ``note`` with sharps, e.g. ``60 -> "C4"``, ``46 -> "A#2"``."""
    if not 0 <= note <= 127:
        raise ValueError(f"MIDI note {note} is outside 0-127")
    return f"{_SHARP_NAMES[note % 12]}{note // 12 - 1}"


def parse_pitch(text: str) -> int:
    """MIDI note number of a note name (``"C4"`` = 60, ``"F#3"``, ``"Bb2"``, ``"C-1"`` = 0).

    Raises :class:`ValueError` for text that is not a note name or lies outside 0-127.
    """
    match = _PITCH_RE.match(text.strip())
    if match is None:
        raise ValueError(f"not a note name: {text!r}")
    letter, accidentals, octave = match.groups()
    note = (int(octave) + 1) * 12 + _LETTER_PC[letter.upper()]
    note += sum(_ACCIDENTAL[a] for a in accidentals)
    if not 0 <= note <= 127:
        raise ValueError(f"note {text!r} is outside the MIDI range C-1..G9")
    return note


def normalize_tonic(text: str) -> str:
    """Canonical spelling of a key tonic: ``"c#" -> "C#"``, ``"e flat" -> "Eb"``.

    The spelling is kept (``Db`` stays ``Db``): it decides how notes are named.
    Raises :class:`ValueError` for anything else.
    """
    match = _TONIC_RE.match(text.strip())
    if match is None:
        raise ValueError(f"not a key tonic: {text!r}")
    letter, sign, word = match.groups()
    if word:
        sign = "#" if word.lower() == "sharp" else "b"
    accidental = {"#": "#", "♯": "#", "b": "b", "B": "b", "♭": "b"}.get(sign or "", "")
    return letter.upper() + accidental


def pitch_class(tonic: str) -> int:
    """Pitch class 0-11 (C = 0) of a tonic name, e.g. ``"Bb" -> 10``, ``"B#" -> 0``."""
    name = normalize_tonic(tonic)
    offset = {"#": 1, "b": -1}.get(name[1:], 0)
    return (_LETTER_PC[name[0]] + offset) % 12


def normalize_scale(text: str) -> str:
    """Canonical scale name: lower case, words joined by ``-``, aliases resolved.

    ``"Harmonic Minor" -> "harmonic-minor"``, ``"aeolian" -> "minor"``. Raises
    :class:`ValueError` for unknown scales.
    """
    name = re.sub(r"[\s_-]+", "-", text.strip().lower())
    name = SCALE_ALIASES.get(name, name)
    if name not in SCALES:
        raise ValueError(f"unknown scale: {text!r}")
    return name


def scale_intervals(name: str) -> tuple[int, ...]:
    """Semitone intervals above the tonic of the scale called ``name`` (any alias)."""
    return SCALES[normalize_scale(name)]
