"""The fast paths (regex prefilters, template pruning, skipping plain comments
without anchor words, cached compilation) never change a result: reports are
identical with them switched off, on the seed comments and on generated text."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import random
from typing import Any

import pytest
from conftest import SHARED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rhetoric import Analyzer, AnalyzerConfig, Comment, Document
from rhetoric.model import (
    Hit,
    Report,
    Severity,
    Target,
    TargetKind,
    Verdict,
    new_hit,
    replace_hit,
    thawed,
)
from rhetoric.outputs.json import _clean_line, json_line, report_to_dict
from rhetoric.text import prepare
from rhetoric.text.plain import is_plain, plain_words
from rhetoric.text.prepared import prepare_general

FAST = Analyzer.from_config(AnalyzerConfig(preview=True))
SLOW = Analyzer.from_config(AnalyzerConfig(preview=True, fast_paths=False))
SEED = SHARED / "seed" / "comments.txt"

VOCABULARY = (
    "you they those people are is a bunch of idiot moron stupid fool vermin animals",
    "the elites deep state plan to hide secretly agenda f*ck sh1t smoking crack",
    "obviously must be horrific evil radical globalists wake up sheeple it's no",
    "coincidence with but one goal Killiary liberals nothing but parasites",
    ". , ! ? ; \" ' and or not to the of",
    "f u c k i.d.i.o.t s-h-i-t sh!t @ss idiooot st00pid m*ron f**k !diot 'idiot' idiot's",
    "Obummer Shillary Crooked Hillary Sleepy Joe lyin' Ted **moron** x!y wow!! 5g &amp;",
    "\u0456diot \uff49\uff44\uff49\uff4f\uff54 id\u200biot",
    "\U0001d41f\U0001d42e\U0001d41c\U0001d424 \U0001d5f6\U0001d5f1\U0001d5f6\U0001d5fc\U0001d601",
    "really very so utterly deeply stupid disgusting white those who are animals",
    "don\u2019t \u201cidiot\u201d \u2018Crooked\u2019 Kill\u00efary \u00c9lites all-out",
    "war caf\u00e9 \u201cSleepy Joe\u201d",
)
WORDS = [word for line in VOCABULARY for word in line.split(" ")]


def generated(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 40))) for _ in range(count)]


def assert_same(texts: list[str]) -> None:
    for i, text in enumerate(texts):
        comment = Comment(str(i), text)
        assert FAST.check(comment) == SLOW.check(comment), text


def test_generated_text() -> None:
    assert_same(generated(1500))


@pytest.mark.skipif(not SEED.exists(), reason="../shared/seed/comments.txt is not present")
def test_seed_comments() -> None:
    assert_same([line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()])


def test_generated_text_with_obfuscation() -> None:
    assert_same(generated(1500, seed=11))


# Text from the characters that decide plainness: letters, digits, signs, gaps.
# Non-ASCII ones that fold to one ASCII char (quotes, fancy and fullwidth letters, an
# accent) or not (a Cyrillic lookalike, a ligature, a zero-width space).
PLAINISH = st.text(
    alphabet="abcdefiklostu 013457@$!|+*#%'`.,-_\t\n&AIOS"
    "\u2019\u201c\u00e9\U0001d41f\uff41\u0456\ufb01\u200b",
    max_size=60,
)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PLAINISH)
def test_plain_text_has_only_plain_tokens(text: str) -> None:
    """What the engine relies on to skip a comment: a plain comment's tokens have no
    variant, mask or spelled-out reading, and they are exactly its plain words; the
    one-regex path of ``prepare`` gives what the general path gives."""
    prepared = prepare_general(text)
    assert prepare(text) == prepared
    folded = Document.of(Comment("t", text)).ascii_view
    if folded is None or not is_plain(folded):
        return
    assert prepared.normalized == folded
    assert not prepared.joined
    assert [token.norm for token in prepared.tokens] == plain_words(folded)
    for token in prepared.tokens:
        assert not token.variants and token.mask is None, token


@pytest.mark.skipif(not SEED.exists(), reason="../shared/seed/comments.txt is not present")
def test_plain_prepare_on_seed_comments() -> None:
    for line in SEED.read_text(encoding="utf-8").splitlines():
        assert prepare(line) == prepare_general(line), line


def _skipped(text: str) -> bool:
    return FAST.detectors[0]._cannot_fire(Document.of(Comment("t", text)))[0]


def test_plain_skip_happens() -> None:
    """The skip is real (a plain comment without anchors is never prepared): also when
    an anchor is an everyday word whose rule needs more ("and", "all"), and for text
    whose only non-ASCII chars fold one to one (curly quotes, accents). Obfuscated
    comments and comments that meet a rule's requirement are not skipped."""
    for text in (
        "We met at the station on Sunday.",
        "Bread and butter, all of it, and all day.",
        "I don\u2019t know \u201cwhy\u201d, caf\u00e9 owner.",
    ):
        assert _skipped(text), text
    for text in (
        "You idiot.",
        "sh!t happens",
        "f u c k",
        "stuuupid",
        "\u0456diot",
        "f*ck",
        "It became an all-out war.",
        "You \u201cidi\u00f3t\u201d.",
        "Utterly and totally stupid.",
    ):
        assert not _skipped(text), text


