"""Comment text is hostile: keep it from steering a terminal or breaking XML.

A comment can carry terminal escape sequences (``ESC[2J``, cursor moves, a fake
"0 findings") and characters that XML 1.0 forbids. Human and XML outputs pass the
text they show through these two functions; JSON outputs need neither (the JSON
encoder escapes control characters).
"""

from __future__ import annotations

import re

# C0 controls but tab, DEL, and C1 controls (ESC, CSI, OSC...).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What XML 1.0 does not allow: C0 controls but tab/newline/return, lone
# surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def printable(text: str) -> str:
    """``text`` with control characters shown as ``\\xNN`` instead of sent raw."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def xml_safe(text: str) -> str:
    """``text`` with the characters XML 1.0 forbids replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)
