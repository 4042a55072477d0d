"""Whom a finding aims at: the person spoken to, a person, an identity group, an
institution, or someone the text does not name.

Moderators decide by the target: an insult to another commenter is harassment, the
same word aimed at an ethnic or religious group is hate speech, a mocking label for a
senator is rough political speech. This plugin gives each hit of a technique that
aims at someone (``name-calling``, ``slur``, ``conspiracy-framing``, ``threat`` and
the inventory techniques that attack people) a :class:`rhetoric.Target`, found in
its own words first, then in the nearest words of its sentence that name a
target: second-person words, identity-group nouns (with HateXplain's community
names), institutions, and persons (a capitalised name, a third-person pronoun).
A hit that already has a target (set by its detector) keeps it, except an ableist
slur's: "those Muslims are retards" uses the word to insult Muslims, so the slur takes
the target its sentence names, and an unspecified one when it names none ("only a
retard would believe that" insults whoever believes it, not disabled people).

Options (``config.plugin_options("targets")``): ``techniques``, the technique ids
whose hits get a target (default :data:`TARGETED`). Other plugins can set or
change targets with their own ``rhetoric_filter_hit``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from operator import attrgetter
from typing import Final

from rhetoric import AnalyzerConfig, Document, Hit, Target, TargetKind, Token, hookimpl, replace_hit

TARGETED: Final = frozenset({
    "name-calling", "slur", "conspiracy-framing", "threat", "questioning-reputation",
    "guilt-by-association", "appeal-to-hypocrisy", "straw-man",
})  # fmt: skip
# The community of ableist slurs, whose target moves to the one their sentence names
# (HateXplain dev, a named group agrees: 84.7% -> 90.1% at stop 29, for named targets;
# 90.1% -> 96.5% at stop 30, unspecified when the sentence names none).
ABLEIST: Final = "Disability"
LEFT_WINDOW: Final = 8  # words before the hit searched for its target (subjects come first)
RIGHT_WINDOW: Final = 5  # words after it ("idiots, all of you")

ADDRESSEE: Final = frozenset({
    "you", "your", "you're", "youre", "yours", "yourself", "yourselves", "u", "ur", "ya",
    "thou", "thee", "y'all", "yall",
})  # fmt: skip
PERSON_WORDS: Final = frozenset({
    "he", "him", "his", "himself", "she", "her", "herself", "he's", "she's",
    "guy", "man", "woman", "lady", "dude", "bloke", "fellow", "president", "senator",
    "governor", "mayor", "minister", "chancellor", "councillor", "councilman",
    "congressman", "congresswoman", "judge", "ceo", "author", "reporter", "journalist",
})  # fmt: skip

# Identity-group words and the community each names (HateXplain's names). Plural
# nouns name the group on their own (a singular "woman" is a person, "poor" mostly
# describes a decision); the adjectives only before a people word
# ("black people", "jewish bankers"), since "black cars" names nobody.
GROUP_NOUNS: Final[dict[str, str]] = {
    **dict.fromkeys(("blacks", "africans", "african-americans", "negroes", "nigerians",
                     "somalis", "haitians", "ethiopians", "africa"), "African"),
    **dict.fromkeys(("arabs", "palestinians", "saudis", "syrians", "iraqis"), "Arab"),
    **dict.fromkeys(("asians", "chinese", "japanese", "koreans", "vietnamese", "filipinos"),
                    "Asian"),
    **dict.fromkeys(("whites", "caucasians", "crackers", "rednecks"), "Caucasian"),
    **dict.fromkeys(("hispanics", "latinos", "latinas", "latinx", "mexicans"), "Hispanic"),
    **dict.fromkeys(("hindus",), "Hindu"),
    **dict.fromkeys(("indians",), "Indian"),
    **dict.fromkeys(("natives", "aboriginals", "aborigines"), "Indigenous"),
    **dict.fromkeys(("jews", "jew", "jewry", "zionists"), "Jewish"),
    **dict.fromkeys(("muslims", "muslim", "moslems", "islam", "islamists", "mohammedans",
                     "jihadis", "jihadists"), "Islam"),
    **dict.fromkeys(("christians", "catholics", "evangelicals", "protestants", "mormons"),
                    "Christian"),
    **dict.fromkeys(("women", "females", "girls", "feminists", "feminazis", "wives", "ladies"),
                    "Women"),
    **dict.fromkeys(("men", "males"), "Men"),
    **dict.fromkeys(("gays", "lesbians", "homosexuals", "queers", "lgbt", "lgbtq", "trannies",
                     "transgenders", "transsexuals", "homosexuality", "transgenderism"),
                    "Homosexual"),
    **dict.fromkeys(("bisexuals",), "Bisexual"),
    **dict.fromkeys(("asexuals",), "Asexual"),
    **dict.fromkeys(("heterosexuals", "straights"), "Heterosexual"),
    **dict.fromkeys(("refugees", "immigrants", "migrants", "illegals", "asylum-seekers",
                     "aliens", "foreigners"), "Refugee"),
    **dict.fromkeys(("disabled", "cripples", "autists"), "Disability"),
    **dict.fromkeys(("homeless",), "Economic"),
    **dict.fromkeys(("minorities",), "Minority"),
    **dict.fromkeys(("sikhs", "pakistanis", "gypsies", "roma"), "Other"),
}  # fmt: skip
GROUP_ADJECTIVES: Final[dict[str, str]] = {
    "black": "African", "african": "African", "arab": "Arab", "asian": "Asian",
    "chinese": "Asian", "white": "Caucasian", "hispanic": "Hispanic", "latino": "Hispanic",
    "mexican": "Hispanic", "indian": "Indian", "native": "Indigenous", "jewish": "Jewish",
    "muslim": "Islam", "islamic": "Islam", "christian": "Christian", "catholic": "Christian",
    "hindu": "Hindu", "gay": "Homosexual", "lesbian": "Homosexual", "queer": "Homosexual",
    "trans": "Homosexual", "transgender": "Homosexual", "bisexual": "Bisexual",
    "straight": "Heterosexual",
    "immigrant": "Refugee", "migrant": "Refugee", "refugee": "Refugee", "illegal": "Refugee",
    "disabled": "Disability", "autistic": "Disability", "poor": "Economic",
    "negro": "African", "latina": "Hispanic", "indigenous": "Indigenous",
    "aboriginal": "Indigenous", "mormon": "Christian", "evangelical": "Christian",
    "sikh": "Other",
}  # fmt: skip
# Group adjectives that right before a label mostly mean something else ("poor fool",
# "straight idiot", "native troll"), and identity-looking idioms ("black sheep").
EVERYDAY_BEFORE_LABEL: Final = frozenset({"poor", "straight", "native", "illegal", "disabled"})
IDIOMS: Final = frozenset({
    ("black", "sheep"), ("black", "hat"), ("white", "knight"), ("white", "lie"),
    ("white", "elephant"), ("indian", "giver"), ("chinese", "whispers"),
    # a conspiracy slogan, claiming the group is the victim: no insult to white people
    ("white", "genocide"),
})  # fmt: skip
# Labels for those who hate or rank a group: "white supremacist" and "gay basher" attack
# the supremacist and the basher, not white or gay people.
IDEOLOGY_LABELS: Final = frozenset({
    "supremacist", "nationalist", "separatist", "hater", "basher", "bigot", "phobe",
})  # fmt: skip
# Words that, joined to a group word ("Jew-hating", "gay-bashers", "woman haters"), name
# the group as what someone hates: the label is aimed at the hater, not at the group.
# The nouns may follow after a space; the -ing forms only in a compound ("feminazis
# hating on her" is the group's own deed).
HATER_NOUNS: Final = frozenset({
    "hater", "haters", "basher", "bashers", "baiter", "baiters", "phobe", "phobes",
})  # fmt: skip
HATRED_IN_COMPOUND: Final = frozenset({"hating", "bashing", "baiting", "phobic"})
# Labels that are mass nouns or things: "the Muslim scum", "the black ghetto culture"
# are said of the whole group, while a singular count noun for a person after "the" or
# "a" ("the Syrian Christian crook") is one person.
MASS_LABELS: Final = frozenset({
    "scum", "trash", "filth", "garbage", "rubbish", "vermin", "riffraff", "dirt", "crap",
    "shit", "bullshit", "junk", "nonsense", "culture", "mentality", "agenda", "propaganda",
})  # fmt: skip
# Techniques whose hits are labels for people (so a singular one may be one person).
PERSON_LABELS: Final = frozenset({"name-calling"})
DETERMINERS: Final = frozenset({"a", "an", "the", "this", "that"})
# Subjects that point at people already in view ("they were ignorant men"): a plural
# "men" or "women" said of them describes those people, not men or women as a group.
POINTING_SUBJECTS: Final = frozenset({"they", "we", "you", "these", "those", "both"})
POINTING_LINKED: Final = frozenset({"they're", "theyre", "we're", "you're", "youre"})
SEX_GROUPS: Final = frozenset({"Men", "Women"})
PEOPLE: Final = frozenset({
    "people", "folks", "folk", "men", "women", "guys", "kids", "boys", "girls", "persons",
    "families", "community", "communities", "population", "populations", "crowd", "lot",
    "americans",  # after an identity adjective: "black Americans", "Native Americans"
})  # fmt: skip
INSTITUTIONS: Final = frozenset({
    "government", "govt", "administration", "regime", "media", "msm", "press", "police",
    "cops", "congress", "senate", "parliament", "courts", "judiciary", "fbi", "cia", "nsa",
    "doj", "irs", "cdc", "fda", "nih", "nato", "wef", "imf", "banks", "bankers",
    "corporations", "pharma", "establishment", "elite", "elites", "globalists", "democrats",
    "republicans", "dems", "gop", "tories", "liberals", "conservatives", "leftists", "antifa",
    "newspaper", "networks", "universities", "church", "agency", "agencies", "ministry",
    "military", "army",
})  # fmt: skip
# Acronyms that are everyday words in lower case ("who", "un", "eu"): institutions only
# when written in capitals.
ACRONYMS: Final = frozenset({"who", "un", "eu", "fed", "ecb"})
# Capitalised words that begin sentences or titles without naming anyone.
NOT_NAMES: Final = frozenset({
    "i", "the", "a", "an", "this", "that", "these", "those", "it", "they", "we", "what",
    "why", "how", "when", "where", "who", "if", "and", "but", "or", "so", "no", "yes", "oh",
    "there", "here", "everyone", "everybody", "someone", "somebody", "anyone", "anybody",
    "nobody", "all", "some", "any", "each", "every", "my", "our", "their", "his", "her",
    "one", "people", "god", "jesus", "lord", "america", "american", "americans", "english",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
})  # fmt: skip
# A sentence's first word is a name when a verb of its subject follows ("Trump is").
SUBJECT_VERBS: Final = frozenset({
    "is", "was", "has", "had", "does", "did", "should", "will", "would", "must", "can",
    "could", "isn't", "wasn't", "doesn't", "didn't", "won't", "needs", "said", "says",
    "wants", "thinks", "knows", "lies", "lied",
})  # fmt: skip
# Words that join a group, as the subject, to the label said of it ("X are Y",
# "X as Y"), and words that start another clause between them.
LINKS: Final = frozenset({
    "is", "are", "was", "were", "be", "being", "been", "seem", "seems", "become",
    "becomes", "remain", "remains", "as", "like", "such",
})  # fmt: skip
CLAUSE_BREAKS: Final = frozenset({
    "and", "but", "or", "while", "whereas", "because", "than", "when", "if", "who",
    "that", "which", "where",
})  # fmt: skip
# Singular verbs: a plural group noun ("immigrants") is not their subject, so in
# "to place them with immigrants is ridiculous" the label is said of the whole clause.
SINGULAR_LINKS: Final = frozenset({"is", "was", "seems", "becomes", "remains"})
# Prepositions after the verb: the label sits in a phrase of its own ("these people
# are suffering from the actions of idiots"), not in what is said of the group. ("to"
# is left out: it is mostly the infinitive of a verb said of the group, "plan to ...";
# "because" is a clause break, above.)
PREPOSITIONS: Final = frozenset({
    "from", "by", "with", "at", "on", "about", "against", "for", "into", "toward",
    "towards", "after", "before", "over", "under", "without", "among",
})  # fmt: skip
PLURAL_PEOPLE: Final = frozenset({"people", "folk", "men", "women"})  # plurals without "s"
# A sentence ends at a run of [.!?] before white space, or at a blank line. Written
# with the first char outside the branches (each branch then checks which it was),
# the same matches as "[.!?]+(?=\s)|\n\s*\n": ``re`` then tries the branches only at
# those chars, instead of at every position (a third of the time over long comments).
_SENTENCE_END: Final = re.compile(r"[.!?\n](?:(?<=[.!?])[.!?]*(?=\s)|(?<=\n)\s*\n)")
SENTENCE_REACH: Final = 400  # characters; the windows of words are shorter anyway
_START: Final = attrgetter("start")
# The targets without words, made once (a Target is immutable; building one runs its
# checks, which cost as much as finding most targets).
_ADDRESSED: Final = Target(TargetKind.ADDRESSEE)
_UNSPECIFIED: Final = Target(TargetKind.UNSPECIFIED)
# Every word one of the lists above gives a meaning to (the others can only name a
# person by being capitalised).
_LISTED: Final = frozenset(
    (*ADDRESSEE, *PERSON_WORDS, *GROUP_NOUNS, *GROUP_ADJECTIVES, *INSTITUTIONS, *ACRONYMS)
)


@hookimpl
def rhetoric_filter_hit(hit: Hit, doc: Document, config: AnalyzerConfig) -> Hit | None:
    if hit.target is not None:
        return _retarget_ableist(hit, doc)
    options = config.plugin_options("targets")
    techniques = options.get("techniques", TARGETED)
    if hit.technique not in techniques:
        return None
    target = _target_of(doc, hit.start, hit.end, hit.technique in PERSON_LABELS)
    return replace_hit(hit, target=target)


# The targets found in the comment being filtered, by (start, end, labels_person):
# ``find_target`` depends on nothing else, and hits often share a span (a rule's and a
# trained model's on one word: 649 of the 2,273 calls on the 2,000 benchmark comments
# with toxic-cc0, 76 of 925 without a model). One comment at a time; each caller keeps
# the pair it read, so threads filtering other comments never see each other's targets.
_memo: tuple[Document | None, dict[tuple[int, int, bool], Target]] = (None, {})


def _target_of(doc: Document, start: int, end: int, labels_person: bool) -> Target:
    global _memo
    memo = _memo
    if memo[0] is not doc:
        memo = _memo = (doc, {})
    key = (start, end, labels_person)
    target = memo[1].get(key)
    if target is None:
        target = memo[1][key] = find_target(doc, start, end, labels_person=labels_person)
    return target


def _retarget_ableist(hit: Hit, doc: Document) -> Hit | None:
    """An ableist slur aimed at whom its sentence names ("you retard", "those Muslims
    are retards"), or at someone unnamed: disabled people are demeaned by the word, but
    the insult is meant for that target, which is what a moderator and HateXplain's
    annotators go by (toxic spans typed train: 0 of 17 ableist hits lie in an Identity
    based Attack span)."""
    target = hit.target
    if hit.technique != "slur" or target is None or target.group != ABLEIST:
        return None
    found = _target_of(doc, hit.start, hit.end, False)
    return replace_hit(hit, target=found)


def find_target(doc: Document, start: int, end: int, *, labels_person: bool = False) -> Target:
    """The target of a finding on ``doc.text[start:end]``: named in its own words,
    else by the nearest word of its sentence that names one (left first, where
    subjects stand), else unspecified."""
    tokens = doc.prepared.tokens
    text = doc.text
    first = bisect.bisect_left(tokens, start, key=_START)
    last = bisect.bisect_left(tokens, end, key=_START)  # tokens[first:last] lie in the hit
    begin, finish = _sentence(text, start, end)
    own = _named(text, tokens, range(first, last), first, last, labels_person)
    if own is not None:
        return own
    if _vocative(text, start, end, begin, finish):
        return _ADDRESSED
    left = [i for i in range(first - 1, max(first - LEFT_WINDOW, 0) - 1, -1)
            if tokens[i].start >= begin]  # fmt: skip
    right = [i for i in range(last, min(last + RIGHT_WINDOW, len(tokens)))
             if tokens[i].end <= finish]  # fmt: skip
    # Nearest first; at equal distance the word before the hit wins.
    order = [i for pair in zip(left, right, strict=False) for i in pair]
    order += left[len(right) :] + right[len(left) :]
    found = _named(text, tokens, order, first, last, labels_person)
    return found if found is not None else _UNSPECIFIED


def _named(
    text: str,
    tokens: Sequence[Token],
    indexes: Sequence[int],
    first: int,
    last: int,
    labels_person: bool = False,
) -> Target | None:
    """The first of ``indexes`` whose word names a target, as that target
    (``labels_person``: the hit is a label for people, so "the Syrian Christian
    crook" can be one person; "the Muslim invasion" cannot)."""
    for i in indexes:
        token = tokens[i]
        norm = token.norm
        if norm not in _LISTED and not text[token.start : token.start + 1].isupper():
            continue  # most words: in no list, and not capitalised, so not a name either
        span = (token.start, token.end)
        if norm in ADDRESSEE:
            return _target(text, TargetKind.ADDRESSEE, *span)
        group = GROUP_NOUNS.get(norm)
        if group is None and norm in GROUP_ADJECTIVES and i + 1 < len(tokens):
            following = tokens[i + 1]
            if following.norm in PEOPLE or following.norm in GROUP_NOUNS:
                group = GROUP_ADJECTIVES[norm]
                span = (token.start, following.end)
            elif _modifies_hit(norm, following.norm, i, first, last) and not (
                i > 0 and tokens[i - 1].norm == "anti"
            ):
                group = GROUP_ADJECTIVES[norm]
        if group is None and norm in GROUP_ADJECTIVES and _head_of_hit(norm, i, first, last):
            group = GROUP_ADJECTIVES[norm]
        if group is not None and _hated(text, tokens, i):
            continue  # "Jew-hating": whom a hater hates, not whom the label attacks
        if group is not None and _aimed_at_group(text, tokens, i, first, last):
            if group in SEX_GROUPS and i >= last and _said_of_pointed(tokens, first):
                continue  # "they were unlearned and ignorant men": those men, not all
            if (
                labels_person
                and i == first - 1
                and norm in GROUP_ADJECTIVES
                and _one_person(text, tokens, i, last)
            ):
                return _target(text, TargetKind.PERSON, token.start, tokens[last - 1].end)
            return _target(text, TargetKind.GROUP, *span, group=group)
        if group is not None:
            continue  # a group named elsewhere in the sentence, not the one labelled
        if norm in INSTITUTIONS or (norm in ACRONYMS and text[span[0] : span[1]].isupper()):
            return _target(text, TargetKind.INSTITUTION, *span)
        following = tokens[i + 1].norm if i + 1 < len(tokens) else ""
        if norm in PERSON_WORDS or _is_name(text, token, first <= i < last, following):
            return _target(text, TargetKind.PERSON, *span)
    return None


def _aimed_at_group(text: str, tokens: Sequence[Token], i: int, first: int, last: int) -> bool:
    """Whether the group word at ``i`` is what the hit on ``tokens[first:last]`` labels:
    in the hit (not after a comma in it: "genocide, white people are ..." is a template
    reading on into the next clause) or right next to it ("Muslim scum", "stupid
    women"), or the subject the label is said of, joined to it by a copula within the
    clause ("Indians are liars", "men are all idiots", "refer to Catholics as stupid").
    A group named elsewhere in the sentence ("a muslim kook shot us, and morons blame
    trump"; "something stupid about women") is not the target of that label."""
    if first <= i < last:
        return not _punctuated(text, tokens[first].start, tokens[i].start)
    if i >= last:  # after the hit: only right after it, in the same phrase
        return i == last and not _punctuated(text, tokens[last - 1].end, tokens[i].start)
    if _punctuated(text, tokens[i].end, tokens[first].start):
        return False
    head = _head_noun(tokens, i, first)
    between = tokens[head + 1 : first]
    if not between:
        return True
    link = next((k for k, t in enumerate(between) if t.norm in LINKS), None)
    if link is None or any(t.norm in CLAUSE_BREAKS for t in between):
        return False
    if any(t.norm in GROUP_NOUNS for t in between):
        return False  # a nearer group stands between: the label is said of it, if of any
    if between[link].norm in SINGULAR_LINKS and _plural_noun(tokens[head].norm):
        return False
    return not any(t.norm in PREPOSITIONS for t in between[link + 1 :])


def _hated(text: str, tokens: Sequence[Token], i: int) -> bool:
    """Whether the group word at ``i`` is what a hatred word right after it is aimed
    at ("Jew-hating event", "gay-bashers")."""
    nxt = i + 1
    if nxt >= len(tokens):
        return False
    joint = text[tokens[i].end : tokens[nxt].start]
    word = tokens[nxt].norm
    return (word in HATER_NOUNS and joint in ("-", " ", "")) or (
        word in HATRED_IN_COMPOUND and joint in ("-", "")
    )


def _one_person(text: str, tokens: Sequence[Token], i: int, last: int) -> bool:
    """Whether the identity adjective at ``i``, before the hit's label, describes one
    person: a singular count noun right after "the", "a" or "that" and the adjective,
    or with one capitalised word between them ("that Muslim idiot", "the Syrian
    Christian crook"). Plurals and mass nouns ("the Muslim scum") are said of the
    group."""
    label = tokens[last - 1].norm
    if label.endswith("s") or label in MASS_LABELS or i < 1:
        return False
    before = tokens[i - 1]
    if before.norm in DETERMINERS:
        return True
    named = text[before.start : before.start + 1].isupper()
    return named and i >= 2 and tokens[i - 2].norm in DETERMINERS


def _said_of_pointed(tokens: Sequence[Token], first: int) -> bool:
    """Whether the hit (and the people noun after it) is what a copula says of a subject
    that points at people in view ("they were unlearned and ignorant men"): within
    the four words before the hit, a link verb right after such a subject."""
    for k in range(first - 1, max(first - 5, 0), -1):
        if tokens[k].norm in POINTING_LINKED or (
            tokens[k].norm in LINKS and tokens[k - 1].norm in POINTING_SUBJECTS
        ):
            return True
    return False


def _head_noun(tokens: Sequence[Token], i: int, first: int) -> int:
    """The noun of the group phrase at ``i``: the next word when an identity adjective
    stands before a people word or group noun ("illegal immigrants", "black people"),
    else ``i`` itself."""
    nxt = i + 1
    if (
        tokens[i].norm in GROUP_ADJECTIVES
        and nxt < first
        and (tokens[nxt].norm in PEOPLE or tokens[nxt].norm in GROUP_NOUNS)
    ):
        return nxt
    return i


def _plural_noun(word: str) -> bool:
    """A plural group or people noun ("immigrants", "natives", "people"), which a
    singular verb does not agree with ("jewry", "islam" and the like do not end in "s";
    "to place illegal immigrants is ridiculous": "is" is said of the clause)."""
    if word in PEOPLE:
        return word.endswith("s") or word in PLURAL_PEOPLE
    return word in GROUP_NOUNS and word.endswith("s")


def _punctuated(text: str, start: int, end: int) -> bool:
    return any(c in ",;:()" for c in text[start:end])


def _modifies_hit(adjective: str, following: str, i: int, first: int, last: int) -> bool:
    """Whether the identity adjective at ``i`` qualifies the hit's own label: it stands
    in the hit or right before it ("white trash", "radical Islamic terrorists", "gay
    idiots"), so the label is pinned on people for who they are. Adjectives with an
    everyday sense there ("poor fool", "straight shooter"), idioms ("black sheep") and
    labels for the group's enemies ("white supremacist", "anti-gay bigot") do not
    count."""
    right_place = first - 1 <= i < last - 1  # before the label's last word, in or next to it
    return (
        right_place
        and adjective not in EVERYDAY_BEFORE_LABEL
        and (adjective, following) not in IDIOMS
        and following.removesuffix("s") not in IDEOLOGY_LABELS
    )


def _head_of_hit(word: str, i: int, first: int, last: int) -> bool:
    """Whether the identity word at ``i`` is the hit's last word after a label of
    its own ("violent negro", "dirty mexican"): used as a noun, it names one member as
    the group's specimen. Words with an everyday sense there ("so poor") do not."""
    return first < i == last - 1 and word not in EVERYDAY_BEFORE_LABEL


def _is_name(text: str, token: Token, in_hit: bool, following: str) -> bool:
    """A capitalised word, not part of the hit itself nor capitalised for other
    reasons: inside a sentence, or first in it when its verb follows ("Trump is")."""
    start = token.start
    if in_hit or not text[start : start + 1].isupper():
        return False
    word = token.norm.removesuffix("'s")
    if word in NOT_NAMES or not word.isalpha() or len(word) < 2:
        return False
    if text[start : token.end].isupper():
        return False  # SHOUTING or an acronym, not a name
    before = start - 1
    while before >= 0 and text[before] in " \t\"'(":
        before -= 1
    first_word = before < 0 or text[before] in ".!?\n:"
    return not first_word or following in SUBJECT_VERBS or token.norm.endswith("'s")


def _vocative(text: str, start: int, end: int, begin: int, finish: int) -> bool:
    """Whether the hit addresses someone by it: set off by a comma at the end of its
    sentence ("shut up, idiot") or at its start ("Idiot, read it again")."""
    before = text[begin:start].rstrip()
    after = text[end:finish].strip(" \t!?.\"'")
    return (before.endswith(",") and not after) or (not before.strip() and after[:1] == ",")


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the sentence of ``text[start:end]`` begins and ends, looked for within
    :data:`SENTENCE_REACH` characters (a hit in a huge text costs the same)."""
    low = max(0, start - SENTENCE_REACH)
    begin = low
    for match in _SENTENCE_END.finditer(text, low, start):
        begin = match.end()
    after = _SENTENCE_END.search(text, end, end + SENTENCE_REACH)
    if after is not None:
        return begin, after.start()
    return begin, min(len(text), end + SENTENCE_REACH)


def _target(text: str, kind: TargetKind, start: int, end: int, group: str | None = None) -> Target:
    return Target(kind, start, end, text[start:end], group)