_TRANSLATED = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("aI\u0130\u0131\u017f\u212aK\u00e9\u03a3 x\U0001f600")))
def test_fold_cues_is_lower_after_the_four_letters(text: str) -> None:
    """``fold_cues`` replaces the four letters one by one: the same as translating them."""
    from rhetoric.hookspecs import fold_cues

    assert fold_cues(text) == text.translate(_TRANSLATED).lower()
    assert fold_cues(text + "ascii") == (text + "ascii").translate(_TRANSLATED).lower()


@pytest.mark.parametrize(
    "ident",
    ["c1", 'say "hi"', "\u00e9t\u00e9", "\ud800", "", "a\nb", "a\\b", "del\x7f", "t\tab", "~ !#[]"],
)
def test_clean_report_line_is_the_encoded_report(ident: str) -> None:
    report = Report(ident, (), {}, 0.0, Verdict.CLEAN, {}, ())
    assert _clean_line(report) == json_line(report_to_dict(report))
    assert _clean_line(FAST.check(Comment(ident, "hello there"))) == json_line(
        report_to_dict(FAST.check(Comment(ident, "hello there")))
    )
    assert _clean_line(FAST.check(Comment(ident, "you idiot"))) is None


@pytest.mark.parametrize(
    ("text", "view", "plain"),
    [
        ("You IDIOT, don't.", "you idiot, don't.", True),
        ("Caf\u00e9 \u201cidiot\u201d don\u2019t", 'cafe "idiot" don\'t', True),
        ("sh!t happens", "sh!t happens", False),
        ("\u0456diot", None, False),  # a Cyrillic lookalike does not fold one to one
        ("a &amp; b", None, False),
        ("", "", True),
    ],
)
def test_document_view_facts(text: str, view: str | None, plain: bool) -> None:
    """The cheap facts detectors share (public API): the one-to-one ASCII view, its
    words, and plainness, agreeing with what ``prepare`` finds."""
    doc = Document.of(Comment("t", text))
    assert doc.ascii_view == view
    assert doc.is_plain is plain
    if view is not None:
        assert len(view) == len(text)
        assert doc.view_words == frozenset(plain_words(view))
    else:
        assert doc.view_words == frozenset()
    if plain:
        assert [token.norm for token in doc.prepared.tokens] == plain_words(view or "")


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=12))
def test_clean_report_line_matches_the_encoder_for_any_id(ident: str) -> None:
    report = Report(ident, (), {}, 0.0, Verdict.CLEAN, {}, ())
    assert _clean_line(report) == json_line(report_to_dict(report))


