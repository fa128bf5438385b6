"""Editing projects in place: only what is edited changes; new content is valid LMMS XML.

Rendering checks of the same edits are in test_render_lmms.py; here the XML itself
is checked (fast, no LMMS needed).
"""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from lmms_support import demo, xml_difference

from lmms_magenta.errors import ParameterError, UserError
from lmms_magenta.lmms import STEP_HIT_LENGTH, InstrumentTrack, LmmsNote, PatternKind, Project


def _without(root: ET.Element, doomed: ET.Element) -> ET.Element:
    """A copy of ``root`` without element ``doomed`` (found by identity)."""
    clone = copy.deepcopy(root)
    pairs = dict(zip(root.iter(), clone.iter(), strict=True))
    for parent in root.iter():
        if doomed in list(parent):
            pairs[parent].remove(pairs[doomed])
    return clone


def test_added_track_is_the_only_change(tmp_path: Path) -> None:
    path = demo("CapDan-ReggaeTry.mmpz")
    song = Project.load(path)
    lead = song.add_instrument_track("Lead", "TripleOscillator", volume=80, mixer_channel=4)
    lead.add_pattern(song.bar_tick(3), [LmmsNote(0, 48, 60), LmmsNote(48, 96, 64, vol=150)])
    out = tmp_path / "edited.mmpz"
    song.save(out)
    reread = Project.load(out)
    added = reread.track_container.findall("track")[-1]
    assert xml_difference(_without(reread.root, added), Project.load(path).root) is None
    track = reread.find_track("Lead")
    assert isinstance(track, InstrumentTrack)
    assert (track.instrument, track.volume, track.mixer_channel) == ("tripleoscillator", 80, 4)
    [pattern] = track.patterns
    assert (pattern.pos, pattern.kind, pattern.length) == (384, PatternKind.MELODY, 192)
    assert pattern.notes == [LmmsNote(0, 48, 60), LmmsNote(48, 96, 64, vol=150)]
    assert added.find("instrumenttrack/instrument/tripleoscillator") is not None


def test_unknown_instrument_or_channel_is_refused() -> None:
    song = Project.new()
    with pytest.raises(ParameterError, match="unknown LMMS instrument 'superSaw'"):
        song.add_instrument_track("x", "superSaw")
    with pytest.raises(ParameterError, match="no channel 3"):
        song.add_instrument_track("x", "kicker", mixer_channel=3)
    assert song.track_container.findall("track") == []


def test_replace_notes_of_an_existing_pattern_keeps_everything_else() -> None:
    path = demo("Skiessi-C64.mmpz")
    song = Project.load(path)
    track = song.tracks[0]
    assert isinstance(track, InstrumentTrack)
    pattern = track.patterns[1]
    new = [LmmsNote(0, 24, 40, vol=90, pan=-20), LmmsNote(192, 48, 47)]
    pattern.set_notes(new)
    assert pattern.notes == new
    assert pattern.element.get("len") == "384"  # grew to two bars, as LMMS computes it
    assert pattern.element.get("type") == "1"
    original = Project.load(path)
    before = original.tracks[0].patterns[1].element  # type: ignore[attr-defined]
    # the rest of the document is untouched
    assert (
        xml_difference(_without(song.root, pattern.element), _without(original.root, before))
        is None
    )


def test_step_patterns_of_a_beat_track() -> None:
    song = Project.load(demo("CapDan-ReggaeTry.mmpz"))
    beat = song.beat_tracks[1]
    snare = song.beat_instruments[1]
    assert song.beat_pattern(beat, snare).notes == []  # type: ignore[union-attr]
    hits = [LmmsNote(p, STEP_HIT_LENGTH, 57, vol=v) for p, v in ((48, 100), (144, 120))]
    pattern = song.set_beat_notes(beat, snare, hits)
    assert pattern.pos == 192 and pattern.notes == hits
    assert pattern.kind == PatternKind.BEAT and pattern.element.get("type") == "0"
    assert pattern.steps == 32  # kept


def test_step_pattern_is_created_where_missing_and_grows_steps() -> None:
    song = Project.new(meter=(3, 4))  # 144 ticks, 12 steps per bar
    beat0 = song.add_beat_track("A")
    beat1 = song.add_beat_track("B")
    kick = song.add_beat_instrument("Kick")
    assert kick.instrument == "kicker"
    # only the first beat track carries the Beat+Bassline editor
    assert beat0.element.find("bbtrack/trackcontainer") is not None
    assert beat1.element.find("bbtrack/trackcontainer") is None
    pattern = song.set_beat_notes(beat1, kick, [LmmsNote(p, -192, 57) for p in (0, 150)])
    assert pattern.pos == 144
    assert pattern.steps == 24 and pattern.length == 288
    with pytest.raises(ParameterError, match="not in the Beat"):
        song.set_beat_notes(beat0, song.add_instrument_track("Lead"), [])


