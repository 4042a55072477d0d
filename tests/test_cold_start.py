"""Start-up costs that would come back silently: module patterns compiled at every
start instead of read from the kept file, and the cyclic collector walking the
compiled-rules cache while it is unpickled. Checked by what happens, never timed."""

from __future__ import annotations

import dataclasses
import gc
import json
import os
import pickle
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import regex

from rhetoric import pickling
from rhetoric.engine import cache
from rhetoric.pickling import pickled_by_constructor
from rhetoric.text import patterns

needs_uids = pytest.mark.skipif(not hasattr(os, "geteuid"), reason="needs user ids")


def _compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Patterns handed to ``regex.compile`` from now on."""
    seen: list[str] = []
    real = regex.compile

    def counting(pattern: str, flags: int = 0) -> regex.Pattern[str]:
        seen.append(pattern)
        return real(pattern, flags)

    monkeypatch.setattr(patterns.regex, "compile", counting)
    return seen


def test_kept_patterns_are_read_back_instead_of_compiled(
    pattern_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = patterns.compiled(r"(?P<word>\p{L}+)\s+(?i:idiots?)", regex.MULTILINE)
    patterns.keep()
    (kept,) = pattern_store.glob("*.patterns")
    assert kept.stat().st_mode & 0o077 == 0
    monkeypatch.setattr(patterns, "_kept", None)  # as a new process starts
    seen = _compiles(monkeypatch)
    again = patterns.compiled(r"(?P<word>\p{L}+)\s+(?i:idiots?)", regex.MULTILINE)
    assert seen == []
    assert again is not first
    assert (again.pattern, again.flags, again.groupindex) == (
        first.pattern,
        first.flags,
        first.groupindex,
    )
    text = "You IDIOTS and\nthose Idiot people"
    assert [m.span("word") for m in again.finditer(text)] == [
        m.span("word") for m in first.finditer(text)
    ]


def test_a_run_that_compiled_nothing_new_writes_nothing(pattern_store: Path) -> None:
    patterns.compiled("abc")
    patterns.keep()
    (kept,) = pattern_store.glob("*.patterns")
    kept.unlink()
    patterns.compiled("abc")
    patterns.keep()
    assert list(pattern_store.glob("*.patterns")) == []


def test_too_many_kept_patterns_start_over_with_this_runs(
    pattern_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(patterns, "MAX_KEPT", 3)
    for word in ("one", "two", "three"):
        patterns.compiled(word)
    patterns.keep()
    monkeypatch.setattr(patterns, "_kept", None)
    monkeypatch.setattr(patterns, "_used", {})
    patterns.compiled("four")
    patterns.keep()
    (kept,) = pattern_store.glob("*.patterns")
    assert [key for key, _ in pickle.loads(kept.read_bytes()).items()] == [("four", 0)]


def test_nothing_is_kept_when_caching_is_off(
    pattern_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RHETORIC_NO_CACHE", "1")
    assert patterns.compiled("x+y").fullmatch("xxy")
    patterns.keep()
    assert not pattern_store.exists()


@needs_uids
@pytest.mark.parametrize("mode", [0o620, 0o602])
def test_a_kept_file_others_can_write_is_never_unpickled(
    pattern_store: Path, monkeypatch: pytest.MonkeyPatch, mode: int
) -> None:
    pattern_store.mkdir(mode=0o700)
    marker = pattern_store / "pwned"
    planted = pattern_store / patterns._NAME
    planted.write_bytes(pickle.dumps(_Payload(str(marker))))
    planted.chmod(mode)
    assert patterns.compiled("abc").pattern == "abc"
    assert not marker.exists()


class _Payload:
    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.mkdir, (self.path,)


def test_a_damaged_kept_file_means_compiling(pattern_store: Path) -> None:
    pattern_store.mkdir(mode=0o700)
    (pattern_store / patterns._NAME).write_bytes(b"not a pickle")
    assert patterns.compiled("a|b").findall("cab") == ["a", "b"]
    (pattern_store / patterns._NAME).write_bytes(pickle.dumps({("a|b", 0): "not a pattern"}))
    patterns._kept = None
    assert patterns.compiled("a|b").findall("cab") == ["a", "b"]


_IMPORT_AND_LIST = """
import json, sys
import regex._main
seen = []
real = regex._main._compile
def counting(pattern, *args):
    seen.append(pattern)
    return real(pattern, *args)
