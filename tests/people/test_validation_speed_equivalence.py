"""The shortcuts of validation give what the long way gives: the mobile fast path beside phonenumbers,
the byte-wise check character beside the digit-wise formula, cached warnings and pinyin beside fresh ones.

Every number here is generated: none belongs to anyone on purpose, and none is printed.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from collections.abc import Iterator

import phonenumbers
import pytest
from django.utils import translation
from phonenumbers.phonemetadata import PhoneMetadata
from pypinyin import Style, lazy_pinyin

from gridgov.people.identity import (
    IdentityError,
    check_char,
    normalize_phone,
    validate_document,
    validate_resident_id,
)
from gridgov.people.pinyin import _han_syllables, _in_a_phrase, _run_syllables, name_keys

# The pattern the fast path's prefix table was read from (gridgov/people/identity.py). If a phonenumbers
# update changes it, re-read the table from the new pattern, then update this string.
CN_MOBILE_PATTERN = r"1(?:610\d|740[0-5])\d{6}|1(?:[38]\d|4[57]|[59][0-35-9]|6[25-7]|7[0-35-8])\d{8}"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def phonenumbers_only(value: str) -> str | None:
    """normalize_phone as it was before the fast path, all through phonenumbers; None for a refusal."""
    text = unicodedata.normalize("NFKC", value).strip()
    if not re.fullmatch(r"[0-9+()\- ]{3,30}", text):
        return None
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number) or number.extension:
        return None
    if number.country_code != 86:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    national = phonenumbers.national_significant_number(number)
    area = phonenumbers.length_of_geographical_area_code(number)
    return f"0{national[:area]}-{national[area:]}" if area else national


def ours(value: str) -> str | None:
    try:
        return normalize_phone(value)
    except IdentityError as error:
        assert error.code == "phone" and error.message == "This is not a valid phone number."
        return None


def test_the_fast_path_was_read_from_this_metadata() -> None:
    metadata = PhoneMetadata.metadata_for_region("CN")
    assert metadata is not None and metadata.mobile is not None
    assert metadata.mobile.national_number_pattern == CN_MOBILE_PATTERN


def test_every_five_digit_prefix_of_an_eleven_digit_number_as_phonenumbers_reads_it() -> None:
    # The mobile pattern decides by at most the first five digits (then \d{6} or more), so three endings
    # under every prefix 10000-19999 cover every branch of it, 130-199 included.
    rng = random.Random(11643)
    agreed = accepted = 0
    for prefix in range(10_000, 20_000):
        for ending in ("000000", "999999", f"{rng.randrange(10**6):06d}"):
            number = f"{prefix}{ending}"
            expected = phonenumbers_only(number)
            assert ours(number) == expected, prefix
            agreed += 1
            accepted += expected is not None
    # Sanity: the sample holds both kinds, and every three-digit mobile prefix 130-199 was accepted.
    assert agreed == 30_000 and 0 < accepted < agreed
    for head in range(130, 200):
        valid = ours(f"{head}12345678") is not None
        assert valid == (phonenumbers_only(f"{head}12345678") is not None), head


@pytest.mark.parametrize(
    "value",
    [
        "13812345678",
        " 13812345678 ",
        "\t13812345678\n",
        "１３８１２３４５６７８",  # full-width digits, from a Chinese input method
        "١٣٨١٢٣٤٥٦٧٨",  # Arabic-Indic digits: isdigit() but not ASCII
        "+8613812345678",
        "8613812345678",
        "008613812345678",
        "013812345678",
        "138 1234 5678",
        "138-1234-5678",
        "(138)12345678",
        "1381234567",
        "138123456789",
        "16101234567",
        "16111234567",
        "17405123456",
        "17406123456",
        "17951234567",  # a carrier-selection prefix phonenumbers strips when parsing
        "12593123456",
        "11812345678",
        "10012345678",
        "14012345678",
        "19412345678",
        "1381234567x",
        "13812345678 ext. 1",
        "+85291234567",
        "057686123456",
        "",
        " ",
    ],
)
def test_edge_cases_as_phonenumbers_reads_them(value: str) -> None:
    assert ours(value) == phonenumbers_only(value)


def test_random_numbers_of_every_shape_as_phonenumbers_reads_them() -> None:
    rng = random.Random(20260101)
    for _ in range(20_000):
        length = rng.choice((10, 11, 11, 11, 12))
        digits = "1" + "".join(rng.choice("0123456789") for _ in range(length - 1))
        shape = rng.randrange(4)
        value = (digits, f" {digits}", f"+86{digits}", f"0{digits}")[shape]
        assert ours(value) == phonenumbers_only(value)


def test_check_char_as_the_digit_by_digit_sum() -> None:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    rng = random.Random(7064)
    bodies = ["0" * 17, "9" * 17] + [f"{rng.randrange(10**17):017d}" for _ in range(20_000)]
    for body in bodies:
        expected = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
        assert check_char(body) == expected
    for bad in ["1" * 16, "1" * 18, "1" * 16 + "X", "１" * 17]:
        with pytest.raises(IdentityError):
            check_char(bad)


def test_county_warnings_follow_the_language() -> None:
    number = "33108119800101999"
    number += check_char(number)
    on = dt.date(2025, 6, 1)
    english = validate_resident_id(number, on=on).warnings
    with translation.override("zh-hans"):
        chinese = validate_document("resident_id", number, on=on).warnings
    assert english == validate_resident_id(number, on=on).warnings
    assert english[0].startswith("address code 331081") and len(english) == len(chinese) == 1
    with translation.override("zh-hans"):
        expected = translation.gettext("address code %(code)s was created in %(year)d, after the birth year")
    assert chinese[0] == expected % {"code": "331081", "year": 1994}


def test_format_messages_are_translated_on_refusal() -> None:
    with pytest.raises(IdentityError) as info:
        validate_document("passport", "AB")
    assert info.value.message == "A passport number has 5 to 20 letters and digits."
    assert type(info.value.message) is str


# Common name characters, polyphonic ones (重行长乐朝单曾还传) and ones that form words with neighbours.
NAME_CHARACTERS = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高曾单欧阳翁吕会兵慧玲哲迪国藩海燕建华秀英明强丽娟军平志"
    "勇敏静伟芳红霞子涵梓轩浩宇一诺欣怡重行长乐朝还传银庆江南北天文家和春秋东西金玉成功德仁义"
)


def test_pinyin_runs_read_as_pypinyin_reads_them_whole() -> None:
    runs = ["会兵", "重庆", "银行", "长", "长江", "行长", "朝阳", "单", "乐乐", "𠮷", "〇", "天长地久"]
    runs += ["王𠮷", "𠮷祥", "〇一", "李〇明", "丽\uf900", "\u3400\u4e00", "重庆〇", "银行行长"]
    runs += [a + b for a in NAME_CHARACTERS for b in NAME_CHARACTERS]  # every pair, ~10,000
    rng = random.Random(5)
    runs += ["".join(rng.choices(NAME_CHARACTERS, k=rng.choice((3, 4)))) for _ in range(5_000)]
    _run_syllables.cache_clear()
    for run in runs + runs:  # cold, then cached
        assert _han_syllables(run) == tuple(lazy_pinyin(run, style=Style.NORMAL, errors="ignore")), run
    # Both ways were taken: runs read character by character, and runs holding a word read whole.
    with_word = sum(_in_a_phrase(run) for run in runs)
    assert 200 < with_word < len(runs) - 5_000


def test_name_keys_do_not_depend_on_what_was_read_before() -> None:
    rng = random.Random(6)
    surnames = "王李张曾单欧阳翁吕长重乐"
    given = "会兵慧玲哲迪行长乐朝阳重庆银"
    names = [rng.choice(surnames) + "".join(rng.sample(given, 2)) for _ in range(3_000)]
    names += ["欧阳重庆", "Anna李", "李·Anna", "长孙无忌", "lü"]
    name_keys.cache_clear()
    _run_syllables.cache_clear()
    forward = {name: name_keys(name) for name in names}
    name_keys.cache_clear()
    _run_syllables.cache_clear()
    backward = {name: name_keys(name) for name in reversed(names)}
    assert forward == backward
