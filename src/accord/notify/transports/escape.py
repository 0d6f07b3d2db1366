"""What people write (a meeting's title, a task, a name, a reason) shown in each chat format
as the words it is, never as markup: no mention, link, image, colour or heading but the ones
Accord itself adds.

``Message.subject`` and ``Message.text`` are plain text. A transport escapes them here for
its own format, exactly once, and only then adds its own markup around them: the bold
subject, the link to Accord, the mentions. Mentions are made only from the ids in people's
profiles, and only from ids that :func:`mention_id` accepts; a refused id mentions nobody
and the person is named as plain ``@name``.

The rules of each format (``../shared/reference/channels.md``):

- **Feishu** ``lark_md``, **DingTalk** markdown and **WeCom** markdown pass tags through
  (``<at id=all></at>``, ``<font color=…>``, ``<@userid>``) and, rendered as HTML, decode
  HTML character references, which is how Feishu documents escaping. ``&`` ``<`` ``>``
  become ``&amp;`` ``&lt;`` ``&gt;``; the Markdown characters of emphasis, code, links and
  images (backslash, backtick, ``*`` ``_`` ``~`` ``[`` ``]``) become numeric references
  (``&#42;``); so does a ``#`` that starts a line (a heading), while a ``>`` that starts
  one (a quote) is already ``&gt;``. A reference holds none of the characters it stands
  for: even a renderer that did not decode it could make no tag or link of it, which a
  backslash escape does not promise where a renderer does not know it.
  Parentheses stay: without ``[…]`` they make no link, and ``(Wednesday)`` stays readable.
  A line's leading ``-``, ``+`` or ``1.`` stays: a list means in Markdown what it means in
  plain text, and Accord's own lists (the items of a sign request, the digest) are
  written that way. ``.`` and ``-`` elsewhere are no markup and stay as they are.
- **DingTalk** also renders ``@<mobile>`` in the text as a mention of the people listed in
  ``at.atMobiles``: ``@`` in people's text becomes ``&#64;``, so that ``@all``, ``@所有人``
  or someone's number typed into a title stays words. Who is mentioned is decided by
  ``at.atMobiles``/``atUserIds`` alone, filled from profiles, and ``isAtAll`` is always
  false.
- **Slack** ``mrkdwn``: ``&`` ``<`` ``>`` become ``&amp;`` ``&lt;`` ``&gt;``, Slack's own
  rule; that alone keeps ``<!channel>``, ``<@U…>`` and ``<http://x|label>`` from forming.
  Slack has no escape for ``*`` ``_`` ``~``: asterisks in a title may show as bold, but
  can neither mention nor link.
- **Teams** Adaptive Card ``TextBlock``: a Markdown subset (bold, italic, lists, links) and
  no HTML; backslash, ``*``, ``_``, ``[`` and ``]`` get a backslash before them. A mention
  in Teams needs an ``msteams`` entity in the card, which Accord does not add, so ``<at>``
  in text is shown as typed.

Plain-text fields (a card's button, Feishu's header, DingTalk's ``title``) are not
escaped: they show text as it is.

A bare address someone typed (``http://…``) stays visible as itself; a client may make it
clickable, as in any chat message. What cannot happen is a link whose label hides where it
goes, or an image fetched from elsewhere.
"""

import re
from collections.abc import Callable

_NAMED = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MARKDOWN = "&<>\\`*_~[]"
_HEADING = re.compile(r"^([ \t]*)#", re.MULTILINE)
_TEAMS = re.compile(r"([\\*_\[\]])")


def _references(characters: str) -> dict[int, str]:
    return {ord(ch): _NAMED.get(ch, f"&#{ord(ch)};") for ch in characters}


_HTML_MARKDOWN = str.maketrans(_references(_MARKDOWN))
_DINGTALK = str.maketrans(_references(_MARKDOWN + "@"))


def _html_markdown(text: str, table: dict[int, str]) -> str:
    return _HEADING.sub(r"\1&#35;", text.translate(table))


def feishu(text: str) -> str:
    """``text`` for Feishu's ``lark_md``."""
    return _html_markdown(text, _HTML_MARKDOWN)


# WeCom's markdown takes the same rules as Feishu's.
wecom = feishu


def dingtalk(text: str) -> str:
    """``text`` for DingTalk's markdown: Feishu's rules, and no ``@`` that could mention."""
    return _html_markdown(text, _DINGTALK)


def slack(text: str) -> str:
    """``text`` for Slack's ``mrkdwn``."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def teams(text: str) -> str:
    """``text`` for a Teams ``TextBlock``."""
    return _TEAMS.sub(r"\\\1", text)


def fit_escaped(text: str, limit: int, escape: Callable[[str], str], *, keep_tail: str = "") -> str:
    """``escape(text) + keep_tail`` in at most ``limit`` bytes of UTF-8. A text too long is
    cut on a character *before* it is escaped, so that no escape is cut in half, and ends
    with an ellipsis. Escaping makes a text longer by an amount that depends on its
    characters, so the longest prefix that fits is searched for."""
    whole = escape(text) + keep_tail
    if len(whole.encode()) <= limit:
        return whole
    room = limit - len(keep_tail.encode()) - len("…".encode())
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if len(escape(text[:middle]).encode()) <= room:
            low = middle
        else:
            high = middle - 1
    return escape(text[:low]) + "…" + keep_tail


# Ids a mention may be made of. Feishu (open_id ``ou_…``, user_id, e-mail) and WeCom
# (userid: letters, digits and ``_-@.``, starting with a letter or digit) as documented;
# DingTalk's userId likewise without ``@``; Slack member ids are ``U…`` or ``W…``.
FEISHU_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")
WECOM_ID = FEISHU_ID  # the same shape of id
DINGTALK_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
SLACK_ID = re.compile(r"[UW][A-Z0-9]{1,31}")
MOBILE = re.compile(r"\+?[0-9][0-9-]{4,31}")
# Ids that would mention a whole group on some platform (``<at id=all>`` on Feishu).
EVERYONE = {"all", "everyone", "here", "channel"}


def mention_id(value: str, pattern: re.Pattern) -> str:
    """``value`` if a mention can safely be made of it, else ``""``.

    The ids come from profiles that administrators keep, but they are placed inside the
    platform's mention markup, so one like ``x></at><at id=all`` would mention everyone.
    Such an id is refused rather than repaired: a mention of the wrong person is worse than
    none, and the person is still named in plain text."""
    if pattern.fullmatch(value) and value.casefold() not in EVERYONE:
        return value
    return ""
