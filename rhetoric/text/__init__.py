"""Text preparation: normalized view, offset map and word tokens of a comment."""

from .prepared import PreparedText, prepare
from .tokens import Token

__all__ = ["PreparedText", "Token", "prepare"]
