"""Examples for ``rhetoric.text.prepare``: each obfuscation form the engine relies on."""

import pytest

from rhetoric.text import PreparedText, Token, prepare


def only_token(text: str) -> Token:
    """The single word token of ``text`` (the case tables below are one word each)."""
    tokens = prepare(text).tokens
    assert len(tokens) == 1, tokens
    return tokens[0]


def find(prepared: PreparedText, norm: str) -> Token:
    """First token or joined candidate with this norm."""
    for token in (*prepared.tokens, *prepared.joined):
        if token.norm == norm:
            return token
    raise AssertionError(f"no token {norm!r} in {prepared!r}")


@pytest.mark.parametrize(
    ("text", "norm", "expected_variant"),
    [
        ("sh1t", "sh1t", "shit"),
        ("@ss", "@ss", "ass"),
        ("$hit", "$hit", "shit"),
        ("a$$", "a$$", "ass"),
        ("sh!t", "sh!t", "shit"),
        ("b1tch", "b1tch", "bitch"),
        ("he||o", "he||o", "hello"),
        ("+wat", "+wat", "twat"),
        ("fuuuuck", "fuuuuck", "fuck"),
        ("fuuuuck", "fuuuuck", "fuuck"),
        ("stuuuupid", "stuuuupid", "stupid"),
        ("sh111t", "sh111t", "shit"),
        ("a$$$$hole", "a$$$$hole", "asshole"),
        ("gooood", "gooood", "good"),
        ("IDIOOOOT", "idioooot", "idiot"),
    ],
)
def test_leet_and_stretch_variants(text: str, norm: str, expected_variant: str) -> None:
    token = only_token(text)
    assert token.norm == norm
    assert expected_variant in token.variants
    assert token.norm not in token.variants
    assert len(set(token.variants)) == len(token.variants)


def test_ambiguous_leet_gives_both_readings() -> None:
    token = only_token("1diot")
    assert token.variants[0] == "idiot"
    assert "ldiot" in token.variants


def test_variants_are_capped() -> None:
    token = only_token("1|1|1|1|aaaa0000bbbbcccc")
    assert 0 < len(token.variants) <= 8


@pytest.mark.parametrize(
    ("text", "mask"),
    [
        ("f*ck", "f?ck"),
        ("f**k", "f??k"),
        ("f#ck", "f?ck"),
        ("f%ck", "f?ck"),
        ("sh*t", "sh?t"),
        ("b#tch", "b?tch"),
        ("a**", "a??"),
        ("$h*t", "sh?t"),
    ],
)
def test_mask(text: str, mask: str) -> None:
    token = only_token(text)
    assert token.norm == text.lower()
    assert token.mask == mask


@pytest.mark.parametrize("text", ["f***", "hello", "sh1t", "#hashtag", "***k"])
def test_no_mask_when_too_little_is_visible_or_nothing_hidden(text: str) -> None:
    assert only_token(text).mask is None


def test_mask_token_keeps_signs_but_not_trailing_punctuation() -> None:
    prepared = prepare("what the f*ck!!")
    assert [t.norm for t in prepared.tokens] == ["what", "the", "f*ck"]
    token = prepared.tokens[2]
    assert prepared.original[token.start : token.end] == "f*ck"


@pytest.mark.parametrize(
    "text", ["f u c k", "f.u.c.k", "f-u-c-k", "F U C K", "f_u_c_k", "f. u. c. k", "f*u*c*k"]
)
def test_joined_letters(text: str) -> None:
    prepared = prepare(text)
    token = find(prepared, "fuck")
    assert token in prepared.joined
    assert (token.start, token.end) == (0, len(text))
    assert token.mask is None


def test_joined_sub_runs_and_boundaries() -> None:
    text = "you f u c k e r x"
    prepared = prepare(text)
    norms = {t.norm for t in prepared.joined}
    assert {"fuck", "fucker", "uck", "fuckerx"} <= norms
    fuck = find(prepared, "fuck")
    assert text[fuck.start : fuck.end] == "f u c k"
    assert fuck.index == 1
    assert fuck.glue is True


