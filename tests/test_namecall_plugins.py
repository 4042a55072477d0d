"""The name-calling pack's plugins from this checkout: nicknames (blends and
epithets), quoting (quoted and reported labels) and condemnation (negated or
condemned labels), plus the rule examples of those plugins."""

from __future__ import annotations

import importlib.util
from difflib import SequenceMatcher
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rhetoric import Analyzer, AnalyzerConfig, Hit, Severity
from rhetoric.quality.examples import run_examples

ROOT = Path(__file__).resolve().parents[1]


def _analyzer(**options: dict[str, object]) -> Analyzer:
    config = AnalyzerConfig(readability=(), options=options)
    return Analyzer.from_config(config, plugin_dirs=[ROOT / "plugins"], entry_points=False)


ANALYZER = _analyzer()


def _hits(text: str, analyzer: Analyzer = ANALYZER) -> list[Hit]:
    return [h for h in analyzer.check(text).hits if h.technique == "name-calling"]


def test_plugin_rule_examples() -> None:
    rules = [r for r in ANALYZER.all_rules if r.id in {"pejorative-nickname", "epithet-nickname"}]
    assert len(rules) == 2
    failures = [r for rule in rules for r in run_examples(ANALYZER, rule) if not r.ok]
    assert not failures, [f.detail for f in failures]


@pytest.mark.parametrize("word", ["Morton", "Farmer", "Morgan", "France", "Hitler", "Bernard"])
def test_ordinary_capitalised_words_are_not_nicknames(word: str) -> None:
    assert not [h for h in _hits(f"{word} said so.") if h.rule == "pejorative-nickname"]


@pytest.mark.parametrize("word", ["Killary", "Obummer", "Shillary", "Bidumb", "Obozo"])
def test_blends_are_nicknames(word: str) -> None:
    hits = [h for h in _hits(f"Of course {word} said so.") if h.rule == "pejorative-nickname"]
    assert [h.text for h in hits] == [word]


def test_epithet_needs_a_known_name_and_stays_out_of_longer_names() -> None:
    assert [h.text for h in _hits("Crooked Hillary lied.")] == ["Crooked Hillary"]
    assert not [h for h in _hits("A crooked road led to the mill.") if h.rule == "epithet-nickname"]
    assert not [h for h in _hits("We ate at little Marco Polo.") if h.rule == "epithet-nickname"]


def test_long_quotation_downgrades_by_default() -> None:
    (hit,) = _hits('He wrote: "only an idiot would vote for this plan" and left.')
    assert hit.severity is Severity.INFO
    assert hit.evidence.get("quoted") is True


def test_reported_scare_quote_is_downgraded_but_plain_scare_quote_is_not() -> None:
    (reported,) = _hits('He called them "vermin".')
    assert reported.severity is Severity.INFO
    (own,) = _hits('Those "idiots" in parliament.')
    assert own.severity is Severity.WARNING


def test_quoted_call_to_kill_in_a_long_post_is_no_threat_finding() -> None:
    # the quoted threat is kept as info; a label outside the quotation must not join it
    # into an escalation whose span reaches past the quotation (stop 33)
    post = (
        "Read the thread he shared. It features slogans such as: "
        '"Kill them all and hail the leader" and "they are all traitors". '
        "Then ask yourself whether that idiot belongs in office. " * 2
    )
    threats = [h for h in ANALYZER.check(post).hits if h.technique == "threat"]
    assert threats
    assert all(h.severity is Severity.INFO for h in threats)
    own = "Kill them all and hail the leader. Then ask whether that idiot belongs in office."
    assert {h.rule for h in ANALYZER.check(own).hits if h.severity is not Severity.INFO} >= {
        "attack-and-violence"
    }


def test_quoting_can_drop() -> None:
    analyzer = _analyzer(quoting={"action": "drop"})
    assert not _hits('He wrote: "only an idiot would vote for this plan".', analyzer)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("He is not an idiot.", "negated"),
        ("Stop calling people morons.", "condemned"),
        ("Calling migrants vermin is wrong.", "condemned"),
        ("Calling him a moron was uncalled for.", "condemned"),
    ],
)
def test_negated_or_condemned_labels_are_downgraded(text: str, key: str) -> None:
    hits = _hits(text)
    assert hits, text
    assert all(h.severity is Severity.INFO and h.evidence.get(key) for h in hits)


def test_plain_insult_is_not_downgraded() -> None:
    (hit,) = _hits("You are an idiot.")
    assert hit.severity is Severity.WARNING
    assert hit.confidence >= 0.8


def test_condemnation_can_drop() -> None:
    analyzer = _analyzer(condemnation={"action": "drop"})
    assert not _hits("He is not an idiot.", analyzer)


def _nicknames_module() -> ModuleType:
    """This checkout's plugins/nicknames.py, imported on its own."""
    path = ROOT / "plugins" / "nicknames.py"
    spec = importlib.util.spec_from_file_location("nicknames_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


NICKNAMES = _nicknames_module()


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet="abdehilmnorstu", max_size=12),
    st.text(alphabet="abdehilmnorstu", max_size=12),
    st.sampled_from([0.6, 0.7]),
)
def test_blend_similarity_is_difflibs_ratio(a: str, b: str, bound: float) -> None:
    """The nicknames plugin's similarity test skips building difflib's matcher when
    the cheap bounds already rule a pair out; the answer is still difflib's own."""
    expected = SequenceMatcher(None, a, b, autojunk=False).ratio() >= bound
    assert NICKNAMES._at_least(a, b, bound) is expected


def _every_pair(word: str) -> tuple[str, str, float] | None:
    """``classify`` without its gates: ``_blend`` on every mocking word and name."""
    n = NICKNAMES
    if len(word) < n.MIN_LENGTH or not word.isalpha() or word in n.ORDINARY or word in n.NAMES:
        return None
    best = None
    for mock in n.MOCKING:
        for name in n.NAMES:
            confidence = n._blend(word, name, mock)
            if confidence is not None and (best is None or confidence > best[2]):
                best = (name, mock, confidence)
    return best


# Words made of pieces of names and mocking words (blends, near misses, ordinary words
# that hold a mocking word), and of letters alone.
_PIECES = st.sampled_from(
    [*NICKNAMES.NAMES, *NICKNAMES.MOCKING, "ary", "ama", "er", "ton", "s", "es", "o", "y"]
).flatmap(lambda w: st.sampled_from([w, w[:3], w[-3:], w[1:], w[:-1]]))
_WORDS = st.one_of(
    st.lists(_PIECES, min_size=1, max_size=3).map("".join),
    st.text(alphabet="abdehiklmnoprstuy", min_size=5, max_size=10),
)


@settings(max_examples=1500, deadline=None)
@given(_WORDS)
def test_classify_gates_change_no_answer(word: str) -> None:
    """``classify`` skips ``_blend`` where none of its tests can pass (no mocking word
    whole and no portmanteau's ends; a name that shares neither the word's start nor
    its end leaves only the close-blend test); its answer is still every pair's best."""
    assert NICKNAMES.classify(word) == _every_pair(word)


@pytest.mark.parametrize(
    "word", ["killary", "obummer", "shillary", "hitlery", "trumptard", "morons", "democrats"]
)
def test_classify_gates_keep_known_answers(word: str) -> None:
    assert NICKNAMES.classify(word) == _every_pair(word)
