"""The translation catalogs in src/accord/locale: complete, compiled, in step with the source.

zh-hans is the default UI language and en the other one; every user-visible string is English
in the source. After adding or changing strings, from the repository root::

    .venv/bin/accord makemessages -l zh_Hans -l en --ignore=.venv --ignore=tests --ignore=var \
        --no-obsolete
    # translate the empty msgstr of zh_Hans/LC_MESSAGES/django.po; check each "#, fuzzy"
    # guess, then delete the flag and its "#|" lines
    E=src/accord/locale/en/LC_MESSAGES/django.po
    msgattrib --clear-fuzzy --clear-previous --empty -o "$E.tmp" "$E" && msgen -o "$E" "$E.tmp"
    rm "$E.tmp"
    .venv/bin/accord compilemessages -l zh_Hans -l en --ignore=.venv

The tests below fail, naming the entries, when one of these steps was skipped.
"""

import datetime as dt
import gettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

import accord
from accord.actions.deadlines import parse_due_date
from accord.actions.models import ActionItem
from accord.core.errors import AppError
from accord.meetings.models import Meeting

PACKAGE_DIR = Path(accord.__file__).resolve().parent
LOCALE_DIR = PACKAGE_DIR / "locale"
LANGUAGES = ["zh_Hans", "en"]

needs_gettext = pytest.mark.skipif(
    not (shutil.which("msgfmt") and shutil.which("xgettext") and shutil.which("msgmerge")),
    reason="GNU gettext tools (msgfmt, xgettext, msgmerge) are not installed",
)


# --- a small .po reader ----------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}


def _unquote(text: str, where: str) -> str:
    text = text.strip()
    if not (len(text) >= 2 and text[0] == '"' and text[-1] == '"'):
        raise ValueError(f"{where}: expected a quoted string, got {text!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header included, obsolete (``#~``) entries left out."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int | None] | None = None
    seen_msgid = False

    def finish():
        nonlocal entry, target, seen_msgid
        if seen_msgid:
            entries.append(entry)
        entry, target, seen_msgid = Entry(), None, False

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        where = f"{path.name}:{number}"
        if not line or line.startswith("#~"):
            if not line:
                finish()
            continue
        if line.startswith("#"):
            if seen_msgid and target is not None and target[0] == "msgstr":
                finish()  # a comment after a msgstr starts the next entry
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"{where}: string continuation outside an entry")
            name, index = target
            value = _unquote(line, where)
            if name == "msgstr":
                entry.msgstr[index] += value
            else:
                setattr(entry, name, getattr(entry, name) + value)
            continue
        keyword, _, rest = line.partition(" ")
        if (
            seen_msgid
            and target is not None
            and target[0] == "msgstr"
            and not keyword.startswith("msgstr")
        ):
            finish()
        match = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
        if match:
            index = int(match.group(1) or 0)
            entry.msgstr[index] = _unquote(rest, where)
            target = ("msgstr", index)
        elif keyword in ("msgid", "msgid_plural", "msgctxt"):
            setattr(entry, keyword, _unquote(rest, where))
            target = (keyword, None)
            if keyword == "msgid":
                seen_msgid = True
                entry.line = number
        else:
            raise ValueError(f"{where}: cannot read {raw!r}")
    finish()
    return entries


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def messages(language: str) -> list[Entry]:
    return [entry for entry in read_po(po_path(language)) if entry.msgid]


def describe(entries: list[Entry]) -> str:
    return "\n".join(f"  line {entry.line}: {entry.msgid!r}" for entry in entries)


# --- (a) complete: nothing empty, nothing fuzzy ----------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_and_compiled_catalog_are_committed(language):
    assert po_path(language).is_file()
    assert po_path(language).with_suffix(".mo").is_file()


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_has_no_untranslated_entry(language):
    entries = messages(language)
    assert len(entries) > 100, "the catalog looks truncated"
    empty = [
        entry
        for entry in entries
        if not entry.msgstr or not all(entry.msgstr.values()) or 0 not in entry.msgstr
    ]
    assert not empty, f"{language}: {len(empty)} entries without a translation:\n" + describe(empty)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_has_no_fuzzy_entry(language):
    fuzzy = [entry for entry in read_po(po_path(language)) if "fuzzy" in entry.flags]
    assert not fuzzy, (
        f"{language}: {len(fuzzy)} fuzzy entries (check the translation, then remove "
        "'#, fuzzy'; Django ignores fuzzy entries):\n" + describe(fuzzy)
    )


@needs_gettext
@pytest.mark.parametrize("language", LANGUAGES)
def test_gettext_tools_agree_nothing_is_untranslated_or_fuzzy(language):
    for option in ("--untranslated", "--only-fuzzy"):
        result = subprocess.run(
            ["msgattrib", option, "--no-obsolete", str(po_path(language))],
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout.strip() == "", f"msgattrib {option} {language}:\n{result.stdout}"


_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language):
    wrong = []
    for entry in messages(language):
        if "python-format" not in entry.flags:
            continue
        expected = sorted(set(_PLACEHOLDER.findall(entry.msgid)))
        for text in entry.msgstr.values():
            if sorted(set(_PLACEHOLDER.findall(text))) != expected:
                wrong.append(entry)
    assert not wrong, f"{language}: placeholders differ from the msgid:\n" + describe(wrong)


