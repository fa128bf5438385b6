"""Which channels a project has, solo copies and faders - on real demo files, no rendering."""

from __future__ import annotations

import gain_support
import pytest
from lmms_magenta_gain import units

from lmms_magenta.errors import UserError
from lmms_magenta.lmms import InstrumentTrack, Project


@pytest.fixture
def song() -> Project:
    if not gain_support.DEMO.exists():
        pytest.skip(f"LMMS demo project {gain_support.DEMO} not found")
    return Project.load(gain_support.DEMO)


def test_mixer_view_of_the_demo(song: Project) -> None:
    found = units.channels(song)  # auto: six mixer channels are used -> mixer view
    assert [c.name for c in found] == [
        "Kick", "Snare", "HiHat", "Pinao", "Bass", "Strings", "Open HiHat 02",
    ]  # fmt: skip
    assert [c.kind for c in found] == ["mixer"] * 6 + ["track"]
    snare = found[1]
    assert snare.tracks == ("Snare 05", "Snare 06") and snare.number == 2
    assert found[-1].label == "Open HiHat 02 (track)"


def test_track_view_of_the_demo(song: Project) -> None:
    found = units.channels(song, "track")
    assert len(found) == 9 and all(c.kind == "track" for c in found)


def test_select_by_name_number_or_key(song: Project) -> None:
    found = units.channels(song)
    picked = units.select(found, ["kick", "5", "track:beat:3"], project="song")
    assert [c.name for c in picked] == ["Kick", "Bass", "Open HiHat 02"]
    with pytest.raises(UserError, match=r"no channel named 'Cowbell'.*'Kick'"):
        units.select(found, ["Cowbell"], project="song.mmpz")


def test_solo_project_mutes_everything_else(song: Project) -> None:
    snare = units.channels(song)[1]
    solo = units.solo_project(song, snare)
    playing = [
        t.name
        for t in solo.tracks + solo.beat_instruments
        if isinstance(t, InstrumentTrack) and not t.muted
    ]
    assert playing == ["Snare 05", "Snare 06"]
    assert not any(t.muted for t in song.beat_instruments)  # the original is untouched


def test_solo_copies_depend_only_on_what_is_heard(song: Project) -> None:
    """Moving another channel's fader does not change a solo copy (render cache hits)."""
    found = units.channels(song)
    before = units.solo_project(song, found[0]).to_bytes(compressed=False)
    units.set_fader(song, found[2], 0.5)
    units.set_fader(song, found[6], 1.5)
    assert units.solo_project(song, found[0]).to_bytes(compressed=False) == before
    units.set_fader(song, found[0], 0.5)
    assert units.solo_project(song, found[0]).to_bytes(compressed=False) != before


def test_faders_are_linear_and_clamped(song: Project) -> None:
    kick, hat = units.channels(song)[0], units.channels(song)[-1]
    units.set_fader(song, kick, 0.25)
    assert units.fader(song, kick) == pytest.approx(0.25)
    units.set_fader(song, hat, 3.0)  # over the top: clamped to +6 dB
    assert units.fader(song, hat) == pytest.approx(units.MAX_FADER)
    hat_track = song.beat_instruments[3]
    assert hat_track.volume == pytest.approx(200.0)


def test_master_gain_combines_master_volume_and_fader(song: Project) -> None:
    song.master_volume = 50.0
    units.set_master_fader(song, 0.5)
    assert units.master_fader(song) == pytest.approx(0.5)
    assert units.master_gain(song) == pytest.approx(0.25)


def test_automated_volumes_are_flagged() -> None:
    path = gain_support.PROJECTS_DIR / "demos" / "Impulslogik-Zen.mmpz"
    if not path.exists():
        pytest.skip(f"{path} not found")
    found = units.channels(Project.load(path), "track")
    assert any(c.automated for c in found)
