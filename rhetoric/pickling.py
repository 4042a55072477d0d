"""Value classes that unpickle through their own constructor.

The compiled-rules cache holds some 18,000 slotted dataclass instances (trie nodes,
term and rule specs, template elements). A slotted dataclass pickles its state and
restores it in a generated ``__setstate__`` that calls ``dataclasses.fields`` for
every instance: that was the largest part of a cold start's unpickling time.
Reduced to ``(class, field values)``, an instance is rebuilt by its generated
``__init__`` instead, which is several times faster, and the pickle is smaller.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")


def pickled_by_constructor(cls: type[T]) -> type[T]:
    """Give a dataclass a ``__reduce__`` that passes its fields to its constructor.

    Only for dataclasses whose every field is an ``__init__`` argument and whose
    ``__post_init__``, if any, accepts what the instance already holds; the fields
    must not refer back to the instance (a constructor argument cannot).
    """
    items = fields(cls)  # type: ignore[arg-type]
    if not all(item.init for item in items):
        raise TypeError(f"{cls.__qualname__} has fields its constructor does not take")
    names = tuple(item.name for item in items)

    def __reduce__(self: Any) -> tuple[type[T], tuple[Any, ...]]:
        return cls, tuple([getattr(self, name) for name in names])

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls
