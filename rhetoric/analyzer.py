"""The analyzer: build once from a configuration, then check many comments.

Building loads plugins, collects techniques, rule folders and detectors through
the hooks, and compiles the YAML rules. Checking runs one pipeline,
prepare -> detect -> filter (hooks, allowlist) -> escalate -> merge -> screen ->
score -> report -> adjust -> notify, in two halves (:meth:`Analyzer.detect`,
:meth:`Analyzer.conclude`) so batch runs can detect on worker processes. Whatever
drops a finding (filter hooks, the allowlist, a caller's :class:`Screen`) decides
before scoring, so every hook sees the report that is printed, served or stored.
An analyzer's only mutable state after it is built is the plugin time budget's
strike counts (behind a lock), so one instance may serve many threads at once.

Every plugin call is contained: an exception, an invalid hit or an over-budget
call costs only that plugin's contribution and is recorded in the report's
errors. The YAML rule engine is not on the plugin budget: each of its regexes is
time-bounded on its own (``regex_timeout``).
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .config import AnalyzerConfig
from .document import Detector, Document
from .engine import cache
from .engine.compiled import CompiledRules
from .engine.errors import RuleLoadError
from .engine.specs import RuleSet
from .hookspecs import cues_of, min_hits_of
from .host import CallBudget, PluginHost, PluginLoadError, PluginTooSlow
from .model import (
    HIT_ORDER,
    Comment,
    DetectorError,
    Hit,
    Report,
    RuleInfo,
    Verdict,
    new_report,
    thawed,
)
from .scoring import judge, merge_overlapping
from .techniques import Technique, TechniqueRegistry
from .text import patterns


@dataclass(frozen=True, slots=True)
class Analysis:
    """A report plus the filtered, unmerged hits behind it (what rule tests need)."""

    report: Report
    raw_hits: tuple[Hit, ...]


@dataclass(frozen=True, slots=True)
class Detection:
    """A comment's hits after the detectors and the filter hooks, before they are
    merged and scored: what a worker process sends back. ``doc`` (the prepared
    view, kept for the report hooks) stays in the process that made it."""

    comment: Comment
    hits: tuple[Hit, ...]
    errors: tuple[DetectorError, ...]
    doc: Document | None = field(default=None, compare=False, repr=False)

    def __reduce__(self) -> tuple[type[Detection], tuple[Comment, tuple[Hit, ...], Any]]:
        return (Detection, (self.comment, self.hits, self.errors))


# Built once per comment each: without the frozen __init__'s per-field cost.
_new_detection = thawed(Detection)
_new_analysis = thawed(Analysis)


class Screen(Protocol):
    """What a caller has already decided about one comment's findings, applied
    after merging and before scoring, so every hook sees the report as it is
    printed (``rhetoric check`` screens suppressed, per-file ignored, baselined
    and unchanged-line findings this way)."""

    def keep(self, hit: Hit) -> bool:
        """Whether a merged finding stays in the report."""
        ...

    def extra_hits(self) -> Iterable[Hit]:
        """Findings about the text itself (an unused suppression comment), asked
        once after :meth:`keep` has seen every finding; reported, not scored."""
        ...

    def input_errors(self) -> Iterable[DetectorError]:
        """Problems of the input the caller found (replaced bytes, a repeated id),
        listed in the report's errors."""
        ...


