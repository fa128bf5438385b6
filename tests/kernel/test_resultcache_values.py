"""How the result cache stores values: the form chosen for each, and no pickle either way."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest

from lmms_magenta.resultcache.values import decode, encode


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (b"\x00RIFF", "bytes"),
        (bytearray(b"ab"), "bytes"),
        (np.arange(6, dtype=np.float32).reshape(2, 3), "npy"),
        ({"notes": [[36, 0.0, 0.25, 100]], "bars": 2}, "json"),
        ("ünïcode", "json"),
    ],
)
def test_each_value_takes_its_form_and_round_trips(value: object, kind: str) -> None:
    got_kind, data = encode(value)
    assert got_kind == kind
    back = decode(got_kind, data)
    if kind == "npy":
        assert isinstance(back, np.ndarray)
        assert back.dtype == np.float32
        np.testing.assert_array_equal(back, value)
    else:
        assert back == (bytes(value) if isinstance(value, bytearray) else value)


@pytest.mark.parametrize(
    "value",
    [np.array([object(), 1], dtype=object), {"x": math.nan}, {1, 2}],
    ids=["object array", "nan", "set"],
)
def test_values_without_a_safe_form_are_type_errors(value: object) -> None:
    with pytest.raises(TypeError, match=r"cannot cache this|not JSON serializable"):
        encode(value)


def test_a_pickled_array_in_the_file_is_never_unpickled() -> None:
    """A tampered entry holding a pickled object array must not run pickle on load."""
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="allow_pickle"):
        decode("npy", buffer.getvalue())