def test_joined_needs_three_letters_and_one_separator_kind() -> None:
    assert prepare("a b").joined == ()
    assert prepare("f u\nc k").joined == ()
    assert prepare("f.u c-k").joined == ()
    assert prepare("1 2 3").joined == ()


def test_joined_candidates_are_bounded() -> None:
    text = " ".join("abcdefghijklmnopqrstuvwxyz" * 40)
    prepared = prepare(text)
    assert len(prepared.tokens) == 1040
    assert 0 < len(prepared.joined) <= 1024
    assert prepared.joined[0].norm == "abc"


def test_joined_letters_get_leet_and_stretch_variants() -> None:
    assert "shit" in find(prepare("s h 1 t"), "sh1t").variants
    assert "fuck" in find(prepare("f u u u c k"), "fuuuck").variants


def test_html_entity_span_covers_the_entity() -> None:
    text = "&#102;uck you"
    token = prepare(text).tokens[0]
    assert token.norm == "fuck"
    assert (token.start, token.end) == (0, 9)


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("a&amp;b", "a&b"),
        ("&#x66;&#X55;ck", "fuck"),
        ("x&nbsp;y", "x y"),
        ("AT&T &bogus; &amp", "at&t &bogus; &amp"),
        ("&lt;b&gt;", "<b>"),
    ],
)
def test_entities(text: str, normalized: str) -> None:
    assert prepare(text).normalized == normalized


def test_entity_to_original() -> None:
    prepared = prepare("a&amp;b")
    assert prepared.to_original(1, 2) == (1, 6)
    assert prepared.to_original(2, 3) == (6, 7)
    assert prepared.normalized_index(6) == 2
    assert prepared.normalized_index(2) == 2


@pytest.mark.parametrize(
    "text", ["fu\u200bck", "f\u00aduck", "fu\u2060ck", "\ufefffuck", "fu\u200d\u200cck"]
)
def test_zero_width_and_format_chars_removed(text: str) -> None:
    token = only_token(text)
    assert token.norm == "fuck"
    assert token.start == text.index("f")
    assert token.end == len(text)


def test_cyrillic_lookalikes_mapped_in_mixed_tokens() -> None:
    text = "\u0455\u04bb\u0456t"  # dze, shha, ukrainian i + Latin t
    prepared = prepare(text)
    assert prepared.normalized == "shit"
    assert only_token(text).norm == "shit"
    assert only_token("id\u0456ot").norm == "idiot"
    assert only_token("\u0430ss").norm == "ass"
    assert only_token("\u0397\u0435ll\u03bf").norm == "hello"  # Greek capital eta reads h


def test_genuine_russian_and_greek_words_unchanged() -> None:
    russian = "\u043f\u0440\u0438\u0432\u0435\u0442"  # privet
    token = only_token(russian)
    assert token.norm == russian
    assert token.variants == ()
    greek = "\u03ba\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1"  # kalimera
    assert only_token(greek).norm == "\u03ba\u03b1\u03bb\u03b7\u03bc\u03b5\u03c1\u03b1"
    mixed = f"{russian} \u0455\u04bb\u0456t"
    assert [t.norm for t in prepare(mixed).tokens] == [russian, "shit"]


def test_everyday_cyrillic_word_made_of_lookalikes_is_left_alone() -> None:
    word = "\u0441\u043e\u0440"  # Russian "sor": every letter looks Latin ("cop")
    token = only_token(word)
    assert token.norm == word
    assert token.variants == ()


def test_single_script_word_with_rare_lookalikes_gets_latin_variant() -> None:
    word = "\u0430\u0455\u0455"  # Cyrillic a + Macedonian dze twice: "ass"
    token = only_token(word)
    assert token.norm == word
    assert token.variants[0] == "ass"


def test_cyrillic_mixed_with_greek_is_mapped_in_place() -> None:
    assert only_token("\u0441\u03bf\u0440").norm == "cop"  # Cyrillic es, Greek omicron, er


