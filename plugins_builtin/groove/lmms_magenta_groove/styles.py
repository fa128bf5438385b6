"""The groove styles a model can be conditioned on (the Groove MIDI Dataset's primary styles).

Index 0, ``"any"``, means "no particular style": the model is trained with the style
dropped to ``"any"`` part of the time, so it also works without one. The order is
part of the model contract (the ``style`` input is an index into this tuple).
"""

from __future__ import annotations

__all__ = ["STYLES", "style_index"]

#: Style names; the index is the model's ``style`` input.
STYLES: tuple[str, ...] = (
    "any",
    "afrobeat",
    "afrocuban",
    "blues",
    "country",
    "dance",
    "funk",
    "gospel",
    "highlife",
    "hiphop",
    "jazz",
    "latin",
    "middleeastern",
    "neworleans",
    "pop",
    "punk",
    "reggae",
    "rock",
    "soul",
)


def style_index(label: str) -> int:
    """Index of a style label such as ``"jazz"`` or the dataset's ``"jazz/funk"``.

    The primary style (before ``/``) is used; an unknown style maps to 0 (``"any"``).
    """
    primary = label.strip().lower().split("/", 1)[0]
    try:
        return STYLES.index(primary)
    except ValueError:
        return 0
