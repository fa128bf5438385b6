"""The gain plugin module (entry point ``gain`` in ``lmms_magenta.plugins``)."""

from __future__ import annotations
