"""``generate.variations``: new patterns near a clip, further away with a bigger radius."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pattern_support import drum_grid

from lmms_magenta.errors import UserError
from lmms_magenta.lmms import Project
from lmms_magenta.music import read_midi
from lmms_magenta.testing import MidiNote, write_midi_clip

Run = Callable[..., Any]


def _distance(a: np.ndarray, b: np.ndarray) -> float:
    """Share of drum cells (step x class) that differ."""
    return float(np.abs(a.astype(int) - b.astype(int)).mean())


def _source_grid(path: Path) -> np.ndarray:
    from lmms_magenta_pattern.inputs import read_clip

    clip = read_clip(path, "drums", None, 1, 4).with_ppq(480)
    return drum_grid(clip)


def test_variations_are_near_the_clip_and_move_away_with_the_radius(
    run_feature: Run, drum_midi: Path
) -> None:
    source = _source_grid(drum_midi)
    mean_distance = []
    for radius in (0.0, 0.3, 1.0):
        res = run_feature(
            "generate.variations", clip=drum_midi, radius=radius, count=6, seed=2, temperature=0.0
        )
        assert res.kind == "drums"
        mean_distance.append(np.mean([_distance(drum_grid(c), source) for c in res.clips]))
    assert mean_distance[0] < mean_distance[1] < mean_distance[2], mean_distance
    assert mean_distance[0] < 0.05  # radius 0: the clip as the model hears it


def test_variations_keep_length_tempo_and_are_distinct(
    run_feature: Run, drum_midi: Path, tmp_path: Path
) -> None:
    res = run_feature(
        "generate.variations", clip=drum_midi, count=4, seed=1, output=tmp_path / "vars"
    )
    assert len({c.notes for c in res.clips}) == 4
    for clip in res.clips:
        assert clip.is_drum and clip.bar_count == 4 and clip.tempo == pytest.approx(100)
        assert clip.name.startswith("Rock variation")
    assert res.paths == [tmp_path / "vars" / f"variation-0{i}.mid" for i in range(1, 5)]
    assert read_midi(res.paths[0]).clips[0].notes == res.clips[0].notes


def test_same_seed_same_variations(run_feature: Run, drum_midi: Path) -> None:
    a = run_feature("generate.variations", clip=drum_midi, count=3, seed=8)
    b = run_feature("generate.variations", clip=drum_midi, count=3, seed=8)
    assert [c.notes for c in a.clips] == [c.notes for c in b.clips]


def test_melody_variations_stay_in_the_clips_register(run_feature: Run, melody_midi: Path) -> None:
    res = run_feature("generate.variations", clip=melody_midi, radius=0.2, count=3, seed=4)
    assert res.kind == "melody"
    for clip in res.clips:
        assert not clip.is_drum and clip.bar_count == 4
        pitches = [n.pitch for n in clip.notes]
        assert 55 <= np.median(pitches) <= 80  # the tune is G4-D5


def test_a_high_melody_comes_back_at_its_octave(run_feature: Run, tmp_path: Path) -> None:
    high = [MidiNote(96 + (i % 3) * 2, i, 1) for i in range(16)]  # C7-E7, above the model
    path = write_midi_clip(tmp_path / "high.mid", high)
    res = run_feature("generate.variations", clip=path, radius=0.0, count=1, temperature=0)
    assert min(n.pitch for n in res.clips[0].notes) >= 84


def test_the_bars_to_vary_can_be_chosen(run_feature: Run, drum_midi: Path) -> None:
    res = run_feature("generate.variations", clip=drum_midi, from_bar=2, bars=1, seed=1)
    assert all(c.bar_count == 1 for c in res.clips)


def test_drums_from_a_beat_bassline_track(run_feature: Run, tmp_path: Path) -> None:
    from lmms_magenta.lmms import STEP_HIT_LENGTH, LmmsNote

    project = Project.new(tempo=128)
    beat = project.add_beat_track("Beat 1")
    kick = project.add_beat_instrument("Kick", "kicker")
    snare = project.add_beat_instrument("Snare 01")
    project.set_beat_notes(beat, kick, [LmmsNote(s * 12, STEP_HIT_LENGTH, 57) for s in (0, 8)])
    project.set_beat_notes(beat, snare, [LmmsNote(s * 12, STEP_HIT_LENGTH, 57) for s in (4, 12)])
    beat.add_clip(0, 192 * 2)
    path = tmp_path / "song.mmp"
    project.save(path)
    res = run_feature("generate.variations", clip=path, count=2, seed=1, radius=0.2)
    assert res.kind == "drums" and res.clips[0].tempo == 128


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"clip_track": "Nope"}, "no track named 'Nope'"),
        ({"kind": "melody"}, "no melodic track"),
        ({"from_bar": 9}, "after its end"),
    ],
)
def test_bad_choices_are_user_errors(
    run_feature: Run, drum_midi: Path, params: dict[str, Any], message: str
) -> None:
    with pytest.raises(UserError, match=message) as err:
        run_feature("generate.variations", clip=drum_midi, **params)
    assert "rock.mid" in str(err.value)


def test_a_waltz_is_refused(run_feature: Run, tmp_path: Path) -> None:
    path = write_midi_clip(
        tmp_path / "waltz.mid", [MidiNote(60, i, 1) for i in range(6)], meter=(3, 4)
    )
    with pytest.raises(UserError, match="3/4; patterns need 4/4"):
        run_feature("generate.variations", clip=path)
