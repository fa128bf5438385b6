"""Open model sessions under a memory budget, least recently used closed first.

Features ask the repository for a session and get a :class:`LazySession`: nothing is
loaded until its first ``run`` (or ``inputs``/``outputs``), and when the cache closes
it to make room, its next ``run`` simply opens the model again. So a feature may
keep the object for as long as it likes and the budget still holds.

The cost of a session is the size of its model file: for the small fp32/fp16/int8
graphs this project ships, a runtime's memory is dominated by the weights it
loaded. A single model larger than the budget is still opened (alone): refusing
would stop the music for a setting.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from lmms_magenta.hardware import Session, TensorInfo

__all__ = ["LazySession", "LoadedModel", "SessionCache"]


@dataclass(frozen=True)
class LoadedModel:
    """What ``models list`` shows about an open session."""

    key: str
    precision: str
    device: str
    cost: int


class SessionCache:
    """Open sessions by key, LRU order, closed when their total cost exceeds the budget."""

    def __init__(self, budget_bytes: int) -> None:
        self.budget = budget_bytes
        self._lock = threading.RLock()
        self._open: OrderedDict[str, tuple[Session, LoadedModel]] = OrderedDict()
        #: keys closed to make room, oldest first (for tests and tracing)
        self.evicted: list[str] = []

    @property
    def used(self) -> int:
        with self._lock:
            return sum(info.cost for _, info in self._open.values())

    def get(self, key: str) -> Session | None:
        """The open session for ``key`` (now the most recently used), or None."""
        with self._lock:
            item = self._open.get(key)
            if item is None:
                return None
            self._open.move_to_end(key)
            return item[0]

    def is_open(self, key: str) -> bool:
        with self._lock:
            return key in self._open

    def get_or_open(self, key: str, opener: Callable[[], tuple[Session, LoadedModel]]) -> Session:
        """The session for ``key``, opening it (and making room) when it is not open."""
        with self._lock:
            session = self.get(key)
            if session is not None:
                return session
            session, info = opener()
            self._make_room(info.cost)
            self._open[key] = (session, info)
            return session

    def _make_room(self, cost: int) -> None:
        while self._open and self.used + cost > self.budget:
            key, (session, _) = self._open.popitem(last=False)
            self.evicted.append(key)
            session.close()

    def close(self, key: str) -> None:
        with self._lock:
            item = self._open.pop(key, None)
        if item is not None:
            item[0].close()

    def close_model(self, model_key: str) -> None:
        """Close every session of model ``name@version`` (any precision)."""
        with self._lock:
            keys = [k for k, (_, info) in self._open.items() if info.key == model_key]
        for key in keys:
            self.close(key)

    def close_all(self) -> None:
        with self._lock:
            items = list(self._open.values())
            self._open.clear()
        for session, _ in items:
            session.close()

    def loaded(self) -> list[LoadedModel]:
        """Open sessions, least recently used first."""
        with self._lock:
            return [info for _, info in self._open.values()]


class LazySession:
    """A :class:`~lmms_magenta.hardware.Session` that opens (and re-opens) on demand."""

    def __init__(
        self, cache: SessionCache, key: str, opener: Callable[[], tuple[Session, LoadedModel]]
    ) -> None:
        self._cache = cache
        self.key = key
        self._opener = opener

    def _session(self) -> Session:
        return self._cache.get_or_open(self.key, self._opener)

    @property
    def loaded(self) -> bool:
        """Whether the model is open now (without opening it)."""
        return self._cache.is_open(self.key)

    @property
    def inputs(self) -> Sequence[TensorInfo]:
        return self._session().inputs

    @property
    def outputs(self) -> Sequence[TensorInfo]:
        return self._session().outputs

    @property
    def session(self) -> Session:
        """The underlying session (opens the model now if needed)."""
        return self._session()

    def run(self, feeds: Mapping[str, npt.NDArray[Any]]) -> dict[str, np.ndarray[Any, Any]]:
        return self._session().run(feeds)

    def close(self) -> None:
        """Close the model now (the next ``run`` opens it again)."""
        self._cache.close(self.key)

    def __enter__(self) -> LazySession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