# --- filter hooks called only where their cues are (only_when) --------------------------

# Words and signs the gated filters and the antipatterns look for, in several cases and
# with the non-ASCII letters a case-insensitive regex reads as ASCII ones (dotted and
# dotless I, long s, the Kelvin sign), beside labels the filters act on.
CUE_VOCABULARY = (
    'you idiot moron vermin animals parasites traitor " \u201c \u201d \u201e \u00ab \u00bb',
    "> not NOT n't n\u2019t never nor don't stop calling call called label labelled dub",
    "brand branded refer referred to as the word the term the use of is wrong was racist",
    "has to stop condemn criticised slammed \u0130diot \u0131diot \u017ftop Kall \u212aall",
    "N\u0130GGER kike spic retard retarded the n-word called me a said that they are /s",
    "kill them shoot him hang them all I will kill you dead wrong hung out to dry nigger",
    "fag faggot tranny I'm a proud dyke homo and hetero flame retardant not all of them are",
)
CUE_WORDS = [word for line in CUE_VOCABULARY for word in line.split(" ")]
CUE_GAPS = (" ", " ", " ", ", ", ". ", "\n", "\n> ", " '", "' ", ' "', '" ')


def cue_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    words = CUE_WORDS + WORDS
    return [
        "".join(rng.choice(words) + rng.choice(CUE_GAPS) for _ in range(rng.randint(1, 30)))
        for _ in range(count)
    ]


def test_cued_filters_and_antipatterns_on_generated_text() -> None:
    """Reports agree with the filter hooks called on every comment and every
    antipattern run, on text dense in the cues and in the hits they judge."""
    assert_same(cue_texts(2000, seed=15))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(CUE_WORDS + WORDS), st.sampled_from(CUE_GAPS)),
                max_size=25))  # fmt: skip
def test_cued_filters_on_any_mix_of_cue_words(pieces: list[tuple[str, str]]) -> None:
    comment = Comment("c", "".join(word + gap for word, gap in pieces))
    assert FAST.check(comment) == SLOW.check(comment)


def test_builtin_filters_declare_cues() -> None:
    """The gate is real: the quoting and condemnation filters are skipped on comments
    without their cues (and the analyzer knows it only through the public hook API)."""
    cued = {name: cues for (name, *_), cues in zip(FAST._filters, FAST._filter_cues, strict=True)}
    assert cued["plugin:quoting"] and cued["plugin:condemnation"]
    assert cued["plugin:targets"] is None  # every targeted hit gets a target
    assert all(cues is None for cues in SLOW._filter_cues)


def test_only_when_calls_a_hook_only_on_comments_with_a_cue() -> None:
    from rhetoric import hookimpl, only_when
    from rhetoric.hookspecs import fold_cues

    seen: list[str] = []

    class Plugin:
        @staticmethod
        @hookimpl
        @only_when("Quoth", "\u201c")
        def rhetoric_filter_hit(hit: Hit, doc: Document) -> None:
            seen.append(doc.text)

    texts = ("you idiot", "QUOTH the idiot", "\u201cidiot\u201d", "qu\u00f6th, idiot")
    for fast, called in ((True, [texts[1], texts[2]]), (False, list(texts))):
        seen.clear()
        analyzer = Analyzer.from_config(AnalyzerConfig(fast_paths=fast), plugins=[Plugin()])
        for text in texts:
            assert analyzer.check(text).hits, text
        assert list(dict.fromkeys(seen)) == called  # once per hit: several per text
    assert fold_cues("\u0130DIOT \u017fK") == "idiot sk"
    with pytest.raises(TypeError):
        only_when()
    with pytest.raises(TypeError):
        only_when("")


