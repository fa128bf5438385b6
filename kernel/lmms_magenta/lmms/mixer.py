"""The FX mixer: ``<fxmixer>`` with its ``<fxchannel>`` elements.

Channel 0 is the master. Every other channel reaches the master only through a
``<send channel="0" amount="1"/>``; a channel without any send is silent in LMMS
1.2, so :meth:`Mixer.add_channel` always adds one. Volumes are linear gains
(1 = 0 dB).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..errors import ParameterError
from .base import View, insert_child
from .values import format_number, set_value

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

    @property
    def volume(self) -> float:
        """Linear gain (1 = unity)."""
        return self._float("volume", 1.0)

    @volume.setter
    def volume(self, value: float) -> None:
        if not 0 <= value <= MAX_CHANNEL_VOLUME:
            raise ParameterError(
                f"mixer channel volume must be 0-{MAX_CHANNEL_VOLUME:g}, got {value:g}"
            )
        set_value(self.element, "volume", value)

    @property
    def muted(self) -> bool:
        """Whether the channel is muted."""
        return self._int("muted", 0) != 0

    @muted.setter
    def muted(self, value: bool) -> None:
        set_value(self.element, "muted", int(bool(value)))

    @property
    def soloed(self) -> bool:
        """Whether the channel is soloed (LMMS then plays only soloed channels)."""
        return self._int("soloed", 0) != 0

    @soloed.setter
    def soloed(self, value: bool) -> None:
        set_value(self.element, "soloed", int(bool(value)))

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
