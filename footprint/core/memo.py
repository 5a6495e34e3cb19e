"""Values worked out once per immutable object, remembered by the object's identity.

Hashing some of footprint's frozen objects is slow (an accelerator hashes its quantities:
about 0.3 ms), and a value derived from one (its default draw, a factor's spread) is the
same for as long as the object lives. :class:`IdentityMemo` keeps such values by
``id(obj)`` and a small key, with a weak reference to the object: an entry is used only
while that very object is alive and is dropped when it dies, so an ``id`` reused by a later
object never finds a stale value.

Thread-safe: every operation is one dict operation (atomic); two threads may work the same
value out twice, never see a half-made one. The objects must be immutable (frozen
dataclasses) and weak-referenceable, and a value must not refer to its object (that
would keep the object, and its entry, alive for good).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from functools import partial
from typing import Any, Generic, TypeVar

__all__ = ["IdentityMemo"]

V = TypeVar("V")


class IdentityMemo(Generic[V]):
    """``value = memo.get(obj, key, make)``: ``make()`` once per live ``obj`` and ``key``."""

    def __init__(self) -> None:
        self._entries: dict[tuple[int, Hashable], tuple[weakref.ref[Any], V]] = {}

    def get(self, obj: Any, key: Hashable, make: Callable[[], V]) -> V:
        """The value for ``obj`` and ``key``, made by ``make()`` the first time."""
        slot = (id(obj), key)
        hit = self._entries.get(slot)
        if hit is not None and hit[0]() is obj:
            return hit[1]
        value = make()
        self._entries[slot] = (weakref.ref(obj, partial(self._forget, slot)), value)
        return value

    def _forget(self, slot: tuple[int, Hashable], ref: weakref.ref[Any]) -> None:
        hit = self._entries.get(slot)
        if hit is not None and hit[0] is ref:
            self._entries.pop(slot, None)

    def __len__(self) -> int:
        return len(self._entries)
