"""LMMS projects in and out: Beat+Bassline patterns, instrument tracks, drumify's new beat."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from groove_support import demo_project

from lmms_magenta.lmms import LmmsNote, Project
from lmms_magenta.testing import CliResult

Cli = Callable[..., CliResult]


@pytest.fixture
def capdan(tmp_path: Path) -> Path:
    """A copy of LMMS's CapDan-ReggaeTry demo (5 Beat+Bassline tracks, 4/4, 180 bpm)."""
    copy = tmp_path / "capdan.mmpz"
    copy.write_bytes(demo_project("CapDan-ReggaeTry.mmpz").read_bytes())
    return copy


def _beats(path: Path) -> dict[tuple[str, int], list[LmmsNote]]:
    """(instrument, beat index) -> notes of every Beat+Bassline pattern."""
    project = Project.load(path)
    out = {}
    for beat in project.beat_tracks:
        for inst in project.beat_instruments:
            pattern = project.beat_pattern(beat, inst)
            if pattern is not None:
                out[(inst.name, beat.index)] = pattern.notes
    return out


def test_humanize_a_beat_writes_back_into_its_patterns(
    groove_cli: Cli, capdan: Path, tmp_path: Path
) -> None:
    out = tmp_path / "humanized.mmpz"
    original = capdan.read_bytes()
    result = groove_cli("humanize", capdan, "--track", "Drum I", "-o", out, "--seed", "4")
    assert result.ok, result
    assert capdan.read_bytes() == original  # -o: the input is not touched
    before, after = _beats(capdan), _beats(out)
    assert before.keys() == after.keys()
    for (name, beat), notes in before.items():
        new = after[(name, beat)]
        assert len(new) == len(notes), name  # no hit added or dropped
        assert all(n.length == -192 and n.key == 57 for n in new)  # still step hits
        if beat != 0:
            assert new == notes, (name, beat)  # other beats untouched
    changed = [k for k in before if k[1] == 0 and before[k] != after[k]]
    assert len(changed) >= 3  # kick, snare, hats of beat 0 ("Drum I") got a groove
    positions = {n.pos for k in changed for n in after[k]}
    assert any(p % 12 for p in positions)  # some hits sit between the 16th steps now


def test_in_place_keeps_a_backup(groove_cli: Cli, capdan: Path) -> None:
    original = capdan.read_bytes()
    result = groove_cli("humanize", capdan, "--track", "Drum II", "--seed", "1")
    assert result.ok, result
    assert result.stdout.strip() == str(capdan)
    assert capdan.with_name("capdan.mmpz.bak").read_bytes() == original
    assert capdan.read_bytes() != original


def test_intensity_zero_changes_no_note(groove_cli: Cli, capdan: Path, tmp_path: Path) -> None:
    out = tmp_path / "same.mmpz"
    assert groove_cli("humanize", capdan, "--track", "Drum I", "--intensity", "0", "-o", out).ok
    assert _beats(out) == _beats(capdan)


def _song_with_kit(tmp_path: Path) -> Path:
    """A project whose drums are song-editor tracks: a sample kick, a General MIDI kit."""
    project = Project.new(tempo=110)
    kick = project.add_instrument_track(
        "Kick", "audiofileprocessor", settings={"src": "drums/kick01.ogg"}
    )
    kick.add_pattern(0, [LmmsNote(s * 12, 12, 57) for s in range(0, 64, 4)])
    kit = project.add_instrument_track("Drum kit", "tripleoscillator")
    hats = [LmmsNote(s * 12, 6, 42 - 12, 90) for s in range(0, 64, 2)]
    snares = [LmmsNote(s * 12, 6, 38 - 12, 120) for s in range(4, 64, 8)]
    kit.add_pattern(192, hats + snares)  # starts at bar 2
    path = tmp_path / "kit.mmp"
    project.save(path, backup=False)
    return path


def test_humanize_an_instrument_track(groove_cli: Cli, tmp_path: Path) -> None:
    src = _song_with_kit(tmp_path)
    out = tmp_path / "out.mmp"
    assert groove_cli("humanize", src, "--track", "Drum kit", "-o", out, "--seed", "2").ok
    before = Project.load(src).find_track("Drum kit").patterns  # type: ignore[attr-defined]
    after = Project.load(out).find_track("Drum kit").patterns  # type: ignore[attr-defined]
    assert [p.pos for p in after] == [p.pos for p in before] == [192]
    old, new = before[0].notes, after[0].notes
    assert sorted((n.key, n.length) for n in new) == sorted((n.key, n.length) for n in old)
    assert sorted((n.pos, n.vol) for n in new) != sorted((n.pos, n.vol) for n in old)
    kick = Project.load(out).find_track("Kick").patterns[0].notes  # type: ignore[attr-defined]
    assert kick == Project.load(src).find_track("Kick").patterns[0].notes  # type: ignore[attr-defined]