class Analyzer:
    """Finds rhetoric techniques in comments. Build with :meth:`from_config`."""

    def __init__(
        self,
        *,
        config: AnalyzerConfig,
        host: PluginHost,
        techniques: TechniqueRegistry,
        ruleset: RuleSet,
        detectors: Sequence[Detector],
        rule_paths: Sequence[Path],
    ) -> None:
        self.config = config
        self.host = host
        self.techniques = techniques
        self.ruleset = ruleset
        self.detectors = tuple(detectors)
        self.rule_paths = tuple(rule_paths)
        self._rules_by_detector = {d.name: {r.id: r for r in d.rules} for d in self.detectors}
        self._enabled = frozenset(r.id for r in self.rules)
        # Which hit of an overlapping cluster reports it: a stable rule before these.
        self._preview_rules = frozenset(r.id for r in self.rules if r.status == "preview")
        # (source, function, argnames, positional): the usual signature is called
        # with positional arguments, no keyword dict to build per hit.
        filters = host.implementations("rhetoric_filter_hit")
        self._filters = tuple(
            (f"plugin:{name}", function, argnames, argnames == _FILTER_ARGS)
            for name, function, argnames in filters
        )
        # The cues each filter declared (only_when), None for those called on every
        # comment; without fast paths every filter is called (the reference behaviour).
        self._filter_cues = tuple(
            cues_of(function) if config.fast_paths else None for _, function, _ in filters
        )
        self._cued_filters = any(cues is not None for cues in self._filter_cues)
        self._has_adjusters = host.has_implementations("rhetoric_adjust_report")
        # (name, source, function, argnames, positional, cues, fewest hits) of each
        # report adjuster, worked out once as for the filters; without fast paths no
        # condition is read and every adjuster is called on every report.
        self._adjusters = tuple(
            (
                name,
                f"plugin:{name}",
                function,
                argnames,
                argnames == _ADJUST_ARGS,
                cues_of(function) if config.fast_paths else None,
                min_hits_of(function) if config.fast_paths else 0,
            )
            for name, function, argnames in host.implementations("rhetoric_adjust_report")
        )
        # The fewest hits a report needs for any adjuster to be called (only_when(hits=N)
        # on all of them): below it the adjusting round is skipped whole.
        self._adjust_floor = host.min_hits("rhetoric_adjust_report") if config.fast_paths else 0
        self._has_listeners = host.has_implementations("rhetoric_report_ready")
        self._budget = CallBudget(config.plugin_timeout, config.plugin_strikes)
        self._allowed = frozenset(" ".join(term.casefold().split()) for term in config.allowlist)
        compiled = next((d for d in self.detectors if isinstance(d, CompiledRules)), None)
        self._escalations = compiled.escalations if compiled is not None else None
        # Cue rules' hits are dropped even when no escalation rule is enabled.
        escalations = self._escalations
        self._cues = escalations if escalations is not None and escalations.cue_rules else None
        # A plugin detector none of whose rules is enabled (a preview-only one without
        # --preview) could only give hits that are dropped: with fast paths it is not
        # called at all (no refusal test, clock reads or generator per comment).
        self._sources = tuple(
            (d, f"detector:{d.name}", isinstance(d, CompiledRules))
            for d in self.detectors
            if not config.fast_paths
            or isinstance(d, CompiledRules)
            or not self._enabled.isdisjoint(self._rules_by_detector[d.name])
        )
        # The YAML engine builds every hit with Document.hit from rules validated at load
        # (span checked, text sliced, confidence in 0..1): its hits need no re-checking,
        # which only plugins' hits do. Without fast paths every hit is checked.
        self._trust_rules = config.fast_paths
        self._with_readability = bool(config.readability)  # off by default: no call per report

    # --- building ---------------------------------------------------------------

    @classmethod
    def from_config(
        cls,
        config: AnalyzerConfig | None = None,
        *,
        plugins: Sequence[object] = (),
        plugin_modules: Sequence[str] = (),
        plugin_dirs: Sequence[Path | str] = (),
        entry_points: bool = True,
    ) -> Analyzer:
        """Load plugins and rules and compile them.

        :param plugins: extra plugin objects or modules to register (hosts, tests).
        :param plugin_modules: more importable module names to load as plugins
            (added to ``config.plugins``).
        :param plugin_dirs: more folders whose ``*.py`` files are loaded as plugins
            (added to ``config.plugin_dirs``).
        :param entry_points: load plugins of the ``rhetoric`` entry-point group
            (first-party ones included); the default plugins (the technique
            vocabulary) load either way. ``config.disabled_plugins`` still applies.
        :raises PluginLoadError: a plugin failed to load or to set up.
        :raises RuleLoadError: a rule file is invalid (the message names file and line).
        """
        config = config or AnalyzerConfig()
        if plugin_modules or plugin_dirs:
            config = dataclasses.replace(
                config,
                plugins=(*config.plugins, *plugin_modules),
                plugin_dirs=(*config.plugin_dirs, *(Path(d) for d in plugin_dirs)),
            )
        host = PluginHost(
            entry_point_plugins=entry_points,
            disabled=config.disabled_plugins,
            modules=config.plugins,
            plugin_dirs=config.plugin_dirs,
            plugins=plugins,
        )
        techniques = TechniqueRegistry()

        def register_technique(technique: Technique) -> None:
            if not isinstance(technique, Technique):
                raise TypeError("register() takes a rhetoric.Technique")
            techniques.add(technique)

        host.call_setup("rhetoric_register_techniques", register=register_technique)

        rule_paths: list[Path] = []

        def register_rule_path(path: str | Path) -> None:
            resolved = Path(path)
            if resolved not in rule_paths:
                rule_paths.append(resolved)

        host.call_setup("rhetoric_register_rule_paths", register=register_rule_path)
        for path in config.rule_paths:
            register_rule_path(path)
        ruleset, compiled = _compile_rules(rule_paths, techniques, config)

        detectors: list[Detector] = [compiled]

        def register_detector(detector: Detector) -> None:
            if not isinstance(detector, Detector):
                raise TypeError("register() takes an object with name, rules and detect(doc)")
            detectors.append(detector)

        host.call_setup("rhetoric_register_detectors", register=register_detector, config=config)
        _check_detectors(detectors, techniques)
        analyzer = cls(
            config=config,
            host=host,
            techniques=techniques,
            ruleset=ruleset,
            detectors=detectors,
            rule_paths=rule_paths,
        )
        analyzer._recipe = functools.partial(
            cls.from_config, config, plugins=plugins, entry_points=entry_points
        )
        patterns.keep()  # the plugins' patterns too, compiled as they were imported
        return analyzer

    def reload(self) -> Analyzer:
        """A fresh analyzer built the same way (same configuration and plugins), with
        the rule files re-read: hosts call it when rules change and swap it in."""
        recipe = getattr(self, "_recipe", None)
        return recipe() if recipe is not None else type(self).from_config(self.config)

    # --- introspection ----------------------------------------------------------

    @property
    def rules(self) -> list[RuleInfo]:
        """Every enabled rule, YAML and Python, sorted by technique and id."""
        enabled = [
            rule
            for detector in self.detectors
            for rule in detector.rules
            if (self.config.preview or rule.status == "stable")
            and self.config.is_selected(rule.technique, rule.id)
        ]
        return sorted(enabled, key=lambda r: (r.technique, r.id))

    @property
    def all_rules(self) -> list[RuleInfo]:
        """Every loaded rule, enabled or not (preview, deselected)."""
        infos = {spec.info.id: spec.info for spec in self.ruleset.rules}
        for detector in self.detectors[1:]:
            infos.update({rule.id: rule for rule in detector.rules})
        return sorted(infos.values(), key=lambda r: (r.technique, r.id))

    @property
    def plugin_budget(self) -> CallBudget:
        """The per-call time budget of this analyzer's plugins; hosts that call
        hooks of their own pass it to ``host.call_each(..., budget=...)`` so a
        slow plugin is contained and counted there too."""
        return self._budget

    def known_ids(self) -> list[str]:
        """Every technique and rule id this analyzer knows, preview and deselected
        rules too: what selections, suppression comments and policies may name."""
        return [*self.techniques.ids(), *(rule.id for rule in self.all_rules)]

    def rule(self, rule_id: str) -> RuleInfo | None:
        return next((r for r in self.all_rules if r.id == rule_id), None)

    # --- checking ---------------------------------------------------------------

    def check(self, comment: str | Comment) -> Report:
        """Analyse one comment (a plain string gets the id ``"-"``)."""
        return self.analyse(comment).report

    def check_many(self, comments: Iterable[str | Comment]) -> Iterator[Report]:
        """Analyse comments lazily, yielding reports in input order."""
        for comment in comments:
            yield self.check(comment)

    def analyse(self, comment: str | Comment, screen: Screen | None = None) -> Analysis:
        """The full pipeline for one comment, also returning the unmerged hits.

        :param screen: what the caller has already decided about this comment's
            findings (suppressed, baselined...), applied before they are scored.
        """
        if isinstance(comment, str):
            comment = Comment(id="-", text=comment)
        elif not isinstance(comment, Comment):
            raise TypeError(f"expected a str or rhetoric.Comment, got {type(comment).__name__}")
        return self.conclude(self.detect(comment), screen)

    def detect(self, comment: Comment) -> Detection:
        """The first half of :meth:`analyse`: detectors and filter hooks, no merging.

        Batch runs call it on worker processes and :meth:`conclude` on the process
        that owns the run, so every hook after detection and every screen runs
        where the run's state is.
        """
        doc = Document.of(comment)
        errors: list[DetectorError] = []
        # The plugin budget for this comment, worked out once for detectors and filters.
        limit = self._budget.allowed(len(comment.text))
        hits = self._detect(doc, errors, limit)
        if hits and self._filters:
            hits = self._filter(hits, doc, errors, limit)
        if hits and self._allowed:
            hits = [h for h in hits if " ".join(h.text.casefold().split()) not in self._allowed]
        if hits and self._escalations:
            hits = self._escalations.apply(hits, comment.text)
        return _new_detection(comment, tuple(hits), tuple(errors), doc)

    def filter_hits(self, hits: Iterable[Hit], doc: Document) -> list[Hit]:
        """Hits found outside the analyzer (a trained model's, a host's) through the
        filter hooks and the allowlist :meth:`detect` applies to its detectors' hits,
        so a quoted or condemned word is dropped or downgraded the same way."""
        kept = list(hits)
        if kept and self._filters:
            kept = self._filter(kept, doc, [], self._budget.allowed(len(doc.text)), sound=False)
        if kept and self._allowed:
            kept = [h for h in kept if " ".join(h.text.casefold().split()) not in self._allowed]
        return kept

    def conclude(self, detection: Detection, screen: Screen | None = None) -> Analysis:
        """The second half of :meth:`analyse`: merge, screen, score, report, hooks."""
        comment, hits = detection.comment, detection.hits
        raw = hits
        if self._cues is not None and hits:  # cue rules' hits: only through escalations
            hits = tuple(self._cues.reported(hits))
        if not hits and not detection.errors and screen is None:
            # most comments: nothing to merge, screen or score
            readability = self._readability(comment.text) if self._with_readability else {}
            report = new_report(comment.id, (), {}, 0.0, Verdict.CLEAN, readability)
        else:
            # One hit merges with nothing (the common case: skip the grouping).
            merged = (
                list(hits)
                if len(hits) == 1
                else merge_overlapping(hits, comment.text, self._preview_rules)
            )
            extra: list[Hit] = []
            errors = detection.errors
            if screen is not None:
                merged = [hit for hit in merged if screen.keep(hit)]
                extra = list(screen.extra_hits())
                errors = (*errors, *screen.input_errors())
            scores, score, judged = judge(merged, self.config.thresholds)
            if extra:
                merged = sorted([*merged, *extra], key=HIT_ORDER)
            report = new_report(
                comment.id,
                tuple(merged),
                scores,
                score,
                judged,
                self._readability(comment.text) if self._with_readability else {},
                _unique(errors),
            )
        if self._has_adjusters and (
            len(report.hits) >= self._adjust_floor or self._budget.struck
        ):  # (a plugin the budget switched off is still reported as refused)
            # A detection from another process comes without its view: a fresh, lazy one.
            report = self._adjust(report, detection.doc or Document.of(comment))
        if self._has_listeners:
            report = self._notify(report, comment)
        raw = tuple(raw) if len(raw) < 2 else tuple(sorted(raw, key=HIT_ORDER))
        return _new_analysis(report, raw)

    def _notify(self, report: Report, comment: Comment) -> Report:
        for name, _, error in self.host.call_each(
            "rhetoric_report_ready",
            budget=self._budget,
            text_length=len(comment.text),
            count_hits=self.config.fast_paths,
            report=report,
            comment=comment,
        ):
            if error is not None:
                report = dataclasses.replace(
                    report, errors=(*report.errors, _error(f"plugin:{name}", error))
                )
        return report

    def _detect(self, doc: Document, errors: list[DetectorError], limit: float | None) -> list[Hit]:
        hits: list[Hit] = []
        budget = self._budget
        # No plugin can be refused until some call has overrun: the refusal test (a
        # method call per plugin call) is skipped until then, here and in the hooks.
        struck = budget.struck
        for detector, source, bounded in self._sources:
            if bounded:  # the YAML engine: its regexes are time-bounded one by one
                hits.extend(
                    self._run_detector(detector, source, doc, errors, trusted=self._trust_rules)
                )
                continue
            if struck and (refusal := budget.refusal(source)):
                errors.append(_error(source, refusal))
                continue
            started = time.perf_counter() if limit is not None else 0.0
            found = self._run_detector(detector, source, doc, errors)
            if limit is not None:
                elapsed = time.perf_counter() - started
                if elapsed > limit and (overrun := budget.charge(source, elapsed, len(doc.text))):
                    errors.append(_error(source, overrun))
                    struck = True
                    continue
            hits.extend(found)
        return hits

    def _run_detector(
        self,
        detector: Detector,
        source: str,
        doc: Document,
        errors: list[DetectorError],
        *,
        trusted: bool = False,
    ) -> list[Hit]:
        """One detector's sound hits on ``doc``; nothing when it raises. ``trusted``:
        the detector's hits are sound by construction (the YAML engine), not checked."""
        known = self._rules_by_detector[detector.name]
        found: list[Hit] = []
        try:
            for item in detector.detect(doc):
                if isinstance(item, DetectorError):
                    errors.append(item)
                elif not trusted and (problem := _invalid(item, doc, known)):
                    errors.append(DetectorError(source, problem))
                elif item.rule in self._enabled:
                    found.append(item)
        except Exception as exc:
            errors.append(_error(source, exc))
            return []
        return found

    def _filter(
        self,
        hits: list[Hit],
        doc: Document,
        errors: list[DetectorError],
        limit: float | None,
        *,
        sound: bool = True,
    ) -> list[Hit]:
        """Each hit through every ``rhetoric_filter_hit`` implementation in turn.

        The hottest hook (called per hit), so it calls the implementations directly
        instead of through ``PluginHost.call_each``, with the same isolation and budget
        (``limit``: seconds per call on this comment, None for no budget). The clock is
        read once per call: each call's time runs from the reading after the one before
        (so the loop's own few instructions are charged too), not two readings per call.
        ``sound``: the hits were checked (the detectors'), so a replacement on the same
        span and text needs only its confidence checked.
        """
        check = _invalid_change if sound else _invalid_replacement
        budget = self._budget
        struck = budget.struck  # as in _detect
        filters = self._filters
        if self._cued_filters:
            # A filter whose cues the comment lacks keeps every hit: it is not called
            # (a switched-off one stays, so its refusal is still reported).
            folded = doc.folded
            filters = tuple(
                entry
                for entry, cues in zip(filters, self._filter_cues, strict=True)
                if cues is None
                or any(map(folded.__contains__, cues))  # C-level: no generator frame
                or (struck and budget.refusal(entry[0]) is not None)
            )
            if not filters:
                return hits
        config = self.config
        clock = time.perf_counter
        kept: list[Hit] = []
        started = clock() if limit is not None else 0.0
        for hit in hits:
            current: Hit | None = hit
            for source, function, argnames, positional in filters:
                if struck and (refusal := budget.refusal(source)):
                    errors.append(_error(source, refusal))
                    continue
                error: BaseException | None = None
                try:
                    if positional:
                        result = function(current, doc, config)
                    else:
                        result = function(**_arguments(argnames, "hit", current, doc, config))
                except Exception as exc:
                    result, error = None, exc
                if limit is not None:
                    ended = clock()
                    elapsed, started = ended - started, ended
                    if elapsed > limit and (
                        overrun := budget.charge(source, elapsed, len(doc.text))
                    ):
                        result, error, struck = None, overrun, True
                if error is not None:
                    errors.append(_error(source, error))
                    continue
                if result is None or result is True:
                    continue
                if result is False:
                    current = None
                    break
                if isinstance(result, Hit):
                    if problem := check(result, current, doc):
                        errors.append(DetectorError(source, problem))
                    else:
                        current = result
                else:
                    problem = f"returned {type(result).__name__}, not a Hit, a bool or None"
                    errors.append(DetectorError(source, problem))
            if current is not None:
                kept.append(current)
        return kept

    def _adjust(self, report: Report, doc: Document) -> Report:
        """Each ``rhetoric_adjust_report`` implementation in turn, each given the report
        the one before returned. Called directly, as :meth:`_filter` calls the filters
        (no generator round, no keyword dict for the usual signature), with the same
        isolation, budget and conditions as ``PluginHost.call_each``."""
        budget = self._budget
        config = self.config
        limit = budget.allowed(len(doc.text))
        struck = budget.struck  # as in _detect
        for name, source, function, argnames, positional, cues, fewest in self._adjusters:
            if struck and (refusal := budget.refusal(source)):
                report = self._adjusted(report, doc, name, None, refusal)
                continue
            if cues is not None and not any(map(doc.folded.__contains__, cues)):
                continue  # its cues are absent: it would leave the report as it is
            if len(report.hits) < fewest:
                continue  # too few hits for it to act on
            result, error = _guarded_call(
                budget, limit, source, function, argnames, positional, "report", report, doc,
                config,
            )  # fmt: skip
            if isinstance(error, PluginTooSlow):
                struck = True
            if error is not None or result is not None:
                report = self._adjusted(report, doc, name, result, error)
        return report

    @staticmethod
    def _adjusted(
        report: Report, doc: Document, name: str, result: object, error: BaseException | None
    ) -> Report:
        """The report after one adjuster returned ``result`` or failed with ``error``."""
        if error is not None:
            return dataclasses.replace(
                report, errors=_unique([*report.errors, _error(f"plugin:{name}", error)])
            )
        if isinstance(result, Report):
            problem = next(filter(None, (_invalid(h, doc, None) for h in result.hits)), None)
            if problem is None:
                return result
            return dataclasses.replace(
                report, errors=(*report.errors, DetectorError(f"plugin:{name}", problem))
            )
        problem = f"returned {type(result).__name__}, not a Report or None"
        return dataclasses.replace(
            report, errors=(*report.errors, DetectorError(f"plugin:{name}", problem))
        )

    def _readability(self, text: str) -> dict[str, float | int]:
        from .text.readability import compute_readability

        return compute_readability(text, self.config.readability)


