"""Repetition: the same words hammered in, so the audience accepts them by familiarity.

A word list cannot say what is repeated, and a rule sees one match at a time, so this
detector looks at the whole comment: a word or phrase said again right away ("lies, lies,
lies", "vote it out, vote it out"), a line or sentence said again later (a refrain), and
three or more sentences or lines opening with the same words (anaphora: "They closed
your shops. They closed your churches. They closed your parks."). Only repeats that carry
a content word count, so "very, very" or "it is, it is" never do, and ordinary text that
merely mentions a topic twice is left alone: news repeats names and topics all the time.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import eq
from typing import NamedTuple

from rhetoric import AnalyzerConfig, Document, Example, Hit, RuleInfo, Severity, hookimpl

REFERENCES = (
    "https://propaganda.qcri.org/annotations/definitions.html",
    "https://aclanthology.org/2023.semeval-1.317/",
)

ECHO = RuleInfo(
    id="echo",
    technique="repetition",
    kind="python",
    severity=Severity.INFO,
    confidence=0.5,
    status="preview",
    message="'{match}' repeats the same words back to back to hammer them in.",
    why=(
        "Repetition makes a claim feel true by familiarity: 'lies, lies, lies' or a chant "
        "said twice in a row adds no information, only insistence. A word said three times "
        "in a row, or a phrase of two or more words said twice, is reported; intensifiers "
        "like 'very, very' are not."
    ),
    instead="Say it once, with the reason.",
    references=REFERENCES,
    examples=(
        Example("It's all [[lies, lies, lies]] from this government.", flag=True),
        Example("[[Vote them out! Vote them out]]! That's the only answer.", flag=True),
        Example("Guess what? [[Fraud, fraud and more fraud]].", flag=True),
        Example("It was very, very cold on the ridge.", flag=False),
        Example("The band played Help! and then Help! again as an encore.", flag=False),
        Example("He said no, no, it is fine.", flag=False),
    ),
)

REFRAIN = RuleInfo(
    id="refrain",
    technique="repetition",
    kind="python",
    severity=Severity.INFO,
    confidence=0.5,
    status="preview",
    message="'{match}' is said again: a refrain that insists instead of arguing.",
    why=(
        "Coming back to the same line or sentence ('This is fine.' three times, a slogan "
        "at the start and at the end) drives a message home by repetition rather than by "
        "reasons. The second to fourth occurrences of a short sentence or line (two to "
        "eight words, one of them a content word) are reported; a line said more than "
        "four times is filler or a template, and is left alone."
    ),
    instead="Make the point once and support it.",
    references=REFERENCES,
    examples=(
        Example(
            "Close the borders. Nobody listens. Jobs are gone. [[Close the borders]].",
            flag=True,
        ),
        Example("I promise.\n[[I promise]].\nI deliver.", flag=True),
        Example("This is fine. The house is on fire. [[This is fine]].", flag=True),
        Example("Thanks. Thanks.", flag=False),
        Example("The train was late. The bus was late too.", flag=False),
        Example("Meeting moved to 5 pm. See you there.", flag=False),
        Example("Fine words. Fine words. Fine words. Fine words. Fine words.", flag=False),
    ),
)

ANAPHORA = RuleInfo(
    id="anaphora",
    technique="repetition",
    kind="python",
    severity=Severity.INFO,
    confidence=0.45,
    status="preview",
    message="'{match}' opens sentence after sentence: repetition as a drumbeat.",
    why=(
        "Anaphora, the same opening in three or more sentences or lines in a row ('They "
        "closed your shops. They closed your churches. They closed your parks.'), is a "
        "classic device of speeches and propaganda: the rhythm carries the audience along. "
        "The repeated openings after the first are reported when they hold a content word."
    ),
    instead="List the facts plainly, once, and say what follows from them.",
    references=REFERENCES,
    examples=(
        Example(
            "They closed your shops. [[They closed]] your churches. [[They closed]] your parks.",
            flag=True,
        ),
        Example(
            "He lied about the money.\n[[He lied]] about the war.\n[[He lied]] about you.",
            flag=True,
        ),
        Example("Vote for the jobs. [[Vote for]] the schools. [[Vote for]] the future.", flag=True),
        Example("I went home. I ate. I slept.", flag=False),
        Example("Step one: unplug it. Step two: wait. Step three: plug it back in.", flag=False),
        Example(
            "The vote is on Monday. The count is on Tuesday. The result is out Friday.",
            flag=False,
        ),
        Example(
            "Mayor Lopez opened the bridge. Mayor Lopez thanked the crews. Mayor Lopez left.",
            flag=False,
        ),
    ),
)

# Function words: a repeat made only of these ("it is, it is", "no, no") is not one.
STOP = frozenset((
    "a", "an", "the", "and", "or", "but", "nor", "of", "to", "in", "on", "at", "for", "with",
    "by", "from", "as", "is", "are", "was", "were", "be", "been", "being", "am", "it", "its",
    "it's", "this", "that", "these", "those", "he", "she", "they", "we", "you", "i", "his",
    "her", "their", "our", "your", "my", "me", "him", "them", "us", "not", "no", "yes", "so",
    "if", "then", "than", "there", "here", "which", "who", "whom", "what", "when", "where",
    "why", "how", "all", "any", "some", "more", "most", "such", "can", "could", "would",
    "should", "will", "shall", "may", "might", "must", "do", "does", "did", "has", "have",
    "had", "just", "also", "very", "really", "too", "into", "about", "over", "after",
    "before", "out", "up", "down", "said", "says", "say", "oh", "ok", "okay", "well", "now",
    "then", "again", "yeah", "hey", "please", "thanks", "thank", "one", "two", "three",
    "don't", "didn't", "doesn't", "isn't", "wasn't", "aren't", "can't", "won't", "i'm",
    "you're", "they're", "we're", "he's", "she's", "that's", "there's", "let's", "know",
    "think", "go", "get", "got", "see", "like", "want", "make", "come", "take", "way",
    "much", "far", "many",
))  # fmt: skip
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_PUNCTUATION = "\"'()[]{},;:-\u201c\u201d\u2018\u2019*_"
_ASCII_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")  # the same on lowercased ASCII, faster
# What may stand between two repeats inside one sentence: spaces, commas, dashes, "!".
# Across a sentence end, or a line break, it is a refrain (a sentence said again).
_GAP = re.compile(r"[ \t,;!\u2026\u2013\u2014-]{1,4}")
# Words a repeated phrase never starts or ends with: "a Christian, a Christian is" or
# "hand in hand in" only look like repeats when cut there.
EDGE = frozenset(
    ("a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "for", "with", "by",
     "from", "as", "is", "are", "was", "were", "that", "this", "it", "so")
)  # fmt: skip
# Sentence and line ends, for refrains and anaphora.
_UNIT_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)]*(?=\s|$)|\n")
MAX_UNIT = 4  # words in a back-to-back repeat
# A unit of n words said twice in a row makes n equal pairs n words apart in a row (a
# single word needs a third time: two pairs); searched in the bytes of those comparisons.
_RUN = {size: b"\x01" * max(size, 2) for size in range(1, MAX_UNIT + 1)}
REFRAIN_WORDS = (2, 8)
REFRAIN_REACH = 80  # words: a line said again much later is a motif of the text, not insistence
# A line said more often than this is filler or a template ("Fine words." 700 times, a
# pasted caption, a form's labels), not a refrain: none of its occurrences is reported.
# Four, not three: one memes-train caption says its line four times and is labeled
# Repetition (issue 16).
REFRAIN_TIMES = 4
ANAPHORA_RUN = (3, 8)  # longer runs of one opening are lists (captions, bullet points)
# Abbreviations that a sentence cut leaves at a unit's end ("Model No." "Ask Mr."): the
# unit is half a sentence, so its repeat is not a refrain.
ABBREVIATIONS = frozenset(
    ("no", "nos", "mr", "mrs", "ms", "dr", "st", "sen", "rep", "gov", "gen", "col", "lt",
     "sgt", "capt", "prof", "rev", "jr", "sr", "vs", "etc", "inc", "co", "corp", "fr")
)  # fmt: skip


class _Word(NamedTuple):
    norm: str
    start: int
    end: int


def _words(text: str) -> list[_Word]:
    return [
        _Word(m.group().lower().replace("\u2019", "'"), m.start(), m.end())
        for m in _WORD.finditer(text)
    ]


def _same_openings(pieces: list[str]) -> bool:
    """Whether some run of ``ANAPHORA_RUN[0]`` sentences opens with the same two words."""
    openings = [
        tuple(w.strip(_PUNCTUATION) for w in piece.split(maxsplit=2)[:2]) for piece in pieces
    ]
    run = ANAPHORA_RUN[0]
    return any(
        len(openings[i]) == 2 and len(set(openings[i : i + run])) == 1
        for i in range(len(openings) - run + 1)
    )


def _has_content(norms: Sequence[str]) -> bool:
    return any(norm not in STOP and not norm.isdigit() for norm in norms)


class RepetitionDetector:
    """Finds back-to-back echoes, refrains and anaphora in one comment."""

    name = "repetition"
    rules = (ECHO, REFRAIN, ANAPHORA)

    def __init__(self, enabled: Iterable[str] | None = None) -> None:
        # The rules this analyzer reports (previews only with --preview, and what
        # select/ignore leave): the others' scans are skipped, not run and thrown away.
        self.enabled = (
            frozenset(r.id for r in self.rules) if enabled is None else frozenset(enabled)
        )

    def detect(self, doc: Document) -> Iterator[Hit]:
        if not self.enabled:
            return
        # Most comments repeat nothing: C-level prechecks on the lowercased words and
        # sentences rule that out before any word gets an offset.
        text = doc.text
        lowered = text.lower()
        norms = (_ASCII_WORD if lowered.isascii() else _WORD).findall(lowered)
        if len(norms) < 3:
            return
        content = [norm for norm in norms if norm not in STOP]
        if len(set(content)) == len(content):  # every repeat needs a content word twice
            return
        pairs = {size: bytes(map(eq, norms, norms[size:])) for size in _RUN}
        echo = ECHO.id in self.enabled and (
            any(_RUN[size] in pairs[size] for size in _RUN)
            or (1 in pairs[1] and " and " in lowered)  # "dumb, dumb and dumb", "and more fraud"
        )
        pieces: list[str] = []
        if REFRAIN.id in self.enabled or ANAPHORA.id in self.enabled:
            pieces = [p for p in map(str.strip, _UNIT_END.split(lowered)) if p]
        refrain = REFRAIN.id in self.enabled and len(set(pieces)) < len(pieces)
        anaphora = (
            ANAPHORA.id in self.enabled
            and len(pieces) >= ANAPHORA_RUN[0]
            and _same_openings(pieces)
        )
        if not (echo or refrain or anaphora):
            return
        words = _words(text)
        if echo:
            # A repeat can only start where a word comes back 1 to 4 words later.
            starts = sorted({i for found in pairs.values() for i, same in enumerate(found) if same})
            if len(words) != len(norms):  # lowercasing split a word (rare): try them all
                starts = list(range(len(words)))
            yield from self._echoes(doc, words, starts)
        if refrain or anaphora:
            units = self._units(text, words)
            if refrain:
                yield from self._refrains(doc, units)
            if anaphora:
                yield from self._anaphora(doc, units)

    def _echoes(self, doc: Document, words: list[_Word], starts: list[int]) -> Iterator[Hit]:
        text = doc.text
        norms = [w.norm for w in words]
        count = len(words)
        done = 0  # words before this are part of a reported echo
        for i in starts:
            if i < done or i >= count:
                continue
            for size in range(MAX_UNIT, 0, -1):
                unit = norms[i : i + size]
                if len(unit) < size or not _has_content(unit):
                    continue
                if size > 1 and (unit[0] in EDGE or unit[-1] in EDGE):
                    continue
                repeats = 1
                j = i + size
                while True:
                    k = j
                    # "waiting and waiting and waiting": one word joined by "and".
                    if size == 1 and k < count and norms[k] == "and":
                        k += 1
                    if k + size > count or norms[k : k + size] != unit:
                        break
                    if not all(
                        _GAP.fullmatch(text[words[m - 1].end : words[m].start])
                        for m in range(j, k + 1)
                    ):
                        break
                    repeats += 1
                    j = k + size
                # "and more X" closing a run of three: "fraud, fraud and more fraud".
                if repeats == 2 and size == 1:
                    tail = norms[j : j + 3]
                    if tail[:2] in (["and", "more"], ["and", "even"]) and tail[2:] == unit:
                        repeats, j = 3, j + 3
                if repeats >= (3 if size == 1 else 2):
                    yield doc.hit(
                        ECHO,
                        words[i].start,
                        words[j - 1].end,
                        evidence={"repeated": " ".join(unit), "times": repeats},
                    )
                    done = j
                    break

    @staticmethod
    def _units(text: str, words: list[_Word]) -> list[list[_Word]]:
        """The comment's sentences and lines, each as its words (empty ones dropped)."""
        units: list[list[_Word]] = []
        current: list[_Word] = []
        k = 0
        for end in _UNIT_END.finditer(text):
            while k < len(words) and words[k].start < end.start():
                current.append(words[k])
                k += 1
            if current:
                units.append(current)
                current = []
        current.extend(words[k:])
        if current:
            units.append(current)
        return units

    def _refrains(self, doc: Document, units: list[list[_Word]]) -> Iterator[Hit]:
        low, high = REFRAIN_WORDS
        text = doc.text
        keys = [tuple(w.norm for w in unit) for unit in units]
        times = Counter(keys)
        last_seen: dict[tuple[str, ...], int] = {}  # unit -> index of its last word
        position = 0
        for unit, key in zip(units, keys, strict=True):
            position += len(unit)
            if times[key] > REFRAIN_TIMES:
                continue
            if not low <= len(key) <= high or not _has_content(key):
                continue
            # Bylines, dates, "U.S." and "Patrick J." cut at their dots are not refrains.
            if any(c.isdigit() or c == "@" for c in text[unit[0].start : unit[-1].end]):
                continue
            if len(key[-1]) == 1 or key[-1] in ABBREVIATIONS:
                continue
            previous = last_seen.get(key)
            if previous is not None and position - previous <= REFRAIN_REACH:
                yield doc.hit(
                    REFRAIN, unit[0].start, unit[-1].end, evidence={"repeated": " ".join(key)}
                )
            last_seen[key] = position

    def _anaphora(self, doc: Document, units: list[list[_Word]]) -> Iterator[Hit]:
        text = doc.text

        def opening(unit: list[_Word]) -> tuple[str, ...]:
            return tuple(w.norm for w in unit[:2])

        def named(unit: list[_Word]) -> bool:
            # Two title-case words ("Mayor Lopez", "Your Honour", "Photo Credit")
            # open reports, addresses and captions: a name or a label, not a drumbeat.
            return all(text[w.start : w.end].istitle() for w in unit[:2])

        i = 0
        while i < len(units):
            head = opening(units[i])
            j = i + 1
            while j < len(units) and len(head) == 2 and opening(units[j]) == head:
                j += 1
            run = j - i
            low, high = ANAPHORA_RUN
            distinct = len({tuple(w.norm for w in unit) for unit in units[i:j]})
            # The same line over and over (a poll widget, a pasted caption) is a refrain.
            if low <= run <= high and distinct > 1 and _has_content(head) and not named(units[i]):
                for unit in units[i + 1 : j]:
                    yield doc.hit(
                        ANAPHORA,
                        unit[0].start,
                        unit[1].end,
                        evidence={"opening": " ".join(head), "sentences": run},
                    )
            i = max(j, i + 1)


@hookimpl
def rhetoric_register_detectors(
    register: Callable[[RepetitionDetector], None], config: AnalyzerConfig
) -> None:
    enabled = [
        rule.id
        for rule in RepetitionDetector.rules
        if (config.preview or rule.status == "stable")
        and config.is_selected(rule.technique, rule.id)
    ]
    register(RepetitionDetector(enabled))
