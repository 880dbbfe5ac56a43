"""Pinyin search keys for names: a grid worker types "lhb" or "linhui" and finds 林会兵.

Names are stored with two keys, the full toneless pinyin and the initials, both searched by prefix. A
name's first character is read as a surname, because surnames have readings of their own that the
dictionary would not choose (曾 zeng not ceng, 单 shan not dan); compound surnames (欧阳, 长孙) are read as
one unit. The given name is read by pypinyin with its phrase dictionary; for a polyphonic character in a
given name the most common reading wins, which is what people type.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT

# Single-character surnames whose surname reading differs from the dictionary's first choice, or whose
# reading the dictionary gets wrong on its own. Ambiguous ones (长 chang/zhang) are left to the dictionary.
SURNAMES: dict[str, str] = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "区": "ou", "查": "zha", "朴": "piao",
    "盖": "ge", "尉": "yu", "乐": "yue", "覃": "qin", "翟": "zhai", "缪": "miao", "种": "chong",
    "秘": "bi", "宁": "ning", "重": "chong", "柏": "bai", "万": "wan", "华": "hua", "纪": "ji",
    "沈": "shen", "任": "ren", "召": "shao", "员": "yun", "隗": "wei", "冼": "xian", "洗": "xian",
    "句": "gou", "褚": "chu", "逄": "pang", "阚": "kan", "燕": "yan", "车": "che", "牟": "mou",
    "么": "yao", "谌": "chen", "费": "fei", "祭": "zhai", "黑": "he", "繁": "po", "佴": "nai",
}  # fmt: skip

# Compound surnames, one syllable per character (initials come from the syllables).
COMPOUND_SURNAMES: dict[str, tuple[str, str]] = {
    "欧阳": ("ou", "yang"), "司马": ("si", "ma"), "诸葛": ("zhu", "ge"), "上官": ("shang", "guan"),
    "东方": ("dong", "fang"), "皇甫": ("huang", "fu"), "尉迟": ("yu", "chi"), "公孙": ("gong", "sun"),
    "慕容": ("mu", "rong"), "令狐": ("ling", "hu"), "长孙": ("zhang", "sun"), "夏侯": ("xia", "hou"),
    "司徒": ("si", "tu"), "司空": ("si", "kong"), "宇文": ("yu", "wen"), "轩辕": ("xuan", "yuan"),
    "澹台": ("tan", "tai"), "端木": ("duan", "mu"), "南宫": ("nan", "gong"), "西门": ("xi", "men"),
    "独孤": ("du", "gu"), "万俟": ("mo", "qi"), "呼延": ("hu", "yan"), "单于": ("chan", "yu"),
}  # fmt: skip

# Han characters (CJK unified ideographs, extensions A-G, compatibility ideographs, 〇) and Latin letters;
# everything else (digits, punctuation, the middle dot of transliterated names) separates and is dropped.
_TOKENS = re.compile(
    r"(?P<han>[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+)|(?P<latin>[a-z]+)"
)
_NOT_KEY = re.compile(r"[^a-z]")


def _fold_latin(text: str) -> str:
    # Full-width letters to ASCII (NFKC), ü to v as in pinyin keys, other accents dropped (é → e).
    text = unicodedata.normalize("NFKC", text).lower().replace("ü", "v")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.lru_cache(maxsize=65536)
def _run_syllables(run: str) -> tuple[str, ...]:
    # NORMAL style writes ü as "v" (v_to_u=False), so 吕 is "lv". Characters without a reading come back
    # unchanged and are dropped by the caller.
    return tuple(lazy_pinyin(run, style=Style.NORMAL, errors="ignore"))


def _in_a_phrase(run: str) -> bool:
    """Whether some stretch of two or more of run's characters is a word of pypinyin's phrase dictionary."""
    size = len(run)
    return any(run[i:j] in PHRASES_DICT for i in range(size - 1) for j in range(i + 2, size + 1))


def _han_syllables(run: str) -> tuple[str, ...]:
    # pypinyin reads a run character by character unless the phrase dictionary holds a word made of some
    # of its characters (its segmenter only joins characters into dictionary words or their prefixes, and
    # reads a non-word character by character). Most given names hold no such word, so they are read
    # from a per-character cache: an import of new residents misses the per-name cache on nearly every
    # row, and pypinyin costs ~10 µs a run. Runs with a word are read whole, as before.
    if len(run) < 2 or _in_a_phrase(run):
        return _run_syllables(run)
    return tuple(syllable for character in run for syllable in _run_syllables(character))


def _syllables(name: str) -> list[str]:
    text = _fold_latin(name)
    syllables: list[str] = []
    for position, match in enumerate(_TOKENS.finditer(text)):
        latin = match.group("latin")
        if latin is not None:
            syllables.append(latin)
            continue
        run = match.group("han")
        if position == 0:
            # The name starts here: its first character(s) are the surname.
            if len(run) >= 3 and run[:2] in COMPOUND_SURNAMES:
                syllables += COMPOUND_SURNAMES[run[:2]]
                run = run[2:]
            elif run[0] in SURNAMES:
                syllables.append(SURNAMES[run[0]])
                run = run[1:]
        if run:
            syllables += _han_syllables(run)
    return [key for key in (_NOT_KEY.sub("", s) for s in syllables) if key]


@functools.lru_cache(maxsize=65536)
def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name: 林会兵 → ("linhuibing", "lhb"); "Anna李" → ("annali", "al").

    A Latin-script word counts as one syllable: it is kept whole in the full key and gives its first
    letter to the initials, so "Anna Li" is found by "annali" and by "al".
    """
    syllables = _syllables(name)
    return "".join(syllables), "".join(s[0] for s in syllables)


def query_keys(q: str) -> str:
    """A search box's text as a key prefix: lowercase, without spaces, apostrophes or other separators.

    "Lin Hui" and "lin'hui" give "linhui"; Chinese characters are read as in `name_keys`, so "林h" gives
    "linh". Match the result as a prefix of both the full key and the initials. An empty result means the
    input has nothing to search for by pinyin (digits only, say): do not run a prefix query with it.
    """
    return name_keys(q)[0]