@pytest.mark.parametrize(
    "text",
    [
        "\U0001d41f\U0001d42e\U0001d41c\U0001d424",  # mathematical bold
        "\U0001d58b\U0001d59a\U0001d588\U0001d590",  # fraktur bold
        "\uff46\uff55\uff43\uff4b",  # fullwidth
        "\uff26\uff35\uff23\uff2b",
        "\ua730\u1d1c\u1d04\u1d0b",  # small capitals
        "\u24d5\u24e4\u24d2\u24da",  # circled
        "\U0001f135\U0001f144\U0001f132\U0001f13a",  # squared
        "\U0001f155\U0001f164\U0001f152\U0001f15a",  # negative circled
        "FUCK",
        "f\u00fack",
        "fu\u0301ck",
        "f\u0336u\u0336c\u0336k\u0336",  # strikethrough
        "f\u0310\u0352\u0317u\u033e\u0325c\u0350\u034ek\u0306\u0323\u0489",  # zalgo
    ],
)
def test_fancy_fonts_and_marks_fold_to_plain(text: str) -> None:
    token = only_token(text)
    assert token.norm == "fuck"
    assert (token.start, token.end) == (0, len(text))


def test_ligature_expansion_maps_to_one_source_char() -> None:
    prepared = prepare("\ufb01ne")  # fi ligature + "ne"
    assert prepared.normalized == "fine"
    assert prepared.to_original(0, 1) == (0, 1)
    assert prepared.to_original(1, 2) == (0, 1)
    assert prepared.to_original(2, 4) == (1, 3)
    assert prepared.to_original(1, 1) == (0, 1)  # inside the expansion: the ligature
    assert prepared.to_original(2, 2) == (1, 1)
    assert prepared.to_original(4, 4) == (3, 3)
    assert only_token("stra\u00dfe").norm == "strasse"


@pytest.mark.parametrize("word", ["Scunthorpe", "classic", "cocktail", "assistant", "Essex"])
def test_innocent_words_stay_single_tokens(word: str) -> None:
    prepared = prepare(f"I live in {word}, honestly.")
    assert word.lower() in [t.norm for t in prepared.tokens]
    assert not {"cunt", "ass", "cock", "sex"} & {t.norm for t in prepared.tokens}


@pytest.mark.parametrize("text", ["don\u2019t", "don't", "don`t", "don\u02bct", "don\u2018t"])
def test_typographic_apostrophes(text: str) -> None:
    assert only_token(text).norm == "don't"


def test_quotes_are_straightened_and_trimmed() -> None:
    prepared = prepare("\u201cidiot\u201d and \u2018moron\u2019")
    assert prepared.normalized == "\"idiot\" and 'moron'"
    assert [t.norm for t in prepared.tokens] == ["idiot", "and", "moron"]


@pytest.mark.parametrize("text", ["**stupid**", "*stupid*", "_stupid_", "__stupid__"])
def test_markdown_emphasis_is_not_a_mask(text: str) -> None:
    token = only_token(text)
    assert token.norm == "stupid"
    assert text[token.start : token.end] == "stupid"
    assert token.mask is None


@pytest.mark.parametrize(
    ("text", "norm"),
    [
        ("idiot!!", "idiot"),
        ("idiot!", "idiot"),
        ("idiot?!", "idiot"),
        ("idiot.", "idiot"),
        ("'idiot'", "idiot"),
        ("#idiot", "idiot"),
        ("@john", "@john"),
        ("!diot", "!diot"),
        ("$100", "100"),
        ("100%", "100"),
        ("rock'n'roll", "rock'n'roll"),
        ("shi'ite", "shi'ite"),
    ],
)
def test_token_trimming(text: str, norm: str) -> None:
    assert only_token(text).norm == norm


def test_trimming_never_splits_one_source_char() -> None:
    text = "!\u093fa"  # "!" carrying a Devanagari vowel sign, then "a"
    token = only_token(text)
    assert token.norm == "!\u093fa"
    assert (token.start, token.end) == (0, 3)


def test_mark_on_punctuation_keeps_the_punctuation() -> None:
    prepared = prepare("idiot.\u093fmoron")  # a Devanagari vowel sign on "."
    assert [t.norm for t in prepared.tokens] == ["idiot", "moron"]
    assert prepared.tokens[1].glue is False


