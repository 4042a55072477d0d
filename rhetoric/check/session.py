"""One ``rhetoric check`` run over files as a repository linter sees them.

The analyzer knows nothing of files; this module adds what checking *files in a
repository* needs, and nothing runs after the analysis behind its back:

- the project file that applies to each path merged with the flags
  (:func:`rhetoric.check.options.path_options`), and one analyzer per distinct
  configuration;
- markup masking (:mod:`rhetoric.text.markup`) and suppression comments
  (:mod:`rhetoric.check.suppressions`) for text files;
- per-file ignores, ``--since`` changed lines and the baseline, decided with the
  suppressions by a :class:`FileScreen` *inside* the analysis, before scoring, so
  the report every hook sees is the report that is printed.

It yields one :class:`~rhetoric.outputs.Outcome` per input record, exactly as
the formatters expect, and remembers whether the run failed. Two batch concerns
sit here too, before analysis: a repeated id is flagged on the later record
(which is still analysed and reported; :mod:`rhetoric.check.ids` remembers ids in
memory that does not grow with the archive), and with ``--resume`` the records an
earlier run already wrote are skipped (:mod:`rhetoric.check.resume`).
"""

from __future__ import annotations

import dataclasses
import gc
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from ..analyzer import Analyzer
from ..config import ConfigError
from ..model import Comment, DetectorError, Hit, RuleInfo, Severity, thawed
from ..outputs.base import Outcome
from ..selection import names, unknown_id_problem
from ..techniques import Technique
from ..text.markup import blank, markup_for, mask
from .baseline import Baseline, encodable_fingerprint
from .baseline import write as write_baseline
from .ids import FirstUses
from .inputs import NOTICE_SOURCE, STDIN, InputRecord, ReadOptions, detect_format, read_records
from .options import CheckOptions, PathOptions, ProjectFile, path_options, project_file_for
from .parallel import Failed, Shield, analyse_in_order, default_jobs
from .resume import Ledger
from .suppressions import Suppressions, parse

_new_outcome = thawed(Outcome)  # one per record: no frozen __init__ per field

UNUSED_SUPPRESSION = RuleInfo(
    id="unused-suppression",
    technique="suppression",
    message="this suppression comment suppresses nothing",
    why="A suppression that silences nothing is stale: it hides future findings "
    "of the rules it names for no present reason. Remove it.",
    severity=Severity.WARNING,
    confidence=1.0,
    status="stable",
    kind="meta",
)


@dataclass(slots=True)
class BaselineBook:
    """The run's baseline work: the baseline that hides recorded findings, and the
    findings recorded for ``--write-baseline``."""

    baseline: Baseline | None
    recording: bool
    recorded: list[tuple[str, str, str, str]] = field(default_factory=list)
    hidden: int = 0

    @property
    def active(self) -> bool:
        return self.recording or self.baseline is not None

    def keeps(self, source: str, hit: Hit, text: str) -> bool:
        """Record ``hit`` when writing a baseline; False when the baseline hides it."""
        digest = encodable_fingerprint(hit, text)
        if self.recording:
            self.recorded.append((source, hit.rule, digest, hit.text))
        if self.baseline is not None and self.baseline.absorbs(source, digest):
            self.hidden += 1
            return False
        return True


class FileScreen:
    """What the run has decided about one record's findings (an :class:`~rhetoric.
    analyzer.Screen`): hits quoting masked markup, per-file ignores, suppression
    comments, lines outside ``--since`` and baselined findings are dropped; unused
    suppression comments are reported; input notices join the report's errors."""

    __slots__ = ("_book", "_changed", "_ignored", "_notices", "_record", "_report_unused",
                 "_suppressions", "_text")  # fmt: skip

    def __init__(
        self,
        record: InputRecord,
        options: PathOptions,
        suppressions: Suppressions,
        changed: set[int] | None,
        book: BaselineBook,
        notices: tuple[str, ...],
    ) -> None:
        assert record.comment is not None
        self._record = record
        self._text = record.comment.text
        self._ignored = options.ignored_ids
        self._report_unused = options.report_unused
        self._suppressions = suppressions
        self._changed = changed
        self._book = book
        self._notices = notices

    def keep(self, hit: Hit) -> bool:
        # A hit bridging masked markup would not quote the file faithfully.
        if self._text[hit.start : hit.end] != hit.text:
            return False
        if self._ignored and names(self._ignored, hit.technique, hit.rule):
            return False
        if self._suppressions.suppresses(hit):
            return False
        if self._changed is not None and self._record.position(hit.start)[0] not in self._changed:
            return False
        book = self._book
        return not book.active or book.keeps(self._record.source, hit, self._text)

    def extra_hits(self) -> Iterator[Hit]:
        if not self._report_unused:
            return
        for directive in self._suppressions.unused():
            start, end = directive.start, directive.end
            yield Hit(
                start=start,
                end=end,
                text=self._text[start:end],
                technique=UNUSED_SUPPRESSION.technique,
                rule=UNUSED_SUPPRESSION.id,
                severity=UNUSED_SUPPRESSION.severity,
                confidence=UNUSED_SUPPRESSION.confidence,
                message=f"'{directive.source}' suppresses nothing: remove it",
                evidence={"kind": "suppression", "directive": directive.source},
            )

    def input_errors(self) -> Iterator[DetectorError]:
        return (DetectorError(NOTICE_SOURCE, notice) for notice in self._notices)


