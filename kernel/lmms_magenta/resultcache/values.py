"""How a result is stored in the cache: raw bytes, numpy arrays as ``.npy``, else JSON.

Kept apart from the SQLite store because it is the one place that decides what may be
cached and how it round-trips, whatever the storage. Arrays are written with
``allow_pickle=False`` and read the same way, so a tampered cache file can never run
code; a value none of the three forms can hold (an object array, a NaN, a set) raises
TypeError.

numpy is imported only when an array is encoded or decoded.
"""

from __future__ import annotations

import io
import json
from typing import Any

__all__ = ["decode", "encode"]


def encode(value: Any) -> tuple[str, bytes]:
    """``(kind, data)`` for a value: raw bytes, ``.npy`` for numpy arrays, else JSON."""
    if isinstance(value, bytes | bytearray | memoryview):
        return "bytes", bytes(value)
    if type(value).__module__ == "numpy" and type(value).__name__ == "ndarray":
        import numpy as np

        buffer = io.BytesIO()
        try:
            np.save(buffer, value, allow_pickle=False)
        except ValueError as err:  # object arrays would need pickle: refused
            raise TypeError(f"cannot cache this array: {err}") from err
        return "npy", buffer.getvalue()
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    except ValueError as err:
        raise TypeError(f"cannot cache this value: {err}") from err
    return "json", text.encode("utf-8")


def decode(kind: str, data: bytes) -> Any:
    """The value :func:`encode` stored."""
    if kind == "bytes":
        return bytes(data)
    if kind == "npy":
        import numpy as np

        return np.load(io.BytesIO(data), allow_pickle=False)
    return json.loads(data.decode("utf-8"))