# rhetoric_filter_hit's arguments in order: implementations taking all of them (in
# the hookspec's order, as pluggy reads them from the signature) are called positionally.
_FILTER_ARGS = ("hit", "doc", "config")
_ADJUST_ARGS = ("report", "doc", "config")


def _compile_rules(
    rule_paths: list[Path], techniques: TechniqueRegistry, config: AnalyzerConfig
) -> tuple[RuleSet, CompiledRules]:
    """Load and compile the YAML rules, through the compiled-rules cache."""
    options = (
        config.preview,
        config.select,
        config.ignore,
        config.regex_timeout,
        config.fast_paths,
        tuple(techniques.ids()),
    )
    try:
        key = cache.cache_key(rule_paths, options)
    except (RuleLoadError, OSError):
        key = None  # let the normal path report the problem
    if key is not None and (cached := cache.load(key)) is not None:
        return cached  # type: ignore[no-any-return]
    from .engine.loader import load_rule_paths  # the YAML parser, only on a cache miss

    ruleset = load_rule_paths(rule_paths, techniques)
    compiled = CompiledRules(ruleset, config)
    if key is not None:
        cache.store(key, (ruleset, compiled))
    return ruleset, compiled


def _guarded_call(
    budget: CallBudget,
    limit: float | None,
    source: str,
    function: Callable[..., Any],
    argnames: tuple[str, ...],
    positional: bool,
    first_name: str,
    first: object,
    doc: Document,
    config: AnalyzerConfig,
) -> tuple[Any, BaseException | None]:
    """One filter or report-adjuster call, isolated and timed against the plugin's
    budget: its result, or None and the exception it raised (or the budget's overrun,
    which wins over both): how :meth:`Analyzer._adjust` calls its hooks directly
    (:meth:`Analyzer._filter` does the same inline, with one clock reading per call)."""
    started = time.perf_counter() if limit is not None else 0.0
    error: BaseException | None = None
    try:
        if positional:
            result = function(first, doc, config)
        else:
            result = function(**_arguments(argnames, first_name, first, doc, config))
    except Exception as exc:
        result, error = None, exc
    if limit is not None:
        elapsed = time.perf_counter() - started
        if elapsed > limit and (overrun := budget.charge(source, elapsed, len(doc.text))):
            result, error = None, overrun
    return result, error


