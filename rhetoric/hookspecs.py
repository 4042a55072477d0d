"""The plugin contract: every hook rhetoric calls, grouped by phase.

Each hook is an empty function whose docstring is the contract. Rhetoric always
calls hooks with keyword arguments, so an implementation may accept any subset of
the arguments listed (specs can grow without breaking plugins). Implement hooks
with :data:`rhetoric.hookimpl`; a misspelled hook name fails loudly at load time.

Isolation: the per-comment hooks (``rhetoric_filter_hit``, ``rhetoric_adjust_report``,
``rhetoric_report_ready``) and every detector are called one plugin at a time; an
exception costs only that plugin's contribution and is recorded in the report's
``errors``, never the run. Set-up hooks (``rhetoric_register_*``) run once when an
analyzer is built; an exception there is a configuration error naming the plugin.
Because each implementation is called on its own, ``wrapper=True`` and
``hookwrapper=True`` implementations cannot be honoured and are refused when the
plugin is loaded, naming it; ``tryfirst``/``trylast`` order the calls as in pluggy.

The report hooks see the report exactly as it is printed, served or stored: what
drops a finding (filter hooks, the allowlist, a host's screen such as suppression
comments or a baseline) decides before scoring.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pluggy

from .text.patterns import compiled as _kept_pattern

if TYPE_CHECKING:
    import regex

    from .config import AnalyzerConfig
    from .document import Detector, Document
    from .model import Comment, Hit, Report
    from .policy import Decision
    from .techniques import Technique

PROJECT = "rhetoric"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

_F = TypeVar("_F", bound=Callable[..., Any])
CUES_ATTRIBUTE = "rhetoric_cues"
HITS_ATTRIBUTE = "rhetoric_min_hits"
# The non-ASCII letters that a case-insensitive regex matches to an ASCII letter and
# that lower() does not make that letter (or makes two chars of): dotted and dotless
# I, long s, the Kelvin sign. Folding them keeps a cue test no stricter than the regex.
# Replaced one by one where present: str.translate with a mapping looks every char
# up in it (about a hundred times the cost of lower() on a comment), and these
# letters are rare.
_CUE_LETTERS = (("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s"), ("\u212a", "k"))


def fold_cues(text: str) -> str:
    """The form in which :func:`only_when` cues are looked for: ``text`` lowercased
    (with the few non-ASCII letters that case-insensitive regexes read as ASCII ones
    made those letters), so a cue is found wherever an ``IGNORECASE`` regex of the
    same letters could match."""
    if text.isascii():
        return text.lower()
    for letter, ascii_letter in _CUE_LETTERS:
        if letter in text:
            text = text.replace(letter, ascii_letter)
    return text.lower()


def compiled_pattern(pattern: str, flags: int = 0) -> regex.Pattern[str]:
    """``regex.compile(pattern, flags)``, kept between runs: what a plugin calls for its
    module-level patterns. The ``regex`` module compiles in Python (a long pattern costs
    milliseconds of every cold start), so the patterns are kept, compiled, in a small
    private file beside the compiled-rules cache, as the core's own are, and read back
    on the next start (``RHETORIC_NO_CACHE`` switches it off). Same result as
    ``regex.compile``; any problem with the file just means compiling."""
    return _kept_pattern(pattern, flags)


def only_when(*cues: str, hits: int | None = None) -> Callable[[_F], _F]:
    """Declare what a hook implementation needs to have anything to do, so the
    analyzer calls it only where that holds and skips the call everywhere else.

    ``cues`` (for ``rhetoric_filter_hit`` and ``rhetoric_adjust_report``): literal
    substrings compared case-insensitively (:func:`fold_cues`), looked for once per
    comment, which costs far less than calling the hook on each hit; the hook is
    called only on comments holding at least one of them.

    ``hits`` (for ``rhetoric_adjust_report`` and ``rhetoric_report_ready``): called
    only for reports with at least this many hits (``hits=1``: never on a clean
    report; ``hits=2`` for a hook that relates hits to each other). The report
    counted is the one the hook would receive (chained adjusters: as the previous
    one left it). Declared on any other hook it is refused when the plugin loads.

    With both, both must hold. Declaring them is a promise: where they do not hold
    the hook keeps the hit or report as it is (returns ``None``). With
    ``fast_paths`` off the hook is called everywhere, which is how a test shows the
    conditions are enough::

        @hookimpl
        @only_when('"', "\u201c", "called")
        def rhetoric_filter_hit(hit, doc, config): ...

        @hookimpl
        @only_when(hits=2)
        def rhetoric_adjust_report(report, doc, config): ...
    """
    if not all(isinstance(cue, str) and cue for cue in cues) or not (cues or hits is not None):
        raise TypeError("only_when() takes one or more non-empty strings, or hits=N")
    if hits is not None and (isinstance(hits, bool) or not isinstance(hits, int) or hits < 1):
        raise TypeError(f"only_when(hits=...) takes a whole number of at least 1, not {hits!r}")
    folded = tuple(dict.fromkeys(fold_cues(cue) for cue in cues))

    def mark(function: _F) -> _F:
        if folded:
            setattr(function, CUES_ATTRIBUTE, folded)
        if hits is not None:
            setattr(function, HITS_ATTRIBUTE, hits)
        return function

    return mark


def cues_of(function: Callable[..., Any]) -> tuple[str, ...] | None:
    """The folded cues ``function`` declared with :func:`only_when`, or None."""
    cues = getattr(function, CUES_ATTRIBUTE, None)
    return cues if isinstance(cues, tuple) else None


def min_hits_of(function: Callable[..., Any]) -> int:
    """The ``hits`` ``function`` declared with :func:`only_when` (0: none)."""
    hits = getattr(function, HITS_ATTRIBUTE, 0)
    return hits if isinstance(hits, int) and not isinstance(hits, bool) and hits > 0 else 0


# The hooks that receive a report, on which only_when(hits=N) can be honoured.
REPORT_HOOKS = frozenset({"rhetoric_adjust_report", "rhetoric_report_ready"})


# --- set-up: called once per analyzer ---------------------------------------------


@hookspec
def rhetoric_register_techniques(register: Callable[[Technique], None]) -> None:
    """Add techniques beyond the built-in vocabulary.

    :param register: call ``register(Technique(...))`` for each technique. Ids must
        be new or identical to an existing definition.
    """


@hookspec
def rhetoric_register_rule_paths(register: Callable[[str | Path], None]) -> None:
    """Contribute folders of YAML rules (``<technique>/<rule-id>.yml`` files and
    ``_classes/<name>.yml`` word classes).

    :param register: call ``register(path)`` for each folder. The built-in rule pack
        is itself registered this way by the ``builtin-rules`` plugin.
    """


@hookspec
def rhetoric_register_detectors(
    register: Callable[[Detector], None], config: AnalyzerConfig
) -> None:
    """Contribute Python detectors.

    :param register: call ``register(detector)`` for each object that has a ``name``,
        a ``rules`` sequence of :class:`rhetoric.RuleInfo` (the rules it reports, with
        messages, documentation and examples) and ``detect(doc) -> Iterable[Hit]``.
    :param config: the analyzer's configuration; read your options with
        ``config.plugin_options(NAME)``.
    """


# --- per comment --------------------------------------------------------------------


@hookspec
def rhetoric_filter_hit(hit: Hit, doc: Document, config: AnalyzerConfig) -> Hit | bool | None:
    """Keep, change or drop one hit before hits are merged and scored.

    Implementations are chained: each one sees the hit as the previous one left it.
    The hottest hook (called per hit): one that can only act on comments with some
    words or signs declares them with :func:`only_when` and is not called elsewhere.

    :param hit: the candidate hit (offsets into ``doc.text``).
    :param doc: the comment and its prepared text.
    :param config: the analyzer's configuration.
    :return: ``None`` or ``True`` to keep the hit as it is, ``False`` to drop it, or a
        replacement :class:`rhetoric.Hit` (for example with lower confidence).
    """


@hookspec
def rhetoric_adjust_report(report: Report, doc: Document, config: AnalyzerConfig) -> Report | None:
    """Change a finished report (raise or lower hits' confidence, add scores,
    re-decide the verdict...).

    Chained like ``rhetoric_filter_hit``, and like it may declare :func:`only_when`
    cues; ``@only_when(hits=1)`` keeps it off clean reports (most comments), where
    an adjuster of hits has nothing to do.

    :param config: the analyzer's configuration: ``rhetoric.rescored(report, hits,
        config.thresholds)`` gives a report with changed hits and the scores and
        verdict they earn, exactly as the analyzer would score them.
    :return: a new :class:`rhetoric.Report` (use ``dataclasses.replace`` or
        ``rhetoric.rescored``) or ``None`` to leave it unchanged.
    """


@hookspec
def rhetoric_report_ready(report: Report, comment: Comment) -> None:
    """Receive each final report (to log, count, queue or notify). Return values
    are ignored; this hook cannot change the report. ``@only_when(hits=N)``
    receives only reports with at least N hits."""


# --- moderation (hosts that act on comments: see rhetoric.Moderator) ----------------


@hookspec
def rhetoric_moderation_context(
    comment: Comment, context: Mapping[str, Any]
) -> Mapping[str, Any] | None:
    """Add what the host or a plugin knows about a comment before it is judged
    (author role, thread, site, account age...).

    Chained: each implementation sees the context as the previous ones left it.

    :param comment: the comment about to be analysed.
    :param context: what the host passed to ``Moderator.moderate`` plus earlier additions.
    :return: a mapping merged into the context, or ``None``.
    """


@hookspec
def rhetoric_decide(
    decision: Decision, comment: Comment, config: AnalyzerConfig
) -> Decision | None:
    """Override the policy's decision (relax it for trusted authors, tighten it on a
    sensitive thread...).

    Chained: each implementation sees the decision as the previous ones left it.
    ``decision.context`` carries the context; ``decision.report`` the findings;
    ``decision.code`` a rejection's reason code (Coral's and the DSA's categories:
    ``HATE_SPEECH``, ``ABUSIVE``...). A rejection returned without a valid code gets
    the policy's; one turned into a review loses it.

    :return: a replacement :class:`rhetoric.Decision` (``dataclasses.replace``) or ``None``.
    """


@hookspec
def rhetoric_decision_ready(decision: Decision, comment: Comment) -> None:
    """Receive each final decision (to log, notify a moderator or queue the comment).
    Return values are ignored."""