@dataclass(frozen=True, slots=True)
class _Staged:
    """A record on its way through the analyzer: what it sees, and its screen."""

    record: InputRecord
    analysed: Comment | None
    screen: FileScreen | None


class CheckSession:
    """State of one run: analyzers by configuration, baseline, failure flags."""

    def __init__(
        self,
        options: CheckOptions,
        ledger: Ledger | None = None,
        on_wait: Callable[[], None] | None = None,
    ) -> None:
        self.options = options
        self.ledger = ledger
        # Called (in this thread) when the run is about to wait for input: the output
        # is flushed then, instead of after every record.
        self.on_wait = on_wait
        # Around each wait for a pool's results: the caller's signal guard (parallel.py).
        self.shield: Shield = nullcontext
        self.resumed = 0
        self._first_uses = FirstUses()
        self.rules: dict[str, RuleInfo] = {UNUSED_SUPPRESSION.id: UNUSED_SUPPRESSION}
        self.techniques: dict[str, Technique] = {}
        self.failing = False
        self.input_errors = False
        self._analyzers: dict[str, Analyzer] = {}
        self._projects: dict[Path, ProjectFile] = {}
        self.book = BaselineBook(
            Baseline.load(options.baseline) if options.baseline else None,
            recording=options.write_baseline is not None,
        )
        self._read = ReadOptions(
            options.input_format, options.split, options.id_field, options.text_field
        )

    # --- configuration --------------------------------------------------------

    def options_for(self, source: str) -> PathOptions:
        """What applies to ``source``: its project file merged with the flags."""
        target = Path.cwd() if source == STDIN else Path(source)
        return path_options(self.options, self._project_for(target), source)

    def _project_for(self, target: Path) -> ProjectFile:
        if self.options.isolated:
            return ProjectFile()
        folder = target if target.is_dir() else target.parent
        if folder not in self._projects:
            self._projects[folder] = project_file_for(folder, self.options.config)
        return self._projects[folder]

    def analyzer_for(self, options: PathOptions) -> Analyzer:
        key = options.analyzer_key
        if key not in self._analyzers:
            analyzer = Analyzer.from_config(options.analyzer_config)
            _check_selection(self.options, options.project, _known_ids(analyzer))
            self._analyzers[key] = analyzer
            self.rules.update((rule.id, rule) for rule in analyzer.all_rules)
            self.techniques.update((t.id, t) for t in analyzer.techniques)
            # The analyzer (tens of thousands of compiled-rule objects) lives for the
            # whole run: keep the cyclic collector from walking it again and again
            # while comments are checked (about 7% of the time per comment).
            gc.freeze()
        return self._analyzers[key]

    # --- checking -------------------------------------------------------------

    def outcomes(self, source: str) -> Iterator[Outcome]:
        """One outcome per record of ``source`` (nothing for an excluded file).

        Large inputs are analysed on ``--jobs`` processes; masking before and the
        failure accounting after stay in this process, in input order.
        """
        options = self.options_for(source)
        if options.excluded:
            return
        analyzer = self.analyzer_for(options)
        is_text = detect_format(source, self._read.input_format) == "text"
        changed = self._changed(source)
        known = _known_ids(analyzer)
        jobs = self.options.jobs or default_jobs()
        # One process reads in this thread, so the reader itself says when it would
        # wait; a pool reads on a thread of its own and says so between chunks.
        waiting = self.on_wait if jobs <= 1 else None
        records = self._admitted(read_records(source, self._read, on_wait=waiting), options)
        staged = (self._stage(record, options, is_text, changed, known) for record in records)
        for stage, report in analyse_in_order(
            analyzer,
            staged,
            lambda s: s.analysed,
            lambda s: s.screen,
            jobs,
            self.on_wait,
            self.shield,
        ):
            record = stage.record
            if report is None or isinstance(report, Failed):
                self.input_errors = True
                if isinstance(report, Failed):
                    record = dataclasses.replace(
                        record, error=report.message, record_id=record.output_id
                    )
                yield Outcome(record, None)
                continue
            if any(error.source == NOTICE_SOURCE for error in report.errors):
                self.input_errors = True
            if options.fail_on is not None and any(
                h.severity.rank >= options.fail_on.rank for h in report.hits
            ):
                self.failing = True
            yield _new_outcome(record, report)

    def _admitted(
        self, records: Iterable[InputRecord], options: PathOptions
    ) -> Iterator[InputRecord]:
        """The records to analyse: repeated ids flagged, already written ones skipped.

        Runs before analysis (in ``--jobs`` runs, on the pool's feeder thread), and
        sees skipped records too, so a resumed run flags the same duplicates as an
        uninterrupted one.
        """
        for record in records:
            record_id = record.output_id
            first = self._first_uses.first_use(record_id, record.source, record.line)
            if first is not None and record.comment is not None:
                where = f"{first[0]}:{first[1]}" if first[1] else first[0]
                notice = f"duplicate id '{record_id}' (first used at {where})"
                record = dataclasses.replace(record, notices=(*record.notices, notice))
            prior = self.ledger.take(record_id) if self.ledger is not None else None
            if prior is None:
                yield record
                continue
            self.resumed += 1
            if prior.input_error:
                self.input_errors = True
            if options.fail_on is not None and prior.worst >= options.fail_on.rank:
                self.failing = True

    def _changed(self, source: str) -> set[int] | None:
        """The lines (as reports count them) that changed since ``--since``."""
        if not self.options.since or source == STDIN or not Path(source).is_file():
            return None
        from .gitdiff import changed_lines  # deferred: subprocess, only for --since

        return changed_lines(Path(source), self.options.since)

    def _stage(
        self,
        record: InputRecord,
        options: PathOptions,
        is_text: bool,
        changed: set[int] | None,
        known: tuple[str, ...],
    ) -> _Staged:
        """The comment as the analyzer should see it (markup and suppression comments
        blanked, same length, so offsets stay those of the file) and its screen."""
        comment = record.comment
        if comment is None:
            return _Staged(record, None, None)
        original = comment.text
        notices = record.notices
        suppressions = Suppressions()
        if is_text:
            suppressions = parse(original)
            notices += tuple(_unknown_ids(record, suppressions, known))
            markup = markup_for(record.source, options.markup)
            analysed = blank(mask(original, markup), suppressions.spans())  # type: ignore[arg-type]
            if analysed != original:
                comment = dataclasses.replace(comment, text=analysed)
        decides = (
            notices or suppressions.directives or comment is not record.comment
            or options.ignored_ids or changed is not None or self.book.active
        )  # fmt: skip
        if not decides:  # most dump records: nothing to screen, the analyzer's fast path
            return _Staged(record, comment, None)
        screen = FileScreen(record, options, suppressions, changed, self.book, notices)
        return _Staged(record, comment, screen)

    def finish(self) -> None:
        """Write the baseline and say what the baseline hid (on stderr)."""
        self._first_uses.close()
        book = self.book
        if self.options.write_baseline:
            count = write_baseline(self.options.write_baseline, book.recorded)
            noun = "finding" if count == 1 else "findings"
            sys.stderr.write(f"rhetoric: wrote {count} {noun} to {self.options.write_baseline}\n")
        if book.baseline is not None and book.hidden:
            noun = "finding" if book.hidden == 1 else "findings"
            sys.stderr.write(
                f"rhetoric: {book.hidden} {noun} from the baseline "
                f"{self.options.baseline} not shown\n"
            )


