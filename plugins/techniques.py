"""The built-in technique vocabulary: name-calling, loaded language, conspiracy
framing, slurs and profanity, with their mappings to public taxonomies.

Registered through ``rhetoric_register_techniques`` like any plugin's techniques.
The built-in rules need it; rule packs of your own may use it too. Ids are part
of the wire format (hits carry them, configurations select them), so they never
change once released.
"""

from __future__ import annotations

from collections.abc import Callable

from rhetoric import Technique, hookimpl

TECHNIQUES: tuple[Technique, ...] = (
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


@hookimpl
def rhetoric_register_techniques(register: Callable[[Technique], None]) -> None:
    for technique in TECHNIQUES:
        register(technique)
