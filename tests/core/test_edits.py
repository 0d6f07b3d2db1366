"""Two people editing one text (core/edits.py): a save over words its author has not seen
is refused with the other text; keeping both or saving over it are deliberate choices."""

import pytest

from accord.core.edits import settle_edit, version_of
from accord.core.errors import EditConflict

STORED = {"statement": "市场部：优先开发A", "evidence": "用户需求占比60%"}
SEEN_BEFORE = version_of("", "")


def test_versions_differ_with_the_text_and_its_split_into_fields() -> None:
    assert version_of("ab", "") != version_of("a", "b")
    assert version_of("a", "b") == version_of("a", "b")
    assert len(version_of("a")) == 20


def test_a_save_from_the_version_stored_goes_through() -> None:
    typed = {"statement": "新立场", "evidence": ""}
    assert settle_edit(seen=version_of(*STORED.values()), stored=STORED, typed=typed) == typed


def test_a_save_without_a_version_is_not_compared() -> None:
    typed = {"statement": "新立场", "evidence": ""}
    assert settle_edit(seen=None, stored=STORED, typed=typed) == typed


def test_a_save_from_an_older_version_is_refused_with_the_other_text() -> None:
    with pytest.raises(EditConflict) as caught:
        settle_edit(seen=SEEN_BEFORE, stored=STORED, typed={"statement": "D也紧急", "evidence": ""})
    assert caught.value.theirs == STORED
    assert caught.value.version == version_of(*STORED.values())
    assert caught.value.code == "conflict"


def test_typing_what_is_stored_is_no_conflict() -> None:
    assert settle_edit(seen=SEEN_BEFORE, stored=STORED, typed=dict(STORED)) == STORED


def test_keep_both_keeps_the_stored_text_first_and_drops_nothing() -> None:
    typed = {"statement": "销售部：D也紧急", "evidence": "用户需求占比60%\n另有3个大客户"}
    kept = settle_edit(seen=SEEN_BEFORE, resolve="both", stored=STORED, typed=typed)
    assert kept == {
        "statement": "市场部：优先开发A\n\n销售部：D也紧急",
        "evidence": "用户需求占比60%\n另有3个大客户",  # it already holds the stored line
    }


def test_keep_both_does_not_drop_a_text_whose_characters_the_other_holds() -> None:
    stored = {"notes": "销售部不同意该方案"}
    kept = settle_edit(seen=SEEN_BEFORE, resolve="both", stored=stored, typed={"notes": "同意"})
    assert kept == {"notes": "销售部不同意该方案\n\n同意"}
    stored = {"notes": "Plan B is rejected"}
    kept = settle_edit(seen=SEEN_BEFORE, resolve="both", stored=stored, typed={"notes": "Plan B"})
    assert kept == {"notes": "Plan B is rejected\n\nPlan B"}


def test_keep_both_with_nothing_new_typed_keeps_the_stored_text() -> None:
    typed = {"statement": "市场部：优先开发A", "evidence": ""}
    kept = settle_edit(seen=SEEN_BEFORE, resolve="both", stored=STORED, typed=typed)
    assert kept == STORED


def test_mine_overwrites_only_the_version_shown() -> None:
    typed = {"statement": "D也紧急", "evidence": ""}
    shown = version_of(*STORED.values())
    assert (
        settle_edit(seen=SEEN_BEFORE, resolve=f"mine:{shown}", stored=STORED, typed=typed) == typed
    )
    with pytest.raises(EditConflict):
        settle_edit(seen=SEEN_BEFORE, resolve=f"mine:{SEEN_BEFORE}", stored=STORED, typed=typed)
    with pytest.raises(EditConflict):
        settle_edit(seen=SEEN_BEFORE, resolve="mine", stored=STORED, typed=typed)