def test_only_when_on_adjust_report() -> None:
    from rhetoric import hookimpl, only_when

    seen: list[str] = []

    class Plugin:
        @staticmethod
        @hookimpl
        @only_when("lol")
        def rhetoric_adjust_report(report: object, doc: Document) -> None:
            seen.append(doc.text)

    analyzer = Analyzer.from_config(AnalyzerConfig(), plugins=[Plugin()])
    for text in ("you idiot", "you idiot LOL", "nice day"):
        analyzer.check(text)
    assert seen == ["you idiot LOL"]


# --- antipatterns run only where their literals are ----------------------------------


def test_antipatterns_have_literals() -> None:
    """Most antipatterns of the built-in pack have required literals (the gate is
    real), and each literal is lowercase ASCII as the folded text is."""
    from rhetoric.engine.compiled import CompiledRules

    rules = FAST.detectors[0]
    assert isinstance(rules, CompiledRules)
    gates = [g for per_rule in rules._antipattern_literals.values() for g in per_rule]
    assert gates and sum(g is not None for g in gates) >= len(gates) * 2 // 3
    for gate in gates:
        assert gate is None or all(lit.isascii() and lit == lit.lower() for lit in gate)
    slow = SLOW.detectors[0]
    assert all(g is None for per_rule in slow._antipattern_literals.values() for g in per_rule)


# --- JSONL lines made directly from reports -----------------------------------------


def _line_reports() -> list[Report]:
    texts = cue_texts(300, seed=3) + generated(300, seed=5)
    return [FAST.check(Comment(f"c{i}", t)) for i, t in enumerate(texts)]


def test_report_line_is_the_encoded_report() -> None:
    from rhetoric.outputs.json import report_line

    reports = _line_reports()
    assert sum(bool(r.hits) for r in reports) > 200
    for report in reports:
        assert report_line(report) == json_line(report_to_dict(report))


JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6)
EVIDENCE = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.tuples(inner, inner)
        | st.frozensets(st.text(max_size=3), max_size=2)
        | st.dictionaries(st.text(max_size=4) | st.integers() | st.booleans(), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=500, deadline=None)
@given(
    ident=st.text(max_size=8),
    rule=st.sampled_from(["insult-label", "r\u00e9gle", "r\ud800"]),  # a lone surrogate too
    text=st.text(min_size=1, max_size=12),
    evidence=st.dictionaries(st.text(max_size=5), EVIDENCE, max_size=4),
    confidence=st.floats(0, 1) | st.integers(0, 1),
    score=st.floats(allow_nan=True) | st.integers(0, 1),
    target=st.booleans(),
    readability=st.dictionaries(st.text(max_size=4), st.floats() | st.integers(), max_size=2),
)
def test_report_line_matches_the_encoder_for_any_report(
    ident: str,
    rule: str,
    text: str,
    evidence: dict,  # type: ignore[type-arg]
    confidence: float,
    score: float,
    target: bool,
    readability: dict,  # type: ignore[type-arg]
) -> None:
    from rhetoric import DetectorError, Hit, Severity, Target, TargetKind
    from rhetoric.outputs.json import report_line

    aimed = Target(TargetKind.GROUP, 0, len(text), text, "Jewish") if target else None
    hit = Hit(0, len(text), text, "slur", rule, Severity.ERROR, confidence, text, evidence, aimed)
    errors = (DetectorError("plugin:x", text),)
    for report in (
        Report(ident, (hit, hit), {"slur": score}, score, Verdict.FLAGGED, readability, errors),
        Report(ident, (), {}, score, Verdict.CLEAN, readability, ()),
    ):
        assert report_line(report) == json_line(report_to_dict(report))


