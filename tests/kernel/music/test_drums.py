"""Drum map: General MIDI drum notes <-> the 9 Magenta drum classes."""

from __future__ import annotations

import re

import pytest

from lmms_magenta.music import (
    DRUM_CLASS_PITCHES,
    Clip,
    DrumClass,
    Note,
    canonical_pitch,
    drum_class,
    reduce_to_classes,
)
from lmms_magenta.music import drums as drums_module

# Pitches the Roland TD-11 kit of the Groove MIDI Dataset plays, with their class
# (Magenta's ROLAND_DRUM_PITCH_CLASSES).
ROLAND_TD11 = {
    36: DrumClass.KICK,
    38: DrumClass.SNARE, 37: DrumClass.SNARE, 40: DrumClass.SNARE,
    42: DrumClass.CLOSED_HIHAT, 22: DrumClass.CLOSED_HIHAT, 44: DrumClass.CLOSED_HIHAT,
    46: DrumClass.OPEN_HIHAT, 26: DrumClass.OPEN_HIHAT,
    43: DrumClass.LOW_TOM, 58: DrumClass.LOW_TOM,
    47: DrumClass.MID_TOM, 45: DrumClass.MID_TOM,
    50: DrumClass.HIGH_TOM, 48: DrumClass.HIGH_TOM,
    49: DrumClass.CRASH, 52: DrumClass.CRASH, 55: DrumClass.CRASH, 57: DrumClass.CRASH,
    51: DrumClass.RIDE, 53: DrumClass.RIDE, 59: DrumClass.RIDE,
}  # fmt: skip


def test_nine_classes_in_magenta_order() -> None:
    assert [int(c) for c in DrumClass] == list(range(9))
    assert [c.label for c in DrumClass] == [
        "kick", "snare", "closed hi-hat", "open hi-hat",
        "low tom", "mid tom", "high tom", "crash", "ride",
    ]  # fmt: skip


@pytest.mark.parametrize(("pitch", "cls"), sorted(ROLAND_TD11.items()))
def test_roland_kit_pitches(pitch: int, cls: DrumClass) -> None:
    assert drum_class(pitch) is cls


def test_canonical_pitches() -> None:
    assert [canonical_pitch(c) for c in DrumClass] == [36, 38, 42, 46, 43, 47, 50, 49, 51]
    assert canonical_pitch(0) == 36


def test_canonical_pitch_maps_back_to_its_class() -> None:
    for cls in DrumClass:
        assert drum_class(canonical_pitch(cls)) is cls


def test_every_general_midi_percussion_note_has_one_class() -> None:
    # GM level 1 percussion is 35-81; Magenta's table also maps 22, 26, 27-34 and 82-87.
    for pitch in range(35, 82):
        assert drum_class(pitch) is not None, pitch
    seen = [p for pitches in DRUM_CLASS_PITCHES.values() for p in pitches]
    assert len(seen) == len(set(seen))
    for cls, pitches in DRUM_CLASS_PITCHES.items():
        assert all(drum_class(p) is cls for p in pitches)


@pytest.mark.parametrize("pitch", [0, 21, 88, 127])
def test_unmapped_pitches(pitch: int) -> None:
    assert drum_class(pitch) is None


def test_documented_table_matches_the_map() -> None:
    doc = drums_module.__doc__ or ""
    rows = re.findall(r"^(\d)\s{2,}[a-z -]+?\s{2,}(\d+)\s{2,}([\d ]+)$", doc, re.MULTILINE)
    assert len(rows) == 9
    for index, canonical, pitches in rows:
        cls = DrumClass(int(index))
        assert int(canonical) == canonical_pitch(cls)
        assert tuple(int(p) for p in pitches.split()) == DRUM_CLASS_PITCHES[cls]


def test_reduce_to_classes() -> None:
    clip = Clip(
        (Note(22, 80, 0, 10, 9), Note(58, 90, 10, 10, 9), Note(21, 70, 20, 10, 9)),
        is_drum=True,
    )
    reduced = reduce_to_classes(clip)
    assert [(n.pitch, n.velocity, n.start) for n in reduced.notes] == [(42, 80, 0), (43, 90, 10)]
    kept = reduce_to_classes(clip, drop_unmapped=False)
    assert [n.pitch for n in kept.notes] == [42, 43, 21]
    with pytest.raises(ValueError, match="drum clip"):
        reduce_to_classes(Clip())
