"""Tests for rhetoric.text.readability: values, edge cases, shipped data, and no network use.

The offline tests run a child interpreter with no network (a fresh network namespace via
``unshare`` where the kernel allows it, and in every case socket functions that raise),
with ``nltk.download`` replaced by a function that records the call and raises, and with
NLTK's search path reduced to an empty folder: a cmudict already downloaded on the test
machine (``~/nltk_data``, ``/usr/share/nltk_data``, the venv's ``nltk_data``...) must not
be able to hide a missing or unusable shipped corpus. A control test runs plain textstat
in the same harness and expects it to try the download, which shows the harness would
catch the failure it is there for.
"""

from __future__ import annotations

import functools
import json
import math
import os
import shutil
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from rhetoric.text import readability
from rhetoric.text.readability import (
    AVAILABLE_METRICS,
    DEFAULT_METRICS,
    NLTK_DATA_DIR,
    compute_readability,
    ensure_offline_data,
)

ARCHIVE = NLTK_DATA_DIR / "corpora" / "cmudict.zip"
DATA_DIR = NLTK_DATA_DIR.parent
# The folder holding the `rhetoric` package this test imported, for the child's sys.path.
PACKAGE_PARENT = Path(readability.__file__).parent.parent

SIMPLE = "The cat sat on the mat."
COMPLEX = (
    "Notwithstanding considerable institutional opposition, the municipal administration "
    "systematically implemented controversial infrastructure initiatives."
)
COMMENT = (
    "Honestly, the council never listens. They voted for the new parking fees again, "
    "and nobody asked the people who actually live here what they think about it!"
)
COUNTS = {"lexicon_count", "sentence_count", "syllable_count", "char_count", "difficult_words"}
# Words whose CMUdict syllable count differs from textstat's pyphen fallback (checked in
# test_syllable_probe_words_need_the_dictionary), so right answers prove the corpus loaded.
PROBE_WORDS = ("fire", "hour", "area", "idea", "every", "evening", "real", "really")


# --- values -------------------------------------------------------------------------


def test_default_metrics_on_a_simple_sentence_match_the_formulas() -> None:
    # Six one-syllable words, one sentence: FRE = 206.835 - 1.015 * 6 - 84.6 * 1,
    # FKGL = 0.39 * 6 + 11.8 * 1 - 15.59.
    assert compute_readability(SIMPLE) == {
        "flesch_reading_ease": 116.15,
        "flesch_kincaid_grade": -1.45,
        "lexicon_count": 6,
        "sentence_count": 1,
    }


def test_scores_rank_a_simple_sentence_above_a_complex_one() -> None:
    simple = compute_readability(SIMPLE, AVAILABLE_METRICS)
    hard = compute_readability(COMPLEX, AVAILABLE_METRICS)
    assert hard["flesch_reading_ease"] < 0 < 100 < simple["flesch_reading_ease"]
    assert hard["flesch_kincaid_grade"] > 18 > 0 > simple["flesch_kincaid_grade"]
    assert hard["difficult_words"] > 5 and simple["difficult_words"] == 0
    assert hard["avg_syllables_per_word"] > 3 > 1 == simple["avg_syllables_per_word"]
    for name in ("coleman_liau_index", "automated_readability_index", "gunning_fog"):
        assert hard[name] > simple[name], name


def test_a_typical_comment_gets_plausible_values() -> None:
    values = compute_readability(COMMENT, AVAILABLE_METRICS)
    assert list(values) == list(AVAILABLE_METRICS)
    assert values["lexicon_count"] == 27
    assert values["sentence_count"] == 2
    assert values["syllable_count"] == 42  # CMUdict counts; pyphen alone would differ
    assert 50 < values["flesch_reading_ease"] < 75  # "plain English" to "fairly difficult"
    assert 5 < values["flesch_kincaid_grade"] < 10
    assert values["avg_sentence_length"] == 13.5
    assert 1 < values["reading_time"] < 3  # seconds
    for name, value in values.items():
        assert type(value) is (int if name in COUNTS else float), name
        assert math.isfinite(value), name
        assert value == round(value, 2), name


def test_results_are_deterministic_and_follow_the_requested_order() -> None:
    wanted = ["sentence_count", "smog_index", "lexicon_count", "smog_index"]
    first = compute_readability(COMMENT, wanted)
    assert list(first) == ["sentence_count", "smog_index", "lexicon_count"]
    assert all(compute_readability(COMMENT, wanted) == first for _ in range(5))
    assert compute_readability(COMMENT, tuple(wanted)) == first