# --- pattern prefilters in one pass --------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    groups=st.lists(st.lists(st.text("abc? \u00e9", min_size=1, max_size=4), max_size=4),
                    max_size=6),
    text=st.text("abc? \u00e9x", max_size=40),
)  # fmt: skip
def test_literal_groups_pass_finds_what_substring_tests_find(
    groups: list[list[str]], text: str
) -> None:
    """The one pass over a text (the core's on ASCII, else the Aho-Corasick one) says
    which groups of literals occur in it exactly as one substring test per literal does
    (the fallback without either)."""
    from rhetoric.engine.literals import LiteralGroups

    expected = sum(
        1 << index for index, group in enumerate(groups) if any(lit in text for lit in group)
    )
    assert LiteralGroups(groups).present(text) == expected
    assert LiteralGroups(groups).python_present(text) == expected
    without_core = LiteralGroups(groups)
    if without_core._build() is not False:
        without_core._automaton = [None, None]  # as without the compiled core
    assert without_core.present(text) == expected
    fallback = LiteralGroups(groups)
    if fallback._build() is not False:
        fallback._automaton = [None, False]  # as without the core and pyahocorasick
    assert fallback.present(text) == expected


def test_literal_groups_survive_the_cache() -> None:
    import pickle

    from rhetoric.engine.literals import LiteralGroups

    groups = LiteralGroups([("kill", "die"), ("?",), ()])
    assert groups.present("why die?") == 0b11
    copy = pickle.loads(pickle.dumps(groups))
    assert copy._automaton is None and copy.present("kill") == 0b01


def test_required_literals_leave_fuzzy_patterns_alone() -> None:
    """The stdlib parser reads regex's fuzzy constraints as plain text: such a pattern
    gets no prefilter (it always runs) rather than a wrong one."""
    from rhetoric.engine.literals import required_literals

    assert required_literals("(?:idiot){e<=1}") is None
    assert required_literals("idiot|moron") == ("idiot", "moron")


def test_required_groups_need_one_literal_of_each_group() -> None:
    """Each top-level alternative needs one literal of each of its groups; a short,
    optional or non-ASCII part adds no group, and an alternative without any leaves
    the pattern without a requirement."""
    from rhetoric.engine.literals import required_groups

    # The parser takes the shared "w" out of will|would.
    assert required_groups(r"\b(?:if|unless)\b.{3,9}?(?:will|would) (?:die|kill)") == (
        (("die", "kill"), ("ill", "ould")),
    )
    assert required_groups(r"(?:the )?worst\w* ever|caf\u00e9\w* story") == (
        ((" ever",), ("worst",)),
        ((" story",),),
    )
    assert required_groups(r"worst|\w+") is None
    # An alternation that is all there is inside a group between assertions (a rule's
    # usual "\b(?P<hit>...)\b") is split the same way, and so is a nested one that is
    # a whole alternative; one between other parts stays one group.
    assert required_groups(r"\b(?P<hit>they knew|(?:genocide plan|mass cull))\b") == (
        (("they knew",),),
        (("genocide plan",),),
        (("mass cull",),),
    )
    assert required_groups(r"\b(?:the )?(?:cover-up|coverup) was (?:planned|staged)") == (
        ((" was ",), ("cover",), ("planned", "staged")),  # the parser shares "cover"
    )
    assert required_groups(r"(a|b)\1 (?:idiot|moron)") == ((("idiot", "moron"),),)
    assert required_groups(r"\b(?P<hit>idiots?|\w+)\b") is None
    # Looked for in lowercased text, whatever the pattern's case.
    assert required_groups(r"(?i)Sold out AMERICA") == ((("sold out america",),),)
    # POSIX classes are regex syntax the stdlib parser reads as chars.
    assert required_groups(r"[[:alpha:]]+ story") is None
    assert required_groups(r"(?:idiot){e<=1}") is None


def test_required_groups_hold_on_every_match_of_the_built_in_patterns() -> None:
    """Wherever a built-in pattern matches its rule's examples (and the generated
    text), the engine's strict prefilter lets it run."""
    from rhetoric.engine.compiled import CompiledRules

    rules = FAST.detectors[0]
    assert isinstance(rules, CompiledRules)
    texts = generated(300) + cue_texts(300, seed=9)
    for spec in rules._specs:
        texts.extend(
            example.text.replace("[[", "").replace("]]", "") for example in spec.info.examples
        )
    assert sum(masks is not None for masks in rules._strict) >= len(rules._strict) // 2
    for text in texts:
        normalized = prepare(text).normalized
        if not normalized.isascii():
            continue
        present = rules._normalized_literals.present(normalized)
        for bit, (_, pattern, _) in enumerate(rules._patterns):
            if pattern.search(normalized):
                assert rules._needs_met(bit, present), (pattern.pattern[:40], text)


