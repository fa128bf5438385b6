"""The parameter schema under generated declarations and values (hypothesis): JSON round
trips, defaults and their string forms, ranges, text rules, pitches, keys, idempotence."""

from __future__ import annotations

import json
import math
import re
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
)
from lmms_magenta.tonal import SCALES, TONICS

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
