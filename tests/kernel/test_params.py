"""The parameter schema: coercion, normalization, errors, JSON round trips."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lmms_magenta.errors import ParameterError
from lmms_magenta.params import (
    SEED_MAX,
    Bool,
    Choice,
    File,
    Integer,
    Key,
    Number,
    Param,
    Pitch,
    Scale,
    Schema,
    Seed,
    Text,
    pick_seed,
)


def humanize_schema() -> Schema:
    return Schema(
        File("input", suffixes=(".mid", ".midi"), help="the clip to humanize"),
        File("output", role="output", suffixes=(".mid",), is_required=False),
        Number("intensity", default=50, min=0, max=100, unit="%", step=1),
        Number("timing_balance", default=0.5, min=0, max=1),
        Integer("bars", default=2, min=1, max=16, unit="bars"),
        Choice(
            "style",
            default="funk",
            choices=("funk", "jazz", "Rock"),
            choice_help={"jazz": "swung eighths"},
        ),
        Bool("keep_accents", default=True),
        Pitch("lowest", default="C2"),
        Key("key", default="c#"),
        Scale("scale", default="Harmonic Minor"),
        Seed("seed"),
        Text("title", default="My groove", max_length=40, metavar="TITLE"),
    )


def error_of(schema: Schema, values: dict[str, Any]) -> str:
    with pytest.raises(ParameterError) as info:
        schema.validate(values)
    message = str(info.value)
    assert "\n" not in message
    return message


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    path = tmp_path / "Clip.MID"
    path.write_bytes(b"MThd")
    return path


# --- declaration ------------------------------------------------------------------------


def test_defaults_are_normalized_at_declaration() -> None:
    schema = humanize_schema()
    assert schema["intensity"].default == 50.0
    assert isinstance(schema["intensity"].default, float)
    assert schema["lowest"].default == 36
    assert schema["key"].default == "C#"
    assert schema["scale"].default == "harmonic-minor"


@pytest.mark.parametrize(
    "make",
    [
        lambda: Number("x", default=2, min=0, max=1),
        lambda: Number("x", default=0, min=1, max=0),
        lambda: Integer("x", default=0, min=1),
        lambda: Choice("x", default="c", choices=("a", "b")),
        lambda: Choice("x", default="a", choices=("a", "A")),
        lambda: Choice("x", default="a", choices=("a",), choice_help={"b": "?"}),
        lambda: Pitch("x", default="H2"),
        lambda: Key("x", default="X"),
        lambda: Scale("x", default="major", choices=("minor",)),
        lambda: Scale("x", choices=("klingon",)),
        lambda: File("x", suffixes=("mid",)),
        lambda: Number("Bad-Name"),
        lambda: Seed("x", default=-1),
        lambda: Text("x", max_length=0),
        lambda: Text("x", pattern="(unclosed"),
        lambda: Text("x", metavar="name"),
        lambda: Text("x", default=" ", non_empty=True),
        lambda: Text("x", default="abc", max_length=2),
    ],
)
def test_bad_declarations_raise_value_error(make: Any) -> None:
    with pytest.raises(ValueError):
        make()


def test_duplicate_names_are_refused() -> None:
    with pytest.raises(ValueError, match="duplicate parameter names: a"):
        Schema(Number("a"), Integer("a"))


def test_file_role_decides_positional_and_existence() -> None:
    inp, out = File("input"), File("output", role="output")
    assert (inp.positional, inp.must_exist) == (True, True)
    assert (out.positional, out.must_exist) == (False, False)


# --- validate: happy paths ---------------------------------------------------------------


def test_validate_fills_defaults_in_schema_order(clip: Path) -> None:
    values = humanize_schema().validate({"input": str(clip)})
    assert list(values) == list(humanize_schema().names)
    assert values["input"] == clip
    assert values["output"] is None
    assert values["intensity"] == 50.0
    assert values["seed"] is None


def test_validate_coerces_cli_strings(clip: Path) -> None:
    values = humanize_schema().validate(
        {
            "input": str(clip),
            "intensity": "30 %",
            "timing-balance": "0.25",
            "bars": "4 bars",
            "style": "ROCK",
            "keep_accents": "no",
            "lowest": "Bb2",
            "key": "e flat",
            "scale": "aeolian",
            "seed": "42",
        }
    )
    assert values["intensity"] == 30.0
    assert values["timing_balance"] == 0.25
    assert values["bars"] == 4
    assert values["style"] == "Rock"
    assert values["keep_accents"] is False
    assert values["lowest"] == 46
    assert values["key"] == "Eb"
    assert values["scale"] == "minor"
    assert values["seed"] == 42


def test_none_means_default(clip: Path) -> None:
    values = humanize_schema().validate({"input": clip, "intensity": None})
    assert values["intensity"] == 50.0


def test_partial_validation_returns_only_given() -> None:
    assert humanize_schema().validate({"style": "jazz", "bars": 3}, partial=True) == {
        "bars": 3,
        "style": "jazz",
    }


def test_output_file_needs_existing_folder(tmp_path: Path, clip: Path) -> None:
    schema = humanize_schema()
    ok = schema.validate({"input": clip, "output": str(tmp_path / "out.mid")})
    assert ok["output"] == tmp_path / "out.mid"
    message = error_of(schema, {"input": clip, "output": str(tmp_path / "no" / "out.mid")})
    assert "'output'" in message and "folder that does not exist" in message


# --- validate: errors ---------------------------------------------------------------------


def test_out_of_range_names_param_value_and_range(clip: Path) -> None:
    message = error_of(humanize_schema(), {"input": clip, "intensity": "150%"})
    assert message == (
        "invalid value for parameter 'intensity': '150%' is out of range "
        "(allowed: a number from 0 to 100 %)"
    )


def test_unknown_name_suggests_close_match() -> None:
    message = error_of(humanize_schema(), {"intensty": 3})
    assert "unknown parameter 'intensty'" in message
    assert "did you mean 'intensity'?" in message


def test_bad_choice_suggests_and_lists() -> None:
    message = error_of(humanize_schema(), {"style": "funky"})
    assert "did you mean 'funk'?" in message
    assert "one of funk, jazz, Rock" in message


def test_missing_required_file() -> None:
    message = error_of(humanize_schema(), {})
    assert message.startswith("missing required parameter 'input'")
    assert ".mid or .midi" in message


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        ({"input": "nope.mid"}, "does not exist"),
        ({"input": "song.wav"}, "wrong file type"),
        ({"bars": "2.5"}, "not a whole number"),
        ({"bars": True}, "not a whole number"),
        ({"intensity": "nan"}, "not a finite number"),
        ({"intensity": "loud"}, "is not a number"),
        ({"intensity": 10**400}, "not a finite number"),
        ({"keep_accents": "maybe"}, "yes/no"),
        ({"lowest": "C11"}, "not a note"),
        ({"lowest": 128}, "out of range"),
        ({"key": "H"}, "note letter"),
        ({"scale": "klingon"}, "harmonic-minor"),
        ({"seed": -3}, "out of range"),
        ({"seed": "abc"}, "0 to 4294967295"),
        ({"title": 42}, "is not text"),
        ({"title": "two\nlines"}, "has a line break"),
        ({"title": "x" * 41}, "is 41 characters long"),
        ({"title": "bell\x07"}, "has a control character"),
    ],
)
def test_bad_values(clip: Path, values: dict[str, Any], fragment: str) -> None:
    name = next(iter(values))
    full = {"input": clip, **values}
    message = error_of(humanize_schema(), full)
    assert f"parameter '{name}'" in message
    assert fragment in message


def test_input_folder_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "drums.mid"
    folder.mkdir()
    assert "is not a file" in error_of(humanize_schema(), {"input": folder})


# --- text --------------------------------------------------------------------------------


def track_name() -> Text:
    return Text(
        "track",
        non_empty=True,
        max_length=12,
        pattern=r"[A-Za-z0-9 ()+-]+",
        pattern_help="letters, digits, spaces and ()+-",
        metavar="NAME",
    )


def test_text_is_kept_exactly_as_given() -> None:
    assert track_name().coerce(" Drum (I) ") == " Drum (I) "
    assert track_name().coerce(None) is None  # not given
    assert Text("notes", multiline=True).coerce("a\r\nb\tc") == "a\r\nb\tc"
    assert Text("any").coerce("") == ""


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("   ", "is empty"),
        ("Drums & Bass", "does not match"),
        ("Kick\u0000", "has a control character"),
        ("Beat/Bassline 12", "is 16 characters long"),
    ],
)
def test_text_errors_are_one_line_in_the_schema_style(value: str, problem: str) -> None:
    message = error_of(Schema(track_name()), {"track": value})
    assert message == (
        f"invalid value for parameter 'track': {value!r} {problem} (allowed: a non-empty "
        "line of text of at most 12 characters: letters, digits, spaces and ()+-)"
    )


def test_text_describes_itself_without_help_words() -> None:
    assert Text("t").allowed() == "a line of text"
    assert Text("t", multiline=True, pattern="[a-z]*").allowed() == (
        "a piece of text matching [a-z]*"
    )


# --- seeds -------------------------------------------------------------------------------


def test_seed_words_mean_random() -> None:
    seed = Seed("seed")
    assert [seed.coerce(w) for w in ("random", "none", "", "AUTO")] == [None] * 4


def test_pick_and_resolve_seeds(clip: Path) -> None:
    assert pick_seed(7) == 7
    picked = {pick_seed(None) for _ in range(20)}
    assert len(picked) > 1 and all(0 <= s <= SEED_MAX for s in picked)
    schema = humanize_schema()
    resolved = schema.resolve_seeds(schema.validate({"input": clip}))
    assert isinstance(resolved["seed"], int)
    assert schema.resolve_seeds({"seed": 5})["seed"] == 5


# --- JSON --------------------------------------------------------------------------------


def test_schema_json_round_trip() -> None:
    schema = humanize_schema()
    text = json.dumps(schema.to_json())
    again = Schema.from_json(json.loads(text))
    assert again == schema
    assert hash(again) == hash(schema)
    described = {p["name"]: p for p in json.loads(text)["params"]}
    assert described["title"]["kind"] == "text" and described["title"]["metavar"] == "TITLE"
    assert Param.from_json(track_name().to_json()) == track_name()
    assert described["intensity"]["kind"] == "number"
    assert described["intensity"]["unit"] == "%"
    assert described["style"]["choice_help"] == [["jazz", "swung eighths"]]


def test_from_json_rejects_unknown_kind_and_fields() -> None:
    with pytest.raises(ValueError, match="unknown parameter kind"):
        Param.from_json({"kind": "colour", "name": "x"})
    with pytest.raises(ValueError, match="unknown fields"):
        Param.from_json({"kind": "bool", "name": "x", "colour": 1})
    with pytest.raises(ValueError, match="params"):
        Schema.from_json({})