# Words of the built-in word classes (people, copulas, insults, threats), names that
# are also class words, and phrases across glue: dense in word-class matches.
CLASS_VOCABULARY = (
    "people they those are is were be idiot idiots moron stupid vermin animals scum",
    "kill shoot hang deport replace invaders natives whites immigrants migrants",
    "Dick Cheney dick Kike Hernandez you Dick Head a Dick such fool disgusting vile",
    "sh1t f*ck m*ron st00pid idiooot f u c k all of them these those who",
)
CLASS_WORDS = [word for line in CLASS_VOCABULARY for word in line.split(" ")]
CLASS_GAPS = (" ", " ", " ", ", ", ". ", "\n", " - ")


def _grouped(matches: list) -> dict:  # type: ignore[type-arg]
    """Trie matches grouped by first token, then payload, into sets of last tokens:
    how the engine read the word-class trie's matches before ``scan_ends``."""
    ends: dict = {}  # type: ignore[type-arg]
    for match in matches:
        ends.setdefault(match.first, {}).setdefault(match.payload, set()).add(match.last)
    return ends


def _assert_scan_ends(text: str) -> None:
    trie = FAST.detectors[0]._class_trie
    prepared = prepare(text)
    found = trie.scan_ends(prepared)
    expected = _grouped(trie.scan(prepared)) if prepared.tokens else {}
    assert found == expected, text
    # The same order too: templates are tried in the order of their classes here.
    assert [(i, list(names)) for i, names in found.items()] == [
        (i, list(names)) for i, names in expected.items()
    ], text


def test_scan_ends_groups_what_scan_finds() -> None:
    """``TokenTrie.scan_ends`` (which skips match tuples on comments without other
    spellings) gives exactly the grouped matches of ``scan``, in the same order."""
    rng = random.Random(30)
    words = CLASS_WORDS + WORDS
    for _ in range(1500):
        count = rng.randint(0, 30)
        _assert_scan_ends("".join(rng.choice(words) + rng.choice(CLASS_GAPS) for _ in range(count)))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(CLASS_WORDS), st.sampled_from(CLASS_GAPS)),
                max_size=25))  # fmt: skip
def test_scan_ends_on_any_mix_of_class_words(pieces: list[tuple[str, str]]) -> None:
    _assert_scan_ends("".join(word + gap for word, gap in pieces))


def test_engine_hits_are_what_document_hit_builds() -> None:
    """The engine builds its hits without ``Document.hit``'s checks and copies; each is
    equal to the one ``Document.hit`` makes from the same rule, span and fields."""
    rules = FAST.detectors[0]
    infos = {rule.id: rule for rule in rules.rules}
    seen = 0
    for text in generated(600, seed=30) + generated(300, seed=31):
        doc = Document.of(Comment("x", text))
        for hit in rules.detect(doc):
            if not hasattr(hit, "rule"):
                continue  # a DetectorError
            rebuilt = doc.hit(
                infos[hit.rule],
                hit.start,
                hit.end,
                confidence=hit.confidence,
                severity=hit.severity,
                evidence=hit.evidence,
                target=hit.target,
            )
            assert hit == rebuilt and type(hit.confidence) is float, text
            assert hit.message == rebuilt.message and hit.evidence == rebuilt.evidence
            seen += 1
    assert seen > 100


