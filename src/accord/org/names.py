"""How people are found by what others type: a full name ("张专员"), its pinyin
("zhangzhuanyuan", "zhang zhuanyuan"), the pinyin of the surname ("zhang"), the initials
("zzy"), the user name, or a Latin name in any case. Used by person pickers and by quick
capture's ``@name`` (S-MEET-4: an owner is a named person)."""

import functools
import unicodedata

from pypinyin import Style, lazy_pinyin

from accord.org.models import SEARCH_KEY_LENGTH, Person


def fold(text: str) -> str:
    """Lower case, full-width folded to half-width, spaces and dots dropped."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if not ch.isspace() and ch not in ".·-_")


@functools.lru_cache(maxsize=8192)
def name_keys(name: str) -> frozenset[str]:
    """Every whole form of ``name`` a person may type to mean it."""
    name = name.strip()
    if not name:
        return frozenset()
    chinese = any("\u4e00" <= ch <= "\u9fff" for ch in name)
    syllables = [s for s in lazy_pinyin(name) if s.strip()] if chinese else name.split()
    initials = [s[0] for s in syllables if s]
    keys = {fold(name), fold("".join(syllables)), fold("".join(initials))}
    if chinese:
        # A Chinese name: the surname alone ("张", "zhang"), common when a meeting has one 张.
        keys |= {fold(name[0]), fold(syllables[0])} if syllables else set()
    else:
        # A Latin name: each word ("Zhang" of "Zhang Wei").
        keys |= {fold(word) for word in name.split()}
    keys.discard("")
    return frozenset(keys)


def person_keys(person: Person) -> frozenset[str]:
    return name_keys(person.name) | {fold(person.username)} - {""}


def matching(typed: str, people: list[Person]) -> list[Person]:
    """The people ``typed`` names exactly (one of their keys), in the given order; when
    nobody matches a whole key, those whose keys start with it (so "zhangz" finds 张专员)."""
    key = fold(typed)
    if not key:
        return []
    exact = [p for p in people if key in person_keys(p)]
    if exact:
        return exact
    return [p for p in people if any(k.startswith(key) for k in person_keys(p))]


def search_text(person: Person) -> str:
    """One line a search can match by substring: names, pinyin, initials, user name (cut
    to the length of ``Person.search_key``, which stores it)."""
    return search_text_of(name=person.name, username=person.username)


def search_text_of(*, name: str, username: str) -> str:
    """``search_text`` for rows written without a ``Person`` (``accord seed-scale``)."""
    keys = name_keys(name) | {fold(username)} - {""}
    return " ".join(sorted(keys))[:SEARCH_KEY_LENGTH]


def pinyin_of(text: str) -> str:
    """The toneless pinyin of ``text`` run together ("zhangzhuanyuan"); Latin text folded."""
    return fold("".join(lazy_pinyin(text, style=Style.NORMAL)))