def _known_ids(analyzer: Analyzer) -> tuple[str, ...]:
    """What selections and suppressions may name: the analyzer's ids and this run's own."""
    return (*analyzer.known_ids(), UNUSED_SUPPRESSION.technique, UNUSED_SUPPRESSION.id)


def _check_selection(options: CheckOptions, project: ProjectFile, known: tuple[str, ...]) -> None:
    """Refuse ids in ``--select``/``--ignore`` and in the project file's ``select``,
    ``ignore`` and ``per-file-ignores`` that name nothing: a typo there would
    silently check nothing, and a pre-commit hook would pass for ever.

    :raises ConfigError: naming the flag or the file and key, with the nearest id.
    """
    given = [("--select", options.select), ("--ignore", options.ignore)]
    if project.path is not None:
        given += [
            (f"{project.path}: select", project.select or ()),
            (f"{project.path}: ignore", project.ignore or ()),
            *((f'{project.path}: per-file-ignores."{glob}"', ids)
              for glob, ids in project.per_file_ignores),
        ]  # fmt: skip
    for where, ids in given:
        if problem := unknown_id_problem(ids, known):
            raise ConfigError(f"{where}: {problem}")


def _unknown_ids(
    record: InputRecord, suppressions: Suppressions, known: tuple[str, ...]
) -> Iterator[str]:
    """A notice for each suppression comment naming an id that names no rule: it
    would silently suppress nothing (or, mistyped, the wrong thing)."""
    for directive in suppressions.directives:
        problem = unknown_id_problem(directive.ids, known) if directive.ids else None
        if problem is not None:
            line, _ = record.position(directive.start)
            yield f"line {line}: suppression comment '{directive.source}': {problem}"
