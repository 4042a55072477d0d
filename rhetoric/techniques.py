"""The technique vocabulary: stable ids, definitions and mappings to public taxonomies.

Ids are part of the wire format (hits carry them, configs select them), so they never
change once released. The mappings say which labels of the SemEval-2020 Task 11
(PTC), SemEval-2023 Task 3, SemEval-2021 Task 6 (memes) and toxicity corpora a
technique corresponds to, so evaluations can line our output up with gold data.
Plugins may add techniques through the ``rhetoric_register_techniques`` hook.
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


BUILTIN_TECHNIQUES: tuple[Technique, ...] = (
    Technique(
        id="name-calling",
        name="Name calling / labeling",
        definition=(
            "Attaching a contemptuous or loaded label to a person or group (an insult, a "
            "dehumanizing noun, a mocking nickname) so readers dismiss them instead of "
            "weighing what they say or do."
        ),
        mappings={
            "semeval2020_t11": ("Name_Calling,Labeling",),
            "semeval2023_t3": ("Name_Calling-Labeling",),
            "semeval2021_t6": ("Name calling/Labeling",),
            "toxic_spans_typed": ("Insult",),
        },
    ),
    Technique(
        id="loaded-language",
        name="Loaded language",
        definition=(
            "Words and phrases with strong emotional charge (positive or negative) chosen "
            "to sway the reader rather than to describe: 'slaughter', 'disaster', "
            "'treasonous', 'evil'."
        ),
        mappings={
            "semeval2020_t11": ("Loaded_Language",),
            "semeval2023_t3": ("Loaded_Language",),
            "semeval2021_t6": ("Loaded Language",),
        },
    ),
    Technique(
        id="conspiracy-framing",
        name="Conspiracy framing",
        definition=(
            "Presenting events as the work of hidden agents with secret, malign intent "
            "('the elites', 'deep state', 'they don't want you to know', 'with but one "
            "goal'), including population-replacement and 'plandemic' narratives."
        ),
        mappings={
            "pan2024_oppositional": ("CONSPIRACY",),
            "prct_youtube": ("PRCT",),
            "semeval2023_t3": ("Doubt", "Causal_Oversimplification"),
        },
    ),
    Technique(
        id="slur",
        name="Slur",
        definition=(
            "A derogatory term for people by ethnicity, religion, gender, sexuality, "
            "disability or origin. Identity words themselves ('Jew', 'gay', 'Muslim') are "
            "never slurs; attacks on identity are found by templates."
        ),
        mappings={
            "toxic_spans_typed": ("Identity based Attack",),
            "hatexplain": ("hatespeech",),
        },
    ),
    Technique(
        id="profanity",
        name="Profanity",
        definition=(
            "Obscene or vulgar words, including obfuscated spellings ('f*ck', 'sh1t'). "
            "Not a propaganda technique by itself, but what moderators filter first."
        ),
        mappings={
            "toxic_spans_typed": ("Profane/Obscene",),
        },
    ),
)


class TechniqueRegistry:
    """The techniques known to one analyzer: the built-ins plus what plugins add."""

    def __init__(self, techniques: Iterable[Technique] = BUILTIN_TECHNIQUES) -> None:
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
