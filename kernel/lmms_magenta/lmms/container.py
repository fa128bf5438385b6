"""The two on-disk forms of an LMMS project: plain XML (.mmp) and compressed (.mmpz).

A ``.mmpz`` file is Qt's ``qCompress`` output: a 4-byte big-endian length of the
uncompressed data, then one zlib stream. Hand-written (20 lines over :mod:`zlib`)
because no maintained library reads Qt's framing, and because the size checks must
happen *before* any memory is spent:

* the file itself, the length header and the inflated output are each capped at
  :data:`MAX_PROJECT_BYTES`; inflation stops as soon as the cap is passed, so a
  zip bomb costs at most the cap;
* a stream that ends early (truncated file), carries trailing junk, or fails zlib's
  checksum is refused.

The form is recognised by content, not by the file name, so a misnamed file still
loads. LMMS itself picks the form by suffix when it opens a file, so
:func:`wants_compression` does the same when saving.
"""

from __future__ import annotations

import os
import zlib
from pathlib import PurePath

from ..errors import FileFormatError

__all__ = ["MAX_PROJECT_BYTES", "pack", "unpack", "wants_compression"]

#: Largest project accepted, compressed or not (the biggest LMMS demo inflates to 1.1 MB).
MAX_PROJECT_BYTES = 256 * 1024 * 1024

_UTF8_BOM = b"\xef\xbb\xbf"


def _looks_like_xml(data: bytes) -> bool:
    head = data[:64].removeprefix(_UTF8_BOM).lstrip(b" \t\r\n")
    return head.startswith(b"<")


def _looks_like_qcompress(data: bytes) -> bool:
    # zlib header: CM=8 (deflate), CINFO<=7, and (CMF*256 + FLG) divisible by 31
    return (
        len(data) >= 6
        and data[4] & 0x0F == 8
        and data[4] >> 4 <= 7
        and ((data[4] << 8) | data[5]) % 31 == 0
    )


def unpack(
    data: bytes, *, source: str | os.PathLike[str], limit: int = MAX_PROJECT_BYTES
) -> tuple[bytes, bool]:
    """Return ``(xml_bytes, was_compressed)`` for the raw bytes of a project file.

    Raises :class:`FileFormatError` naming ``source`` when the bytes are neither XML
    nor a qCompress stream, are truncated or corrupt, or exceed ``limit``.
    """
    if len(data) > limit:
        raise FileFormatError(f"file is larger than the limit of {limit} bytes", path=source)
    if not data.strip():
        raise FileFormatError("file is empty", path=source)
    if _looks_like_xml(data):
        return data, False
    if not _looks_like_qcompress(data):
        raise FileFormatError(
            "not an LMMS project (neither XML nor a compressed .mmpz)", path=source
        )
    declared = int.from_bytes(data[:4], "big")
    if declared > limit:
        raise FileFormatError(
            f"compressed project claims {declared} bytes, more than the limit of {limit}",
            path=source,
        )
    inflater = zlib.decompressobj()
    try:
        xml = inflater.decompress(data[4:], limit + 1)
    except zlib.error as err:
        raise FileFormatError(f"corrupt compressed project ({err})", path=source) from None
    if len(xml) > limit or inflater.unconsumed_tail:
        raise FileFormatError(
            f"compressed project inflates to more than the limit of {limit} bytes", path=source
        )
    if not inflater.eof:
        raise FileFormatError("compressed project is truncated", path=source)
    if inflater.unused_data:
        raise FileFormatError("unexpected data after the compressed project", path=source)
    # Qt sizes its buffer from the header but accepts a wrong one; so do we (zlib's
    # own checksum has already vouched for the content).
    if not _looks_like_xml(xml):
        raise FileFormatError("compressed data is not an LMMS project (no XML inside)", path=source)
    return xml, True


def pack(xml: bytes, *, compressed: bool) -> bytes:
    """The bytes of a project file: ``xml`` itself, or its qCompress form."""
    if not compressed:
        return xml
    return len(xml).to_bytes(4, "big") + zlib.compress(xml)


def wants_compression(path: str | os.PathLike[str]) -> bool:
    """Whether LMMS expects the file at ``path`` compressed (it decides by the suffix)."""
    return PurePath(path).suffix.lower() == ".mmpz"