def test_drumify_adds_a_beat_that_plays_where_the_source_plays(
    groove_cli: Cli, capdan: Path, tmp_path: Path
) -> None:
    out = tmp_path / "drumified.mmpz"
    result = groove_cli("drumify", capdan, "--track", "Bass Slap 02", "-o", out, "--seed", "1")
    assert result.ok, result
    project = Project.load(out)
    beat = project.beat_tracks[-1]
    assert beat.name == "Drumify Bass Slap 02" and beat.index == 5
    assert [(c.pos, c.length) for c in beat.clips] == [(0, 28 * 192)]
    drums = [t for t in project.beat_instruments if t.name.startswith("Drumify ")]
    assert len(drums) >= 2  # several voices, not one
    for inst in drums:
        # LMMS finds beat i's pattern as the i-th of the list: one per beat, in order
        assert [p.pos for p in inst.patterns] == [b.index * 192 for b in project.beat_tracks]
        hits = project.beat_pattern(beat, inst).notes  # type: ignore[union-attr]
        assert hits and all(n.length == -192 for n in hits)
    # the old beats and tracks are all still there
    assert [b.name for b in project.beat_tracks[:5]] == [
        b.name for b in Project.load(capdan).beat_tracks
    ]


@pytest.mark.lmms
def test_lmms_renders_the_humanized_demo(
    groove_cli: Cli, capdan: Path, tmp_path: Path, render: Callable[[Path], object]
) -> None:
    import numpy as np

    out = tmp_path / "humanized.mmpz"
    assert groove_cli("humanize", capdan, "--track", "Drum I", "-o", out, "--seed", "4").ok
    drumified = tmp_path / "drumified.mmpz"
    assert groove_cli("drumify", capdan, "--track", "Bass Slap 02", "-o", drumified).ok
    a, b, c = (np.asarray(render(p)) for p in (capdan, out, drumified))
    for audio in (b, c):
        assert np.abs(audio).max() > 0.05  # not silent
        assert audio.shape == a.shape
        assert np.sqrt(np.mean((audio - a) ** 2)) > 0.01  # and not the original


@pytest.mark.lmms
def test_lmms_plays_moved_hits_at_their_tick(
    groove_cli: Cli, tmp_path: Path, render: Callable[[Path], object]
) -> None:
    import numpy as np

    bpm, rate = 60.0, 44100
    project = Project.new(tempo=bpm)
    kick = project.add_beat_instrument("Kick", "audiofileprocessor")
    beat = project.beat_tracks[0]
    project.set_beat_notes(
        beat, kick, [LmmsNote(s * 12, -192, 57) for s in (0, 3, 6, 10, 14, 16, 19, 22, 26, 30)]
    )
    beat.add_clip(0, 2 * 192)
    src = tmp_path / "kick.mmp"
    project.save(src, backup=False)
    out = tmp_path / "out.mmp"
    result = groove_cli("humanize", src, "--track", beat.name, "-o", out, "--balance", "-1")
    assert result.ok, result
    done = Project.load(out)
    pattern = done.beat_pattern(done.beat_tracks[0], done.beat_instruments[0])
    assert pattern is not None
    hits = sorted(n.pos for n in pattern.notes)
    assert any(p % 12 for p in hits)  # the groove moved some hits off the steps
    audio = np.abs(np.asarray(render(out))).max(axis=1)
    for pos in hits:
        at = round(pos / 48 * 60 / bpm * rate)  # 1 tick = 20.8 ms = 919 samples here
        after = audio[at + 5 : at + 400]
        before = audio[at - 400 : at - 20] if at > 400 else np.zeros(1)
        assert before.max() < 0.01 < after.max(), pos  # silent until the tick, then the kick


def test_a_bass_in_the_beat_editor_is_left_alone_with_a_warning(
    groove_cli: Cli, tmp_path: Path
) -> None:
    project = Project.new()
    kick = project.add_beat_instrument("Kick", "kicker")
    bass = project.add_beat_instrument("Bass", "tripleoscillator")
    beat = project.beat_tracks[0]
    project.set_beat_notes(beat, kick, [LmmsNote(s * 12, -192, 57) for s in range(0, 16, 2)])
    project.set_beat_notes(beat, bass, [LmmsNote(s * 12, 12, 45) for s in range(0, 16, 3)])
    beat.add_clip(0)
    src, out = tmp_path / "bb.mmp", tmp_path / "out.mmp"
    project.save(src, backup=False)
    result = groove_cli("humanize", src, "--track", beat.name, "-o", out, "--seed", "1")
    assert result.ok, result
    assert "warning" in result.stderr and "'Bass' is not recognised as a drum" in result.stderr
    before, after = _beats(src), _beats(out)
    assert after[("Bass", 0)] == before[("Bass", 0)]
    assert after[("Kick", 0)] != before[("Kick", 0)]
