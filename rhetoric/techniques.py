"""The technique vocabulary: stable ids, definitions and mappings to public taxonomies.

Ids are part of the wire format (hits carry them, configs select them), so they never
change once released. The mappings say which labels of the SemEval-2020 Task 11
(PTC), SemEval-2023 Task 3, SemEval-2021 Task 6 (memes) and toxicity corpora a
technique corresponds to, so evaluations can line our output up with gold data.
Every technique is registered through the ``rhetoric_register_techniques`` hook,
the built-in vocabulary too (by the first-party ``techniques`` plugin), so the
reports, the HTML page and the Django admin show a plugin's techniques like ours.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import regex

_ID = regex.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class Technique:
    """One rhetoric technique: what it is and how other taxonomies call it."""

    id: str
    name: str
    definition: str
    mappings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not _ID.match(self.id):
            raise ValueError(f"technique id {self.id!r} must be lowercase words joined by '-'")


class TechniqueRegistry:
    """The techniques known to one analyzer: what plugins register (the built-in
    vocabulary comes from the first-party ``techniques`` plugin)."""

    def __init__(self, techniques: Iterable[Technique] = ()) -> None:
        self._by_id: dict[str, Technique] = {}
        for technique in techniques:
            self.add(technique)

    def add(self, technique: Technique) -> None:
        existing = self._by_id.get(technique.id)
        if existing is not None and existing != technique:
            raise ValueError(f"technique {technique.id!r} is already defined differently")
        self._by_id[technique.id] = technique

    def get(self, technique_id: str) -> Technique | None:
        return self._by_id.get(technique_id)

    def __contains__(self, technique_id: object) -> bool:
        return technique_id in self._by_id

    def __iter__(self) -> Iterator[Technique]:
        return iter(self._by_id.values())

    def ids(self) -> list[str]:
        return list(self._by_id)
