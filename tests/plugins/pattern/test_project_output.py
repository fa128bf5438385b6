"""Generated clips written into LMMS projects: Beat+Bassline kit mapping, instrument
tracks, placement, backups; and the real LMMS renders them (not silent)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pattern_support import drum_grid

from lmms_magenta.errors import UserError
from lmms_magenta.lmms import BeatTrack, InstrumentTrack, Project
from lmms_magenta.lmms.drumkit import instrument_drum_class
from lmms_magenta.music import DrumClass, drum_class

Run = Callable[..., Any]
DEMO = Path(os.environ.get("LMMS_PROJECTS", "/usr/share/lmms/projects"))
CAPDAN = DEMO / "demos/CapDan/CapDan-ReggaeTry.mmpz"


def _new_project(tmp_path: Path, name: str = "song.mmp", meter: tuple[int, int] = (4, 4)) -> Path:
    path = tmp_path / name
    Project.new(tempo=110, meter=meter).save(path)
    return path


def _beat(project: Project, name: str) -> BeatTrack:
    (beat,) = [b for b in project.beat_tracks if b.name == name]
    return beat


def _hits(project: Project, beat: BeatTrack) -> dict[str, list[int]]:
    """Instrument name -> steps hit in ``beat``."""
    out = {}
    for inst in project.beat_instruments:
        pattern = project.beat_pattern(beat, inst)
        if pattern is not None and pattern.notes:
            out[inst.name] = [n.pos // 12 for n in pattern.notes]
    return out


def test_drums_into_a_new_project(run_feature: Run, tmp_path: Path) -> None:
    path = _new_project(tmp_path)
    res = run_feature("generate.drums", bars=2, count=2, seed=3, into=path, at=3)
    assert res.project == path and path in res.paths and os.fspath(res) == os.fspath(path)
    assert (tmp_path / "song.mmp.bak").is_file()
    project = Project.load(path)
    for i, (name, clip) in enumerate(
        zip(["Pattern drums", "Pattern drums 2"], res.clips, strict=True)
    ):
        beat = _beat(project, name)
        assert [(c.pos, c.length) for c in beat.clips] == [(192 * (2 + 2 * i), 384)]
        grid = drum_grid(clip)
        written = _hits(project, beat)
        for inst in project.beat_instruments:
            cls = instrument_drum_class(inst)
            assert cls is not None and inst.name == f"Pattern {cls.label}"
            assert written.get(inst.name, []) == list(np.nonzero(grid[:, int(cls)])[0])
            pattern = project.beat_pattern(beat, inst)
            assert pattern is not None and pattern.steps == 32


def test_drums_use_the_projects_own_kit(run_feature: Run, tmp_path: Path) -> None:
    if not CAPDAN.is_file():
        pytest.skip(f"LMMS demo {CAPDAN} not installed")
    path = tmp_path / CAPDAN.name
    path.write_bytes(CAPDAN.read_bytes())
    before = [t.name for t in Project.load(path).beat_instruments]
    res = run_feature(
        "generate.drums", bars=4, seed=1, into=path, track="Drum I", at=1, complexity=0.5
    )
    project = Project.load(path)
    kit = {t.name: instrument_drum_class(t) for t in project.beat_instruments}
    assert [t.name for t in project.beat_instruments][: len(before)] == before
    written = _hits(project, _beat(project, "Drum I"))
    clip = res.clips[0]
    classes = {int(c) for c in (drum_class(n.pitch) for n in clip.notes) if c is not None}
    if int(DrumClass.KICK) in classes:
        assert "BD 03" in written
    if int(DrumClass.SNARE) in classes:
        assert "Snare 05" in written and "Snare 06" not in written
    # every hit went somewhere: the count of (step, instrument) cells matches the clip's
    # drum classes after the kit folded the missing ones onto related instruments
    assert (
        sum(len(v) for v in written.values()) >= len({(n.start, n.pitch) for n in clip.notes}) // 2
    )
    for note in res.warnings:
        assert "played by" in note or note.startswith("added")
    assert all(kit[name] is not None for name in written)


def test_melody_into_an_instrument_track(run_feature: Run, tmp_path: Path) -> None:
    path = _new_project(tmp_path)
    res = run_feature(
        "generate.melody", bars=4, count=2, seed=2, into=path, track="Lead", at=5, key="A"
    )
    project = Project.load(path)
    (lead,) = [t for t in project.tracks if t.name == "Lead"]
    assert isinstance(lead, InstrumentTrack)
    assert [p.pos for p in lead.patterns] == [192 * 4, 192 * 8]
    for pattern, clip in zip(lead.patterns, res.clips, strict=True):
        assert [(n.pos, n.key + 12) for n in pattern.notes] == [
            (n.start // 10, n.pitch) for n in clip.notes
        ]


def test_a_project_in_3_4_is_refused(run_feature: Run, tmp_path: Path) -> None:
    path = _new_project(tmp_path, meter=(3, 4))
    with pytest.raises(UserError, match="3/4; patterns need 4/4"):
        run_feature("generate.drums", into=path)


def test_a_song_track_that_is_no_instrument_is_refused(run_feature: Run, tmp_path: Path) -> None:
    path = _new_project(tmp_path)
    project = Project.load(path)
    project.add_beat_track("Beat")
    project.save(path)
    with pytest.raises(UserError, match="'Beat' is not an instrument track"):
        run_feature("generate.melody", into=path, track="Beat")


def _loud(samples: Any, start_s: float, end_s: float) -> float:
    part = samples[int(start_s * 44100) : int(end_s * 44100)]
    return float(np.abs(part).max()) if part.size else 0.0


@pytest.mark.lmms
def test_generated_drums_and_melody_render_in_lmms(
    run_feature: Run, tmp_path: Path, render: Callable[[Path], Any]
) -> None:
    path = _new_project(tmp_path)  # 110 bpm: a bar is 2.18 s
    run_feature("generate.drums", bars=2, seed=4, into=path, at=1, complexity=0.5)
    run_feature("generate.melody", bars=2, seed=4, into=path, at=1, complexity=0.5)
    audio = render(path)
    assert audio.shape[0] >= 44100 * 4
    assert _loud(audio, 0.0, 4.3) > 0.01


@pytest.mark.lmms
def test_drums_written_into_a_demo_render(
    run_feature: Run, tmp_path: Path, render: Callable[[Path], Any]
) -> None:
    if not CAPDAN.is_file():
        pytest.skip(f"LMMS demo {CAPDAN} not installed")
    path = tmp_path / CAPDAN.name
    path.write_bytes(CAPDAN.read_bytes())
    original = render(path)
    at = Project.load(path).length // 192 + 3  # two bars after the song's end
    run_feature("generate.drums", bars=2, seed=2, into=path, track="AI beat", at=at)
    edited = render(path)
    bar_s = 4 * 60 / 180  # the demo plays at 180 bpm
    start = (at - 1) * bar_s
    assert _loud(original, start, start + 2 * bar_s) < 1e-4
    assert _loud(edited, start, start + 2 * bar_s) > 0.01
