"""rhetoric.entrypoints finds what importlib.metadata finds, on environments built in
a temporary folder, and a check's start no longer imports importlib.metadata."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from rhetoric import entrypoints

GROUP = "rhetoric-test-group"


def _dist(site: Path, folder: str, name: str, entry_points: str | None) -> Path:
    path = site / folder
    path.mkdir(parents=True)
    (path / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    if entry_points is not None:
        (path / "entry_points.txt").write_text(entry_points, encoding="utf-8")
    return path


def _module(site: Path, name: str) -> None:
    (site / f"{name}.py").write_text("class Plugin:\n    class inner:\n        pass\n")


def _expected(group: str) -> list[tuple[str, str, str, str]]:
    """What the standard library's importlib.metadata finds. The importlib_metadata
    backport, once imported (dask imports it), takes `find_distributions` off the standard
    PathFinder and reads sys.path through its own finder, which `_scan_only` takes off
    sys.meta_path: the standard finder then stands in for it during the call."""
    from importlib.machinery import PathFinder

    saved = sys.meta_path[:]
    if not hasattr(PathFinder, "find_distributions"):
        sys.meta_path.append(importlib.metadata.MetadataPathFinder())
    try:
        importlib.invalidate_caches()
        return [
            (e.name, e.value, e.group, e.dist.metadata["Name"])
            for e in importlib.metadata.entry_points(group=group)
        ]
    finally:
        sys.meta_path[:] = saved


def _found(group: str) -> list[tuple[str, str, str, str]]:
    return [
        (e.name, e.value, e.group, e.dist.metadata["Name"]) for e in entrypoints.entry_points(group)
    ]


@pytest.fixture
def sites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Two folders in front of sys.path."""
    folders = [tmp_path / "site-a", tmp_path / "site-b"]
    for folder in reversed(folders):
        folder.mkdir()
        monkeypatch.syspath_prepend(str(folder))
    return folders


def _scan_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if the scan hands the question to importlib.metadata; distribution finders
    other tests may have left on sys.meta_path are taken off for the test."""
    from importlib.machinery import PathFinder

    plain = [
        finder
        for finder in sys.meta_path
        if finder is PathFinder or getattr(finder, "find_distributions", None) is None
    ]
    monkeypatch.setattr(sys, "meta_path", plain)

    def refuse(group: str) -> None:
        raise AssertionError("fell back to importlib.metadata")

    monkeypatch.setattr(entrypoints, "_from_importlib", refuse)


def test_dist_info_and_egg_info_read_like_importlib_metadata(
    sites: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = sites[0]
    _module(site, "plug_one")
    _dist(
        site,
        "plug_one-1.0.dist-info",
        "plug-one",
        f"# a comment\n\n[console_scripts]\nx = plug_one:main\n\n  [{GROUP}]  \n"
        f"one=plug_one\n  two =  plug_one : Plugin.inner  \n[other]\nthree = plug_one\n",
    )
    _dist(site, "Plug.Two-2.0.egg-info", "Plug.Two", f"[{GROUP}]\nfour = plug_one:Plugin\n")
    _dist(site, "no_entry_points-1.0.dist-info", "no-entry-points", None)
    (site / "stray-1.0.egg-info").write_text("Metadata-Version: 1.0\nName: stray\n")
    _scan_only(monkeypatch)
    assert _found(GROUP) == _expected(GROUP)
    assert {e.name for e in entrypoints.entry_points(GROUP)} == {"one", "two", "four"}
    loaded = {e.name: e.load() for e in entrypoints.entry_points(GROUP)}
    module = sys.modules["plug_one"]
    assert loaded == {"one": module, "two": module.Plugin.inner, "four": module.Plugin}


def test_the_first_distribution_of_a_name_wins(
    sites: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same distribution in two sys.path folders, or twice in one folder, under
    names that normalize alike: only the first one's entry points count; another
    distribution declaring the same entry-point name is still listed."""
    first, second = sites
    _dist(first, "Same.Name-2.0.dist-info", "Same.Name", f"[{GROUP}]\nx = first\n")
    _dist(second, "same_name-1.0.dist-info", "same_name", f"[{GROUP}]\nx = second\n")
    _dist(second, "other-1.0.dist-info", "other", f"[{GROUP}]\nx = other\ny = other\n")
    _dist(second, "same.name-3.0.egg-info", "same.name", f"[{GROUP}]\nx = third\n")
    _scan_only(monkeypatch)
    found = _found(GROUP)
    assert found == _expected(GROUP)
    assert [(name, value) for name, value, _, _ in found] == [
        ("x", "first"),
        ("x", "other"),
        ("y", "other"),
    ]


def test_odd_environments_get_importlib_metadata_s_answer(
    sites: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A zip on sys.path, extras, an uppercase suffix: answered by importlib.metadata."""
    archive = sites[0].parent / "plugins.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("zipped-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: zipped\n")
        zipped.writestr("zipped-1.0.dist-info/entry_points.txt", f"[{GROUP}]\nz = zipped\n")
    monkeypatch.syspath_prepend(str(archive))
    assert _found(GROUP) == _expected(GROUP) == [("z", "zipped", GROUP, "zipped")]
    monkeypatch.setattr(sys, "path", sys.path[1:])

    _dist(sites[0], "extras-1.0.dist-info", "extras", f"[{GROUP}]\ne = extras:run [fast]\n")
    _dist(sites[1], "Upper-1.0.DIST-INFO", "Upper", f"[{GROUP}]\nu = upper\n")
    assert _found(GROUP) == _expected(GROUP)
    assert [e[0] for e in _found(GROUP)] == ["e", "u"]


def test_a_line_importlib_metadata_refuses_is_refused_alike(sites: list[Path]) -> None:
    _dist(sites[0], "broken-1.0.dist-info", "broken", "[other]\nno equals sign here\n")
    with pytest.raises(Exception) as refused:
        importlib.metadata.entry_points(group=GROUP)
    with pytest.raises(refused.type, match=re.escape(str(refused.value))):
        entrypoints.entry_points(GROUP)


def test_another_distribution_finder_is_asked_through_importlib_metadata(
    sites: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Finder:
        @staticmethod
        def find_distributions(
            context: importlib.metadata.DistributionFinder.Context,
        ) -> list[importlib.metadata.Distribution]:
            return [importlib.metadata.PathDistribution(folder)]

        @staticmethod
        def find_spec(*args: object) -> None:
            return None

    folder = _dist(
        sites[0].parent / "elsewhere", "found-1.0.dist-info", "found", f"[{GROUP}]\nf = f\n"
    )
    monkeypatch.setattr(sys, "meta_path", [Finder, *sys.meta_path])
    assert _found(GROUP) == _expected(GROUP) == [("f", "f", GROUP, "found")]


def test_this_environment_s_rhetoric_group_is_read_without_importlib_metadata(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _scan_only(monkeypatch)
    assert _found("rhetoric") == _expected("rhetoric")
    assert {"builtin-rules", "techniques", "quoting"} <= {e[0] for e in _found("rhetoric")}


_CHECK = """
import sys
from rhetoric.cli import main
main(["check", sys.argv[1], "-o", sys.argv[2]])
print("importlib.metadata" in sys.modules)
"""


def test_a_check_does_not_import_importlib_metadata(tmp_path: Path) -> None:
    comment = tmp_path / "comment.txt"
    comment.write_text("You people are all idiots.\n", encoding="utf-8")
    command = [sys.executable, "-c", _CHECK, str(comment), str(tmp_path / "out.txt")]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
    assert "idiots" in (tmp_path / "out.txt").read_text(encoding="utf-8")
