"""The real LMMS renders what we write: round trips, new projects, and edits.

Every test here runs the ``lmms`` program (marked ``lmms``; skipped with a reason
when it is not installed). Renders are 32-bit float WAVs compared sample by sample.
The edit oracle (measured, see FACTS): LMMS mixes linearly, so the render of an
edited project minus the render of the original equals the render of what was added.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from lmms_support import FAST_DEMOS, demo

from lmms_magenta.lmms import STEP_HIT_LENGTH, LmmsNote, Project

pytestmark = pytest.mark.lmms

SILENCE = 1e-4  # peak below this counts as silence


def _peak(audio: Any) -> float:
    return float(np.abs(audio).max()) if audio.size else 0.0


def _padded(audio: Any, frames: int) -> Any:
    out = np.zeros((frames, audio.shape[1]), dtype=np.float64)
    n = min(frames, audio.shape[0])
    out[:n] = audio[:n]
    return out


@pytest.mark.parametrize("name", FAST_DEMOS)
def test_written_demo_renders_exactly_like_the_original(
    name: str, tmp_path: Path, render: Any
) -> None:
    original = demo(name)
    written = tmp_path / name
    Project.load(original).save(written)
    a, rate_a = render(original)
    b, rate_b = render(written)
    assert rate_a == rate_b
    assert a.shape == b.shape
    assert _peak(a) > 0.05, "the original demo should not be silent"
    assert np.array_equal(a, b)


def _melody_and_drums(tmp_path: Path) -> tuple[Path, Project]:
    """A project from scratch: a lead melody in bar 1, a kick/snare beat in bar 2."""
    song = Project.new(tempo=120, meter=(4, 4))  # 2 s per bar
    lead = song.add_instrument_track("Lead", "TripleOscillator")
    lead.add_pattern(
        song.bar_tick(1), [LmmsNote(i * 48, 40, key) for i, key in enumerate((57, 60, 64, 69))]
    )
    beat = song.add_beat_track("Drums")
    kick = song.add_beat_instrument("Kick", "kicker")
    snare = song.add_beat_instrument(
        "Snare", "AudioFileProcessor", settings={"src": "drums/snare01.ogg"}
    )
    song.set_beat_notes(beat, kick, [LmmsNote(p, STEP_HIT_LENGTH, 57) for p in (0, 96)])
    song.set_beat_notes(beat, snare, [LmmsNote(p, STEP_HIT_LENGTH, 57) for p in (48, 144)])
    beat.add_clip(song.bar_tick(2))
    path = tmp_path / "scratch.mmpz"
    song.save(path)
    return path, song


def test_project_from_scratch_renders_melody_and_drums(tmp_path: Path, render: Any) -> None:
    path, song = _melody_and_drums(tmp_path)
    audio, rate = render(path)
    # LMMS renders whole bars up to the last clip's end, plus one bar of tail
    bars = -(-song.length // song.ticks_per_bar) + 1
    assert song.length == 2 * 192
    assert audio.shape[0] == pytest.approx(bars * 2.0 * rate, abs=rate * 0.01)
    bar = 2 * rate
    melody, drums, tail = audio[: bar - 4000], audio[bar : 2 * bar - 4000], audio[-bar // 2 :]
    assert _peak(melody) > 0.05, "the TripleOscillator melody in bar 1 is silent"
    assert _peak(drums) > 0.05, "the Kicker/AudioFileProcessor beat in bar 2 is silent"
    assert _peak(tail) < SILENCE
    # each drum is really heard: the beat without the snare is different
    song.set_beat_notes(song.beat_tracks[0], song.beat_instruments[1], [])
    song.save()
    without_snare, _ = render(path)
    assert _peak(audio[bar:] - without_snare[bar : bar + audio.shape[0] - bar]) > 0.05


def test_added_track_is_exactly_what_changes_in_the_render(tmp_path: Path, render: Any) -> None:
    """Oracle: render(edited) - render(original) == render(the added track alone)."""
    original = demo("Greshz-CoolSnip.mmpz")
    song = Project.load(original)
    tpb = song.ticks_per_bar
    notes = [LmmsNote(i * 24, 20, 50 + i) for i in range(8)]

    def add_lead(project: Project) -> None:
        lead = project.add_instrument_track("Added lead", "tripleoscillator", volume=60)
        lead.add_pattern(tpb * 2, notes)  # bar 3, inside the original song

    add_lead(song)
    edited = tmp_path / "edited.mmpz"
    song.save(edited)
    alone = Project.new(tempo=song.tempo, meter=song.meter, master_volume=song.master_volume)
    add_lead(alone)
    solo = tmp_path / "solo.mmpz"
    alone.save(solo)

    o, _ = render(original)
    e, _ = render(edited)
    s, _ = render(solo)
    assert e.shape == o.shape
    assert _peak(s) > 0.05
    diff = e.astype(np.float64) - o
    assert np.max(np.abs(diff - _padded(s, e.shape[0]))) < 1e-5


def test_master_and_mixer_volume_edits_scale_the_render(tmp_path: Path, render: Any) -> None:
    original = demo("CapDan-ReggaeTry.mmpz")
    o, _ = render(original)
    song = Project.load(original)
    song.master_volume = 50
    song.mixer.channel(0).volume = 0.5  # type: ignore[union-attr]
    edited = tmp_path / "quiet.mmpz"
    song.save(edited)
    e, _ = render(edited)
    assert e.shape == o.shape
    assert np.max(np.abs(e - 0.25 * o)) < 1e-5


def test_a_muted_track_is_silent(tmp_path: Path, render: Any) -> None:
    """Muting a track renders exactly like leaving it out."""

    def song(*names: str) -> Project:
        project = Project.new()
        for key, name in ((45, "Bass"), (69, "Lead")):
            if name in names:
                track = project.add_instrument_track(name)
                track.add_pattern(0, [LmmsNote(0, 96, key), LmmsNote(96, 96, key + 3)])
        return project

    def rendered(project: Project, name: str) -> Any:
        path = tmp_path / f"{name}.mmp"
        project.save(path, backup=False)
        return render(path)[0]

    bass = rendered(song("Bass"), "bass")
    both = song("Bass", "Lead")
    both.find_track("Lead").muted = True  # type: ignore[union-attr]
    muted = rendered(both, "muted")
    both.find_track("Lead").muted = False  # type: ignore[union-attr]
    audible = rendered(both, "audible")
    assert _peak(bass) > 0.05
    frames = max(muted.shape[0], bass.shape[0])
    assert np.max(np.abs(_padded(muted, frames) - _padded(bass, frames))) < 1e-6
    assert _peak(_padded(audible, frames) - _padded(bass, frames)) > 0.05  # the lead is back
