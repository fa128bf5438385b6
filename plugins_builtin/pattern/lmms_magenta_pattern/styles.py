"""The styles a pattern can be asked for (cheap to import: no numpy).

Drums: the Groove MIDI Dataset's primary styles; melodies: the tune types of the
folk-tune collections the melody model learnt from (``other`` = a tune without a
dance type, ``chorale`` = Bach's soprano lines). ``any`` means no preference. The
shipped ``latents.npz`` holds one mean latent point per style with training patterns;
a test checks that these tuples match it. (Gospel drums are only in the dataset's
validation split, and no polka fits the melody model's meters, so neither is offered.)
"""

from __future__ import annotations

__all__ = ["ANY", "DRUM_STYLES", "MELODY_STYLES"]

#: "No particular style".
ANY = "any"

DRUM_STYLES: tuple[str, ...] = (
    ANY,
    "afrobeat",
    "afrocuban",
    "blues",
    "country",
    "dance",
    "funk",
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

MELODY_STYLES: tuple[str, ...] = (
    ANY,
    "reel",
    "hornpipe",
    "strathspey",
    "march",
    "air",
    "clog",
    "chorale",
    "other",
)
