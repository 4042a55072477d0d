"""Pattern rules are tried only where a match can start: at each occurrence of one of the
pattern's literals, less the chars that can come before that literal in a match
(``engine/literals.py``, ``anchored_literals``). The hits must be exactly those of the
whole-text search (``fast_paths=False``), with lookbehinds, ``\\b``, lookaheads, optional
words before the literal, matches that overlap and a case-sensitive rule on the original
text; a pattern where the argument does not hold keeps the whole-text search."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rhetoric import Analyzer, AnalyzerConfig
from rhetoric.engine.literals import MatchStarts, Width, alternative_sources, anchored_literals

HEADER = """kind: pattern
severity: warning
message: "'{match}' found"
why: A rule written for these tests of the rule engine; it documents nothing else.
references: [https://example.org/rule]
status: stable
"""

# (rule id, pattern, extra keys, whether its matches can be anchored)
RULES = [
    # a lookbehind before the literal, reaching into what a start position leaves out
    ("behind", r"(?<=\bnot )(?P<hit>bad|worse) (?:idea|plan)s?\b", "", True),
    # optional words before the literal; a negative lookahead after the match
    ("before", r"\b(?:very |really ){0,2}(?P<hit>stupid|dumb)\b(?! question)", "", True),
    # a lazy bounded gap between the first literal and the rest
    ("gap", r"\b(?:the |a )?(?:plan|plot)\b[^.!?]{0,20}?\bto (?:kill|harm)\b", "", True),
    # overlapping tries: "ababcab" has tries at 0 and 2, only one of which matches
    ("overlap", r"(?:ab|abab)cab|bca", "", True),
    # \b at a start that follows a word char ("concat")
    ("bound", r"\bcat(?:s|nip)?", "", True),
    # 18 places per occurrence of "will": more than 16 in a row are searched instead
    ("wide", r"\b(?:if|unless)\b[^.!?]{0,13}\bwill (?:die|suffer)\b", "", True),
    # a big alternation cut into its alternatives: the first that matches at a place
    # wins ("plan" before "plan to kill"), after a lookbehind, before a lookahead
    (
        "split",
        r"(?<!\bno )\b(?P<hit>plan|plan to kill|they (?:will|would) kill|kill(?:ed)? them)"
        r"\b(?! all)",
        "group: hit\n",
        True,
    ),
    # a top-level alternation cut into its alternatives
    ("top", r"\bplot(?:ted)? against|against (?:us|them)\b|\bus and them", "", True),
    # whitespace runs before the literal: as long as the text's longest
    ("spaces", r"(?:^|(?<=[.!?]\s))(?:so\s+|just\s+)?(?:deal\s+with\s+it|move\s+on)\b", "", True),
    # case-sensitive, on the original text: a lowercased occurrence is only a place to try
    ("cased", r"\b(?:Big|Huge) (?:Pharma|Tech)\b", "against: original\nignorecase: false\n", True),
    # an unbounded part before every literal: the whole-text search is kept
    ("unbounded", r"\w+ (?:says|said) no\b", "", False),
    # an alternative without a literal: the whole-text search is kept
    ("bare", r"\bkill\w*|\d\d\d", "", False),
]

WORDS = [
    "not", "bad", "worse", "idea", "plans", "plan", "very", "really", "stupid", "dumb",
    "question", "the", "a", "plot", "to", "kill", "harm", "ab", "abab", "cab", "bca",
    "ababcab", "abcab", "cat", "cats", "catnip", "concat", "Big", "big", "Huge", "Pharma",
    "pharma", "Tech", "he", "says", "said", "no", "killer", "123", "caf\u00e9", "\u201cbad\u201d",
    "so", "just", "deal", "with", "it", "move", "on", "if", "unless", "will", "die", "suffer",
    "plotted", "against", "us", "them", "would", "all", "they",
]  # fmt: skip
GAPS = [" ", " ", " ", "", "  ", ". ", ", ", "!", "\n", "'", ".  ", " \t\n  "]


def _analyzers(tmp: Path) -> tuple[Analyzer, Analyzer]:
    folder = tmp / "rules" / "conspiracy-framing"
    folder.mkdir(parents=True, exist_ok=True)
    for rule, pattern, extra, _ in RULES:
        text = HEADER + extra + f"pattern: '{pattern}'\n"
        text += 'examples:\n  flag: ["[[x]]"]\n  pass: ["y"]\n'
        (folder / f"{rule}.yml").write_text(text, encoding="utf-8")
    analyzers = []
    for fast in (True, False):
        # A generous regex time budget: a timeout on a loaded machine would make the two
        # paths differ by that error rather than by where they look.
        config = AnalyzerConfig(
            rule_paths=(tmp / "rules",),
            readability=(),
            preview=True,
            fast_paths=fast,
            regex_timeout=30.0,
        )
        analyzers.append(Analyzer.from_config(config, entry_points=False))
    return analyzers[0], analyzers[1]


@pytest.fixture(scope="module")
def analyzers(tmp_path_factory: pytest.TempPathFactory) -> tuple[Analyzer, Analyzer]:
    return _analyzers(tmp_path_factory.mktemp("starts"))


def _hits(analyzer: Analyzer, text: str) -> list[tuple[str, int, int, object]]:
    return [(h.rule, h.start, h.end, h.evidence) for h in analyzer.analyse(text).raw_hits]


def test_each_rule_is_anchored_or_not_as_designed() -> None:
    """The tests below compare two paths only where the first is taken."""
    for rule, pattern, extra, anchored in RULES:
        flags = 0 if "ignorecase: false" in extra else regex.IGNORECASE
        assert (anchored_literals(regex.compile(pattern, flags)) is not None) == anchored, rule


def test_known_texts_give_the_whole_text_hits(analyzers: tuple[Analyzer, Analyzer]) -> None:
    fast, slow = analyzers
    texts = [
        "That is not bad ideas, a not worse plan.",
        "A very really stupid question, a really dumb one. So dumb!",
        "The plan is to harm them; a plot, sadly, to kill.",
        "xababcab ababcab abcab bcab",
        "concat cats catnip, cat.",
        "BIG PHARMA, Big Pharma and big tech, Huge Tech!",
        "He says no. She said no",
        "Deal with  it.  So   move\ton! just deal with it",
        "killer 1234",
        "If so they will die. Unless told, you will suffer will die; if will die.",
        "Unless they all go will die.",  # a match at the first of the 18 places
        "No plan to kill them; a plan to kill. They would kill them all, killed them.",
        "They plotted against us and them, against them; plot against us.",
        "caf\u00e9: not bad idea, Big Tech",  # not ASCII: the whole-text search
    ]
    for text in texts:
        expected = _hits(slow, text)
        assert _hits(fast, text) == expected, text
    assert sum(len(_hits(fast, text)) for text in texts) >= 15


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(GAPS)), max_size=30))
def test_tried_starts_give_the_whole_text_hits(
    analyzers: tuple[Analyzer, Analyzer], pieces: list[tuple[str, str]]
) -> None:
    fast, slow = analyzers
    text = "".join(word + gap for word, gap in pieces)
    assert _hits(fast, text) == _hits(slow, text)


PIECE = st.dictionaries(
    st.text("abc ", min_size=1, max_size=4),
    st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(0, 2)),
    max_size=4,
)


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(PIECE, min_size=1, max_size=3), text=st.text("abc x\n", max_size=40))
def test_match_starts_are_where_the_literals_are(
    pieces: list[dict[str, tuple[int, int, int]]], text: str
) -> None:
    """The one pass gives, for each occurrence at ``p`` of a literal of piece ``k`` with
    ``Width(fewest, most, runs)``, the starts ``p - most - runs * longest .. p - fewest``
    (not below 0; ``longest``: the text's longest run of whitespace, at least 1), each
    with bit ``k``, as substring searches do (its fallback without pyahocorasick)."""
    offsets = [
        {lit: Width(min(a, b), max(a, b), runs) for lit, (a, b, runs) in piece.items()}
        for piece in pieces
    ]
    longest = max((len(run) for run in re.findall(r"\s+", text)), default=1)
    expected: dict[int, int] = {}
    for k, piece in enumerate(offsets):
        for literal, (fewest, most, runs) in piece.items():
            for p in range(len(text)):
                if text.startswith(literal, p):
                    for start in range(max(p - most - runs * longest, 0), p - fewest + 1):
                        expected[start] = expected.get(start, 0) | 1 << k
    assert MatchStarts(offsets)(text) == expected
    fallback = MatchStarts(offsets)
    fallback._automaton = False  # as without pyahocorasick
    assert fallback(text) == expected
    copy = pickle.loads(pickle.dumps(MatchStarts(offsets)))
    assert copy._automaton is None and copy(text) == expected


def test_alternatives_are_cut_where_the_first_that_matches_wins() -> None:
    def cut(pattern: str, flags: int = 0) -> list[str] | None:
        return alternative_sources(regex.compile(pattern, flags))

    # "|" in a comment or a class divides nothing
    assert cut("(?x)\\ba | b\\ c # d|e\n|[|]f") == ["(?x)\\ba ", "(?x) b\\ c # d|e\n", "(?x)[|]f"]
    assert cut(r"(?<=\bnot )\b(?P<hit>x|(?:y|z)w)\b(?=!|$)") == [
        r"(?<=\bnot )\b(?P<hit>x)\b(?=!|$)",
        r"(?<=\bnot )\b(?P<hit>(?:y|z)w)\b(?=!|$)",
    ]
    assert cut(r"\b(?:the )?(?:a|b)") is None  # "the " is optional: two ways before
    assert cut(r"\b(?:a|b)+c") is None  # the alternation is repeated
    assert cut("(?x)\\b(?:a|b) # note\n ?c") is None  # repeated after a comment
    assert cut(r"(?>a|ab)c") is None  # atomic: the whole never tries "ab" after "a"
    assert cut(r"a(?i)|b") is None  # a global flag past the start
    assert cut(r"(?:a|b)(?:c|d)") is None  # two alternations
    assert cut(r"plain") is None


def test_anchors_are_the_literals_and_the_chars_before_them() -> None:
    assert anchored_literals(regex.compile(r"\b(?:the )?(?:plan|scheme)s?\b", regex.I)) == {
        "plan": Width(0, 4, 0),
        "scheme": Width(0, 4, 0),
    }
    # Literals shorter than three chars do not anchor: "a" and "an" leave the branch
    # without one, and the first literal run that every match holds is the last one.
    assert anchored_literals(regex.compile(r"(?:a|an|the) [a-z]{1,9} conspiracy")) == {
        " conspiracy": Width(3, 13, 0)
    }
    # Among spreads of starts of at most 12 chars the longest literal wins (the rarer);
    # beyond that the narrowest spread.
    assert anchored_literals(regex.compile(r"plot (?:to|for) [a-z]{0,9} conspiracy")) == {
        " conspiracy": Width(8, 18, 0)
    }
    assert anchored_literals(regex.compile(r"plot (?:to|for) [a-z]{0,20} conspiracy")) == {
        "plot ": Width(0, 0, 0)
    }
    # A repeated whitespace class matches one run of whitespace: at most the longest.
    assert anchored_literals(regex.compile(r"(?:the\s+|a\s+)?plan\s+to\s+kill")) == {
        "plan": Width(0, 3, 1)
    }


@pytest.mark.parametrize(
    ("pattern", "flags"),
    [
        (r"(?:idiot){e<=1}", 0),  # fuzzy: the stdlib parser reads it as text
        (r"(the)\s+\1 plan", 0),  # a backreference
        (r"(?:plan)?", 0),  # can match the empty string
        (r"\w+ plan", 0),  # unbounded before its only literal
        (r"x(?:\s|-)+plan", 0),  # a repeat of more than whitespace
        (r"plan|\d+", 0),  # an alternative without a literal
        (r"stra\u00dfe plan", regex.I | regex.FULLCASE),  # full case-folding changes widths
        (r"(?r)plan", 0),  # a reversed search finds other matches first
        (r"caf\u00e9", regex.I),  # a literal that is not ASCII
    ],
)
def test_patterns_the_argument_does_not_cover_keep_the_whole_text_search(
    pattern: str, flags: int
) -> None:
    assert anchored_literals(regex.compile(pattern, flags)) is None
