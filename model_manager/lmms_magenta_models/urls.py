"""URL checks shared by settings, sources and downloads (cheap: urllib.parse only)."""

from __future__ import annotations

import urllib.parse

from lmms_magenta.errors import ModelError

__all__ = ["ALLOWED_SCHEMES", "check_url"]

ALLOWED_SCHEMES = ("http", "https")


def check_url(url: str, *, where: str | None = None) -> str:
    """Return ``url`` if it is an http(s) URL with a host; ModelError otherwise."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES or not parts.netloc:
        raise ModelError(
            f"refusing URL {url!r}: only http:// and https:// URLs are allowed", path=where
        )
    return url
