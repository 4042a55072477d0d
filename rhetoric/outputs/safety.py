"""Comment text is hostile: keep it from steering a terminal or breaking XML or HTML.

A comment can carry terminal escape sequences (``ESC[2J``, cursor moves, a fake
"0 findings") and characters that XML 1.0 forbids. Human, XML and HTML outputs pass
the text they show through these functions; JSON outputs need none (the JSON
encoder escapes control characters).
"""

from __future__ import annotations

import re

# C0 controls but tab, DEL, and C1 controls (ESC, CSI, OSC...).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What XML 1.0 does not allow: C0 controls but tab/newline/return, lone
# surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# What HTML text cannot carry as is: C0 controls but tab/LF/CR, DEL, C1 controls and
# lone surrogates (not encodable).
_NOT_HTML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def html_showable(text: str) -> str:
    """``text`` with what HTML cannot show replaced, one code point for one: C0
    controls and DEL by their Unicode control pictures (still visible), C1 controls
    and lone surrogates by U+FFFD. Escaping markup is the caller's job."""
    return _NOT_HTML.sub(_shown, text)


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"


def printable(text: str) -> str:
    """``text`` with control characters shown as ``\\xNN`` instead of sent raw."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def xml_safe(text: str) -> str:
    """``text`` with the characters XML 1.0 forbids replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)