def test_concurrent_calls_agree() -> None:
    texts = [SIMPLE, COMPLEX, COMMENT] * 8
    expected = [compute_readability(text, AVAILABLE_METRICS) for text in texts]
    results: list[object] = [None] * len(texts)

    def work(index: int) -> None:
        results[index] = compute_readability(texts[index], AVAILABLE_METRICS)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(texts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == expected


# --- edge cases and errors ------------------------------------------------------------


@pytest.mark.parametrize("text", ["", " ", " \n\t ", "!!! ???", "...", "'", "-- --", "🙂🙂"])
def test_text_without_words_gives_an_empty_dict(text: str) -> None:
    assert compute_readability(text) == {}
    assert compute_readability(text, AVAILABLE_METRICS) == {}


def test_no_metrics_requested_gives_an_empty_dict() -> None:
    assert compute_readability(COMMENT, []) == {}


def test_a_single_word_is_scored_without_error() -> None:
    values = compute_readability("Hi", AVAILABLE_METRICS)
    assert values["lexicon_count"] == 1
    assert values["sentence_count"] == 1
    assert all(math.isfinite(value) for value in values.values())


def test_unknown_metric_raises_naming_it_and_the_allowed_ones() -> None:
    with pytest.raises(ValueError) as caught:
        compute_readability(COMMENT, ["flesch_reading_ease", "bogus_index"])
    message = str(caught.value)
    assert "'bogus_index'" in message
    assert all(name in message for name in AVAILABLE_METRICS)


def test_unknown_metric_is_reported_even_for_empty_text() -> None:
    with pytest.raises(ValueError, match="text_standard"):
        compute_readability("", ["text_standard"])


def test_a_bare_string_of_metrics_is_rejected() -> None:
    with pytest.raises(TypeError):
        compute_readability(COMMENT, "flesch_reading_ease")


def test_metric_sets_are_consistent() -> None:
    assert set(DEFAULT_METRICS) <= set(AVAILABLE_METRICS)
    assert len(set(AVAILABLE_METRICS)) == len(AVAILABLE_METRICS)
    assert {
        "flesch_reading_ease",
        "flesch_kincaid_grade",
        "smog_index",
        "coleman_liau_index",
        "automated_readability_index",
        "dale_chall_readability_score",
        "difficult_words",
        "syllable_count",
        "lexicon_count",
        "sentence_count",
        "avg_sentence_length",
        "reading_time",
    } <= set(AVAILABLE_METRICS)


# --- shipped data and NLTK path setup -------------------------------------------------


def _shipped_counts() -> dict[str, int]:
    """Headword -> syllables, read straight from the shipped archive."""
    with zipfile.ZipFile(ARCHIVE) as archive:
        text = archive.read("cmudict/cmudict").decode("utf-8")
    counts: dict[str, int] = {}
    for line in text.splitlines():
        word, variant, *phones = line.split()
        assert variant == "1" and set(phones) <= {"A0"}, line
        counts.setdefault(word, len(phones))
    return counts


def test_shipped_data_is_small_complete_and_documented() -> None:
    assert ARCHIVE.stat().st_size < 1_000_000
    with zipfile.ZipFile(ARCHIVE) as archive:
        names = set(archive.namelist())
    # "cmudict" at the top level is what nltk.data.find("corpora/cmudict") resolves to.
    assert {"cmudict", "cmudict/cmudict", "cmudict/README", "cmudict/LICENSE"} <= names
    counts = _shipped_counts()
    assert len(counts) > 120_000
    assert counts["readability"] == 5 and counts["cat"] == 1 and counts["hmm"] == 0
    assert "Carnegie Mellon University" in (DATA_DIR / "CMUDICT-LICENSE.txt").read_text()
    readme = (DATA_DIR / "README.md").read_text()
    assert "cmudict.zip" in readme and "not the full" in readme.lower()


def test_syllable_probe_words_need_the_dictionary() -> None:
    pyphen = pytest.importorskip("pyphen")  # textstat's fallback, a textstat dependency
    hyphenator = pyphen.Pyphen(lang="en_US")
    counts = _shipped_counts()
    for word in PROBE_WORDS:
        assert counts[word] != len(hyphenator.positions(word)) + 1, word


def test_ensure_offline_data_appends_our_folder_once() -> None:
    import nltk

    found = ensure_offline_data()
    assert ensure_offline_data() == found
    assert nltk.data.path.count(str(NLTK_DATA_DIR)) == 1
    # Appended, not prepended: a full cmudict the user installed keeps priority.
    assert nltk.data.path.index(str(NLTK_DATA_DIR)) > 0 or len(nltk.data.path) == 1


def test_importing_the_module_does_not_import_textstat_or_nltk(tmp_path: Path) -> None:
    code = (
        "import sys, rhetoric.text.readability as r\n"
        "assert r.compute_readability(' !? ') == {}\n"
        "print(sorted(m for m in ('textstat', 'nltk') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(PACKAGE_PARENT)},
        cwd=tmp_path,  # not the checkout: "-c" puts the working directory on sys.path
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# --- no network -----------------------------------------------------------------------

# Runs first in the child, before anything else is imported. Any socket use or download
# attempt is recorded (and fails); the recorded list is printed as JSON at exit.
_GUARD = r"""
import atexit, json, os, socket, sys

EVENTS = []

def _refuse(kind):
    def refuse(*args, **kwargs):
        EVENTS.append(kind)
        raise OSError(f"test harness: {kind} is not allowed")
    return refuse

socket.socket.connect = _refuse("socket.connect")
socket.socket.connect_ex = _refuse("socket.connect_ex")
socket.create_connection = _refuse("socket.create_connection")
socket.getaddrinfo = _refuse("socket.getaddrinfo")
socket.gethostbyname = _refuse("socket.gethostbyname")

import nltk
import nltk.downloader

nltk.download = _refuse("nltk.download")
nltk.downloader.download = _refuse("nltk.downloader.download")
nltk.downloader.Downloader.download = _refuse("Downloader.download")
# Only the empty NLTK_DATA folder stays: ~/nltk_data, sys.prefix/nltk_data,
# /usr/share/nltk_data and the like could otherwise supply a cmudict.
nltk.data.path[:] = [os.environ["NLTK_DATA"]]
atexit.register(lambda: print("EVENTS=" + json.dumps(EVENTS)))
"""

_USE_RHETORIC = r"""
import threading
import rhetoric.text.readability as readability

WORDS = json.loads(sys.argv[1])
COMMENT = sys.argv[2]
results = []

def work():
    results.append(readability.compute_readability(COMMENT, readability.AVAILABLE_METRICS))

threads = [threading.Thread(target=work) for _ in range(8)]  # concurrent cold start
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print("RESULT=" + json.dumps({
    "found": readability.ensure_offline_data(),
    "path": nltk.data.path,
    "results": results,
    "syllables": {
        word: readability.compute_readability(word, ["syllable_count"])["syllable_count"]
        for word in WORDS
    },
}))
"""

_USE_TEXTSTAT_ALONE = r"""
import textstat
try:
    textstat.syllable_count("fire")
except Exception as error:
    print("FAILED=" + type(error).__name__)
"""


@functools.cache
def _network_isolation() -> list[str]:
    """A command prefix giving the child no network, or [] where this cannot be had."""
    unshare = shutil.which("unshare")
    if unshare is None or not sys.platform.startswith("linux"):
        return []
    # Plain -n needs root. -r also works unprivileged, but maps only our own uid, so files
    # owned by another account (root's site-packages) then look foreign to NLTK's checks.
    for flags in ("-n", "-rn"):
        try:
            probe = subprocess.run([unshare, flags, "true"], capture_output=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            continue
        if probe.returncode == 0:
            return [unshare, flags]
    return []


def _run_offline(body: str, tmp_path: Path, *args: str) -> tuple[str, list[str]]:
    """Run guard + body in a child without network, downloads or outside NLTK data."""
    home = tmp_path / "home"
    nltk_data = tmp_path / "nltk_data"
    home.mkdir(mode=0o700)
    nltk_data.mkdir(mode=0o700)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("NLTK_", "HF_", "XDG_", "PYTHON"))
    }
    env.update(
        HOME=str(home),
        NLTK_DATA=str(nltk_data),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        HF_HOME=str(home / ".cache" / "huggingface"),
        HF_HUB_OFFLINE="1",
        PYTHONPATH=str(PACKAGE_PARENT),
        PYTHONNOUSERSITE="1",
    )
    command = [*_network_isolation(), sys.executable, "-c", _GUARD + body, *args]
    result = subprocess.run(
        command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=180, check=False
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    events = [json.loads(line[len("EVENTS=") :]) for line in lines if line.startswith("EVENTS=")]
    assert len(events) == 1, result.stdout
    return result.stdout, events[0]


def test_metrics_work_with_no_network_and_no_other_nltk_data(tmp_path: Path) -> None:
    stdout, events = _run_offline(_USE_RHETORIC, tmp_path, json.dumps(PROBE_WORDS), COMMENT)
    assert events == []  # no socket use, no download attempt
    (payload,) = [json.loads(line[7:]) for line in stdout.splitlines() if line[:7] == "RESULT="]
    # The corpus came from the package, appended after the (empty) NLTK_DATA folder.
    assert Path(payload["found"]).is_relative_to(NLTK_DATA_DIR)
    assert payload["path"] == [str(tmp_path / "nltk_data"), str(NLTK_DATA_DIR)]
    # Dictionary counts, not the pyphen fallback's.
    counts = _shipped_counts()
    assert payload["syllables"] == {word: counts[word] for word in PROBE_WORDS}
    # Concurrent cold calls agree with each other and with this process.
    expected = compute_readability(COMMENT, AVAILABLE_METRICS)
    assert payload["results"] == [expected] * 8


def test_harness_catches_textstat_downloading_without_our_data(tmp_path: Path) -> None:
    # Control: plain textstat, same child set-up. It must try to download cmudict (and be
    # stopped), or the test above could pass on a machine where it proves nothing.
    stdout, events = _run_offline(_USE_TEXTSTAT_ALONE, tmp_path)
    assert "nltk.download" in events
    assert "FAILED=" in stdout