def _arguments(
    argnames: tuple[str, ...], first_name: str, first: object, doc: Document, config: AnalyzerConfig
) -> dict[str, object]:
    """The keyword arguments of a hook implementation that takes fewer than all of them
    (or takes them in another order)."""
    values = {first_name: first, "doc": doc, "config": config}
    return {a: values[a] for a in argnames}


def _error(source: str, exc: BaseException) -> DetectorError:
    return DetectorError(source, f"{type(exc).__name__}: {exc}")


def _unique(errors: Iterable[DetectorError]) -> tuple[DetectorError, ...]:
    """Errors in first-seen order without repeats: a filter that fails the same way
    on every hit of a long comment is one problem, not hundreds."""
    return tuple(dict.fromkeys(errors))


def _invalid(hit: object, doc: Document, known: dict[str, RuleInfo] | None) -> str | None:
    """Why a detector's output cannot be trusted, or None when it is a sound hit."""
    if not isinstance(hit, Hit):
        return f"returned {type(hit).__name__}, not a Hit"
    if not 0 <= hit.start < hit.end <= len(doc.text):
        return f"hit span {hit.start}..{hit.end} is outside the text (length {len(doc.text)})"
    if doc.text[hit.start : hit.end] != hit.text:
        return f"hit text {hit.text!r} differs from the text at {hit.start}..{hit.end}"
    if known is not None and hit.rule not in known:
        return f"hit for rule '{hit.rule}', which the detector does not declare"
    if not 0.0 <= hit.confidence <= 1.0:
        return f"hit confidence {hit.confidence} is outside 0..1"
    return None