def test_english_catalog_is_the_source_text():
    different = [
        entry
        for entry in messages("en")
        if entry.msgstr.get(0) != entry.msgid
        or (entry.msgid_plural is not None and entry.msgstr.get(1) != entry.msgid_plural)
    ]
    assert not different, "en msgstr must equal msgid:\n" + describe(different)


def test_chinese_catalog_is_not_a_copy_of_the_english():
    """A zh_Hans msgstr equal to its msgid was copied, not translated; only names that are
    written the same in both languages may stay."""
    same_in_both = {"English", "Slack", "Microsoft Teams", "PMO"}
    copied = [
        entry
        for entry in messages("zh_Hans")
        if entry.msgid not in same_in_both and entry.msgstr.get(0) == entry.msgid
    ]
    assert not copied, "zh_Hans entries left in English:\n" + describe(copied)


# --- (b) compiled: the committed .mo is the .po, compiled ------------------------------------


def _catalog(mo: Path) -> dict:
    with mo.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)


@pytest.mark.parametrize("language", LANGUAGES)
def test_committed_mo_matches_the_po(language):
    """Without any tool: every message of the .po is in the .mo with the same text."""
    committed = _catalog(po_path(language).with_suffix(".mo"))
    expected = {}
    for entry in messages(language):
        if entry.msgid_plural is None:
            expected[entry.key] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                expected[(entry.key, index)] = text
    committed.pop("", None)  # the header
    assert committed == expected, (
        f"{language}: django.mo is stale; run `.venv/bin/accord compilemessages --ignore=.venv`"
    )


@needs_gettext
@pytest.mark.parametrize("language", LANGUAGES)
def test_committed_mo_equals_a_fresh_msgfmt(language, tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check", "-o", str(fresh), str(po_path(language))],
        capture_output=True,
        text=True,
        check=True,
    )
    assert _catalog(po_path(language).with_suffix(".mo")) == _catalog(fresh), (
        f"{language}: django.mo is stale; run `.venv/bin/accord compilemessages --ignore=.venv`"
    )


# --- (c) in step with the source -------------------------------------------------------------


@needs_gettext
def test_every_source_string_is_in_the_catalog(tmp_path):
    """Run makemessages on a copy of the package (imported from the copy, so LOCALE_PATHS points
    into the copy and the committed catalogs are never touched) and compare the msgids."""
    copy = tmp_path / "src" / "accord"
    shutil.copytree(
        PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "locale", "*.pyc")
    )
    before = {lang: po_path(lang).read_bytes() for lang in LANGUAGES}
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "accord.settings",
        "ACCORD_VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": os.pathsep.join(
            [str(tmp_path / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
    }
    result = subprocess.run(
        [sys.executable, "-m", "accord", "makemessages", "-l", "zh_Hans", "-v", "0"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert {lang: po_path(lang).read_bytes() for lang in LANGUAGES} == before
    fresh_po = copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    assert fresh_po.is_file(), f"makemessages wrote elsewhere:\n{result.stdout}{result.stderr}"

    source = {entry.key: entry for entry in read_po(fresh_po) if entry.msgid}
    assert len(source) > 100, "makemessages found suspiciously few strings"
    for language in LANGUAGES:
        committed = {entry.key for entry in messages(language)}
        missing = sorted(set(source) - committed)
        assert not missing, (
            f"{len(missing)} source strings are not in the {language} catalog; run makemessages "
            "and translate them:\n" + "\n".join(f"  {msgid!r}" for msgid in missing)
        )


# --- (d) the UI really speaks Chinese --------------------------------------------------------


def _vague_due_date_message() -> str:
    with pytest.raises(AppError) as caught:
        parse_due_date("尽快", reference=dt.date(2026, 9, 9))
    assert caught.value.code == "vague_due_date"
    return str(caught.value)


def test_chinese_is_used_under_zh_hans():
    with translation.override("zh-hans"):
        assert str(Meeting.Status.DISTRIBUTED.label) == "纪要已分发"
        assert str(ActionItem.Status.OPEN.label) == "待办"
        assert str(ActionItem._meta.get_field("overdue_reason").verbose_name) == "逾期原因"
        assert _vague_due_date_message() == (
            "“尽快”不是明确的日期，既无法提醒，也无法据此跟进。"
            "请改为具体日期，例如“9月15日前”“2026-09-15”或“下周五”。"
        )


def test_english_is_used_under_en():
    with translation.override("en"):
        assert str(Meeting.Status.DISTRIBUTED.label) == "Minutes distributed"
        assert str(ActionItem.Status.OPEN.label) == "Open"
        assert str(ActionItem._meta.get_field("overdue_reason").verbose_name) == "overdue reason"
        assert _vague_due_date_message() == (
            "“尽快” is not a date: nobody can be reminded of it or held to it. Write a real "
            "date instead, e.g. “9月15日前”, “2026-09-15” or “next Friday”."
        )
