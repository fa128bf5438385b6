"""The parameter schema: coercion, normalization, errors, JSON round trips."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
from lmms_magenta.tonal import SCALES, TONICS


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


# --- property tests ------------------------------------------------------------------------

names = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)
finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9)


@st.composite
def numbers(draw: st.DrawFn) -> Number:
    # + 0.0 turns -0.0 into 0.0: sorted() keeps (0.0, -0.0) as it is (they compare equal),
    # and hypothesis refuses floats(min_value=0.0, max_value=-0.0)
    low, high = sorted((draw(finite) + 0.0, draw(finite) + 0.0))
    default = draw(st.floats(min_value=low, max_value=high))
    unit = draw(st.sampled_from(["", "%", "ms", "dB"]))
    return Number(draw(names), default=default, min=low, max=high, unit=unit, help=draw(st.text()))


@st.composite
def integers(draw: st.DrawFn) -> Integer:
    low, high = sorted((draw(st.integers(-1000, 1000)), draw(st.integers(-1000, 1000))))
    return Integer(draw(names), default=draw(st.integers(low, high)), min=low, max=high)


@st.composite
def choices(draw: st.DrawFn) -> Choice:
    options = draw(st.lists(st.from_regex(r"[a-z]{1,8}", fullmatch=True), min_size=1, unique=True))
    helps = {c: draw(st.text(max_size=20)) for c in options if draw(st.booleans())}
    return Choice(
        draw(names),
        default=draw(st.sampled_from(options)),
        choices=tuple(options),
        choice_help=helps,
    )


@st.composite
def texts(draw: st.DrawFn) -> Text:
    """Text parameters with every option, and a default they accept (or None)."""
    non_empty = draw(st.booleans())
    max_length = draw(st.none() | st.integers(1, 30))
    pattern = draw(st.sampled_from(["", r"[a-z ]*", r"[A-Za-z0-9 ]+"]))
    default = draw(
        st.none()
        | st.from_regex(r"[a-z]{1,5}( [a-z]{1,5})?", fullmatch=True).filter(
            lambda t: max_length is None or len(t) <= max_length
        )
    )
    return Text(
        draw(names),
        default=default,
        max_length=max_length,
        pattern=pattern,
        non_empty=non_empty,
        multiline=draw(st.booleans()),
        metavar=draw(st.sampled_from(["TEXT", "NAME", "TRACK_NAME"])),
        help=draw(st.text(max_size=20)),
    )


params = st.one_of(
    numbers(),
    integers(),
    choices(),
    st.builds(Bool, names, default=st.booleans()),
    st.builds(Pitch, names, default=st.integers(0, 127)),
    st.builds(Key, names, default=st.sampled_from(TONICS)),
    st.builds(Scale, names, default=st.sampled_from(sorted(SCALES))),
    st.builds(Seed, names, default=st.none() | st.integers(0, SEED_MAX)),
    st.builds(
        File,
        names,
        role=st.sampled_from(["input", "output"]),
        suffixes=st.lists(st.sampled_from([".mid", ".mmp", ".mmpz"]), unique=True).map(tuple),
        is_required=st.booleans(),
    ),
    texts(),
)
schemas = st.lists(params, max_size=8, unique_by=lambda p: p.name).map(lambda ps: Schema(*ps))


@given(schemas)
def test_property_json_round_trip(schema: Schema) -> None:
    assert Schema.from_json(json.loads(json.dumps(schema.to_json()))) == schema


@given(params)
def test_property_default_validates_to_itself(param: Param) -> None:
    if isinstance(param, File):
        return  # files are checked against the disk
    assert param.coerce(param.default) == param.default


@given(params)
def test_property_string_form_validates_like_the_value(param: Param) -> None:
    """What the CLI or a preset writes as text means the same as the Python value."""
    if isinstance(param, File) or param.default is None:
        return
    text = repr(param.default) if isinstance(param.default, float) else str(param.default)
    assert param.coerce(text) == param.default


@given(numbers(), finite)
def test_property_number_in_range_or_error(param: Number, value: float) -> None:
    assert param.min is not None and param.max is not None
    if param.min <= value <= param.max:
        assert param.coerce(value) == value
    else:
        with pytest.raises(ParameterError, match=f"parameter '{param.name}'"):
            param.coerce(value)


@given(texts(), st.text(max_size=40))
def test_property_text_is_kept_or_refused_in_one_line(param: Text, value: str) -> None:
    """Accepted text comes back unchanged; refused text gets one line naming the parameter."""
    try:
        assert param.coerce(value) == value
    except ParameterError as err:
        message = str(err)
        assert "\n" not in message and message.startswith(
            f"invalid value for parameter '{param.name}'"
        )
    else:
        assert param.max_length is None or len(value) <= param.max_length
        assert not param.non_empty or value.strip()
        assert not param.pattern or re.fullmatch(param.pattern, value)
        assert param.multiline or not {"\n", "\r"} & set(value)


@given(st.integers(0, 127))
def test_property_pitch_name_round_trip(note: int) -> None:
    from lmms_magenta.tonal import pitch_name

    assert Pitch("p").coerce(pitch_name(note)) == note
    assert Pitch("p").coerce(str(note)) == note


@given(st.sampled_from(TONICS), st.sampled_from([str.lower, str.upper, str.strip]))
def test_property_key_normalization_idempotent(tonic: str, mangle: Any) -> None:
    key = Key("k")
    normalized = key.coerce(mangle(tonic))
    assert normalized == tonic
    assert key.coerce(normalized) == normalized


@given(schemas, st.data())
def test_property_validate_is_idempotent(schema: Schema, data: st.DataObject) -> None:
    plain = Schema(*(p for p in schema if not isinstance(p, File)))
    values = {p.name: data.draw(st.just(p.default)) for p in plain if data.draw(st.booleans())}
    once = plain.validate(values)
    assert plain.validate(once) == once
    assert all(not (isinstance(v, float) and math.isnan(v)) for v in once.values())