regex._main._compile = counting
import rhetoric.cli, rhetoric.text.markup, rhetoric.check.suppressions
import rhetoric_plugins.condemnation, rhetoric_plugins.emphasis
import rhetoric_plugins.nicknames, rhetoric_plugins.quoting
from rhetoric.text import patterns
patterns.keep()
print(json.dumps({"compiled": seen, "kept": sorted(p for p, _ in patterns._used)}))
"""


def test_a_warm_start_compiles_none_of_the_module_patterns(tmp_path: Path) -> None:
    """The text layer's and first-party plugins' patterns, the costliest of which (the
    nicknames plugin's epithet labels) takes 25 ms to compile, come from the kept file
    on every start after the first."""
    env = {**os.environ, "RHETORIC_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("RHETORIC_NO_CACHE", None)

    def start() -> dict[str, list[str]]:
        done = subprocess.run(
            [sys.executable, "-c", _IMPORT_AND_LIST],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]

    cold = start()
    warm = start()
    assert len(cold["kept"]) >= 40
    assert set(cold["kept"]) <= set(cold["compiled"])
    assert warm["kept"] == cold["kept"]
    assert not set(warm["compiled"]) & set(warm["kept"])


def test_the_rule_cache_is_unpickled_with_the_collector_paused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RHETORIC_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("RHETORIC_NO_CACHE", raising=False)
    cache.store("entry", {"rules": [1, 2, 3]})
    states: list[bool] = []
    real = pickle.load

    def watching(handle: object) -> object:
        states.append(gc.isenabled())
        return real(handle)  # type: ignore[arg-type]

    monkeypatch.setattr(pickle, "load", watching)
    assert gc.isenabled()
    assert cache.load("entry") == {"rules": [1, 2, 3]}
    assert states == [False]
    assert gc.isenabled()


def test_the_cache_key_names_rule_files_by_their_real_paths(tmp_path: Path) -> None:
    """The folder is resolved once, not each file: a folder reached through a link
    keys the same entry as the folder itself, and each file's content still counts."""
    real = tmp_path / "rules" / "profanity"
    real.mkdir(parents=True)
    (real / "mild.yml").write_text("kind: lexicon\n", encoding="utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "rules", target_is_directory=True)
    key = cache.cache_key([tmp_path / "rules"], ())
    assert cache.cache_key([tmp_path / "link"], ()) == key
    assert cache.cache_key([tmp_path / "rules" / ".." / "link"], ()) == key
    (real / "mild.yml").write_text("kind: lexicon\n# edited\n", encoding="utf-8")
    assert cache.cache_key([tmp_path / "link"], ()) != key


_CHECK_AND_LIST = """
import sys
from rhetoric.cli import main
code = main(["check", "--isolated", sys.argv[1], "-o", sys.argv[2]])
print(sorted(m for m in ("multiprocessing", "sqlite3", "yaml", "rhetoric.moderation",
                         "rhetoric_plugins.scorer") if m in sys.modules))
"""


def test_checking_one_small_file_imports_no_machinery_it_does_not_use(tmp_path: Path) -> None:
    """Worker processes (--jobs), the on-disk id table of huge inputs, the YAML parser
    (rules come from the cache), the moderator and the trained scorer (no --model) are
    imported only by the runs that need them."""
    comment = tmp_path / "comment.txt"
    comment.write_text("You people are all idiots.\n", encoding="utf-8")
    command = [sys.executable, "-c", _CHECK_AND_LIST, str(comment), str(tmp_path / "out.txt")]
    for _ in range(2):  # the first run may compile the rules and fill the caches
        done = subprocess.run(command, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    assert "idiots" in (tmp_path / "out.txt").read_text(encoding="utf-8")


_CHECK_AND_LIST_STDLIB = _CHECK_AND_LIST.replace(
    '("multiprocessing", "sqlite3", "yaml", "rhetoric.moderation",\n'
    '                         "rhetoric_plugins.scorer")',
    '("subprocess", "tempfile", "shutil", "tomllib")',
)


def test_checking_one_small_file_imports_no_process_or_file_utilities(tmp_path: Path) -> None:
    """``subprocess`` (git, for folders and --since), ``tempfile`` (huge inputs' id table),
    ``shutil`` (argparse asks it for the terminal width) and ``tomllib`` (configuration and
    data files, whose parse is kept) cost about 19 M, 9 M, 8 M and 40 M instructions to
    import on a clean interpreter (``-S``: no site hooks, which may import them on some
    machines): checking one file with --isolated imports none of them."""
    assert _CHECK_AND_LIST_STDLIB != _CHECK_AND_LIST
    comment = tmp_path / "comment.txt"
    comment.write_text("You people are all idiots.\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    out = tmp_path / "out.txt"
    command = [sys.executable, "-S", "-c", _CHECK_AND_LIST_STDLIB, str(comment), str(out)]
    for _ in range(2):  # the first run may compile the rules and fill the caches
        done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    assert done.stdout.strip() == "[]"
    assert "idiots" in out.read_text(encoding="utf-8")


def test_terminal_columns_is_shutils_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from rhetoric.cli import terminal_columns

    for columns in (None, "60", "0", "-5", "wide", "200"):
        if columns is None:
            monkeypatch.delenv("COLUMNS", raising=False)
        else:
            monkeypatch.setenv("COLUMNS", columns)
        assert terminal_columns() == shutil.get_terminal_size().columns, columns


def test_frozen_specs_unpickle_equal_frozen_and_of_their_own_class() -> None:
    """The compiled rules' frozen value types are rebuilt through their thawed twin, not
    the frozen ``__init__``: what comes back is the same class, equal, and frozen."""
    import dataclasses

    from rhetoric.engine.specs import RuleSpec, TermSpec
    from rhetoric.model import Example, RuleInfo, Severity

    info = RuleInfo("r", "insult", "m", "w", examples=(Example("[[x]]", True),))
    spec = RuleSpec(info, Path("r.yml"), "lexicon", terms=(TermSpec("x", 3, Severity.ERROR),))
    back = pickle.loads(pickle.dumps(spec, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == spec and hash(back) == hash(spec)
    assert type(back) is RuleSpec and type(back.terms[0]) is TermSpec
    assert type(back.info) is RuleInfo and back.info.examples == info.examples
    with pytest.raises(dataclasses.FrozenInstanceError):
        back.terms[0].text = "y"  # type: ignore[misc]
    assert not hasattr(back.terms[0], "__dict__")


def test_the_built_in_rules_cache_entry_stays_small(analyzer: object) -> None:
    """Every start unpickles the whole entry (a quarter of a cold start): a change that
    multiplies its objects (word classes expanded into every rule, say) shows here."""
    from rhetoric import Analyzer

    assert isinstance(analyzer, Analyzer)
    compiled = analyzer.detectors[0]
    entry = pickle.dumps((analyzer.ruleset, compiled), protocol=pickle.HIGHEST_PROTOCOL)
    assert len(entry) < 2_500_000  # 1.78 MB at stop 32


_RUN_WITH_ATEXIT = """
import atexit, sys, threading
from pathlib import Path
from rhetoric import commands
from rhetoric.cli import run
marker, records = sys.argv[1:]
atexit.register(lambda: Path(marker).write_text(
    f"atexit ran; kept {len(commands.retained)}; threads {threading.active_count()}"))
sys.argv = ["rhetoric", "check", "--isolated", "--input", "jsonl", "--format", "jsonl",
            "--jobs", "1", records]
run()
"""


def test_the_console_script_ends_without_freeing_yet_loses_nothing(tmp_path: Path) -> None:
    """``rhetoric`` leaves through ``os._exit`` after ``main`` (freeing the analyzer and
    the modules object by object was 5% of a cold start): the piped output is whole,
    the exit code is main's, ``atexit`` handlers still run, and the finished check's
    session is what the process keeps for the exit to drop."""
    records = tmp_path / "comments.jsonl"
    lines = [{"id": str(n), "text": f"Comment {n}: you are all idiots."} for n in range(300)]
    records.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    marker = tmp_path / "atexit.txt"
    done = subprocess.run(
        [sys.executable, "-c", _RUN_WITH_ATEXIT, str(marker), str(records)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stderr  # findings
    reports = [json.loads(line) for line in done.stdout.splitlines()]
    assert [report["id"] for report in reports] == [str(n) for n in range(300)]
    assert marker.read_text(encoding="utf-8") == "atexit ran; kept 1; threads 1"


def test_python_dash_m_and_usage_errors_keep_their_exit_codes(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("A calm remark about the weather.\n", encoding="utf-8")
    clean = subprocess.run(
        [sys.executable, "-m", "rhetoric", "check", "--isolated", str(empty)],
        capture_output=True,
        text=True,
    )
    assert clean.returncode == 0, clean.stderr
    usage = subprocess.run(
        [sys.executable, "-m", "rhetoric", "check"], capture_output=True, text=True
    )
    assert usage.returncode == 2
    assert "no input" in usage.stderr


def _settled(folder: Path) -> None:
    """Date every file under ``folder`` long back (its change time stays now)."""
    for file in [folder, *folder.rglob("*")]:
        os.utime(file, ns=(1_000_000_000, 1_000_000_000))


@pytest.fixture
def key_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[list[Path]]:
    """A private cache folder, and the rule paths each content hash was asked for."""
    monkeypatch.setenv("RHETORIC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("RHETORIC_NO_CACHE", raising=False)
    # ctime cannot be set back: treat what changed in this test as long settled.
    monkeypatch.setattr(cache, "SETTLE_S", -3600)
    hashed: list[list[Path]] = []
    real = cache.content_key

    def counting(paths: list[Path], options: tuple[object, ...]) -> str:
        hashed.append(list(paths))
        return real(paths, options)

    monkeypatch.setattr(cache, "content_key", counting)
    return hashed


def test_the_cache_key_is_remembered_until_a_rule_file_changes(
    tmp_path: Path, key_store: list[list[Path]]
) -> None:
    """Hashing the rule files and the engine's sources was 5% of a cold start: the key
    is read back by the files' stat data, and any change of a file means hashing."""
    rules = tmp_path / "rules"
    (rules / "profanity").mkdir(parents=True)
    rule = rules / "profanity" / "mild.yml"
    rule.write_text("kind: lexicon\n", encoding="utf-8")
    first = cache.cache_key([rules], ("opts",))
    assert first == cache.content_key([rules], ("opts",))
    key_store.clear()
    assert cache.cache_key([rules], ("opts",)) == first
    assert key_store == []  # remembered: nothing read
    assert cache.cache_key([rules], ("other",)) != first  # options are part of it
    rule.write_text("kind: lexicon\n# edited\n", encoding="utf-8")
    key_store.clear()
    edited = cache.cache_key([rules], ("opts",))
    assert key_store == [[rules]] and edited != first
    (rules / "profanity" / "new.yml").write_text("kind: lexicon\n", encoding="utf-8")
    assert cache.cache_key([rules], ("opts",)) not in (first, edited)


def test_a_same_size_edit_with_the_old_mtime_still_changes_the_key(
    tmp_path: Path, key_store: list[list[Path]]
) -> None:
    """Tools that keep a file's modification time (``cp -p``, ``touch -r``) still move
    its change time, which the fingerprint holds."""
    rules = tmp_path / "rules"
    (rules / "slur").mkdir(parents=True)
    rule = rules / "slur" / "a.yml"
    rule.write_text("kind: lexicon\nterms: [aaa]\n", encoding="utf-8")
    _settled(rules)
    first = cache.cache_key([rules], ())
    before = rule.stat()
    for _ in range(100_000):  # until the clock's granularity shows the change
        rule.write_text("kind: lexicon\nterms: [bbb]\n", encoding="utf-8")
        os.utime(rule, ns=(before.st_atime_ns, before.st_mtime_ns))
        if rule.stat().st_ctime_ns != before.st_ctime_ns:
            break
    assert rule.stat().st_size == before.st_size
    key_store.clear()
    assert cache.cache_key([rules], ()) != first
    assert key_store == [[rules]]


def test_recent_changes_and_linked_folders_are_always_hashed(
    tmp_path: Path, key_store: list[list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = tmp_path / "rules"
    (rules / "insult").mkdir(parents=True)
    (rules / "insult" / "a.yml").write_text("kind: lexicon\n", encoding="utf-8")
    monkeypatch.setattr(cache, "SETTLE_S", 3600)  # everything counts as just changed
    cache.cache_key([rules], ())
    cache.cache_key([rules], ())
    assert len(key_store) == 2
    monkeypatch.setattr(cache, "SETTLE_S", -3600)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (rules / "linked").symlink_to(elsewhere, target_is_directory=True)
    key_store.clear()
    cache.cache_key([rules], ())
    cache.cache_key([rules], ())
    assert len(key_store) == 2


def test_no_key_is_remembered_when_caching_is_off(
    tmp_path: Path, key_store: list[list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RHETORIC_NO_CACHE", "1")
    rules = tmp_path / "rules"
    (rules / "insult").mkdir(parents=True)
    (rules / "insult" / "a.yml").write_text("kind: lexicon\n", encoding="utf-8")
    cache.cache_key([rules], ())
    cache.cache_key([rules], ())
    assert len(key_store) == 2
    assert not (tmp_path / "cache").exists()


def test_frozen_specs_pickle_their_twin_once_and_load_in_a_fresh_process(
    tmp_path: Path,
) -> None:
    """Each instance unpickles as one call: of the core's ``build`` when this process
    has it, else of its class's thawed twin. The twin itself is pickled once, by the
    frozen class it stands for, and made again by a process that never built one."""
    from rhetoric.engine.specs import TermSpec
    from rhetoric.model import Severity

    terms = [TermSpec(word, 3, Severity.ERROR) for word in ("ab", "cd", "ef")]
    data = pickle.dumps(terms, protocol=pickle.HIGHEST_PROTOCOL)
    with_core = pickling._core_build is not None
    assert data.count(b"_twin_of") == (0 if with_core else 1) and b"_Open" not in data
    assert data.count(b"rhetoric.pickling") == (1 if with_core else 0)
    (tmp_path / "terms.pickle").write_bytes(data)
    loader = (
        "import pickle, sys; terms = pickle.load(open(sys.argv[1], 'rb')); "
        "print(type(terms[0]).__name__, [t.text for t in terms])"
    )
    done = subprocess.run(
        [sys.executable, "-c", loader, str(tmp_path / "terms.pickle")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["TermSpec", "['ab',", "'cd',", "'ef']"]


@pickled_by_constructor
@dataclass(frozen=True, slots=True)
class _Parent:
    rule: int
    text: str


@pickled_by_constructor
@dataclass(frozen=True, slots=True)
class _Child(_Parent):
    need: int = -1


def test_a_frozen_subclass_with_inherited_slots_pickles_through_its_constructor() -> None:
    """A slotted subclass holds only its new fields in its own ``__slots__``, so no
    one-class twin can stand for it: it must still pickle (a cache entry of rules
    holding such values was silently not written) and come back equal, of its class."""
    values = [_Child(1, "a", 2), _Parent(3, "b")]
    back = pickle.loads(pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == values
    assert [type(v) for v in back] == [_Child, _Parent]


needs_build = pytest.mark.skipif(
    pickling._core_build is None, reason="the compiled core (with build) is not in use"
)


@pickled_by_constructor
@dataclass(slots=True)
class _Open:
    children: dict[str, Any] = dataclasses.field(default_factory=dict)
    label: str = ""


def _same(a: Any, b: Any) -> bool:
    names = [item.name for item in dataclasses.fields(a)]
    return type(a) is type(b) and all(getattr(a, n) == getattr(b, n) for n in names)


@needs_build
def test_build_and_its_python_stand_in_make_what_the_constructor_makes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An instance pickled through the core's ``build`` comes back as its constructor
    would make it (class, every field, equality, hash, frozen), and so it does in a
    process without the core, which reads ``rhetoric.pickling.build`` as its Python
    stand-in."""
    from rhetoric.engine.specs import TermSpec
    from rhetoric.model import Severity

    values = [
        TermSpec("ab", 3, Severity.ERROR, 0.5, True, "c"),
        _Open({"x": _Open()}, "root"),
        _Parent(1, "p"),
        _Child(2, "c", 3),
    ]
    data = pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL)
    assert b"rhetoric.pickling\x94\x8c\x05build" in data
    with_core = pickle.loads(data)
    monkeypatch.setattr(pickling, "build", pickling._python_build)
    without = pickle.loads(data)
    for made in (with_core, without):
        assert made == values and [hash(v) for v in made[::2]] == [hash(v) for v in values[::2]]
        assert all(_same(a, b) for a, b in zip(made, values, strict=True))
        assert type(made[1].children["x"]) is _Open and made[1].children["x"].label == ""
        with pytest.raises(dataclasses.FrozenInstanceError):
            made[0].text = "y"  # type: ignore[misc]
        assert not hasattr(made[0], "__dict__")
        made[1].label = "changed"  # not frozen: still settable


@needs_build
def test_the_compiled_rules_unpickle_the_same_with_and_without_the_core(
    analyzer: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rhetoric import Analyzer

    assert isinstance(analyzer, Analyzer)
    entry = pickle.dumps((analyzer.ruleset, analyzer.detectors[0]), pickle.HIGHEST_PROTOCOL)
    # While a first load lives, a later one shares fewer of its strings (interned by
    # the first): the two compared are both later ones.
    first = pickle.loads(entry)
    with_core = pickle.loads(entry)
    monkeypatch.setattr(pickling, "build", pickling._python_build)
    without = pickle.loads(entry)
    monkeypatch.undo()
    again = pickle.dumps(with_core, pickle.HIGHEST_PROTOCOL)
    assert again == pickle.dumps(without, pickle.HIGHEST_PROTOCOL) != b""
    assert first is not with_core


def test_entries_written_with_and_without_the_core_have_their_own_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process without the core writes instances reduced to their constructors; a
    process with it must not read that slower form, nor the other way round."""
    (tmp_path / "r.yml").write_text("id: r\n", encoding="utf-8")
    key = cache.content_key([tmp_path], ("opts",))
    assert key == cache.content_key([tmp_path], ("opts",))
    other = "constructors" if cache.PICKLED_FORM == "build" else "build"
    monkeypatch.setattr(cache, "PICKLED_FORM", other)
    assert cache.content_key([tmp_path], ("opts",)) != key


class _Plain:
    pass


class _TwoSlots:
    __slots__ = ("a", "b")


class _Weak:
    __slots__ = ("__weakref__", "a")


class _SubSlots(_TwoSlots):
    __slots__ = ("c",)


@needs_build
@pytest.mark.parametrize(
    "args",
    [
        (),
        ("not a class", 1, 2),
        (_TwoSlots, 1),
        (_TwoSlots, 1, 2, 3),
        (_Plain,),
        (_Weak, 1),
        (_SubSlots, 1),
        (int,),
        (type, 1, 2),
    ],
)
def test_build_refuses_what_it_cannot_fill(args: tuple[Any, ...]) -> None:
    """A class with a ``__dict__``, inherited slots or a weak-reference slot, a count
    that differs, a built-in class: a TypeError, never a crash."""
    with pytest.raises(TypeError):
        pickling._core_build(*args)  # type: ignore[misc]
    made = pickling._core_build(_TwoSlots, 1, "b")  # type: ignore[misc]
    assert (made.a, made.b) == (1, "b")


# --- dataclasses' generated methods, compiled once ------------------------------------


@pytest.fixture
def code_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty store of kept dataclass code in its own folder, the module's state reset."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("RHETORIC_CACHE_DIR", str(folder))
    monkeypatch.delenv("RHETORIC_NO_CACHE", raising=False)
    monkeypatch.setattr(pickling, "_codes", None)
    monkeypatch.setattr(pickling, "_codes_read", 0)
    monkeypatch.setattr(pickling, "_stdlib_patterns", None)
    return folder


def _make_point() -> type:
    from dataclasses import dataclass, field

    @dataclass(frozen=True, order=True)
    class Point:
        x: int
        y: int = 0
        tags: tuple[str, ...] = field(default=())

    return Point


def _compiled_sources(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = compile

    def counting(source: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(pickling, "compile", counting, raising=False)
    return seen


def test_kept_dataclass_code_makes_the_same_classes(
    code_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = _make_point()
    with pickling.dataclass_code_kept():
        first = _make_point()
    assert "exec" not in vars(dataclasses)
    [kept] = code_store.glob("code-*.marshal")
    monkeypatch.setattr(pickling, "_codes", None)  # a new process: read back from the file
    compiled = _compiled_sources(monkeypatch)
    with pickling.dataclass_code_kept():
        again = _make_point()
    assert compiled == []
    for made in (first, again):
        point = made(1, tags=("a",))
        twin = plain(1, tags=("a",))
        assert (point.x, point.y, point.tags) == (twin.x, twin.y, twin.tags)
        assert repr(point).split("(", 1)[1] == repr(twin).split("(", 1)[1]
        assert point == made(1, 0, ("a",)) and point < made(2)
        assert hash(point) == hash(made(1, 0, ("a",)))
        with pytest.raises(dataclasses.FrozenInstanceError):
            point.x = 2  # type: ignore[misc]
        with pytest.raises(TypeError):
            made()
    assert kept.stat().st_mode & 0o777 == 0o600


def test_kept_namedtuple_code_makes_the_same_classes(
    code_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """namedtuple's ``eval`` of its ``__new__`` text is served from the kept file too."""
    import collections

    def make() -> Any:
        return collections.namedtuple("Pair", ["left", "right"], defaults=[0])

    with pickling.dataclass_code_kept():
        first = make()
    assert "eval" not in vars(collections)
    monkeypatch.setattr(pickling, "_codes", None)  # a new process: read back from the file
    compiled = _compiled_sources(monkeypatch)
    with pickling.dataclass_code_kept():
        again = make()
    assert compiled == []
    assert any("(left, right)" in source for source in pickling._codes or {})
    for made in (first, again):
        assert made(1) == make()(1) == (1, 0) and made(1, right=2).right == 2
        assert repr(made(1)) == "Pair(left=1, right=0)"
        with pytest.raises(TypeError):
            made()


def test_thawed_twins_take_what_the_class_takes(code_store: Path) -> None:
    """A thawed twin is one generated ``__init__`` (kept like dataclass code): positional
    and keyword fields, defaults, a fresh default from each factory call."""
    from dataclasses import dataclass, field

    @dataclass(frozen=True, slots=True)
    class Spec:
        name: str
        weight: float = 1.0
        tags: list[str] = field(default_factory=list)

    with pickling.dataclass_code_kept():
        make = pickling.thawed(Spec)
    assert any(source.startswith("def __init__(self, name,") for source in pickling._codes or {})
    assert make("a") == Spec("a") and type(make("a")) is Spec
    assert make("a", 2.0, ["x"]) == make(tags=["x"], weight=2.0, name="a")
    assert make("a").tags is not make("a").tags
    with pytest.raises(TypeError):
        make()
    with pytest.raises(dataclasses.FrozenInstanceError):
        make("a").name = "b"  # type: ignore[misc]

    @dataclass(frozen=True, slots=True)
    class Derived:
        name: str
        size: int = field(init=False, default=0)

    with pytest.raises(TypeError, match="size"):
        pickling.thawed(Derived)


def test_nothing_new_writes_nothing_and_caching_off_keeps_nothing(
    code_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pickling.dataclass_code_kept():
        _make_point()
    [kept] = code_store.glob("code-*.marshal")
    before = kept.stat().st_mtime_ns
    monkeypatch.setattr(pickling, "_codes", None)
    with pickling.dataclass_code_kept():
        _make_point()
    assert kept.stat().st_mtime_ns == before
    kept.unlink()
    monkeypatch.setenv("RHETORIC_NO_CACHE", "1")
    with pickling.dataclass_code_kept():
        assert "exec" not in vars(dataclasses)
        _make_point()
    assert not code_store.exists() or not list(code_store.glob("code-*"))


@needs_uids
def test_a_kept_code_file_others_can_write_is_never_loaded(
    code_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pickling.dataclass_code_kept():
        _make_point()
    [kept] = code_store.glob("code-*.marshal")
    kept.chmod(0o666)
    monkeypatch.setattr(pickling, "_codes", None)
    loaded: list[bytes] = []
    unmarshal = SimpleNamespace(loads=loaded.append, dump=pickling.marshal.dump)
    monkeypatch.setattr(pickling, "marshal", unmarshal)  # not the module imports use
    compiled = _compiled_sources(monkeypatch)
    with pickling.dataclass_code_kept():
        assert _make_point()(3).x == 3
    assert loaded == [] and compiled


def test_a_damaged_kept_code_file_means_compiling(code_store: Path) -> None:
    code_store.mkdir(mode=0o700)
    (code_store / pickling._CODE_NAME).write_bytes(b"\x00not marshal")
    (code_store / pickling._CODE_NAME).chmod(0o600)
    with pickling.dataclass_code_kept():
        assert _make_point()(3).y == 0


_COUNT_DATACLASS_COMPILES = """
import json, sys
seen = []
def audit(event, args):
    source = args[0] if event == "compile" else None
    if isinstance(source, (str, bytes)) and "__create_fn__" in str(source):
        seen.append(source)
sys.addaudithook(audit)
import atexit, os
atexit.register(lambda: print(json.dumps(len(seen))))
import rhetoric.cli
sys.argv = ["rhetoric", "check", "--isolated", "--input", "jsonl", "-o", os.devnull, sys.argv[1]]
rhetoric.cli.run()
"""


def test_a_warm_start_compiles_no_dataclass_method(tmp_path: Path) -> None:
    """The dataclasses of the package, its plugins and the cached rules' twins generate
    their methods as source text; compiling it was a fifth of a cold start. After the
    first start of a check it is all read back compiled."""
    env = {**os.environ, "RHETORIC_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("RHETORIC_NO_CACHE", None)
    comments = tmp_path / "comments.jsonl"
    comments.write_text('{"id": "1", "text": "Those idiots never listen."}\n', encoding="utf-8")

    def start() -> int:
        done = subprocess.run(
            [sys.executable, "-c", _COUNT_DATACLASS_COMPILES, str(comments)],
            env=env,
            capture_output=True,
            text=True,
        )
        return int(done.stdout.splitlines()[-1])

    assert start() > 100
    assert start() == 0


def test_kept_pickles_hold_a_path_as_one_string(tmp_path: Path) -> None:
    """A path in a private pickle comes back equal and of its class, stored as its text
    (rebuilt by one parse, not one per part)."""
    from pathlib import PurePosixPath, PureWindowsPath

    values = [Path("/srv/rules/insult/x.yml"), PurePosixPath("a/b"), PureWindowsPath(r"c:\r\x")]
    file = tmp_path / "kept.pickle"
    assert pickling.store_private(file, values)
    back = pickling.load_private(file)
    assert back == values and [type(v) for v in back] == [type(v) for v in values]
    assert b"/srv/rules/insult/x.yml" in file.read_bytes()


def test_the_collector_is_paused_until_resumed_and_back_in_forked_workers() -> None:
    """``rhetoric check`` keeps the cyclic collector off while it builds its analyzer;
    a process forked meanwhile (a --jobs worker) gets it back, and a collector someone
    else switched off stays off."""
    import gc
    import os

    from rhetoric.commands import collector_paused

    assert gc.isenabled()
    with collector_paused() as resume:
        assert not gc.isenabled()
        if hasattr(os, "fork"):
            child = os.fork()
            if child == 0:  # the worker: its collector is on again
                os._exit(0 if gc.isenabled() else 1)
            _, status = os.waitpid(child, 0)
            assert os.waitstatus_to_exitcode(status) == 0
        assert not gc.isenabled()
        resume()
        assert gc.isenabled()
        gc.disable()  # a resume is once: the block's end leaves this alone too
    assert not gc.isenabled()
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()  # no resume called: the block's end turns it back on
    gc.disable()
    try:
        with collector_paused() as resume:
            resume()
            assert not gc.isenabled()
    finally:
        gc.enable()


# Runs the console script's entry with a finder that records whether the collector was
# on when rhetoric.cli and the command's module were looked for (the latter after the
# dispatch decision), and at the exit.
_START_DRIVER = """
import atexit, gc, json, sys
seen = {}
class Finder:
    def find_spec(self, name, path=None, target=None):
        if name in ("rhetoric.cli", "rhetoric.commands." + sys.argv[1]):
            seen.setdefault(name, gc.isenabled())
sys.meta_path.insert(0, Finder())
atexit.register(lambda: sys.stderr.write("STATES " + json.dumps({**seen, "exit": gc.isenabled()})))
import rhetoric_start
sys.argv = ["rhetoric", *sys.argv[1:]]
rhetoric_start.run()
"""


_CHECK = ["check", "--isolated", "--input", "jsonl", "--format", "jsonl"]


@pytest.mark.parametrize(
    "argv", [[*_CHECK, "-"], [*_CHECK, "--jobs", "2", "-"], ["techniques"], ["rules", "list"]]
)
def test_the_console_script_pauses_the_collector_for_the_imports_only(
    tmp_path: Path, argv: list[str]
) -> None:
    """The ``rhetoric`` script imports the package with the collector off; ``check``
    gets it back once its analyzer is frozen, every other command before it runs."""
    records = "".join(json.dumps({"id": str(i), "text": f"comment {i}"}) + "\n" for i in range(4))
    env = {**os.environ, "RHETORIC_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", _START_DRIVER, *argv],
        input=records, capture_output=True, text=True, cwd=tmp_path, env=env, check=False,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    states = json.loads(done.stderr.rsplit("STATES ", 1)[1])
    assert states["rhetoric.cli"] is False
    if argv[0] != "check":
        assert states[f"rhetoric.commands.{argv[0]}"] is True
    assert states["exit"] is True


def test_the_console_script_leaves_a_collector_switched_off_before_it_alone(
    tmp_path: Path,
) -> None:
    driver = "import gc, sys, atexit\ngc.disable()\n" + _START_DRIVER.replace(
        "import atexit, gc, json, sys", "import json"
    )
    env = {**os.environ, "RHETORIC_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", driver, "techniques"],
        capture_output=True, text=True, cwd=tmp_path, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    states = json.loads(done.stderr.rsplit("STATES ", 1)[1])
    assert states == {"rhetoric.cli": False, "rhetoric.commands.techniques": False, "exit": False}


def test_python_m_rhetoric_runs_with_the_collector_back(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import runpy, sys; sys.argv = ['rhetoric', 'techniques'];"
         " import atexit, gc; atexit.register(lambda: print('GC', gc.isenabled()));"
         " runpy.run_module('rhetoric', run_name='__main__')"],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("GC True")


# --- the standard library's re patterns, compiled once ------------------------------

_PATTERN_MODULE = """
import re
WORD = re.compile(r"(?P<word>[^\\W\\d_]+)(?:-(?P=word))?|\\d{2,}", re.IGNORECASE | re.MULTILINE)
RAW = re.compile(rb"^[a-z]+\\Z")
"""


def _import_fresh(folder: Path, name: str) -> Any:
    """Import the pattern module ``name`` from ``folder`` as a new process would."""
    sys.modules.pop(name, None)
    re_cache = __import__("re")._cache  # re's own per-process cache
    re_cache.clear()
    sys.path.insert(0, str(folder))
    try:
        with pickling.dataclass_code_kept():
            return __import__(name)
    finally:
        sys.path.remove(str(folder))
        sys.modules.pop(name, None)


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Pattern strings ``re`` parses from now on (its compiler's first step)."""
    import re._parser as parser  # type: ignore[import-not-found]

    seen: list[Any] = []
    real = parser.parse

    def counting(source: Any, flags: int = 0, state: Any = None) -> Any:
        seen.append(source)
        return real(source, flags, state)

    monkeypatch.setattr(parser, "parse", counting)
    return seen


def test_stdlib_patterns_compiled_by_imports_are_kept_and_rebuilt_the_same(
    code_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re

    (tmp_path / "kept_patterns_mod.py").write_text(_PATTERN_MODULE, encoding="utf-8")
    first = _import_fresh(tmp_path, "kept_patterns_mod")
    (kept,) = code_store.glob("re-*.marshal")
    assert kept.stat().st_mode & 0o077 == 0
    monkeypatch.setattr(pickling, "_stdlib_patterns", None)  # as a new process starts
    parsed = _parses(monkeypatch)
    again = _import_fresh(tmp_path, "kept_patterns_mod")
    assert parsed == []
    for name in ("WORD", "RAW"):
        old, new = getattr(first, name), getattr(again, name)
        assert new is not old and new == old  # equal: same source, flags and code
        assert (new.groups, new.groupindex, new.flags) == (old.groups, old.groupindex, old.flags)
    text = "Word-word 42 x\nthe-THE 7 abc"
    assert [m.groupdict() for m in again.WORD.finditer(text)] == [
        m.groupdict() for m in first.WORD.finditer(text)
    ]
    assert again.RAW.match(b"abc") and not again.RAW.match(b"ab1")
    assert re._compiler.compile is not pickling._stdlib_patterns  # restored after the block


def test_stdlib_patterns_compiled_outside_imports_are_not_kept(code_store: Path) -> None:
    import re

    with pickling.dataclass_code_kept():
        re._cache.clear()
        re.compile(r"(?m)^on the fly \\d+")
    assert list(code_store.glob("re-*.marshal")) == []


@needs_uids
def test_a_damaged_or_open_stdlib_pattern_file_means_compiling(
    code_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "kept_patterns_bad.py").write_text(_PATTERN_MODULE, encoding="utf-8")
    first = _import_fresh(tmp_path, "kept_patterns_bad")
    (kept,) = code_store.glob("re-*.marshal")
    good = kept.read_bytes()
    for damage in (good[: len(good) // 2], b"\x00garbage"):
        kept.write_bytes(damage)
        monkeypatch.setattr(pickling, "_stdlib_patterns", None)
        assert _import_fresh(tmp_path, "kept_patterns_bad").WORD == first.WORD
    kept.write_bytes(good)
    kept.chmod(0o622)
    monkeypatch.setattr(pickling, "_stdlib_patterns", None)
    parsed = _parses(monkeypatch)
    assert _import_fresh(tmp_path, "kept_patterns_bad").WORD == first.WORD
    assert len(parsed) == 2  # others could write it: never read


def test_no_stdlib_pattern_is_kept_when_caching_is_off(
    code_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RHETORIC_NO_CACHE", "1")
    (tmp_path / "kept_patterns_off.py").write_text(_PATTERN_MODULE, encoding="utf-8")
    _import_fresh(tmp_path, "kept_patterns_off")
    assert not code_store.exists() or list(code_store.glob("re-*")) == []


def test_a_data_file_is_parsed_once_per_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RHETORIC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("RHETORIC_NO_CACHE", raising=False)
    data = tmp_path / "data.toml"
    data.write_text('words = ["a", "b"]\n', encoding="utf-8")
    parses: list[bytes] = []

    def parse(raw: bytes) -> dict[str, Any]:
        parses.append(raw)
        return {"words": raw.decode().split('"')[1::2]}

    def read(valid: Any = lambda value: type(value) is dict) -> Any:
        return pickling.parsed_once(data, "test.kept", parse, valid)

    assert read() == {"words": ["a", "b"]}
    assert read() == {"words": ["a", "b"]} and len(parses) == 1  # read back, not parsed
    assert (tmp_path / "cache" / "test.kept").stat().st_mode & 0o077 == 0
    data.write_text('words = ["c"]\n', encoding="utf-8")  # new content: parsed again
    assert read() == {"words": ["c"]} and len(parses) == 2
    assert read(valid=lambda value: False) == {"words": ["c"]} and len(parses) == 3
    (tmp_path / "cache" / "test.kept").write_bytes(b"\x00damaged")
    assert read() == {"words": ["c"]} and len(parses) == 4
    monkeypatch.setenv("RHETORIC_NO_CACHE", "1")  # caching off: parsed every time
    assert read() == read() and len(parses) == 6


def test_the_shipped_data_files_read_back_as_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tomllib

    from rhetoric.text import obfuscation, wordlists

    monkeypatch.setenv("RHETORIC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("RHETORIC_NO_CACHE", raising=False)
    fresh = tomllib.loads(obfuscation.DATA_FILE.read_text(encoding="utf-8"))
    assert obfuscation._load() == fresh  # parsed and kept
    assert (tmp_path / "cache" / "obfuscation.kept").is_file()
    assert obfuscation._load() == fresh  # read back
    wordlists._names.cache_clear()
    try:
        first = wordlists._names()
        wordlists._names.cache_clear()
        assert wordlists._names() == first  # read back
        assert first["given"] and all(type(v) is frozenset for v in first.values())
    finally:
        wordlists._names.cache_clear()
