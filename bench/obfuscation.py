"""Obfuscation benchmark: disguised slurs and profanity, and innocent look-alikes.

    python bench/obfuscation.py [--out docs/quality.md] [--no-write] [-v]

Every case is written for this benchmark (no corpus text, no other project's cases).
A disguised case counts as detected when a hit of its technique (slur or profanity)
overlaps the ``[[marked]]`` span; an innocent case counts as flagged wrongly when any
slur or profanity hit occurs in it. The table goes into ``docs/quality.md`` between
``<!-- keep:start -->`` and ``<!-- keep:end -->`` markers (the section that holds the
"## Obfuscation" heading), which the quality benchmark keeps when it rewrites the
rest of that file. Rules and plugins come from this checkout, as in bench/quality.py.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rhetoric import Analyzer, AnalyzerConfig  # noqa: E402

START, END = "<!-- keep:start -->", "<!-- keep:end -->"
HEADING = "## Obfuscation benchmark"
TECHNIQUES = ("slur", "profanity")

# Disguised words, per class: (slur cases, profanity cases), each word marked [[...]].
# fmt: off
DISGUISED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "leet 0": (("Go home, [[g00k]].",), ("What a [[c0ck]].",)),
    "leet 1 (i)": (("No [[n1ggers]] here.",), ("That is [[sh1t]].",)),
    "leet 1 (l)": (("Some [[1esbo]] wrote it.",), ("She is a [[s1ut]].",)),
    "leet 3": (("Those [[b3aners]] again.",), ("Bunch of [[wank3rs]].",)),
    "leet 4": (("Filthy [[r4ghead]].",), ("You [[b4stard]].",)),
    "leet 5": (("A [[5pic]] did it.",), ("Full of [[5hit]].",)),
    "leet 6 (g)": (("Go home, [[6ook]].",), ("[[6oddamn]] it.",)),
    "leet 6 (b)": (("You [[6eaner]].",), ("Shut up, [[6itch]].",)),
    "leet 7": (("Only a [[re7ard]] would.",), ("What a [[7wat]].",)),
    "leet 8": (("Go back, [[8eaner]].",), ("Shut up, [[8itch]].",)),
    "leet 9": (("No [[ni99ers]] allowed.",), ("[[9oddamn]] it.",)),
    "leet @ (a)": (("You [[f@ggot]].",), ("Kiss my [[@ss]].",)),
    "leet @ (o)": (("That [[c@@n]] again.",), ("Such a [[c@ck]].",)),
    "leet $": (("A [[$pic]] moved in.",), ("Total [[a$$hole]].",)),
    "leet !": (("Get out, [[n!gger]].",), ("Shut it, [[b!tch]].",)),
    "leet \\|": (("Filthy [[k|ke]].",), ("Such a [[d|ck]].",)),
    "leet +": (("You [[re+ard]].",), ("What a [[+wat]].",)),
    "swap v for u": (
        ("Send the [[mvzzies]] home.",),
        ("[[Fvck]] this.", "You [[cvnt]].", "[[FVCK]] OFF"),
    ),
    "swap l for i": (
        ("Those [[nlggers]].", "The [[chlnks]] did it."),
        ("Stop being a [[dlck]].", "Shut up [[bltch]]."),
    ),
    "swap q for g": (
        ("Typical [[faqqots]].", "Those [[niqqers]] again."),
        ("[[Buqqer]] off.",),
    ),
    "mask *": (
        ("Shut up [[n*gger]].", "Typical [[f*ggot]]."),
        ("What the [[f*ck]]?", "You [[c*nt]]."),
    ),
    "mask first letter": (
        ("Shut up [[*igger]].", "Typical [[*aggots]]."),
        ("You [[*ucking]] idiot.", "Stop it, [[*ssholes]]."),
    ),
    "mask #": (("A bunch of [[sp#cs]].",), ("Holy [[sh#t]].",)),
    "mask %": (("Dirty [[k%ke]].",), ("Lying [[wh%re]].",)),
    "mask ^": (("Those [[sp^cs]].",), ("What the [[f^ck]].",)),
    "mask with digits": (
        ("No [[n*gg3rs]].", "Those [[f@gg*ts]]."),
        ("He is a [[m0thaf*cker]].", "Full of [[$h*t]]."),
    ),
    "mask with letter classes": (
        ("Those [[n@*gers]] again.",),
        ("Such a [[mvthaf*cka]].", "Quit [[sh*ttlng]] around."),
    ),
    "grawlix": ((), ("What a [[f#@%ing]] mess.",)),
    "stretching": (
        ("Shut up [[niiiigger]].", "You [[faaaggot]]."),
        ("[[Fuuuuuck]] that.", "Such [[shiiiit]]."),
    ),
    "spelled out": (
        ("a [[n i g g e r]] here", "you [[r-e-t-a-r-d]]", "[[K.I.K.E]] lover"),
        ("[[f u c k]] this", "what [[s.h.i.t]]", "you [[c-u-n-t]]", "[[F*U*C*K]] it"),
    ),
    "spelled out, other gaps": (
        ("you [[k/i/k/e]]", "a [[s - p - i - c]]"),
        ("[[s/h/i/t]] happens", "[[f - u - c - k]] off", "[[c~u~n~t]]", "[[b:i:t:c:h]]"),
    ),
    "homoglyph Cyrillic": (
        ("No [[n\u0456ggers]].",),
        ("Total [[\u0455hit]].", "[[fu\u0441k]] off"),
    ),
    "homoglyph Greek": (("a [[\u03bai\u03bae]]",), ("[[f\u03c5ck]] you",)),
    "homoglyph Armenian": ((), ("a [[c\u0585ck]]",)),
    "homoglyph Cherokee": ((), ("a [[\u13dfunt]]",)),
    "Latin with a stroke": ((), ("[[\u0192uck]] off", "a [[c\u00f8ck]]")),
    "fancy fonts": (
        ("[[\U0001f175\U0001f170\U0001f176\U0001f176\U0001f17e\U0001f183]]",),
        (
            "[[\U0001d41f\U0001d42e\U0001d41c\U0001d424]] this",
            "[[\uff46\uff55\uff43\uff4b]] this",
            "[[\ua730\u1d1c\u1d04\u1d0b]] this",
        ),
    ),
    "invisible chars": (
        ("[[k\u0336i\u0336k\u0336e\u0336]]",),
        ("[[fu\u200bck]] it", "[[sh\u00adit]]", "[[&#102;uck]] it"),
    ),
    "mixed": (
        ("[[N1GG\u0415R]] go home", "[[f4gg0tttt]]"),
        ("[[$h!+]] happens", "[[\u0192uuuuck]] off", "What a [[d1ckw4d]]."),
    ),
    "two-word forms": (
        (),
        ("He wanted a [[hand j0b]].", "Oh [[piss off]].", "You [[mother fucker]]."),
    ),
    "respellings": (
        (),
        ("You [[fukker]].", "[[Fcuk]] off.", "[[fxck]] it", "a [[mutherfucker]]",
         "Move, [[biotch]].", "[[Fukken]] hell.", "For [[fucksake]].", "You [[phukker]].",
         "Move, [[biyatch]]."),
    ),
    "doubled letters": (
        ("Go home, [[niggerr]].", "Typical [[faagot]]."),
        ("[[Fuuck]] that.", "Such [[shiit]].", "Shut up, [[biitch]].", "You [[cuunt]].",
         "[[Fuckk]] off.", "What a [[dickk]]."),
    ),
    "plural compounds": (
        (),
        ("You [[dumbfucks]].", "Those [[shitstains]].", "Such [[twatwaffles]].",
         "A pair of [[cockwombles]]."),
    ),
    "possessives of terms": (
        ("The [[spic's]] car.", "That [[faggot's]] post."),
        ("For [[fuck's]] sake.", "That [[bitch's]] car.", "The [[asshole's]] truck.",
         "For [[f*ck's]] sake."),
    ),
    "letter pair vv for w": ((), ("Lying [[vvhore]].", "Total [[vvanker]].", "You [[tvvat]].")),
    "compounds": (
        (),
        ("What a [[fuckwit]].", "Total [[fuckwad]].", "You [[shitgibbon]].", "A [[dickface]]."),
    ),
}

# Innocent look-alikes, per class: no slur or profanity may be reported in them.
INNOCENT: dict[str, tuple[str, ...]] = {
    "Scunthorpe words": (
        "Scunthorpe United won at home.", "Penistone is near Sheffield.",
        "The pilot sat in the cockpit.", "Dickens wrote about Middlesex.",
        "The assassin fled to Essex and Sussex.", "Shitake and shiitake mushrooms.",
        "Cumbria is in the north.", "A Hancock peacock.", "The analysis of the therapist.",
        "A grape and a raccoon.", "He was niggardly with praise.", "Matsushita sold radios.",
        "Fukushima and Fukuoka are in Japan.", "Kunming is a city in China.",
        "The Wankhede stadium is in Mumbai.", "Sheila Dikshit governed Delhi.",
        "Arsenal won; Assam grows tea.", "Sean Spicer spoke.", "A classic cocktail.",
        "Button up; the Titanic sank.", "She sniggered at the snigger.",
        "Fuqing is a city in Fujian.",
    ),
    "spelled-out innocent words": (
        "S C U N T H O R P E", "P E N I S T O N E", "G R A P E", "T H E R A P I S T",
        "E S S E X", "A S S A S S I N", "C O C K P I T", "s p i c e", "R A C C O O N",
        "M A T S U S H I T A",
    ),
    "letter-swap innocent words": (
        "The SPLC tracks hate groups.", "the splc said so", "BLM and MLK day.", "pls help, plz",
        "The govt is slow.", "Vlad posted a vlog.", "A Chevrolet.", "The Slavs and the Balts.",
    ),
    "names": (
        "Dick Cheney's memoir sold well.", "Kike Hernandez hit a home run.",
        "Andy Dick was on TV.", "Philip K. Dick wrote it.", "Dick Van Dyke danced.",
        "Gerald Butts resigned.", "John Lee Hooker played the blues.", "Dick Smith's shop.",
        "Carleton Coon wrote a book.", "The anthropologist Carleton Coon wrote it.",
        "Whitey Bulger was caught.", "Skeet Ulrich acted.", "We stayed in Mong Kok.",
        "Alan Cumming sang.", "I met Dick Grayson.", "Mr. Dick testified.",
        "Senator Hooker and Dr Coon spoke.",
    ),
    "possessives": (
        "Dickens's novels are long.", "Hancock's tower.", "Scunthorpe's mayor.",
        "Sussex's coast.", "The assassin's knife.",
        "Dick's Sporting Goods sells bats.", "Mr. Dick's house.", "Cockburn's port.",
    ),
    "innocent leet and masks": (
        "See you l8r, b4 2day ends.", "h3ll0 w0rld", "*sigh* fine", "**bold** text",
        "*Terms apply.", "*Itches may occur.", "*Bigger is better.",
        "50% off, $5 only", "C++ and C# are languages.", "my p4ssw0rd", "g00d j0b",
        "x^2 + y^2 = z^2", "2^10 is 1024", "Use a^b for powers.",
    ),
    "innocent q and 6": (
        "Qatar, Iraq and Tariq.", "The QAnon crowd.", "A burqa and a niqab.", "The Aqsa mosque.",
        "Qigong and Iqbal.", "Take vitamin b6.", "The 6th of May.", "A6 paper, G6 summit.",
    ),
    "innocent slashes, colons and dashes": (
        "A/B/C testing and/or w/o.", "S/M/L/XL sizes, c/o the office.", "A P/E ratio of 1:2:3.",
        "Mix a:b:c by weight.", "The R - N - C vote.", "Y/N/A answers.", "Grade A - B - C.",
    ),
    "innocent stretching": (
        "Sooooo good!", "Brrrr, cold.", "Shhhh, quiet.", "Hmmmm, maybe.", "Classsss act.",
    ),
    "innocent other scripts": (
        "\u041f\u0440\u0438\u0432\u0435\u0442, \u043a\u0430\u043a \u0434\u0435\u043b\u0430?",
        "\u039a\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1 \u03c3\u03b1\u03c2",
        "\u0441\u043e\u0441\u043d\u0430 \u0438 \u043a\u0435\u0434\u0440",
        "K\u00f8benhavn og \u0141\u00f3d\u017a",
    ),
    "innocent doubled letters": (
        "Skiing in Hawaii is fun.", "Jaap Stam played at the back.", "The Shiite clerics met.",
        "Vacuum the bookkeeper's office.", "A savvy navvy revved the engine.",
        "Twatt is a village in Orkney.", "Aaron and Isaac met at the bazaar.",
        "Kerr and Starr walked.", "Grr, my skivvies shrank.",
    ),
    "innocent masks of everyday shapes": (
        "Service s%#cks!", "Fresh s**cks for sale.", "Big sp**ks flew.", "The sp%#ks flew.",
        "A sp**k of hope.",
    ),
    "innocent senses": (
        "If you prick us, do we not bleed?", "The cock crowed at dawn.", "Moby Dick is long.",
        "She graduated summa cum laude.", "Breast cancer screening saves lives.",
        "The Klan terrorised the South.",
    ),
}
# fmt: on

# (class, list, text): list is "slur", "profanity" or "innocent".
CASES: list[tuple[str, str, str]] = [
    *((kind, lst, text) for kind, lists in DISGUISED.items()
      for lst, texts in zip(TECHNIQUES, lists, strict=True) for text in texts),
    *((kind, "innocent", text) for kind, texts in INNOCENT.items() for text in texts),
]  # fmt: skip

_MARK = re.compile(r"\[\[(.+?)\]\]", re.S)


def unmark(text: str) -> tuple[str, tuple[int, int] | None]:
    """The text without its ``[[...]]`` marks, and the marked span."""
    found = _MARK.search(text)
    if found is None:
        return text, None
    start = found.start()
    inner = found.group(1)
    return text[:start] + inner + text[found.end() :], (start, start + len(inner))


def analyzer() -> Analyzer:
    config = AnalyzerConfig(readability=())
    return Analyzer.from_config(config, plugin_dirs=[ROOT / "plugins"], entry_points=False)


def run(verbose: bool = False) -> tuple[list[tuple[str, dict[str, list[int]]]], list[str]]:
    """Per class (in case order): for each list, [cases, detected or flagged wrongly];
    and a line for each missed or wrongly flagged case."""
    engine = analyzer()
    table: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    failures: list[str] = []
    for kind, lst, marked in CASES:
        text, span = unmark(marked)
        hits = [h for h in engine.check(text).hits if h.technique in TECHNIQUES]
        cell = table[kind][lst]
        cell[0] += 1
        if span is None:
            wrong = bool(hits)
            cell[1] += wrong
            if wrong:
                found = ", ".join(f"`{h.text}` ({h.rule})" for h in hits)
                failures.append(f"flagged wrongly ({kind}): `{text}`: {found}")
        else:
            ok = any(h.technique == lst and h.start < span[1] and span[0] < h.end for h in hits)
            cell[1] += ok
            if not ok:
                failures.append(f"missed ({kind}, {lst}): `{text}`")
    if verbose:
        print("\n".join(failures))
    return list(table.items()), failures


def render(rows: list[tuple[str, dict[str, list[int]]]], failures: list[str]) -> str:
    def cell(counts: dict[str, list[int]], lst: str) -> str:
        if lst not in counts:
            return "-"
        total, good = counts[lst]
        return f"{good} / {total}"

    totals = {lst: [0, 0] for lst in (*TECHNIQUES, "innocent")}
    lines = [
        HEADING,
        "",
        "Produced by `python bench/obfuscation.py` from cases written for it (no corpus "
        "text). Disguised slurs and profanity, by obfuscation class: detected when a hit "
        "of that technique overlaps the disguised word. Innocent look-alikes: flagged "
        "wrongly when any slur or profanity hit occurs. What each class reads is data "
        "(`rhetoric/data/obfuscation.toml`); the innocent words and names the matcher "
        "protects are in `rhetoric/data/` too.",
        "",
        "| class | slur detected | profanity detected | innocent flagged wrongly |",
        "|---|---:|---:|---:|",
    ]
    for kind, counts in rows:
        for lst, (total, good) in counts.items():
            totals[lst][0] += total
            totals[lst][1] += good
        lines.append(
            f"| {kind} | {cell(counts, 'slur')} | {cell(counts, 'profanity')} | "
            f"{cell(counts, 'innocent')} |"
        )
    lines.append(
        f"| **all** | **{totals['slur'][1]} / {totals['slur'][0]}** | "
        f"**{totals['profanity'][1]} / {totals['profanity'][0]}** | "
        f"**{totals['innocent'][1]} / {totals['innocent'][0]}** |"
    )
    if failures:
        lines += ["", "Missed or flagged wrongly:", "", *(f"- {line}" for line in failures)]
    return "\n".join(lines)


def write_section(path: Path, section: str) -> None:
    """Replace the kept section holding ``HEADING`` in ``path``, or append one."""
    block = f"{START}\n{section}\n{END}"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    pattern = re.compile(rf"{re.escape(START)}\n{re.escape(HEADING)}\n.*?{re.escape(END)}", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + block + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "quality.md")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args()
    section = render(*run(args.verbose))
    print(section)
    if not args.no_write:
        write_section(args.out, section)
        print(f"wrote the section into {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