def test_volumes_edit_the_form_that_is_there() -> None:
    song = Project.load(demo("Socceroos-Progress.mmpz"))
    twinkle = song.find_track("twinkle")
    assert isinstance(twinkle, InstrumentTrack)
    twinkle.volume = 50
    vol = twinkle.element.find("instrumenttrack/vol")
    assert vol is not None and vol.attrib == {
        "scale_type": "linear",
        "id": "6272167",
        "value": "50",
    }
    assert "vol" not in twinkle.element.find("instrumenttrack").attrib  # type: ignore[union-attr]
    song.tempo = 95.5
    assert song.head.get("bpm") == "95.5"
    channel = song.mixer.channel(0)
    assert channel is not None
    channel.volume = 0.8
    assert channel.element.get("volume") == "0.8"
    with pytest.raises(ParameterError, match="0-200"):
        twinkle.volume = 250
    with pytest.raises(ParameterError, match="10-999"):
        song.tempo = 5


def test_new_mixer_channel_reaches_the_master() -> None:
    song = Project.new()
    channel = song.mixer.add_channel("Drums", volume=0.7)
    assert channel.number == 1
    assert channel.sends == [(0, 1.0)]
    assert channel.volume == 0.7
    assert song.add_instrument_track("Kick", "kicker", mixer_channel=1).mixer_channel == 1


def test_new_project_is_minimal_and_valid(tmp_path: Path) -> None:
    song = Project.new(tempo=90, meter=(6, 8), master_volume=80)
    assert (song.tempo, song.meter, song.master_volume, song.ticks_per_bar) == (90, (6, 8), 80, 144)
    hidden = song.song.findall("track")
    assert [t.get("type") for t in hidden] == ["6"]
    assert [(c.number, c.name) for c in song.mixer_channels] == [(0, "Master")]
    with pytest.raises(UserError, match="no file yet"):
        song.save()
    with pytest.raises(UserError, match="no file yet"):  # a source name is not a save path
        Project.from_bytes(song.to_bytes(), source="clipboard").save()
    path = tmp_path / "new.mmp"
    assert song.save(path) is None
    assert path.read_bytes().startswith(b'<?xml version="1.0"?>\n<!DOCTYPE lmms-project>\n')
    assert Project.load(path).meter == (6, 8)


def test_save_in_place_keeps_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "song.mmpz"
    original = demo("Greshz-CoolSnip.mmpz").read_bytes()
    path.write_bytes(original)
    song = Project.load(path)
    song.tempo = 100
    backup = song.save()
    assert backup == tmp_path / "song.mmpz.bak"
    assert backup.read_bytes() == original
    assert Project.load(path).tempo == 100


def test_new_elements_are_indented_like_their_neighbours() -> None:
    song = Project.load(demo("Greshz-CoolSnip.mmpz"))
    song.add_instrument_track("Lead").add_pattern(0, [LmmsNote(0, 12, 60)])
    text = song.to_bytes(compressed=False).decode()
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if 'name="Lead"' in line)
    assert lines[start].startswith("      <track ")  # same depth as the other tracks
    assert lines[start + 1].startswith("        <instrumenttrack ")
    assert any(line.startswith("          <note ") for line in lines[start:])


def test_mute_and_solo_edit_the_form_that_is_there() -> None:
    song = Project.new()
    lead = song.add_instrument_track("Lead")
    assert (lead.muted, lead.solo) == (False, False)
    lead.muted = True
    lead.solo = True
    assert (lead.element.get("muted"), lead.element.get("solo")) == ("1", "1")
    assert (lead.muted, lead.solo) == (True, True)
    # automated mute: LMMS writes <muted id=".." value=".."/>; the id must survive
    lead.element.attrib.pop("muted")
    ET.SubElement(lead.element, "muted", {"id": "4242", "value": "1"})
    lead.muted = False
    assert lead.element.find("muted").attrib == {"id": "4242", "value": "0"}  # type: ignore[union-attr]
    assert "muted" not in lead.element.attrib and not lead.muted
    channel = song.mixer.add_channel("Drums")
    channel.muted = True
    channel.soloed = True
    assert (channel.element.get("muted"), channel.element.get("soloed")) == ("1", "1")
    assert channel.muted and channel.soloed