def _invalid_change(result: Hit, hit: Hit, doc: Document) -> str | None:
    """``_invalid`` for a filter's replacement of ``hit`` (sound already): a replacement
    on the same span with the same text (a target set, a downgrade) needs only its
    confidence checked."""
    if result.start == hit.start and result.end == hit.end and result.text == hit.text:
        if 0.0 <= result.confidence <= 1.0:
            return None
        return f"hit confidence {result.confidence} is outside 0..1"
    return _invalid(result, doc, None)


def _invalid_replacement(result: Hit, hit: Hit, doc: Document) -> str | None:
    """``_invalid`` for a filter's replacement of a hit that was not checked."""
    return _invalid(result, doc, None)


def _check_detectors(detectors: Sequence[Detector], techniques: TechniqueRegistry) -> None:
    names: set[str] = set()
    owners: dict[str, str] = {}  # rule id -> "detector 'x' (source)"
    for detector in detectors:
        if detector.name in names:
            raise PluginLoadError(f"two detectors are named '{detector.name}'")
        names.add(detector.name)
        for rule in detector.rules:
            if rule.technique not in techniques:
                raise PluginLoadError(
                    f"detector '{detector.name}': rule '{rule.id}' has unknown "
                    f"technique '{rule.technique}'"
                )
            owner = f"'{detector.name}'" + (f" ({rule.source})" if rule.source else "")
            if rule.id in owners:
                raise PluginLoadError(
                    f"rule id '{rule.id}' is defined by both {owners[rule.id]} and {owner}"
                )
            owners[rule.id] = owner
