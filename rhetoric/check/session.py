"""One ``rhetoric check`` run over files as a repository linter sees them.

The analyzer knows nothing of files; this module adds what checking *files in a
repository* needs, around it and without changing it:

- the configuration file that applies to each path, merged with the flags
  (flags win; see :meth:`CheckSession.settings_for`), and one analyzer per
  distinct configuration;
- markup masking (:mod:`rhetoric.markup`) and inline suppressions
  (:mod:`rhetoric.suppressions`) for text files;
- per-file ignores, ``--since`` changed lines and the baseline.

It yields one :class:`~rhetoric.outputs.Outcome` per input record, exactly as
the formatters expect, and remembers whether the run failed. Two batch concerns
sit here too, before analysis: a repeated id is flagged on the later record
(which is still analysed and reported), and with ``--resume`` the records an
earlier run already wrote are skipped (:mod:`rhetoric.resume`).
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import gc
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .analyzer import Analyzer
from .baseline import Baseline
from .baseline import write as write_baseline
from .config import AnalyzerConfig, Thresholds, disabled_plugins
from .detectors import RuleInfo
from .fileconfig import MARKUP, FileConfig, config_for
from .gitdiff import changed_lines
from .inputs import NOTICE_SOURCE, STDIN, InputRecord, ReadOptions, detect_format, read_records
from .markup import blank, markup_for, mask
from .model import Comment, DetectorError, Hit, Report, Severity
from .outputs import Outcome
from .outputs.locations import encodable_fingerprint
from .parallel import Failed, check_in_order, default_jobs
from .pathglob import matches
from .resume import Ledger
from .scoring import judge
from .suppressions import Suppressions, parse

DEFAULT_FAIL_ON = "warning"

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


def add_check_options(parser: argparse.ArgumentParser) -> None:
    """The ``check`` flags for configuration files, markup, suppressions and CI."""
    group = parser.add_argument_group("repositories and CI")
    group.add_argument(
        "--config", metavar="FILE", help="use this configuration file instead of searching"
    )
    group.add_argument(
        "--isolated", action="store_true", help="ignore configuration files altogether"
    )
    group.add_argument(
        "--markup",
        choices=MARKUP,
        default=None,
        help="how to read text files (auto: .md as markdown, .html as HTML; default auto)",
    )
    group.add_argument(
        "--report-unused-suppressions",
        action="store_true",
        default=None,
        help="report suppression comments that suppress nothing (as warnings)",
    )
    group.add_argument(
        "--baseline", metavar="FILE", help="hide the findings recorded in FILE; fail on new ones"
    )
    group.add_argument(
        "--write-baseline", metavar="FILE", help="record the current findings in FILE; exit 0"
    )
    group.add_argument(
        "--since", metavar="REV", help="only report findings on lines changed since git REV"
    )


@dataclass(frozen=True, slots=True)
class _Staged:
    """A record on its way through the analyzer: what it sees, and what was set aside."""

    record: InputRecord
    analysed: Comment | None
    suppressions: Suppressions


@dataclass(frozen=True, slots=True)
class FileSettings:
    """What applies to one checked path: the config file merged with the flags."""

    config: FileConfig
    analyzer_config: AnalyzerConfig
    plugin_modules: tuple[str, ...]
    plugin_dirs: tuple[Path, ...]
    fail_on: Severity | None
    markup: str
    report_unused: bool
    ignored_ids: tuple[str, ...]
    excluded: bool

    @property
    def analyzer_key(self) -> str:
        """Equal for settings that can share one analyzer."""
        config = self.analyzer_config
        return json.dumps(
            [
                [str(p) for p in config.rule_paths], sorted(config.disabled_plugins),
                config.select, config.ignore, config.preview, sorted(config.allowlist),
                config.options, config.readability, config.thresholds.borderline,
                config.thresholds.flagged, self.plugin_modules, [str(p) for p in self.plugin_dirs],
            ],
            default=str, sort_keys=True,
        )  # fmt: skip


class CheckSession:
    """State of one run: analyzers by configuration, baseline, failure flags."""

    def __init__(
        self,
        args: argparse.Namespace,
        *,
        readability: tuple[str, ...] | None,
        thresholds: Thresholds,
        ledger: Ledger | None = None,
    ) -> None:
        self.args = args
        self.ledger = ledger
        self.resumed = 0
        self._seen: dict[str | None, tuple[str, int | None]] = {}
        self.readability = readability
        self.thresholds = thresholds
        self.rules: dict[str, RuleInfo] = {UNUSED_SUPPRESSION.id: UNUSED_SUPPRESSION}
        self.failing = False
        self.input_errors = False
        self.baselined = 0
        self.recorded: list[tuple[str, str, str, str]] = []
        self._analyzers: dict[str, Analyzer] = {}
        self._configs: dict[Path, FileConfig] = {}
        self._explicit = Path(args.config) if args.config else None
        self.baseline = Baseline.load(Path(args.baseline)) if args.baseline else None
        self._options = ReadOptions(args.input, args.split, args.id_field, args.text_field)

    # --- configuration --------------------------------------------------------

    def settings_for(self, source: str) -> FileSettings:
        """The config file for ``source`` merged with the flags.

        Flags win: ``--select``, ``--ignore``, ``--fail-on``, ``--markup`` replace
        the file's value when given; ``--preview`` and
        ``--report-unused-suppressions`` switch on; ``--rules``, ``--plugin``,
        ``--plugins-dir``, ``--disable-plugin`` and ``--allow`` add to it.
        """
        args = self.args
        target = Path.cwd() if source == STDIN else Path(source)
        config = self._config_for(target)
        disabled = disabled_plugins(
            (*config.disable_plugins, *args.disable_plugin), builtin_rules=not args.no_builtin_rules
        )
        analyzer_config = AnalyzerConfig(
            rule_paths=(*config.rules, *(Path(p) for p in args.rules)),
            disabled_plugins=disabled,
            select=tuple(args.select) or (config.select or ()),
            ignore=tuple(args.ignore) or (config.ignore or ()),
            preview=bool(args.preview or config.preview),
            thresholds=self.thresholds,
            readability=self.readability,
            allowlist=frozenset(t.casefold() for t in (*config.allowlist, *args.allow)),
            options=config.plugin_options,
        )
        fail_on = args.fail_on or config.fail_on or DEFAULT_FAIL_ON
        relative = _relative(config.root, target) if source != STDIN else None
        return FileSettings(
            config=config,
            analyzer_config=analyzer_config,
            plugin_modules=(*config.plugins, *args.plugin),
            plugin_dirs=(*config.plugin_dirs, *(Path(p) for p in args.plugins_dir)),
            fail_on=None if fail_on == "never" else Severity(fail_on),
            markup=args.markup or config.markup or "auto",
            report_unused=bool(
                args.report_unused_suppressions or config.report_unused_suppressions
            ),
            ignored_ids=tuple(
                i for glob, ids in config.per_file_ignores
                if relative is not None and matches(glob, relative) for i in ids
            ),
            excluded=relative is not None and any(matches(g, relative) for g in config.exclude),
        )  # fmt: skip

    def _config_for(self, target: Path) -> FileConfig:
        if self.args.isolated:
            return FileConfig()
        folder = target if target.is_dir() else target.parent
        if folder not in self._configs:
            self._configs[folder] = config_for(folder, self._explicit)
        return self._configs[folder]

    def analyzer_for(self, settings: FileSettings) -> Analyzer:
        key = settings.analyzer_key
        if key not in self._analyzers:
            analyzer = Analyzer.from_config(
                settings.analyzer_config,
                plugin_modules=settings.plugin_modules,
                plugin_dirs=settings.plugin_dirs,
            )
            self._analyzers[key] = analyzer
            self.rules.update((rule.id, rule) for rule in analyzer.all_rules)
            # The analyzer (tens of thousands of compiled-rule objects) lives for the
            # whole run: keep the cyclic collector from walking it again and again
            # while comments are checked (about 7% of the time per comment).
            gc.freeze()
        return self._analyzers[key]

    # --- checking -------------------------------------------------------------

    def outcomes(self, source: str) -> Iterator[Outcome]:
        """One outcome per record of ``source`` (nothing for an excluded file).

        Large inputs are analysed on ``--jobs`` processes; masking before and
        suppressions, baseline and failure accounting after stay in this process,
        in input order.
        """
        settings = self.settings_for(source)
        if settings.excluded:
            return
        analyzer = self.analyzer_for(settings)
        is_text = detect_format(source, self._options.input_format) == "text"
        changed = self._changed(source)
        records = self._admitted(read_records(source, self._options), settings)
        staged = (self._stage(record, settings, is_text) for record in records)
        build = functools.partial(
            Analyzer.from_config,
            settings.analyzer_config,
            plugin_modules=settings.plugin_modules,
            plugin_dirs=settings.plugin_dirs,
        )
        jobs = getattr(self.args, "jobs", 0) or default_jobs()
        for stage, report in check_in_order(analyzer, staged, lambda s: s.analysed, jobs, build):
            if report is None or isinstance(report, Failed):
                self.input_errors = True
                record = stage.record
                if isinstance(report, Failed):
                    record = dataclasses.replace(
                        record, error=report.message, record_id=record.output_id
                    )
                yield Outcome(record, None)
                continue
            report = self._finish(stage, report, analyzer, settings, changed)
            if stage.record.notices:
                self.input_errors = True
                notices = (DetectorError(NOTICE_SOURCE, n) for n in stage.record.notices)
                report = dataclasses.replace(report, errors=(*report.errors, *notices))
            if settings.fail_on is not None and any(
                h.severity.rank >= settings.fail_on.rank for h in report.hits
            ):
                self.failing = True
            yield Outcome(stage.record, report)

    def _admitted(
        self, records: Iterable[InputRecord], settings: FileSettings
    ) -> Iterator[InputRecord]:
        """The records to analyse: repeated ids flagged, already written ones skipped.

        Runs before analysis (in ``--jobs`` runs, on the pool's feeder thread), and
        sees skipped records too, so a resumed run flags the same duplicates as an
        uninterrupted one.
        """
        for record in records:
            record_id = record.output_id
            first = self._seen.setdefault(record_id, (record.source, record.line))
            if first != (record.source, record.line) and record.comment is not None:
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
            if settings.fail_on is not None and prior.worst >= settings.fail_on.rank:
                self.failing = True

    def _changed(self, source: str) -> set[int] | None:
        """The lines (as reports count them) that changed since ``--since``."""
        if not self.args.since or source == STDIN or not Path(source).is_file():
            return None
        return changed_lines(Path(source), self.args.since)

    def _stage(self, record: InputRecord, settings: FileSettings, is_text: bool) -> _Staged:
        """The comment as the analyzer should see it: markup and suppressed regions
        blanked (same length, so offsets stay those of the file)."""
        comment = record.comment
        if comment is None:
            return _Staged(record, None, Suppressions())
        original = comment.text
        suppressions = parse(original) if is_text else Suppressions()
        analysed = original
        if is_text:
            markup = markup_for(record.source, settings.markup)
            analysed = blank(mask(original, markup), suppressions.spans())  # type: ignore[arg-type]
        if analysed != original:
            comment = dataclasses.replace(comment, text=analysed)
        return _Staged(record, comment, suppressions)

    def _finish(
        self,
        stage: _Staged,
        report: Report,
        analyzer: Analyzer,
        settings: FileSettings,
        changed: set[int] | None,
    ) -> Report:
        record, suppressions = stage.record, stage.suppressions
        assert record.comment is not None
        original = record.comment.text
        # A hit bridging masked markup would not quote the file faithfully: drop it.
        hits = [h for h in report.hits if original[h.start : h.end] == h.text]
        hits = [h for h in hits if not _named(settings.ignored_ids, h)]
        hits = [h for h in hits if not suppressions.suppresses(h)]
        if changed is not None:
            hits = [h for h in hits if record.position(h.start)[0] in changed]
        if self.args.write_baseline or self.baseline is not None:
            digests = [encodable_fingerprint(h, original) for h in hits]
            if self.args.write_baseline:
                self.recorded.extend(
                    (record.source, h.rule, d, h.text) for h, d in zip(hits, digests, strict=True)
                )
            if self.baseline is not None:
                kept = [
                    h for h, d in zip(hits, digests, strict=True)
                    if not self.baseline.absorbs(record.source, d)
                ]  # fmt: skip
                self.baselined += len(hits) - len(kept)
                hits = kept
        if len(hits) != len(report.hits):
            scores, score, judged = judge(hits, analyzer.config.thresholds)
            report = dataclasses.replace(
                report, hits=tuple(hits), scores=scores, score=score, verdict=judged
            )
        if settings.report_unused and (unused := suppressions.unused()):
            extra = [_unused_hit(original, d.start, d.end, d.source) for d in unused]
            report = dataclasses.replace(
                report, hits=tuple(sorted([*report.hits, *extra], key=lambda h: h.sort_key))
            )
        return report

    def finish(self) -> None:
        """Write the baseline and say what the baseline hid (on stderr)."""
        if self.args.write_baseline:
            count = write_baseline(Path(self.args.write_baseline), self.recorded)
            noun = "finding" if count == 1 else "findings"
            sys.stderr.write(f"rhetoric: wrote {count} {noun} to {self.args.write_baseline}\n")
        if self.baseline is not None and self.baselined:
            noun = "finding" if self.baselined == 1 else "findings"
            sys.stderr.write(
                f"rhetoric: {self.baselined} {noun} from the baseline "
                f"{self.args.baseline} not shown\n"
            )


def _named(ids: tuple[str, ...], hit: Hit) -> bool:
    return any(key == i or key.startswith(i) for i in ids for key in (hit.rule, hit.technique))


def _unused_hit(text: str, start: int, end: int, source: str) -> Hit:
    rule = UNUSED_SUPPRESSION
    return Hit(
        start=start,
        end=end,
        text=text[start:end],
        technique=rule.technique,
        rule=rule.id,
        severity=rule.severity,
        confidence=rule.confidence,
        message=f"'{source}' suppresses nothing: remove it",
        evidence={"kind": "suppression", "directive": source},
    )


def _relative(root: Path, target: Path) -> str | None:
    try:
        return target.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
