"""The FX mixer: ``<fxmixer>`` with its ``<fxchannel>`` elements.

Channel 0 is the master. Every other channel reaches the master only through a
``<send channel="0" amount="1"/>``; a channel without any send is silent in LMMS
1.2, so :meth:`Mixer.add_channel` always adds one. Volumes are linear gains
(1 = 0 dB).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .base import View, insert_child
from .fields import Flag, Number
from .values import format_number

__all__ = ["MAX_CHANNEL_VOLUME", "Mixer", "MixerChannel"]

#: The mixer fader's maximum in LMMS 1.2 (2 = +6 dB).
MAX_CHANNEL_VOLUME = 2.0


class MixerChannel(View):
    """One ``<fxchannel>``."""

    @property
    def number(self) -> int:
        return self._int("num", 0)

    @property
    def name(self) -> str:
        return self.element.get("name", "")

    volume = Number(
        "volume",
        "Linear gain (1 = unity).",
        default=1.0,
        low=0,
        high=MAX_CHANNEL_VOLUME,
        what="mixer channel volume",
    )
    muted = Flag("muted", "Whether the channel is muted.")
    soloed = Flag("soloed", "Whether the channel is soloed (LMMS then plays only soloed channels).")

    @property
    def sends(self) -> list[tuple[int, float]]:
        """``(target channel, amount)`` for each send."""
        return [
            (self._int("channel", 0, el), self._float("amount", 1.0, el))
            for el in self.element.findall("send")
        ]

    def __repr__(self) -> str:
        return f"<MixerChannel {self.number} {self.name!r}>"


class Mixer(View):
    """The ``<fxmixer>`` element."""

    @property
    def channels(self) -> list[MixerChannel]:
        return [MixerChannel(el, self.project) for el in self.element.findall("fxchannel")]

    def channel(self, number: int) -> MixerChannel | None:
        """The channel numbered ``number``, or None."""
        for ch in self.channels:
            if ch.number == number:
                return ch
        return None

    def add_channel(self, name: str, volume: float = 1.0) -> MixerChannel:
        """Append a channel routed to the master; returns it (its number is max + 1)."""
        number = max((ch.number for ch in self.channels), default=0) + 1
        el = ET.Element(
            "fxchannel",
            {"num": str(number), "name": name, "volume": "1", "muted": "0", "soloed": "0"},
        )
        ET.SubElement(el, "fxchain", {"enabled": "0", "numofeffects": "0"})
        ET.SubElement(el, "send", {"channel": "0", "amount": format_number(1)})
        insert_child(self.element, len(self.element), el, root=self.project.root)
        channel = MixerChannel(el, self.project)
        channel.volume = volume
        return channel
