"""Fuzzing the project readers: whatever the bytes, the only failure is FileFormatError.

Three generators: raw bytes (with and without a qCompress frame), single-byte damage
to a real project, and structurally plausible LMMS XML with random values. For
every input that loads, the overview (which reads every typed view) must work too,
and saving then loading must give the same document.
"""

from __future__ import annotations

import zlib
from xml.sax.saxutils import quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmms_magenta.errors import FileFormatError
from lmms_magenta.lmms import Project
from lmms_magenta.lmms.summary import summarize

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _read_everything(data: bytes) -> None:
    try:
        project = Project.from_bytes(data, source="fuzz.mmpz")
        summarize(project)
    except FileFormatError as err:
        assert str(err).startswith("fuzz.mmpz: ")
        assert "\n" not in str(err)
        return
    again = Project.from_bytes(project.to_bytes(), source="again.mmpz")
    assert again.to_bytes() == project.to_bytes()


def _seed_project() -> bytes:
    from lmms_magenta.lmms import STEP_HIT_LENGTH, LmmsNote

    song = Project.new(tempo=130)
    lead = song.add_instrument_track("Lead", "tripleoscillator")
    lead.add_pattern(0, [LmmsNote(0, 24, 60), LmmsNote(24, 24, 62, vol=80, pan=10)])
    beat = song.add_beat_track()
    kick = song.add_beat_instrument("Kick")
    song.set_beat_notes(beat, kick, [LmmsNote(0, STEP_HIT_LENGTH, 57)])
    beat.add_clip(192)
    song.mixer.add_channel("Drums", 0.5)
    return song.to_bytes(compressed=False)


SEED = _seed_project()


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    _read_everything(data)


@FUZZ
@given(st.binary(max_size=200), st.integers(0, 2**32 - 1))
def test_random_compressed_payloads(payload: bytes, declared: int) -> None:
    _read_everything(declared.to_bytes(4, "big") + zlib.compress(payload))


@FUZZ
@given(st.data())
def test_damaged_real_project(data: st.DataObject) -> None:
    raw = bytearray(SEED if data.draw(st.booleans()) else zlib.compress(SEED))
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    _read_everything(bytes(raw) if raw[:1] == b"<" else len(SEED).to_bytes(4, "big") + raw)


_VALUES = st.one_of(
    st.integers(-(2**40), 2**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", "0", "1", "-192", "abc", "1e999", "0x10", " 5 ", "١٢"]),
)
_NAMES = st.sampled_from(
    [
        "pos",
        "len",
        "key",
        "vol",
        "pan",
        "type",
        "steps",
        "muted",
        "name",
        "fxch",
        "num",
        "volume",
        "channel",
        "amount",
        "bpm",
        "mastervol",
        "timesig_numerator",
        "timesig_denominator",
        "value",
        "id",
        "tone",
        "oct",
    ]
)
_TAGS = st.sampled_from(
    [
        "track",
        "instrumenttrack",
        "instrument",
        "pattern",
        "note",
        "bbtrack",
        "trackcontainer",
        "bbtco",
        "sampletrack",
        "sampletco",
        "automationpattern",
        "fxmixer",
        "fxchannel",
        "send",
        "vol",
        "volume",
        "bpm",
    ]
)


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    attrs = st.dictionaries(_NAMES, _VALUES, max_size=5).map(
        lambda d: "".join(f" {k}={quoteattr(v)}" for k, v in d.items())
    )
    return st.builds(
        lambda tag, a, kids: f"<{tag}{a}>{''.join(kids)}</{tag}>",
        _TAGS,
        attrs,
        st.lists(children, max_size=4),
    )


_TREES = st.recursive(_element(st.just("")), _element, max_leaves=25)


@FUZZ
@given(
    st.dictionaries(_NAMES, _VALUES, max_size=4),
    st.lists(_TREES, max_size=4),
    st.lists(_TREES, max_size=2),
)
def test_plausible_lmms_xml_with_random_values(
    head: dict[str, str], tracks: list[str], song_extra: list[str]
) -> None:
    head_attrs = "".join(f" {k}={quoteattr(v)}" for k, v in head.items())
    xml = (
        f'<lmms-project type="song"><head{head_attrs}/><song>'
        f'<trackcontainer type="song">{"".join(tracks)}</trackcontainer>'
        f"{''.join(song_extra)}</song></lmms-project>"
    )
    _read_everything(xml.encode())
