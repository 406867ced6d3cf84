"""Small pieces of English for messages: plurals and the indefinite article."""

from __future__ import annotations

_VOWEL_SOUND = ("a", "e", "i", "o", "u")


def plural(n: int, word: str, many: str | None = None, *, thousands: bool = False) -> str:
    """``1 event``, ``2 events``, ``1 match``, ``3 matches`` (``many`` for irregular plurals)."""
    if many is None:
        many = word + ("es" if word.endswith(("s", "x", "ch", "sh")) else "s")
        if word.endswith("y") and word[-2:-1] not in _VOWEL_SOUND:
            many = word[:-1] + "ies"
    count = f"{n:,}" if thousands else str(n)
    return f"{count} {word if n == 1 else many}"


def a(word: str) -> str:
    """``a transfer``, ``an incident``, ``an offer`` (by the first letter; good for our vocabulary)."""
    return f"{'an' if word[:1].lower() in _VOWEL_SOUND else 'a'} {word}"
