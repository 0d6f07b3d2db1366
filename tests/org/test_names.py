"""Finding people by what others type (org/names.py): full names, pinyin, initials."""

import pytest

from accord.org.models import Department, Person
from accord.org.names import matching, name_keys, pinyin_of, search_text


def test_a_chinese_name_is_found_by_its_pinyin_surname_and_initials() -> None:
    assert name_keys("张专员") == {"张专员", "张", "zhangzhuanyuan", "zhang", "zzy"}


def test_a_latin_name_is_found_by_each_word_in_any_case() -> None:
    assert name_keys(" Zhang Wei ") == {"zhangwei", "zhang", "wei", "zw"}
    assert name_keys("") == frozenset()


def test_pinyin_of_text_runs_together_without_tones() -> None:
    assert pinyin_of("市场部") == "shichangbu"
    assert pinyin_of("R&D Dept") == "r&ddept"


@pytest.mark.django_db
def test_matching_prefers_whole_keys_then_prefixes() -> None:
    sales = Department.objects.create(name="销售部")
    zhang = Person.objects.create(username="zhang", name="张专员", department=sales)
    zhao = Person.objects.create(username="zhao", name="赵专员", department=sales)
    liu = Person.objects.create(username="liu", name="刘代表", department=sales)
    people = [zhang, zhao, liu]
    assert matching("@张专员".lstrip("@"), people) == [zhang]
    assert matching("Zhang", people) == [zhang]
    assert matching("ZZY", people) == [zhang, zhao]  # both 专员: ambiguous, not guessed
    assert matching("zh", people) == [zhang, zhao]
    assert matching("wang", people) == []
    assert matching("  ", people) == []
    assert search_text(liu) == "ldb liu liudaibiao 刘 刘代表"
