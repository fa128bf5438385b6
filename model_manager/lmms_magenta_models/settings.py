"""The ``[plugins.models]`` table of the user's config file, validated.

Keys (docs/models.md, section 5): ``memory_budget_mb``, ``indexes``, ``timeout_s``,
``max_file_mb``. A wrong type or an unknown key is a UserError naming the config file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lmms_magenta.errors import UserError

from .urls import check_url

__all__ = ["Settings"]

_KEYS = ("memory_budget_mb", "indexes", "timeout_s", "max_file_mb")


def _positive(data: Mapping[str, Any], key: str, default: float, where: str) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise UserError(f"[plugins.models] {key} must be a number > 0 (got {value!r})", path=where)
    return float(value)


@dataclass(frozen=True)
class Settings:
    """Effective settings of the model repository."""

    memory_budget_mb: float = 512.0
    indexes: tuple[str, ...] = field(default_factory=tuple)
    timeout_s: float = 30.0
    max_file_mb: float = 2048.0

    @property
    def memory_budget_bytes(self) -> int:
        return int(self.memory_budget_mb * 1024 * 1024)

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @classmethod
    def from_table(cls, data: Mapping[str, Any], where: str | None = None) -> Settings:
        """Validate ``[plugins.models]`` (``where``: the config file, for messages)."""
        path = where or "config.toml"
        unknown = sorted(set(data) - set(_KEYS))
        if unknown:
            raise UserError(
                f"[plugins.models] has unknown key(s) {', '.join(unknown)} "
                f"(known: {', '.join(_KEYS)})",
                path=path,
            )
        indexes = data.get("indexes", [])
        if not isinstance(indexes, list) or not all(isinstance(u, str) for u in indexes):
            raise UserError("[plugins.models] indexes must be a list of URLs", path=path)
        for url in indexes:
            check_url(url, where=path)
        return cls(
            memory_budget_mb=_positive(data, "memory_budget_mb", cls.memory_budget_mb, path),
            indexes=tuple(indexes),
            timeout_s=_positive(data, "timeout_s", cls.timeout_s, path),
            max_file_mb=_positive(data, "max_file_mb", cls.max_file_mb, path),
        )
