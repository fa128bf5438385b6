"""``generate.interpolate``: N clips from A to B, spherical in latent space."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pattern_support import drum_grid

from lmms_magenta.errors import UserError
from lmms_magenta.music import read_midi

Run = Callable[..., Any]


def _distance(a: Any, b: Any) -> float:
    return float(np.abs(drum_grid(a).astype(int) - drum_grid(b).astype(int)).sum())


def test_steps_go_from_a_to_b(run_feature: Run, drum_midi: Path, other_drum_midi: Path) -> None:
    res = run_feature("generate.interpolate", start=drum_midi, end=other_drum_midi, steps=6)
    clips = res.clips
    assert len(clips) == 6 and res.kind == "drums"
    first, last = clips[0], clips[-1]
    to_a = [_distance(c, first) for c in clips]
    to_b = [_distance(c, last) for c in clips]
    # moving along the path: ever further from the first step, ever nearer the last
    assert to_a[0] == 0 and to_a[-1] == max(to_a) > 0
    assert to_b[-1] == 0 and to_b[0] == max(to_b)
    assert np.corrcoef(to_a, range(6))[0, 1] > 0.8
    assert clips[0].name == "Rock to clip 1/6"


def test_the_ends_are_the_clips_as_the_model_hears_them(
    run_feature: Run, drum_midi: Path, other_drum_midi: Path
) -> None:
    from lmms_magenta_pattern.inputs import read_clip

    res = run_feature("generate.interpolate", start=drum_midi, end=other_drum_midi, steps=3)
    a = read_clip(drum_midi, "drums", None, 1, 16).with_ppq(480)
    b = read_clip(other_drum_midi, "drums", None, 1, 16).with_ppq(480)
    assert _distance(res.clips[0], a) < _distance(res.clips[0], b)
    assert _distance(res.clips[-1], b) < _distance(res.clips[-1], a)


def test_temperature_0_is_deterministic_whatever_the_seed(
    run_feature: Run, drum_midi: Path, other_drum_midi: Path
) -> None:
    a = run_feature("generate.interpolate", start=drum_midi, end=other_drum_midi, seed=1)
    b = run_feature("generate.interpolate", start=drum_midi, end=other_drum_midi, seed=2)
    assert [c.notes for c in a.clips] == [c.notes for c in b.clips]


def test_melodies_interpolate_too(run_feature: Run, melody_midi: Path, tmp_path: Path) -> None:
    from lmms_magenta.testing import MidiNote, write_midi_clip

    other = write_midi_clip(tmp_path / "low.mid", [MidiNote(60 + (i % 5), i, 1) for i in range(16)])
    out = tmp_path / "morph.mid"
    res = run_feature(
        "generate.interpolate",
        start=melody_midi,
        end=other,
        steps=4,
        output=out,
        layout="sequence",
    )
    assert res.kind == "melody" and res.paths == [out]
    (clip,) = read_midi(out).clips
    assert clip.bar_count == 16  # 4 steps of 4 bars one after another


def test_drums_and_a_melody_do_not_mix(
    run_feature: Run, drum_midi: Path, melody_midi: Path
) -> None:
    with pytest.raises(UserError, match=r"tune\.mid.*(not|no) drum track"):
        run_feature("generate.interpolate", start=drum_midi, end=melody_midi)
