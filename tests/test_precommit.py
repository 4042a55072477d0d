"""A real ``pre-commit`` drives this checkout as a hook, the way users install it.

pre-commit clones the hook repository at a revision and pip-installs it into its
own environment, so the test commits a snapshot of the working tree (uncommitted
changes included) to a throw-away repository and points ``repo:`` at it. It
needs git, the ``pre-commit`` package and access to the package index (for the
hook's dependencies); it is slow (a minute or so) because it builds that
environment once for the module.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GIT_ENV = {
    "GIT_AUTHOR_NAME": "rhetoric tests",
    "GIT_AUTHOR_EMAIL": "tests@example.invalid",
    "GIT_COMMITTER_NAME": "rhetoric tests",
    "GIT_COMMITTER_EMAIL": "tests@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(folder), *args],
        capture_output=True, text=True, check=True, env={**os.environ, **GIT_ENV},
    )  # fmt: skip
    return done.stdout.strip()


def snapshot(target: Path) -> str:
    """Commit the checkout's files (tracked and untracked, not ignored) to ``target``."""
    listed = git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "snapshot for the pre-commit test")
    return git(target, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A user's repository whose ``.pre-commit-config.yaml`` uses this checkout."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout of rhetoric")
    if shutil.which("pre-commit", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("pre-commit is not installed (it is in the 'test' extra)")
    base = tmp_path_factory.mktemp("precommit")
    hook_repo = base / "rhetoric"
    hook_repo.mkdir()
    rev = snapshot(hook_repo)
    user = base / "user"
    user.mkdir()
    git(user, "init", "-q")
    (user / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n      - id: rhetoric\n",
        encoding="utf-8",
    )
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(base / "cache")}
    env.pop("VIRTUAL_ENV", None)
    return user, env


def pre_commit(user: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    git(user, "add", "-A")
    executable = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    assert executable is not None
    return subprocess.run(
        [executable, "run", "--all-files", "--color", "never"],
        cwd=user, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def test_hook_fails_on_a_violation_then_passes_when_fixed(
    project: tuple[Path, dict[str, str]],
) -> None:
    user, env = project
    article = user / "article.md"
    article.write_text("# Budget\n\nOnly an idiot would vote for `idiot()`.\n", encoding="utf-8")
    done = pre_commit(user, env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        "article.md:3:9  name-calling  insult-label  [warning] 'idiot' is an insult: "
        "it labels a person instead of answering them." in done.stdout
    ), done.stdout
    assert "1 finding in 1 of 1 file" in done.stdout

    article.write_text("# Budget\n\nThe council approved `idiot()` today.\n", encoding="utf-8")
    done = pre_commit(user, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "rhetoric (prose)" in done.stdout and "Passed" in done.stdout
