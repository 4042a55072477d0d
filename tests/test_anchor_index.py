"""The anchor gate (engine/anchors.py) answers "can any rule fire?" exactly as its
requirements say, whichever way it stores them (phrases as word sets, the others as
requirements)."""

from __future__ import annotations

import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from rhetoric.engine.anchors import AnchorIndex, Requirement

WORDS = ["kill", "them", "all", "deep", "state", "plan", "the", "evil", "we", "must"]
words = st.frozensets(st.sampled_from(WORDS), max_size=6)
options = st.lists(words.filter(bool), min_size=1, max_size=4).map(tuple)
requirements = st.builds(
    lambda needed, opts: Requirement(min(needed, len(opts)), opts),
    st.integers(0, 4),
    options,
)
phrases = st.lists(st.sampled_from(WORDS), min_size=2, max_size=4, unique=True).map(
    lambda ws: Requirement(len(ws), tuple(frozenset((w,)) for w in ws))
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(words.filter(bool), st.none() | requirements | phrases), max_size=8),
    words,
)
def test_may_fire_is_any_requirement_met(
    entries: list[tuple[frozenset[str], Requirement | None]], comment: frozenset[str]
) -> None:
    index = AnchorIndex()
    for anchors, requirement in entries:
        index.add(sorted(anchors), requirement)
    index.freeze()
    expected = any(
        not anchors.isdisjoint(comment)
        and (requirement is None or requirement.needed <= 1 or requirement.met(comment))
        for anchors, requirement in entries
    )
    assert index.may_fire(comment) == expected
    assert pickle.loads(pickle.dumps(index)).may_fire(comment) == expected  # as cached


def test_phrases_are_kept_as_word_sets() -> None:
    index = AnchorIndex()
    index.add(["state"], Requirement(2, (frozenset({"deep"}), frozenset({"state"}))))
    index.add(["plan"], Requirement(2, (frozenset({"evil", "deep"}), frozenset({"plan"}))))
    index.freeze()
    assert index.phrases == {"state": (frozenset({"deep", "state"}),)}
    assert list(index.every) == ["plan"]
    index.add(["must"], Requirement(2, (frozenset({"we"}), frozenset({"must"}), frozenset({"x"}))))
    index.freeze()
    assert list(index.conditional) == ["must"]  # two of three: tested as a requirement
    assert index.may_fire(frozenset({"deep", "state"}))
    assert index.may_fire(frozenset({"we", "must"}))
    assert not index.may_fire(frozenset({"state", "plan"}))
    assert index.may_fire(frozenset({"evil", "plan"}))


def test_requirements_of_all_options_skip_the_anchor_own_option() -> None:
    index = AnchorIndex()
    needs = (frozenset({"we", "they"}), frozenset({"must"}), frozenset({"kill", "evil"}))
    index.add(["must"], Requirement(3, needs))
    index.freeze()
    assert index.every == {"must": ((frozenset({"kill", "evil"}), frozenset({"we", "they"})),)}
    assert index.may_fire(frozenset({"they", "must", "evil"}))
    assert not index.may_fire(frozenset({"they", "must"}))
