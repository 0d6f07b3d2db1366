"""Two people editing one text at once: the host and the recorder on the run page, each in
their own browser, both typing a department's position or a topic's notes.

A form shows the text's *version* (a digest of what was stored when the page was drawn) in
a hidden field and sends it back with every save. A save whose version is no longer the
stored one would overwrite words its author never saw: it is refused with the other text
(``EditConflict``), unless what was typed equals what is stored. The person then chooses:

- **keep both** (``resolve="both"``): each field keeps the stored text and the typed one,
  the stored first, unless every line of one is already a line of the other;
- **use mine** (``resolve="mine:<version>"``): the typed text is saved over the stored one,
  but only over the exact version the person was shown; if it changed again meanwhile,
  they are shown the newer text.

A save without a version (the API, a script) is not compared: the API has its own
preconditions."""

import hashlib

from django.utils.translation import gettext as _

from accord.core.errors import EditConflict


def version_of(*texts: str) -> str:
    """A short digest of the texts, in order; equal texts, equal versions."""
    joined = "\x1f".join(text or "" for text in texts)
    return hashlib.sha256(joined.encode()).hexdigest()[:20]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _both(stored: str, typed: str) -> str:
    """Both texts, the stored first. One is left out only when every line of it is already a
    whole line of the other (a person who added to the other text, or typed nothing new):
    "同意" is not dropped because "不同意" holds its characters."""
    mine, theirs = _lines(typed), _lines(stored)
    if all(line in theirs for line in mine):
        return stored
    if all(line in mine for line in theirs):
        return typed
    return f"{stored}\n\n{typed}"


def settle_edit(
    *, seen: str | None, resolve: str = "", stored: dict[str, str], typed: dict[str, str]
) -> dict[str, str]:
    """What to store, given what is stored (field → text) and what was typed on a page
    that showed version ``seen``; raises ``EditConflict`` when saving would overwrite text
    the person has not seen. Call it under the lock the save takes."""
    current = version_of(*stored.values())
    if seen is None or seen == current or typed == stored:
        return typed
    if resolve == "both":
        return {name: _both(stored[name], text) for name, text in typed.items()}
    if resolve == f"mine:{current}":
        return typed
    raise EditConflict(
        _(
            "Someone else saved this while you were typing. Their text is shown below; "
            "yours is still in the field. Keep both, or save yours over theirs."
        ),
        theirs=dict(stored),
        version=current,
    )
