"""Beat+Bassline patterns are one per beat, in beat order: LMMS counts them.

LMMS plays an instrument's i-th ``<pattern>`` for beat i, whatever its ``pos``. The
kernel therefore never writes a beat's pattern without the ones before it. The
``lmms``-marked tests render with the real program: a beat written for the third
Beat+Bassline track sounds exactly where that track is placed, and (the fact behind
all this) a lone pattern positioned at beat 2 is played for beat 0.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from lmms_support import demo

from lmms_magenta.errors import ParameterError
from lmms_magenta.lmms import STEP_HIT_LENGTH, LmmsNote, PatternKind, Project

BAR = 192  # ticks per bar in 4/4
HITS = [LmmsNote(p, STEP_HIT_LENGTH, 57) for p in (0, 48, 96)]
LMMS_PATTERN_ATTRIBUTES = {"pos", "len", "steps", "type", "muted", "name"}


#: How the kick joins the four beats: before B-D are added, after them, or as a file
#: from another program leaves it (no patterns at all).
HOW = ["instrument first", "instrument last", "no patterns"]


def _strip_patterns(song: Project) -> None:
    for inst in song.beat_instruments:
        for el in inst.element.findall("pattern"):
            inst.element.remove(el)


def _four_beats(how: str) -> Project:
    """Four Beat+Bassline tracks A-D and a kick instrument (see :data:`HOW`)."""
    song = Project.new(tempo=120)  # 2 s per bar
    song.add_beat_track("A")
    if how == "instrument first":
        song.add_beat_instrument("Kick", "kicker")
    for name in "BCD":
        song.add_beat_track(name)
    if how != "instrument first":
        song.add_beat_instrument("Kick", "kicker")
    if how == "no patterns":
        _strip_patterns(song)
    return song


@pytest.mark.parametrize("how", HOW)
def test_a_beat_pattern_comes_with_empty_ones_for_every_beat_before_it(how: str) -> None:
    song = _four_beats(how)
    kick = song.beat_instruments[0]
    beat_c = song.beat_tracks[2]
    pattern = song.set_beat_notes(beat_c, kick, HITS)
    patterns = kick.patterns
    assert pattern == patterns[2] and pattern.notes == HITS
    assert [p.pos for p in patterns] == [k * BAR for k in range(len(patterns))]
    for empty in patterns[:2]:
        assert empty.notes == [] and empty.kind == PatternKind.BEAT
        assert set(empty.element.attrib) == LMMS_PATTERN_ATTRIBUTES
        assert (empty.steps, empty.length, empty.name) == (16, BAR, "Kick")
    assert [song.beat_pattern(b, kick) == pattern for b in song.beat_tracks[:3]] == [
        False,
        False,
        True,
    ]


def test_new_beats_and_instruments_get_a_pattern_for_every_beat() -> None:
    song = Project.new()
    kick = song.add_beat_instrument("Kick")  # makes the first beat track
    assert len(kick.patterns) == 1
    song.add_beat_track("B")
    song.add_beat_track("C")
    snare = song.add_beat_instrument("Snare")
    for inst in (kick, snare):
        assert [p.pos for p in inst.patterns] == [0, BAR, 2 * BAR]
        assert all(p.notes == [] for p in inst.patterns)


def test_beat_pattern_is_found_by_place_not_by_position() -> None:
    """A hand-made file whose only pattern says pos = beat 2: LMMS plays it for beat 0."""
    song = Project.new()
    for name in "ABC":
        song.add_beat_track(name)
    kick = song.add_beat_instrument("Kick")
    _strip_patterns(song)
    kick.add_pattern(2 * BAR, HITS)
    a, b, c = song.beat_tracks
    lone = song.beat_pattern(a, kick)
    assert lone is not None and lone.notes == HITS
    assert song.beat_pattern(b, kick) is None and song.beat_pattern(c, kick) is None
    # writing beat C keeps the lone pattern first (beat A) and adds B's and C's after it
    song.set_beat_notes(c, kick, HITS[:1])
    assert [len(p.notes) for p in kick.patterns] == [3, 0, 1]


def test_existing_patterns_are_kept_and_new_ones_follow_them() -> None:
    song = Project.load(demo("CapDan-ReggaeTry.mmpz"))
    before = {
        inst.name: [(p.pos, p.notes) for p in inst.patterns] for inst in song.beat_instruments
    }
    beat = song.add_beat_track("New")
    assert beat.index == 5
    for inst in song.beat_instruments:
        patterns = inst.patterns
        assert [(p.pos, p.notes) for p in patterns[:5]] == before[inst.name]
        assert patterns[5].pos == 5 * BAR and patterns[5].notes == []
        # the new pattern sits right after the old ones, before anything else
        children = list(inst.element)
        assert children.index(patterns[5].element) == children.index(patterns[4].element) + 1
    reread = Project.from_bytes(song.to_bytes(), source="reread.mmpz")
    assert [len(i.patterns) for i in reread.beat_instruments] == [6] * 5


def test_set_beat_notes_refuses_a_beat_track_of_another_song() -> None:
    song, other = Project.new(), Project.new()
    kick = song.add_beat_instrument("Kick")
    foreign = other.add_beat_track("Elsewhere")
    with pytest.raises(ParameterError, match="'Elsewhere' is not a Beat\\+Bassline track"):
        song.set_beat_notes(foreign, kick, HITS)


# --- the real LMMS -------------------------------------------------------------------

SILENCE = 1e-4


def _bar_peaks(audio: Any, rate: int, bars: int) -> list[float]:
    """Peak level of each 2-second bar (120 bpm, 4/4)."""
    frames = 2 * rate
    return [float(np.abs(audio[i * frames : (i + 1) * frames]).max()) for i in range(bars)]


def _place(song: Project) -> None:
    """Beat A at bar 1, B at bar 3, C at bar 5, D at bar 7."""
    for k, beat in enumerate(song.beat_tracks):
        beat.add_clip(2 * k * BAR)


@pytest.mark.lmms
@pytest.mark.parametrize("how", HOW)
def test_lmms_plays_the_new_beat_exactly_where_its_track_is_placed(
    how: str, tmp_path: Path, render: Any
) -> None:
    song = _four_beats(how)
    song.set_beat_notes(song.beat_tracks[2], song.beat_instruments[0], HITS)
    _place(song)
    path = tmp_path / "beat-c.mmpz"
    song.save(path)
    audio, rate = render(path)
    peaks = _bar_peaks(audio, rate, 8)
    loud = [i + 1 for i, p in enumerate(peaks) if p > 0.05]
    assert loud == [5], f"bar peaks {peaks}: beat C is placed in bar 5 only"
    assert max(peaks[:4] + peaks[6:]) < SILENCE


@pytest.mark.lmms
def test_lmms_plays_a_lone_pattern_for_beat_zero(tmp_path: Path, render: Any) -> None:
    """The LMMS behaviour the kernel works with: patterns are counted, not placed."""
    song = _four_beats("no patterns")
    kick = song.beat_instruments[0]
    kick.add_pattern(2 * BAR, HITS)  # pos says beat C, but it is the first pattern
    _place(song)
    path = tmp_path / "lone.mmpz"
    song.save(path)
    audio, rate = render(path)
    loud = [i + 1 for i, p in enumerate(_bar_peaks(audio, rate, 8)) if p > 0.05]
    assert loud == [1]
