"""A comment as detectors see it (:class:`Document`), and what a detector is
(:class:`Detector`), for YAML rules and Python plugins alike.

A detector is any object with a ``name``, the ``rules`` it can report (their
metadata, messages and examples) and a ``detect(doc)`` method returning hits.
The YAML rule engine is one such detector; so is every first-party plugin. Hits
are built with :meth:`Document.hit`, which fills in the matched text, message and
defaults from the rule, so a detector only decides *where* and *how sure*.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import FrozenInstanceError
from typing import Any, Protocol, runtime_checkable

from .hookspecs import fold_cues
from .model import Comment, Hit, RuleInfo, Severity, Target, new_hit
from .text import PreparedText
from .text.normalize import OffsetMap, normalize
from .text.plain import is_plain, view_facts
from .text.prepared import is_one_to_one, prepare_normalized

_UNSET: Any = object()  # Document.ascii_view not computed yet (None is an answer)


class _Facts:
    """A document's facts computed on first use. A plain mutable holder: filling a
    field is a slot store, where setting one on the frozen ``Document`` would take
    ``object.__setattr__`` (about 2,000 instructions each, a dozen per comment)."""

    __slots__ = ("folded", "normalized", "pieces", "plain", "prepared", "view", "words")

    def __init__(self, prepared: PreparedText | None) -> None:
        self.prepared = prepared
        self.view: Any = _UNSET
        self.normalized: tuple[str, OffsetMap] | None = None
        self.pieces: list[str] | None = None
        self.words: frozenset[str] | None = None
        self.plain: bool | None = None
        self.folded: str | None = None


class Document:
    """A comment as detectors see it: the original text and its prepared view.

    ``prepared`` is computed on first use (and kept): the rule engine decides from
    the raw text whether a comment needs it at all, and most plain comments do not.
    ``ascii_view``, ``view_words`` and ``is_plain`` are the cheap facts that decision
    rests on, shared by every detector that asks (also computed once).
    Immutable like the frozen value types it carries.
    """

    __slots__ = ("_facts", "comment", "text")

    comment: Comment
    # ``comment.text``, kept in a slot: detectors and hooks read it about seven times
    # per comment, and a property is a Python call each time.
    text: str
    _facts: _Facts

    def __init__(self, comment: Comment, prepared: PreparedText | None = None) -> None:
        object.__setattr__(self, "comment", comment)
        object.__setattr__(self, "text", comment.text)
        object.__setattr__(self, "_facts", _Facts(prepared))

    @classmethod
    def of(cls, comment: Comment) -> Document:
        if cls is not Document:
            return cls(comment)
        # Once per comment: plain slot stores on a twin of the same slots, then a
        # Document (``__class__`` assignment), instead of two ``object.__setattr__``.
        doc: Any = _OpenDocument()
        doc.comment = comment
        doc.text = comment.text
        doc._facts = _Facts(None)
        doc.__class__ = Document
        made: Document = doc
        return made

    @property
    def prepared(self) -> PreparedText:
        facts = self._facts
        prepared = facts.prepared
        if prepared is None:
            normalized, offsets = self._normalized_view()
            plain = self.is_plain  # kept: the engine asks again after preparing
            prepared = prepare_normalized(self.text, normalized, offsets, plain, facts.pieces)
            facts.prepared = prepared
        return prepared

    def _normalized_view(self) -> tuple[str, OffsetMap]:
        """``normalize`` of the text, computed once for ``ascii_view`` and ``prepared``
        alike."""
        facts = self._facts
        normalized = facts.normalized
        if normalized is None:
            normalized = facts.normalized = normalize(self.text)
        return normalized

    @property
    def ascii_view(self) -> str | None:
        """The normalized text when it is ASCII with one char per char of the original
        (so offsets are shared): true of ASCII comments and of those whose only other
        chars fold to one ASCII char (curly quotes, accents). None for any other text."""
        facts = self._facts
        view = facts.view
        if view is _UNSET:
            normalized, offsets = self._normalized_view()
            view = facts.view = normalized if is_one_to_one(normalized, offsets) else None
        return view  # type: ignore[no-any-return]

    @property
    def view_words(self) -> frozenset[str]:
        """The words of ``ascii_view`` (empty without one), found without preparing the
        comment: a superset of its token norms made of letters, digits and apostrophes.
        A detector whose terms are all absent from it can only match other spellings."""
        facts = self._facts
        words = facts.words
        if words is None:
            view = self.ascii_view
            if view is None:
                words = frozenset()
            else:
                # One pass: the words, and (from the core) whether the view is plain; the
                # regexes' cut is kept instead, for a plain comment's tokens to reuse.
                words, plain, facts.pieces = view_facts(view)
                if plain is not None:
                    facts.plain = plain
            facts.words = words
        return words

    @property
    def folded(self) -> str:
        """The text as :func:`~rhetoric.hookspecs.fold_cues` folds it, computed once:
        the filter and report hooks' cue tests share it instead of folding again."""
        facts = self._facts
        folded = facts.folded
        if folded is None:
            folded = facts.folded = fold_cues(self.text)
        return folded

    @property
    def is_plain(self) -> bool:
        """Whether the comment has an ``ascii_view`` and no token of it can have another
        spelling (leet, masks, stretched or spelled-out letters): then its tokens are
        exactly ``view_words``, and nothing else can match."""
        facts = self._facts
        plain = facts.plain
        if plain is None:
            view = self.ascii_view
            if view is not None and facts.words is None:
                self.view_words  # noqa: B018  # the core's one pass answers this too
                plain = facts.plain
            if plain is None:
                plain = facts.plain = view is not None and is_plain(view)
        return plain

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Document):
            return NotImplemented
        return self.comment == other.comment and self.prepared == other.prepared

    def __hash__(self) -> int:
        return hash((self.comment, self.prepared))

    def __reduce__(self) -> tuple[type[Document], tuple[Comment, PreparedText | None]]:
        return (Document, (self.comment, self._facts.prepared))

    def __repr__(self) -> str:
        return f"Document(comment={self.comment!r}, prepared={self.prepared!r})"

    def hit(
        self,
        rule: RuleInfo,
        start: int,
        end: int,
        *,
        confidence: float | None = None,
        severity: Severity | str | None = None,
        message: str | None = None,
        evidence: Mapping[str, Any] | None = None,
        target: Target | None = None,
    ) -> Hit:
        """Build a hit for ``rule`` on ``text[start:end]`` with the rule's defaults
        (``target``: whom it aims at, when the detector knows).

        ``{match}`` in the message is replaced by the matched text (plain
        substitution: messages are never evaluated).
        """
        if not 0 <= start < end <= len(self.text):
            raise ValueError(
                f"rule {rule.id!r}: span {start}..{end} is outside the text "
                f"(length {len(self.text)})"
            )
        matched = self.text[start:end]
        template = rule.message if message is None else message
        # Positional, and no severity parse or evidence copy when there is none to
        # make: the rule engine builds every YAML rule's hit here, in the hot path.
        return new_hit(
            start,
            end,
            matched,
            rule.technique,
            rule.id,
            rule.severity if severity is None else Severity.parse(severity),
            rule.confidence if confidence is None else float(confidence),
            template.replace("{match}", matched),
            dict(evidence) if evidence else {},
            target,
        )


class _OpenDocument:
    """``Document``'s slots without its frozen ``__setattr__`` (see ``Document.of``)."""

    __slots__ = Document.__slots__


@runtime_checkable
class Detector(Protocol):
    """The contract every detector meets (YAML engine and plugins alike)."""

    name: str

    @property
    def rules(self) -> Sequence[RuleInfo]: ...

    def detect(self, doc: Document) -> Iterable[Hit]: ...
