"""Presets: save/load round trip, validation against the schema, errors naming the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmms_magenta.errors import FileFormatError, ParameterError
from lmms_magenta.params import Choice, File, Integer, Number, Pitch, Schema, Seed
from lmms_magenta.presets import PRESET_FORMAT, load_preset, save_preset

SCHEMA = Schema(
    File("input", suffixes=(".mid",)),
    Number("intensity", default=50, min=0, max=100, unit="%"),
    Integer("bars", default=2, min=1, max=16),
    Choice("style", default="funk", choices=("funk", "jazz")),
    Pitch("root", default="C4"),
    Seed("seed"),
)


def test_round_trip_writes_all_settings_but_files(tmp_path: Path) -> None:
    path = tmp_path / "tight funk.json"
    save_preset(
        SCHEMA,
        {"intensity": "40%", "root": "A3", "input": "x.mid"},
        path,
        feature="groove.humanize",
    )
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == PRESET_FORMAT
    assert doc["feature"] == "groove.humanize"
    assert doc["params"] == {
        "intensity": 40.0,
        "bars": 2,
        "style": "funk",
        "root": 57,
        "seed": None,
    }
    loaded = load_preset(SCHEMA, path, feature="groove.humanize")
    assert loaded == {"intensity": 40.0, "bars": 2, "style": "funk", "root": 57}


def test_save_keeps_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    save_preset(SCHEMA, {"bars": 3}, path)
    save_preset(SCHEMA, {"bars": 4}, path)
    assert json.loads((tmp_path / "p.json.bak").read_text())["params"]["bars"] == 3
    assert load_preset(SCHEMA, path)["bars"] == 4


def test_save_refuses_bad_values_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    with pytest.raises(ParameterError, match="'bars'"):
        save_preset(SCHEMA, {"bars": 99}, path)
    with pytest.raises(ParameterError, match="unknown parameter 'barz'"):
        save_preset(SCHEMA, {"barz": 3}, path)
    assert not path.exists()


def write(path: Path, doc: object) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "error", "fragment"),
    [
        ("{not json", FileFormatError, "invalid JSON"),
        (b"\xff\xfe", FileFormatError, "invalid JSON"),
        ([1, 2], FileFormatError, "'format' must be"),
        ({"format": "other"}, FileFormatError, "'format' must be"),
        ({"format": PRESET_FORMAT, "version": 99}, FileFormatError, "version 99"),
        ({"format": PRESET_FORMAT, "version": 1, "params": []}, FileFormatError, "'params'"),
        (
            {"format": PRESET_FORMAT, "version": 1, "params": {"bars": 0}},
            ParameterError,
            "invalid value for parameter 'bars': 0 is out of range",
        ),
        (
            {"format": PRESET_FORMAT, "version": 1, "params": {"stlye": "jazz"}},
            ParameterError,
            "did you mean 'style'",
        ),
        (
            {"format": PRESET_FORMAT, "version": 1, "params": {"input": "a.mid"}},
            ParameterError,
            "presets cannot set files",
        ),
        (
            {"format": PRESET_FORMAT, "version": 1, "feature": "melody.continue", "params": {}},
            ParameterError,
            "for feature 'melody.continue', not 'groove.humanize'",
        ),
    ],
)
def test_bad_presets_name_the_file(
    tmp_path: Path, content: object, error: type[Exception], fragment: str
) -> None:
    path = tmp_path / "bad.json"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        write(path, content)
    with pytest.raises(error) as info:
        load_preset(SCHEMA, path, feature="groove.humanize")
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert fragment in message
    assert "\n" not in message


def test_missing_and_huge_files(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match="file not found"):
        load_preset(SCHEMA, tmp_path / "nope.json")
    huge = tmp_path / "huge.json"
    huge.write_bytes(b" " * 1_000_001)
    with pytest.raises(FileFormatError, match="larger than the limit"):
        load_preset(SCHEMA, huge)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=30)
@given(
    intensity=st.floats(0, 100),
    bars=st.integers(1, 16),
    style=st.sampled_from(["funk", "jazz", "JAZZ"]),
    root=st.integers(0, 127),
)
def test_property_round_trip(
    tmp_path: Path, intensity: float, bars: int, style: str, root: int
) -> None:
    path = tmp_path / "p.json"
    values = {"intensity": intensity, "bars": bars, "style": style, "root": root}
    save_preset(SCHEMA, values, path)
    assert load_preset(SCHEMA, path) == SCHEMA.validate(values, partial=True)
