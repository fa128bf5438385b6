"""``lmms-magenta groove drumify``: a one-voice rhythm becomes a drum groove on its taps."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest
from groove_support import SIXTEENTH

from lmms_magenta.music import drum_class
from lmms_magenta.testing import CliResult, MidiNote, read_midi_notes, write_midi_clip

Cli = Callable[..., CliResult]
TAP_STEPS = (0, 3, 6, 8, 12, 14)  # a son-clave-ish rhythm, per bar


def _taps(tmp_path: Path, bars: int, pitch: int = 60) -> Path:
    notes = [
        MidiNote(pitch, (16 * b + s) * SIXTEENTH, SIXTEENTH, 100 if s in (0, 8) else 75)
        for b in range(bars)
        for s in TAP_STEPS
    ]
    return write_midi_clip(tmp_path / "taps.mid", notes, bpm=96, name="Taps")


def _step(note: MidiNote) -> int:
    return round(note.start / SIXTEENTH)


@pytest.mark.parametrize("bars", [1, 4, 9])
def test_taps_become_drums_on_the_taps(groove_cli: Cli, tmp_path: Path, bars: int) -> None:
    src = _taps(tmp_path, bars)
    out = tmp_path / "drums.mid"
    result = groove_cli("drumify", src, "-o", out, "--seed", "3", "--style", "funk")
    assert result.ok, result
    drums = read_midi_notes(out)
    assert drums and {n.channel for n in drums} == {9}
    classes = {drum_class(n.pitch) for n in drums}
    assert None not in classes and len(classes) >= 2  # a kit, not one drum
    taps = {16 * b + s for b in range(bars) for s in TAP_STEPS}
    steps = {_step(n) for n in drums}
    assert steps <= taps  # drums only where a tap is
    assert len(steps) >= 0.8 * len(taps)  # and nearly every tap gets a drum
    assert max(n.start for n in drums) < bars * 4
    # the groove's timing: close to the taps (within half a 16th)
    assert all(abs(n.start - _step(n) * SIXTEENTH) <= SIXTEENTH / 2 for n in drums)


def test_a_bass_line_works_as_the_rhythm(groove_cli: Cli, tmp_path: Path) -> None:
    bass = [
        MidiNote(p, Fraction(s, 4), Fraction(1, 4), 90)
        for s, p in zip(range(0, 32, 3), [40, 43, 45, 40, 47, 45, 43, 40, 38, 40, 43], strict=True)
    ]
    src = write_midi_clip(tmp_path / "bass.mid", bass, name="Bass")
    out = tmp_path / "drums.mid"
    assert groove_cli("drumify", src, "-o", out, "--seed", "1").ok
    steps = {_step(n) for n in read_midi_notes(out)}
    assert steps and steps <= set(range(0, 32, 3))


def test_seed_and_temperature(groove_cli: Cli, tmp_path: Path) -> None:
    src = _taps(tmp_path, 4)

    def run(name: str, *args: str) -> list[MidiNote]:
        out = tmp_path / name
        result = groove_cli("drumify", src, "-o", out, *args)
        assert result.ok, result
        return read_midi_notes(out)

    assert run("a.mid", "--seed", "5") == run("b.mid", "--seed", "5")
    assert run("c.mid", "--temperature", "0", "--seed", "1") == run(
        "d.mid", "--temperature", "0", "--seed", "2"
    )
    hot = [run(f"hot{s}.mid", "--temperature", "2", "--seed", str(s)) for s in range(3)]
    assert hot[0] != hot[1] or hot[1] != hot[2]


def test_default_output_name(groove_cli: Cli, tmp_path: Path) -> None:
    src = _taps(tmp_path, 2)
    result = groove_cli("drumify", src, "--seed", "1")
    assert result.ok, result
    assert result.stdout.strip() == str(tmp_path / "taps.drums.mid")
    assert (tmp_path / "taps.drums.mid").exists()
