"""``lmms-magenta groove humanize`` end to end on a quantized 4-bar funk beat (MIDI)."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

from groove_support import SIXTEENTH, funk_notes, pitch_counts

from lmms_magenta.testing import CliResult, MidiNote, read_midi_notes

Cli = Callable[..., CliResult]


def _humanize(cli: Cli, src: Path, out: Path, *args: str) -> list[MidiNote]:
    result = cli("humanize", src, "-o", out, *args)
    assert result.ok, result
    assert result.stdout.strip() == str(out)
    return read_midi_notes(out)


def _ms(beats: Fraction, bpm: float = 100) -> float:
    return float(beats) * 60_000 / bpm


def test_same_notes_with_human_timing_and_velocities(
    groove_cli: Cli, funk_midi: Path, tmp_path: Path
) -> None:
    before = read_midi_notes(funk_midi)
    after = _humanize(groove_cli, funk_midi, tmp_path / "out.mid", "--style", "funk", "--seed", "1")
    assert len(after) == len(before) == len(funk_notes(4))
    assert pitch_counts(after) == pitch_counts(before)
    assert {n.channel for n in after} == {9}
    moved = [n for n in after if n.start % SIXTEENTH]
    assert len(moved) > len(after) / 2  # most hits are off the grid now ...
    # ... but only slightly: within half a 16th of their step (a groove, not a mess)
    assert all(
        abs(n.start - round(n.start / SIXTEENTH) * SIXTEENTH) <= SIXTEENTH / 2 for n in after
    )
    shifts_ms = [_ms(abs(n.start - round(n.start / SIXTEENTH) * SIXTEENTH)) for n in after]
    assert 1 < sum(shifts_ms) / len(shifts_ms) < 40
    velocities = {n.velocity for n in after}
    assert len(velocities) > 10  # dynamics, not the 3 input velocities
    snares = [n.velocity for n in after if n.pitch == 38]
    assert max(snares) - min(snares) > 30  # backbeat vs ghost notes survive as accents


def test_intensity_zero_leaves_every_note_as_it_was(
    groove_cli: Cli, funk_midi: Path, tmp_path: Path
) -> None:
    after = _humanize(groove_cli, funk_midi, tmp_path / "same.mid", "--intensity", "0")
    assert after == read_midi_notes(funk_midi)


def test_the_same_seed_gives_the_same_groove(
    groove_cli: Cli, funk_midi: Path, tmp_path: Path
) -> None:
    args = ("--style", "funk", "--temperature", "1", "--seed")
    a = _humanize(groove_cli, funk_midi, tmp_path / "a.mid", *args, "7")
    b = _humanize(groove_cli, funk_midi, tmp_path / "b.mid", *args, "7")
    c = _humanize(groove_cli, funk_midi, tmp_path / "c.mid", *args, "8")
    assert a == b
    assert a != c
    assert (tmp_path / "a.mid").read_bytes() == (tmp_path / "b.mid").read_bytes()


def test_an_unset_seed_is_reported_and_repeats_the_result(
    groove_cli: Cli, funk_midi: Path, tmp_path: Path
) -> None:
    first = groove_cli("humanize", funk_midi, "-o", tmp_path / "a.mid")
    assert first.ok, first
    seed = first.stderr.split("seed: ")[1].split()[0]
    again = _humanize(groove_cli, funk_midi, tmp_path / "b.mid", "--seed", seed)
    assert again == read_midi_notes(tmp_path / "a.mid")


def test_style_temperature_and_balance_change_the_result(
    groove_cli: Cli, funk_midi: Path, tmp_path: Path
) -> None:
    def run(name: str, *args: str) -> list[MidiNote]:
        return _humanize(groove_cli, funk_midi, tmp_path / name, "--seed", "3", *args)

    funk = run("as-funk.mid", "--style", "funk", "--temperature", "0")
    jazz = run("as-jazz.mid", "--style", "jazz", "--temperature", "0")
    assert funk != jazz
    varied = run("varied.mid", "--style", "funk", "--temperature", "1")
    velocity_change = [abs(a.velocity - b.velocity) for a, b in zip(funk, varied, strict=True)]
    assert sum(velocity_change) / len(velocity_change) > 2  # audible, not a rounding error
    original = read_midi_notes(funk_midi)
    timing_only = run("timing.mid", "--balance", "-1")
    assert sorted((n.pitch, n.velocity) for n in timing_only) == sorted(
        (n.pitch, n.velocity) for n in original
    )
    assert [n.start for n in timing_only] != [n.start for n in original]
    velocity_only = run("velocity.mid", "--balance", "1")
    assert [(n.pitch, n.start) for n in velocity_only] == [(n.pitch, n.start) for n in original]
    assert velocity_only != original


def test_default_output_is_next_to_the_input(groove_cli: Cli, funk_midi: Path) -> None:
    result = groove_cli("humanize", funk_midi, "--seed", "1")
    assert result.ok, result
    out = funk_midi.with_name("funk.humanized.mid")
    assert result.stdout.strip() == str(out) and out.exists()


def test_other_tracks_stay_as_they_are(groove_cli: Cli, tmp_path: Path) -> None:
    from lmms_magenta.testing import write_midi_clip

    bass = [MidiNote(40, b, Fraction(1, 2), 80, 0) for b in range(16)]
    src = write_midi_clip(tmp_path / "band.mid", funk_notes(4) + bass, name="Band")
    after = _humanize(groove_cli, src, tmp_path / "out.mid", "--seed", "2")
    assert [n for n in after if n.channel == 0] == bass
    assert len(after) == len(funk_notes(4)) + len(bass)
