"""Build ``rhetoric/data/english_words.txt.gz``: the headwords of the CMU Pronouncing
Dictionary that rhetoric already ships (``rhetoric/data/nltk_data/corpora/cmudict.zip``).

Why: a leet or letter-swap reading, or a run of spelled-out letters, must not turn an
ordinary English word or a name into a slur ("SPLC", "S C U N T H O R P E"). The text
preparation refuses readings of written words found in this list. The dictionary holds
about 124,000 lowercase words, including many names and places, under the CMU licence
(BSD-2-Clause style, ``rhetoric/data/CMUDICT-LICENSE.txt``).

What: every headword made of ASCII letters (with at most one inner apostrophe), lowercase,
sorted, one per line, gzip-compressed with a zero timestamp, so a rebuild from the same
archive is byte-identical. No network: the input is the archive in the repository.

Usage: ``python tools/build_words.py`` (prints the word count and the sha256 of the text).
"""

from __future__ import annotations

import gzip
import hashlib
import re
import zipfile
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "rhetoric" / "data"
SOURCE = DATA / "nltk_data" / "corpora" / "cmudict.zip"
TARGET = DATA / "english_words.txt.gz"
WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def main() -> int:
    with zipfile.ZipFile(SOURCE) as archive:
        corpus = archive.read("cmudict/cmudict").decode("utf-8")
    words = set()
    for line in corpus.splitlines():
        head = line.split(" ", 1)[0].lower()
        if WORD.fullmatch(head):
            words.add(head)
    text = "\n".join(sorted(words)).encode("ascii") + b"\n"
    TARGET.write_bytes(gzip.compress(text, compresslevel=9, mtime=0))
    print(f"{len(words)} words, sha256 {hashlib.sha256(text).hexdigest()}, "
          f"{TARGET.stat().st_size} bytes compressed")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
