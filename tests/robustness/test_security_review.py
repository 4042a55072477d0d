"""The checkable parts of the security review (docs/security.md): YAML is only
ever loaded safely, no untrusted data reaches eval/exec/pickle, the rule cache
is read only when it is the user's own, and plugins come only from where the
operator said."""

from __future__ import annotations

import ast
import os
import pickle
import textwrap
from pathlib import Path

import pytest

import rhetoric
from rhetoric import Analyzer, AnalyzerConfig, RuleLoadError
from rhetoric.cli import main

PACKAGE = Path(rhetoric.__file__).resolve().parent
PLUGINS = PACKAGE.parent / "plugins"
RULE = """\
kind: lexicon
status: stable
message: "'{match}'"
why: A rule written by the security tests; it documents nothing else.
terms: [heck]
examples:
  flag: ["[[heck]]"]
  pass: ["hello"]
"""
PYTHON_TAGS = (
    "!!python/object/apply:os.mkdir [{marker}]",
    "!!python/object/new:os.mkdir [{marker}]",
    "!!python/name:os.mkdir",
    "!!python/module:os",
    "!!python/object:os.stat_result",
    "!python/object/apply:os.mkdir [{marker}]",
)


def write_rule(folder: Path, body: str, name: str = "profanity/heck.yml") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


def only(folder: Path) -> Analyzer:
    config = AnalyzerConfig(rule_paths=(folder,), readability=())
    return Analyzer.from_config(config, entry_points=False)


# --- YAML ----------------------------------------------------------------------------------


@pytest.mark.parametrize("tag", PYTHON_TAGS)
@pytest.mark.parametrize("where", ["message: {value}", "terms:\n  - heck\n  - {value}"])
def test_python_tags_in_rule_files_construct_nothing(tmp_path: Path, tag: str, where: str) -> None:
    marker = tmp_path / "pwned"
    value = tag.format(marker=str(marker))
    key = where.split(":")[0]
    body = "\n".join(
        where.format(value=value) if line.startswith(f"{key}:") else line
        for line in RULE.splitlines()
    )
    path = write_rule(tmp_path / "rules", body + "\n")
    with pytest.raises(RuleLoadError, match="must be a string") as caught:
        only(tmp_path / "rules")
    assert caught.value.path == path
    assert not marker.exists()


def test_python_tags_in_a_configuration_file_construct_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = tmp_path / "pwned"
    (tmp_path / ".rhetoric.yaml").write_text(
        f"select: !!python/object/apply:os.mkdir [{marker}]\n", encoding="utf-8"
    )
    (tmp_path / "comment.txt").write_text("hello\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "comment.txt"]) == 2
    assert "invalid YAML" in capsys.readouterr().err
    assert not marker.exists()


# --- no eval, exec or unsafe deserialisation in the code base ------------------------------

# Each allowed site, and why it is safe: see docs/security.md.
ALLOWED = {
    ("pickling.py", "pickle.load"),  # the user's own cache files, checked first
    # dataclasses' (and namedtuple's) own generated source, compiled as they would exec
    # (eval) it; the code read back only from the user's own cache file, checked first
    ("pickling.py", "compile"),
    ("pickling.py", "exec"),
    ("pickling.py", "eval"),
    ("pickling.py", "marshal.loads"),
    ("host.py", "exec_module"),  # plugin files the operator configured
}
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "execfile"}
FORBIDDEN_ATTRIBUTES = {
    "pickle.load", "pickle.loads", "pickle.Unpickler", "marshal.load", "marshal.loads",
    "shelve.open", "yaml.load", "yaml.load_all", "yaml.unsafe_load", "yaml.full_load",
    "yaml.unsafe_load_all", "yaml.full_load_all", "yaml.Loader", "yaml.UnsafeLoader",
    "yaml.FullLoader", "yaml.CLoader", "yaml.CUnsafeLoader", "yaml.CFullLoader",
    "os.system", "os.popen", "exec_module",
}  # fmt: skip