def test_compatibility_expansions_do_not_split_words() -> None:
    prepared = prepare("at 9\u33c2 and \u00bd")  # "a.m." and "1/2" symbols
    assert [t.norm for t in prepared.tokens] == ["at", "9", "and", "\u00bd"]


def test_exclamations_split_words() -> None:
    assert [t.norm for t in prepare("wow!!!amazing").tokens] == ["wow", "amazing"]


@pytest.mark.parametrize(
    ("text", "glue"),
    [
        ("hectoring bully", True),
        ("hectoring  \t bully", True),
        ("hectoring\nbully", True),
        ("hectoring\r\nbully", True),
        ("hectoring - bully", True),
        ("hectoring \u2014 bully", True),
        ('hectoring" "bully', True),
        ("hectoring\u200b bully", True),
        ("*hectoring* bully", True),
        ("hectoring\n\nbully", False),
        ("hectoring. bully", False),
        ("hectoring, bully", False),
        ("hectoring; bully", False),
        ("hectoring: bully", False),
        ("hectoring! bully", False),
        ("hectoring? bully", False),
        ("hectoring (bully", False),
        ("hectoring] bully", False),
        ("hectoring / bully", False),
    ],
)
def test_glue(text: str, glue: bool) -> None:
    first, second = prepare(text).tokens
    assert first.glue is False
    assert second.glue is glue


def test_glue_false_after_sentence_end() -> None:
    tokens = prepare("idiot. Moron").tokens
    assert [(t.norm, t.glue) for t in tokens] == [("idiot", False), ("moron", False)]


@pytest.mark.parametrize("text", ["2003", "1337", "42", "3.14"])
def test_numbers_have_no_variants(text: str) -> None:
    for token in prepare(text).tokens:
        assert token.variants == ()
        assert token.mask is None


@pytest.mark.parametrize(
    "text",
    [
        "\U0001f600\U0001f4a9 lol \U0001f1fa\U0001f1f8",
        "\u4f60\u597d\u4e16\u754c\uff0c\u4f60\u597d",
        "\U0001f468\u200d\U0001f469\u200d\U0001f467 family",
        "\u0645\u0631\u062d\u0628\u0627 \u0628\u0643",
        "\u0928\u092e\u0938\u094d\u0924\u0947",
        "\ud800 lone \udfff surrogates",
        "\x00\x01\x7f",
        "&#0; &#xD800; &#x110000; &#99999999;",
    ],
)
def test_other_scripts_and_junk_do_not_crash(text: str) -> None:
    prepared = prepare(text)
    for token in prepared.tokens:
        assert 0 <= token.start < token.end <= len(text)


def test_hindi_vowel_signs_kept() -> None:
    word = "\u0928\u092e\u0938\u094d\u0924\u0947"  # namaste
    assert only_token(word).norm == word


def test_empty_and_blank() -> None:
    for text in ["", " ", "\n\n", "!!!", "\u200b", "***"]:
        prepared = prepare(text)
        assert prepared.tokens == ()
        assert prepared.joined == ()
    assert prepare("").normalized == ""
    assert prepare("").to_original(0, 0) == (0, 0)


def test_token_fields_and_indexes() -> None:
    prepared = prepare("You are a Sh1t, ok")
    assert [t.index for t in prepared.tokens] == [0, 1, 2, 3, 4]
    token = prepared.tokens[3]
    assert token == Token(3, 10, 14, "sh1t", ("shit", "shlt"), None, True)
    assert prepared.original == "You are a Sh1t, ok"
    assert prepared.normalized == "you are a sh1t, ok"


def test_ascii_map_is_identity() -> None:
    prepared = prepare("Hello World")
    assert prepared.to_original(0, 5) == (0, 5)
    assert prepared.to_original(3, 3) == (3, 3)
    assert prepared.to_original(-5, 99) == (0, 11)
    assert prepared.normalized_index(6) == 6
    assert prepared.normalized_index(99) == 11


def test_normalized_index_skips_removed_chars() -> None:
    prepared = prepare("a\u200b\u200bb")
    assert prepared.normalized == "ab"
    assert prepared.normalized_index(1) == 1
    assert prepared.normalized_index(3) == 1
    assert prepared.normalized_index(4) == 2
    assert prepared.to_original(0, 2) == (0, 4)
