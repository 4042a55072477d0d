"""Rule files are validated: every mistake is an error naming the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import RuleWriter, only_rules

from rhetoric import RuleLoadError

GOOD = """\
id: sample
kind: lexicon
message: "'{match}'"
why: A rule used by the loading tests; it documents nothing else.
terms: [heck]
examples:
  flag: ["[[heck]]"]
  pass: ["hello"]
"""


def replace(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (replace(GOOD, "terms:", "termz:"), 5, "unknown key 'termz' (did you mean 'terms'?)"),
        (replace(GOOD, "kind: lexicon", "kind: lexicn"), 2, "kind must be one of"),
        (replace(GOOD, "terms: [heck]", "terms: heck"), 5, "terms must be a list"),
        (
            replace(GOOD, "terms: [heck]", "terms: [heck]\nconfidence: high"),
            6,
            "confidence must be a number",
        ),
        (replace(GOOD, "terms: [heck]", "terms: [heck]\nconfidence: 1.5"), 6, "between 0 and 1"),
        (
            replace(GOOD, "terms: [heck]", "terms: [heck]\nseverity: fatal"),
            6,
            "severity must be one of",
        ),
        (replace(GOOD, "terms: [heck]", "terms: [heck]\nstatus: beta"), 6, "status must be one of"),
        (
            replace(GOOD, "id: sample", "technique: profanity"),
            1,
            "remove the 'technique' key: the folder 'profanity/' names the technique",
        ),
        (replace(GOOD, "why: A rule", "whyy: A rule"), 4, "unknown key 'whyy'"),
        (replace(GOOD, 'flag: ["[[heck]]"]', 'flag: ["heck"]'), 7, "must mark the expected span"),
        (replace(GOOD, 'pass: ["hello"]', 'pass: ["[[hello]]"]'), 8, "must not contain [[...]]"),
        (replace(GOOD, "terms: [heck]\n", ""), 1, "missing required key 'terms'"),
        (replace(GOOD, "terms: [heck]", "terms: [heck]\npattern: 'x'"), 6, "unknown key 'pattern'"),
        (
            replace(GOOD, "terms: [heck]", "terms: [heck, {term: x, sevrity: info}]"),
            5,
            "unknown key 'sevrity'",
        ),
        (
            replace(GOOD, "terms: [heck]", "terms: [heck]\nantipatterns: ['(unclosed']"),
            6,
            "not a valid regular expression",
        ),
        (
            replace(GOOD, "terms: [heck]", "terms: [heck]\nterms: [again]"),
            6,
            "duplicate key 'terms'",
        ),
        (GOOD + "  - : broken: yaml: [\n", 9, "invalid YAML"),
        (replace(GOOD, "id: sample", "id: other-id"), 1, "must equal the file name"),
    ],
)
def test_invalid_rule_files(
    write_rule: RuleWriter, rules_dir: Path, body: str, line: int, message: str
) -> None:
    path = write_rule("profanity/sample.yml", body)
    with pytest.raises(RuleLoadError) as caught:
        only_rules(rules_dir)
    assert caught.value.path == path
    assert caught.value.line == line, str(caught.value)
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_pattern_errors(write_rule: RuleWriter, rules_dir: Path) -> None:
    body = replace(GOOD, "kind: lexicon", "kind: pattern").replace(
        "terms: [heck]", "pattern: '(?P<x>he(ck'"
    )
    path = write_rule("profanity/sample.yml", body)
    with pytest.raises(
        RuleLoadError, match=rf"^{path}:5: pattern is not a valid regular expression"
    ):
        only_rules(rules_dir)
    path.write_text(body.replace("'(?P<x>he(ck'", "'(?P<x>heck)'\ngroup: y"))
    with pytest.raises(RuleLoadError, match="pattern has no group named 'y'"):
        only_rules(rules_dir)


def test_folder_must_be_a_known_technique(write_rule: RuleWriter, rules_dir: Path) -> None:
    path = write_rule("profanty/sample.yml", GOOD)
    with pytest.raises(RuleLoadError) as caught:
        only_rules(rules_dir)
    assert str(caught.value).startswith(
        f"{path}: folder 'profanty' is not a known technique (did you mean 'profanity'?)"
    )


def test_files_with_other_extensions_are_rejected_not_skipped(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    write_rule("profanity/sample.yml", GOOD)
    write_rule("profanity/other.yml.bak", GOOD)
    write_rule("README.md", "# docs are fine")
    with pytest.raises(RuleLoadError, match=r"other\.yml\.bak: not a rule file"):
        only_rules(rules_dir)


def test_duplicate_ids_and_unknown_classes(write_rule: RuleWriter, rules_dir: Path) -> None:
    write_rule("profanity/sample.yml", GOOD)
    write_rule("profanity/sample.yaml", GOOD)
    with pytest.raises(RuleLoadError, match="also defined in"):
        only_rules(rules_dir)


def test_unknown_word_class(write_rule: RuleWriter, rules_dir: Path) -> None:
    body = replace(GOOD, "kind: lexicon", "kind: sequence").replace(
        "terms: [heck]", "templates: ['{nobody} heck']"
    )
    path = write_rule("profanity/sample.yml", body)
    with pytest.raises(RuleLoadError, match=rf"^{path}:5: unknown word class '{{nobody}}'"):
        only_rules(rules_dir)


def test_word_class_cycles_and_bad_includes(write_rule: RuleWriter, rules_dir: Path) -> None:
    write_rule("_classes/a.yml", "terms: ['{b}']\n")
    write_rule("_classes/b.yml", "terms: ['{a}']\n")
    with pytest.raises(RuleLoadError, match="includes itself"):
        only_rules(rules_dir)


def test_yaml_is_loaded_safely(write_rule: RuleWriter, rules_dir: Path) -> None:
    marker = rules_dir / "pwned"
    body = replace(
        GOOD,
        "message: \"'{match}'\"",
        f"message: !!python/object/apply:os.system ['touch {marker}']",
    )
    write_rule("profanity/sample.yml", body)
    with pytest.raises(RuleLoadError, match="message must be a string"):
        only_rules(rules_dir)
    assert not marker.exists()


def test_empty_and_non_utf8_files(write_rule: RuleWriter, rules_dir: Path) -> None:
    write_rule("profanity/sample.yml", "")
    with pytest.raises(RuleLoadError, match="file is empty"):
        only_rules(rules_dir)
    (rules_dir / "profanity" / "sample.yml").write_bytes(b"why: \xff\n")
    with pytest.raises(RuleLoadError, match="not valid UTF-8"):
        only_rules(rules_dir)