_HIT_FIELDS = st.tuples(
    st.integers(0, 10_000),
    st.integers(0, 10_000),
    st.text(max_size=8),
    st.sampled_from(["insult", "loaded-language"]),
    st.text(min_size=1, max_size=8),
    st.sampled_from(list(Severity)),
    st.floats(0, 1),
    st.text(max_size=8),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.one_of(st.none(), st.just(Target(TargetKind.GROUP, group="Jewish"))),
)


@settings(max_examples=200, deadline=None)
@given(_HIT_FIELDS)
def test_new_hit_is_the_hit_the_constructor_builds(values: tuple[Any, ...]) -> None:
    """``new_hit`` skips the frozen dataclass's ``__init__``; what it returns is a ``Hit``
    like any other: equal, hashed, printed, pickled, replaced and frozen alike."""
    built, made = new_hit(*values), Hit(*values)
    assert type(built) is Hit and built == made and hash(built) == hash(made)
    assert repr(built) == repr(made)
    assert dataclasses.astuple(built) == dataclasses.astuple(made)
    assert pickle.loads(pickle.dumps(built)) == made
    assert copy.copy(built) == made and copy.deepcopy(built) == made
    assert dataclasses.replace(built, rule="other") == dataclasses.replace(made, rule="other")
    assert replace_hit(made, confidence=0.5) == dataclasses.replace(made, confidence=0.5)
    assert type(replace_hit(made, text="y")) is Hit
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.start = 1  # type: ignore[misc]
    assert not hasattr(built, "__dict__")


def test_document_stays_frozen_and_pickles_with_its_facts_filled() -> None:
    """The lazily computed facts live in a mutable holder; the document itself still
    refuses assignment, and one pickled after its facts were computed equals a fresh one."""
    doc = Document.of(Comment("t", "You IDIOT, sh!t happens."))
    fresh = Document.of(Comment("t", "You IDIOT, sh!t happens."))
    assert doc.view_words and doc.folded and not doc.is_plain and doc.prepared.tokens
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.comment = Comment("u", "other")  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del doc.comment
    copied = pickle.loads(pickle.dumps(doc))
    assert copied == fresh and hash(copied) == hash(fresh) and copied.prepared == doc.prepared
    assert pickle.loads(pickle.dumps(fresh)).view_words == doc.view_words


@settings(max_examples=100, deadline=None)
@given(
    st.text(max_size=6),
    st.text(max_size=12),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.floats(0, 1),
)
def test_thawed_builds_what_the_constructor_builds(
    ident: str, text: str, extra: dict[str, int], score: float
) -> None:
    """``thawed(cls)`` takes what ``cls`` takes (defaults included) and returns an equal,
    frozen ``cls``, hashed, printed and pickled alike."""
    pairs = [
        (thawed(Comment)(ident, text), Comment(ident, text)),
        (thawed(Comment)(id=ident, text=text, metadata=extra), Comment(ident, text, extra)),
        (
            thawed(Report)(ident, (), {"insult": score}, score, Verdict.CLEAN),
            Report(ident, (), {"insult": score}, score, Verdict.CLEAN),
        ),
    ]
    for built, made in pairs:
        assert type(built) is type(made) and built == made and hash(built) == hash(made)
        assert repr(built) == repr(made) and pickle.loads(pickle.dumps(built)) == made
        assert dataclasses.replace(built) == made
        with pytest.raises(dataclasses.FrozenInstanceError):
            built.id = "other"  # type: ignore[misc]
    assert thawed(Comment)("a", "b").metadata is not thawed(Comment)("a", "b").metadata


def test_thawed_refuses_classes_that_check_their_fields() -> None:
    with pytest.raises(TypeError, match="__post_init__"):
        thawed(Target)


def test_document_of_is_the_document_the_constructor_builds() -> None:
    comment = Comment("t", "You IDIOT, sh!t happens.")
    doc = Document.of(comment)
    assert type(doc) is Document and doc == Document(comment)
    assert doc.view_words == Document(comment).view_words and repr(doc) == repr(Document(comment))
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.comment = comment  # type: ignore[misc]