def dangerous_sites(root: Path) -> set[tuple[str, str]]:
    """(file relative to ``root``, what) for every risky call or name in the sources."""
    found = set()
    for source in sorted(root.rglob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"), str(source))
        where = source.relative_to(root).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                found.update((where, n) for n in {node.func.id} & FORBIDDEN_CALLS)
            elif isinstance(node, ast.Attribute):
                owner = node.value.id if isinstance(node.value, ast.Name) else ""
                names = {f"{owner}.{node.attr}", node.attr}
                found.update((where, name) for name in names & FORBIDDEN_ATTRIBUTES)
            elif isinstance(node, ast.keyword) and node.arg == "shell":
                is_false = isinstance(node.value, ast.Constant) and node.value.value is False
                if not is_false:
                    found.add((where, "shell=True"))
    return found


def test_no_eval_exec_or_unsafe_loading_outside_the_reviewed_sites() -> None:
    assert dangerous_sites(PACKAGE) == ALLOWED
    assert dangerous_sites(PLUGINS) == set()


def test_the_site_scanner_finds_what_it_looks_for(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(
        textwrap.dedent("""
        import pickle, yaml, subprocess
        eval("1")
        pickle.loads(b"")
        yaml.load("", Loader=yaml.Loader)
        subprocess.run("ls", shell=True)
        """),
        encoding="utf-8",
    )
    assert dangerous_sites(tmp_path) == {
        ("bad.py", "eval"),
        ("bad.py", "pickle.loads"),
        ("bad.py", "yaml.load"),
        ("bad.py", "yaml.Loader"),
        ("bad.py", "shell=True"),
    }


# --- the compiled-rules cache ------------------------------------------------------------------


class Payload:
    """Unpickling this creates a folder: proof that a cache file was executed."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.mkdir, (str(self.marker),)


@pytest.fixture
def planted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    """A rule folder, its cache entry replaced by a payload, and the payload's marker."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("RHETORIC_CACHE_DIR", str(cache))
    monkeypatch.delenv("RHETORIC_NO_CACHE", raising=False)
    write_rule(tmp_path / "rules", RULE)
    only(tmp_path / "rules")
    [entry] = cache.glob("*.pickle")
    marker = tmp_path / "pwned"
    entry.write_bytes(pickle.dumps(Payload(marker)))
    return tmp_path / "rules", entry, marker


needs_uids = pytest.mark.skipif(not hasattr(os, "geteuid"), reason="no user ids")


@needs_uids
@pytest.mark.parametrize("mode", [0o620, 0o602, 0o666])
def test_cache_files_others_can_write_are_never_unpickled(
    planted: tuple[Path, Path, Path], mode: int
) -> None:
    rules, entry, marker = planted
    entry.chmod(mode)
    assert [h.text for h in only(rules).check("oh heck").hits] == ["heck"]
    assert not marker.exists()


@needs_uids
@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_cache_files_of_another_user_are_never_unpickled(
    planted: tuple[Path, Path, Path],
) -> None:
    rules, entry, marker = planted
    os.chown(entry, 65534, -1)  # nobody
    entry.chmod(0o600)
    assert [h.text for h in only(rules).check("oh heck").hits] == ["heck"]
    assert not marker.exists()


@needs_uids
def test_control_the_users_own_cache_is_trusted(planted: tuple[Path, Path, Path]) -> None:
    """The payload is live: the user's own private cache file is unpickled (the
    documented trust assumption), so the refusals above are real refusals."""
    rules, entry, marker = planted
    entry.chmod(0o600)
    only(rules)  # the payload is not a (RuleSet, CompiledRules): rebuilt after running
    assert marker.is_dir()


@needs_uids
def test_cache_folder_and_files_are_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RHETORIC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("RHETORIC_NO_CACHE", raising=False)
    write_rule(tmp_path / "rules", RULE)
    only(tmp_path / "rules")
    assert (tmp_path / "cache").stat().st_mode & 0o077 == 0
    for entry in (tmp_path / "cache").glob("*.pickle"):
        assert entry.stat().st_mode & 0o077 == 0


# --- where plugins come from ------------------------------------------------------------------


def test_python_files_are_never_loaded_from_checked_or_rule_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = tmp_path / "pwned"
    payload = f"import os\nos.mkdir({str(marker)!r})\n"
    for name in ("conftest.py", "rhetoric_plugin.py", "plugins/evil.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(payload, encoding="utf-8")
    (tmp_path / "comment.txt").write_text("hello\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--isolated", "comment.txt"]) == 0
    assert not marker.exists()

    rules = tmp_path / "rules"
    write_rule(rules, RULE)
    (rules / "profanity" / "evil.py").write_text(payload, encoding="utf-8")
    with pytest.raises(RuleLoadError, match=r"evil\.py: not a rule file"):
        only(rules)
    assert not marker.exists()


def test_a_checked_trees_configuration_is_code_unless_isolated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A configuration file may enable plugins, so it is trusted like code;
    ``--isolated`` is how to check a tree one does not trust."""
    marker = tmp_path / "pwned"
    (tmp_path / "local").mkdir()
    (tmp_path / "local" / "evil.py").write_text(
        f"import os\nos.mkdir({str(marker)!r})\n", encoding="utf-8"
    )
    (tmp_path / ".rhetoric.toml").write_text('[plugins]\ndirs = ["local"]\n', encoding="utf-8")
    (tmp_path / "comment.txt").write_text("hello\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--isolated", "comment.txt"]) == 0
    assert not marker.exists()
    assert main(["check", "comment.txt"]) == 0
    assert marker.is_dir()
