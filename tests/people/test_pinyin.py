"""Pinyin keys for name search: what a grid worker types finds the person."""

from __future__ import annotations

import random
import time

import pytest

from gridgov.people.pinyin import name_keys, query_keys


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("林会兵", "linhuibing", "lhb"),
        ("陈慧玲", "chenhuiling", "chl"),
        ("王哲", "wangzhe", "wz"),
        ("翁迪", "wengdi", "wd"),
        ("曾国藩", "zengguofan", "zgf"),
        ("单田芳", "shantianfang", "stf"),
        ("解缙", "xiejin", "xj"),
        ("仇英", "qiuying", "qy"),
        ("区寄", "ouji", "oj"),
        ("查良镛", "zhaliangyong", "zly"),
        ("朴槿惠", "piaojinhui", "pjh"),
        ("翟", "zhai", "z"),
        ("覃文", "qinwen", "qw"),
        ("欧阳修", "ouyangxiu", "oyx"),
        ("司马光", "simaguang", "smg"),
        ("长孙无忌", "zhangsunwuji", "zswj"),
        ("尉迟恭", "yuchigong", "ycg"),
        ("单于林", "chanyulin", "cyl"),
        ("单于", "shanyu", "sy"),  # two characters: surname 单 and a given name
        ("吕布", "lvbu", "lb"),
        ("女娲", "nvwa", "nw"),
        ("Anna李", "annali", "al"),
        ("Anna Li", "annali", "al"),
        ("ＡＮＮＡ 李", "annali", "al"),
        ("José王", "josewang", "jw"),
        ("阿卜杜拉·买买提", "abodulamaimaiti", "abdlmmt"),
        (" 林会兵 ", "linhuibing", "lhb"),
        ("林会兵2", "linhuibing", "lhb"),
        ("", "", ""),
        ("123 -·", "", ""),
    ],
)
def test_name_keys(name: str, full: str, initials: str) -> None:
    assert name_keys(name) == (full, initials)


def test_surname_reading_only_for_the_first_character() -> None:
    # 曾 in a given name keeps the dictionary's reading; the surname table is for the surname only.
    assert name_keys("曾曾")[0].startswith("zeng")
    assert name_keys("李单")[0] == "lidan"
    assert name_keys("Anna曾")[0] == "annaceng"


def test_keys_fit_the_search_box() -> None:
    full, initials = name_keys("林会兵")
    for typed in ["lhb", "LH", "lin hui", "lin'hui", "Lin'Hui'Bing", "林会", "林h", "ＬＩＮ"]:
        key = query_keys(typed)
        assert key and (full.startswith(key) or initials.startswith(key)), typed
    assert query_keys("lü") == "lv" and name_keys("吕")[0].startswith(query_keys("lü"))
    assert query_keys("  ") == "" and query_keys("138") == ""


def test_speed_of_100000_names() -> None:
    rng = random.Random(20240601)
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高曾单欧阳翁吕"
    given = "会兵慧玲哲迪国藩海燕建华秀英明强丽娟军平志勇敏静伟芳红霞子涵梓轩浩宇一诺欣怡"
    names = [
        rng.choice(surnames) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2))))
        for _ in range(100_000)
    ]
    name_keys.cache_clear()
    start = time.perf_counter()
    for name in names:
        name_keys(name)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    for name in names:
        name_keys(name)
    warm = time.perf_counter() - start
    info = name_keys.cache_info()
    print(
        f"\nname_keys: {len(names)} names, {len(set(names))} distinct: "
        f"{cold / len(names) * 1e6:.1f} µs/name first pass, {warm / len(names) * 1e6:.2f} µs/name cached "
        f"(hits {info.hits}, misses {info.misses}; {cold / info.misses * 1e6:.1f} µs per uncached name)"
    )
