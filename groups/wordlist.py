"""The room chat's word list: which entry, if any, a message uses, allowing for the usual ways round a list.

A listed word is found however it is written: in any case or accent, with hyphens, spaces, dots or
underscores inside it ("micro-dosing", "micro dosing"), letters repeated ("ketaaamine"), digits and
symbols for letters ("k3t4m1ne", "p$ycho"), and with a common ending (-s, -es, -e, -ed, -d, -ing, -er, -ers:
"microdosed" for "microdosing"). It must still stand as a word of its own: not preceded or followed by
another letter or digit, so "Pakistan", "psychology" and "retardant" are never held back (Scunthorpe).

Why our own code: the libraries we looked at (better-profanity, profanity-check) ship their own English
list or a trained model; leaders here keep their group's own list, so we need matching, not a list.
What it still lets through is listed in tests/groups/test_wordlist.py (and the issue-18 note).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Digits and symbols people write for letters.
LOOKALIKES = {
    "a": "4@",
    "b": "8",
    "e": "3",
    "g": "9",
    "i": "1!|",
    "l": "1|",
    "o": "0",
    "s": "5$",
    "t": "7+",
    "z": "2",
}
# Between the letters of an entry: up to two of these (a hyphen, a space, "m.i.c.r.o").
SEPARATORS = r"[\s\-_.*'\u2019~\u00b7]{0,2}"
# Endings taken off an entry to find its stem, and allowed after it. The stem keeps at least four letters,
# so a short entry ("used") never shrinks into an everyday word ("us").
ENDINGS = ("ing", "ers", "er", "ed", "es", "s", "e", "d")
MIN_STEM = 4
# Between the words of a phrase: any run of them ("magic   mushrooms"), or none ("magicmushrooms").
WORD_GAP = r"[\s\-_.*'\u2019~\u00b7]{0,12}"
# Any of ENDINGS, written with look-alikes and repeated letters ("-inggg"), after an optional separator.
# Written out once by hand: built letter by letter for every entry, it made the list's pattern slow to compile.
_I, _N, _G, _E, _R, _S, _D = "[i1!|]+", "n+", "[g9]+", "[e3]+", "r+", "[s5$]+", "d+"
ENDING = f"(?:{SEPARATORS}(?:{_I}{_N}{_G}|{_E}{_R}(?:{_S})?|{_E}{_S}|{_E}{_D}|{_E}|{_S}|{_D}))?"
# Not preceded or followed by a letter or a digit: a whole word.
START, END = r"(?<![^\W_])", r"(?![^\W_])"
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def normalise(text: str) -> str:
    """Case folded, accents and invisible characters removed, compatibility forms (full-width) made plain."""
    decomposed = unicodedata.normalize("NFKD", text.translate(INVISIBLE))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def entries(word_list_text: str) -> list[str]:
    """One entry a line, trimmed and folded; blank lines dropped."""
    return [normalise(line.strip()) for line in word_list_text.splitlines() if line.strip()]


def _letter(ch: str, count: int) -> str:
    """One letter of an entry (a run of `count` of them): its look-alikes too, repeated as often as wanted."""
    unit = f"[{re.escape(ch + LOOKALIKES[ch])}]" if ch in LOOKALIKES else re.escape(ch)
    return unit + ("+" if count == 1 else f"{{{count},}}")


def _letters(word: str) -> str:
    """The letters of `word` in order, with separators allowed between them."""
    runs = [(m.group(0)[0], len(m.group(0))) for m in re.finditer(r"(.)\1*", word)]
    return SEPARATORS.join(_letter(ch, count) for ch, count in runs)


def _stem(compact: str) -> str:
    for ending in ENDINGS:
        if compact.endswith(ending) and len(compact) - len(ending) >= MIN_STEM:
            return compact[: -len(ending)]
    return compact


def entry_pattern(entry: str) -> str | None:
    """The regular expression for one entry (its letters and digits only: other characters are separators)."""
    words = re.findall(r"[^\W_]+", normalise(entry))
    if not words:
        return None
    *first, last = words
    letters = WORD_GAP.join([*(_letters(word) for word in first), _letters(_stem(last))])
    return START + letters + ENDING + END


@lru_cache(maxsize=256)
def _compiled(words: tuple[str, ...]) -> tuple[re.Pattern, tuple[str, ...]] | None:
    """One pattern for the whole list; group n is entry n. Longest entries first, so a phrase wins over its word."""
    ordered = tuple(sorted({w for w in words if entry_pattern(w)}, key=len, reverse=True))
    if not ordered:
        return None
    alternatives = "|".join(f"({entry_pattern(word)})" for word in ordered)
    return re.compile(alternatives), ordered  # the text is case folded first: IGNORECASE made compiling slow


def matched_word(text: str, words: list[str]) -> str | None:
    """The word-list entry that the text uses, as written in the list, or None."""
    compiled = _compiled(tuple(words))
    if compiled is None:
        return None
    pattern, ordered = compiled
    found = pattern.search(normalise(text))
    if not found:
        return None
    return ordered[found.lastindex - 1]


def warm_up() -> None:
    """Compile the default list's pattern now (most groups keep it), not during someone's first chat message."""
    from groups import texts

    _compiled(tuple(entries(texts.DEFAULT_WORD_LIST)))
