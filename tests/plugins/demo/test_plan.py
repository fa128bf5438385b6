"""The demo's musical plan: the form of the song and what the seed decides."""

from __future__ import annotations

import pytest
from lmms_magenta_demo.plan import SETTINGS, Placement, plan_song

from lmms_magenta.errors import ParameterError
from lmms_magenta.params import SCALES
from lmms_magenta.tonal import normalize_tonic


def _cover(placements: tuple[Placement, ...], bars: int) -> list[int]:
    """How many clips of a part play in each bar (1-based bars -> list index bar - 1)."""
    count = [0] * bars
    for p in placements:
        for bar in range(p.bar, p.bar + p.bars):
            count[bar - 1] += 1
    return count


def test_eight_bars_have_a_beat_a_fill_an_aaba_bass_and_a_late_melody() -> None:
    plan = plan_song(seed=1, bars=8)
    assert [(p.bar, p.bars, p.variant) for p in plan.drums] == [(1, 6, 0), (7, 2, 1)]
    assert [(p.bar, p.variant) for p in plan.bass] == [(1, 0), (3, 0), (5, 1), (7, 0)]
    assert [(p.bar, p.variant) for p in plan.melody] == [(3, 0), (5, 1), (7, 0)]


@pytest.mark.parametrize("bars", [4, 8, 16, 30, 64])
def test_drums_and_bass_play_every_bar_once_and_the_melody_all_but_the_intro(bars: int) -> None:
    plan = plan_song(seed=3, bars=bars)
    assert _cover(plan.drums, bars) == [1] * bars
    assert _cover(plan.bass, bars) == [1] * bars
    assert _cover(plan.melody, bars) == [0, 0] + [1] * (bars - 2)
    assert plan.drums[-1].variant == 1  # the song ends with the fill


@pytest.mark.parametrize("bars", [0, 2, 3, 9])
def test_odd_or_too_short_lengths_are_refused_in_words(bars: int) -> None:
    with pytest.raises(ParameterError, match=f"even number of bars.*got {bars}"):
        plan_song(seed=1, bars=bars)


def test_the_seed_decides_the_setting_and_gives_each_part_its_own_seed() -> None:
    assert plan_song(5) == plan_song(5)
    settings = {plan_song(seed).setting for seed in range(len(SETTINGS))}
    assert settings == set(SETTINGS)
    plan = plan_song(2**32 - 1)
    seeds = [plan.seed_for(p) for p in ("drums", "fill", "bass", "melody", "groove")]
    assert len(set(seeds)) == 5
    assert all(0 <= s < 2**32 for s in seeds)


def test_every_setting_is_a_key_scale_and_style_the_features_accept() -> None:
    from lmms_magenta_groove.styles import STYLES as GROOVE_STYLES
    from lmms_magenta_pattern.styles import DRUM_STYLES

    for s in SETTINGS:
        assert normalize_tonic(s.key) == s.key
        assert s.scale in SCALES
        assert s.style in DRUM_STYLES and s.style in GROOVE_STYLES
        assert 60 <= s.tempo <= 180
