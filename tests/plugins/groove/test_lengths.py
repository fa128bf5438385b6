"""Clips of any length: chunked into overlapping 2-bar windows, no note added or dropped."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest
from groove_support import DRUMS, SIXTEENTH, funk_notes, pitch_counts

from lmms_magenta.testing import CliResult, MidiNote, read_midi_notes, write_midi_clip

Cli = Callable[..., CliResult]


@pytest.mark.parametrize("bars", [1, 2, 3, 9])
def test_any_length_keeps_every_note(groove_cli: Cli, tmp_path: Path, bars: int) -> None:
    src = write_midi_clip(tmp_path / "in.mid", funk_notes(bars), name="Drums")
    out = tmp_path / "out.mid"
    result = groove_cli("humanize", src, "-o", out, "--seed", "5")
    assert result.ok, result
    before, after = read_midi_notes(src), read_midi_notes(out)
    assert len(after) == len(before) and pitch_counts(after) == pitch_counts(before)
    assert max(n.start for n in after) < bars * 4  # nothing pushed out of the clip
    moved = sum(a != b for a, b in zip(sorted(before), sorted(after), strict=True))
    assert moved > len(before) / 2  # every bar is humanized, the last one too


def test_odd_notes_stay_notes(groove_cli: Cli, tmp_path: Path) -> None:
    # a flam (two snares on one 16th), a note between steps, a pitch with no drum
    # class, two kicks of one class (35 and 36) on one step: all kept, none merged
    odd = [
        MidiNote(38, Fraction(1), SIXTEENTH, 100, DRUMS),
        MidiNote(38, Fraction(1) + Fraction(1, 48), SIXTEENTH, 70, DRUMS),
        MidiNote(42, Fraction(5, 3), SIXTEENTH, 80, DRUMS),
        MidiNote(21, Fraction(2), SIXTEENTH, 80, DRUMS),
        MidiNote(35, Fraction(3), SIXTEENTH, 90, DRUMS),
        MidiNote(36, Fraction(3), SIXTEENTH, 60, DRUMS),
    ]
    src = write_midi_clip(tmp_path / "odd.mid", odd)
    out = tmp_path / "out.mid"
    assert groove_cli("humanize", src, "-o", out, "--seed", "1").ok
    after = read_midi_notes(out)
    assert pitch_counts(after) == pitch_counts(odd)
    assert [n for n in after if n.pitch == 21] == [odd[3]]  # no drum class: untouched


def test_a_steady_groove_has_no_seams_between_chunks(groove_cli: Cli, tmp_path: Path) -> None:
    # The same bar 9 times: every 2-bar window sees the same input, so with the most
    # likely groove (temperature 0) each inner bar must come out exactly alike - a
    # chunk boundary would show as a bar that differs from its neighbours.
    one_bar = [n for n in funk_notes(1)]
    bars = 9
    notes = [n._replace(start=n.start + 4 * b) for b in range(bars) for n in one_bar]
    src = write_midi_clip(tmp_path / "steady.mid", notes)
    out = tmp_path / "out.mid"
    assert groove_cli("humanize", src, "-o", out, "--temperature", "0", "--seed", "1").ok
    after = read_midi_notes(out)

    def bar(b: int) -> list[tuple[int, Fraction, int]]:
        # notes of bar b relative to the bar, by the step they belong to
        inside = [n for n in after if round(n.start / SIXTEENTH) // 16 == b]
        return sorted((n.pitch, n.start - 4 * b, n.velocity) for n in inside)

    inner = [bar(b) for b in range(1, bars - 1)]
    assert all(b == inner[0] for b in inner)
    assert len(inner[0]) == len(one_bar)
