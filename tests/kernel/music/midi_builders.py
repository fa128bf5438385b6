"""Byte-level builders for Standard MIDI Files, so tests control every byte
(running status, odd resolutions, broken headers) independently of mido's writer."""

from __future__ import annotations


def vlq(value: int) -> bytes:
    """A MIDI variable-length quantity."""
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def track(*events: tuple[int, bytes], end: int = 0) -> bytes:
    """An MTrk chunk from (delta, event bytes) pairs plus end-of-track after ``end`` ticks."""
    body = b"".join(vlq(delta) + data for delta, data in events)
    body += vlq(end) + b"\xff\x2f\x00"
    return b"MTrk" + len(body).to_bytes(4, "big") + body


def smf(*tracks: bytes, fmt: int = 1, division: int = 480) -> bytes:
    """A whole file: MThd header (``division`` as a signed 16-bit value) + tracks."""
    header = fmt.to_bytes(2, "big") + len(tracks).to_bytes(2, "big")
    header += division.to_bytes(2, "big", signed=True)
    return b"MThd" + (6).to_bytes(4, "big") + header + b"".join(tracks)


def tempo(usec: int) -> bytes:
    return b"\xff\x51\x03" + usec.to_bytes(3, "big")


def meter(num: int, den_power: int) -> bytes:
    return b"\xff\x58\x04" + bytes([num, den_power, 24, 8])


def name(text: bytes) -> bytes:
    return b"\xff\x03" + vlq(len(text)) + text


def on(channel: int, pitch: int, velocity: int) -> bytes:
    return bytes([0x90 | channel, pitch, velocity])


def off(channel: int, pitch: int, velocity: int = 64) -> bytes:
    return bytes([0x80 | channel, pitch, velocity])


def program(channel: int, number: int) -> bytes:
    return bytes([0xC0 | channel, number])
