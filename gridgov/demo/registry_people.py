"""Invented people for the demo registry: names, fictional numbers, families and tenants.

Everything is drawn from a seeded `random.Random`, so a grid always gets the same people. Birth dates
are fixed against `REFERENCE` rather than today, so the ID numbers never change from one run to the
next; only dates that must stay current (registrations, quarantines) are placed relative to `today`.

The numbers are valid but fictional: every ID number has a sequence code in the 900s (the demo's mark;
`SEQUENCE_BASE`) and every phone starts 1990 (`PHONE_PREFIX`), which reads as a dummy at a glance.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from dataclasses import dataclass, field

REFERENCE = dt.date(2025, 7, 1)
# GB 11643 / ISO 7064 MOD 11-2, as in gridgov.people.identity.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
SEQUENCE_BASE = 900
PHONE_PREFIX = "1990"
LOCAL_AREA = "331081"  # 温岭市
# Where Wenling's floating population mostly comes from: counties in Guizhou, Sichuan, Anhui, Jiangxi,
# Henan, Hunan, Yunnan and Chongqing.
HOME_AREAS = ("522401", "511702", "341222", "362421", "411522", "431121", "530627", "500228", "520221")

# Weighted towards the surnames common in Wenling (陈, 林, 王, 张, 李, 郭, 江, 叶 …).
SURNAMES = "陈陈陈林林林王王张张李李郭江叶潘金赵蔡徐杨黄吴周梁罗应毛颜阮朱钟胡许梅戴柯施章鲍邵孙"
GIVEN = {
    # (gender, generation): born before 1970, 1970-1994, 1995 and later.
    ("female", 0): "秀英 桂英 玉兰 春梅 素琴 彩娥 美玲 月娥 小英 凤英 秀珍 金花 菊香 莲花 雪琴".split(),
    ("male", 0): "建国 德明 国栋 志强 卫东 立新 建华 国平 永福 金根 海林 福生 富贵 振华 庆丰".split(),
    ("female", 1): "丽 静 敏 芳 艳 娟 丹 霞 晓燕 海燕 红霞 丽娟 雅琴 婷 燕 慧敏 丽萍".split(),
    ("male", 1): "伟 强 磊 军 勇 杰 涛 明 超 辉 斌 俊杰 建军 晓东 海波 文斌 志刚".split(),
    ("female", 2): "欣怡 子涵 雨桐 佳怡 梓涵 诗涵 可欣 思琪 一诺 语嫣 紫萱 梦瑶 若曦".split(),
    ("male", 2): "浩然 宇航 梓轩 一鸣 嘉豪 子墨 宇轩 浩宇 俊熙 思远 睿 博文 子豪".split(),
}
# Invented employers: plausible for Wenling's pump, shoe, motor and tool trades, none real.
_TRADES = ("泵业", "鞋业", "机电", "工具", "汽摩配件", "水产")
WORKPLACES = (
    *(f"{a}{b}有限公司" for a in ("温岭演示", "示范", "虚构") for b in _TRADES),
    "个体经营",
    "太平街道办事处（演示）",
    "温岭市演示中学",
)


@dataclass(slots=True)
class TagPlan:
    code: str
    start: dt.date
    end: dt.date | None = None
    note: str = ""


@dataclass(slots=True)
class RegistrationPlan:
    start: dt.date
    expected_end: dt.date
    landlord_name: str
    landlord_phone: str
    reason: str = "work"


@dataclass(slots=True)
class PersonPlan:
    name: str
    gender: str
    birth: dt.date
    document: str  # normalised plaintext, in memory only: the writers seal it
    phone: str
    relation: str
    kind: str  # registered | floating
    moved_in: dt.date
    workplace: str = ""
    tags: list[TagPlan] = field(default_factory=list)
    registration: RegistrationPlan | None = None
    departed_on: dt.date | None = None  # moved away from the registry's ground


@functools.lru_cache(maxsize=1 << 18)
def _prefix_sum(prefix: str) -> int:
    return sum(int(c) * w for c, w in zip(prefix, _WEIGHTS, strict=False))


def _check(prefix: str, sequence: str) -> str:
    """`identity.check_char(prefix + sequence)`, four times faster: at city scale (1.4 million numbers)
    that is seconds. The 14-digit prefix's share of the weighted sum is cached; tests compare the two."""
    a, b, c = (int(d) for d in sequence)
    return _CHECK_CHARS[(_prefix_sum(prefix) + 8 * a + 4 * b + 2 * c) % 11]


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


class Numbers:
    """Hands out unique fictional ID numbers and phones, in the order they are asked for.

    An ID number is unique per (address code, birth date, gender): 50 sequence codes 900-999 of the
    right parity each. When a day's 50 are gone the birth moves a day on, so callers take the birth
    date back from here.
    """

    def __init__(self, reserved: tuple[str, ...] = ()) -> None:
        self._used: dict[tuple[str, dt.date, bool], int] = {}
        self._reserved = frozenset(reserved)
        self._phones = 0

    def resident_id(self, area: str, birth: dt.date, gender: str) -> tuple[str, dt.date]:
        male = gender == "male"
        while True:
            key = (area, birth, male)
            n = self._used.get(key, 0)
            if n < 50:
                self._used[key] = n + 1
                prefix = f"{area}{birth:%Y%m%d}"
                sequence = f"{SEQUENCE_BASE + 2 * n + male:03d}"
                number = prefix + sequence + _check(prefix, sequence)
                if number not in self._reserved:
                    return number, birth
            else:
                birth += dt.timedelta(days=1)

    def phone(self) -> str:
        self._phones += 1
        return f"{PHONE_PREFIX}{self._phones:07d}"


class People:
    """Draws persons and households for one grid from its own random stream."""

    def __init__(self, rng: random.Random, numbers: Numbers, today: dt.date) -> None:
        self.rng = rng
        self.numbers = numbers
        self.today = today

    # -- one person ------------------------------------------------------------------------
    def birth_for_age(self, age: int) -> dt.date:
        return REFERENCE - dt.timedelta(days=int(age * 365.25) + self.rng.randrange(365))

    def given(self, gender: str, birth: dt.date) -> str:
        generation = 0 if birth.year < 1970 else 1 if birth.year < 1995 else 2
        return self.rng.choice(GIVEN[(gender, generation)])

    def person(
        self,
        age: int,
        gender: str,
        relation: str,
        *,
        surname: str | None = None,
        kind: str = "registered",
        moved_in: dt.date | None = None,
    ) -> PersonPlan:
        area = LOCAL_AREA if kind == "registered" else self.rng.choice(HOME_AREAS)
        document, birth = self.numbers.resident_id(area, self.birth_for_age(age), gender)
        years = age_on(birth, self.today)
        has_phone = years >= 16 and self.rng.random() < (0.6 if years >= 70 else 0.93)
        works = 18 <= years < 60 and self.rng.random() < (0.95 if kind == "floating" else 0.7)
        born_here = max(birth, dt.date(1990, 1, 1))
        return PersonPlan(
            name=(surname or self.rng.choice(SURNAMES)) + self.given(gender, birth),
            gender=gender,
            birth=birth,
            document=document,
            phone=self.numbers.phone() if has_phone else "",
            relation=relation,
            kind=kind,
            moved_in=max(
                birth, moved_in or min(self.today, born_here + dt.timedelta(days=self.rng.randrange(3000)))
            ),
            workplace=self.rng.choice(WORKPLACES) if works else "",
        )

    # -- households ------------------------------------------------------------------------
    def family(self) -> list[PersonPlan]:
        """A registered household: who lives together, with ages that fit the relations."""
        r, rng = self.rng.random(), self.rng
        if r < 0.06:
            gender = "female" if rng.random() < 0.7 else "male"
            alone = self.person(rng.randint(70, 94), gender, "head")
            alone.tags.append(
                TagPlan("elderly_alone", self.today - dt.timedelta(days=rng.randrange(90, 3650)))
            )
            return [alone]
        if r < 0.16:
            return self.couple(rng.randint(60, 85))
        if r < 0.30:
            return self.couple(rng.randint(23, 34))
        if r < 0.38:
            return [self.person(rng.randint(20, 60), rng.choice(("male", "female")), "head")]
        if r < 0.44:
            parent = self.person(rng.randint(30, 50), rng.choice(("male", "female")), "head")
            return [parent, *self.children(parent, 1)]
        members = self.couple(rng.randint(28, 52))
        members += self.children(members[0], rng.choice((1, 1, 2, 2, 3)))
        if r >= 0.72:  # three generations: the head's parents live with them
            head = members[0]
            old = age_on(head.birth, REFERENCE) + rng.randint(24, 32)
            members.append(self.person(old, "male", "parent", surname=head.name[0]))
            if rng.random() < 0.7:
                members.append(self.person(old - rng.randint(0, 4), "female", "parent"))
        return members

    def couple(self, age: int) -> list[PersonPlan]:
        head = self.person(age, "male", "head")
        spouse = self.person(max(18, age + self.rng.randint(-4, 2)), "female", "spouse")
        spouse.moved_in = max(spouse.moved_in, head.moved_in)
        return [head, spouse]

    def children(self, parent: PersonPlan, count: int) -> list[PersonPlan]:
        parent_age = age_on(parent.birth, REFERENCE)
        kids = []
        for _ in range(count):
            age = max(0, parent_age - self.rng.randint(22, 36))
            kid = self.person(age, self.rng.choice(("male", "female")), "child", surname=parent.name[0])
            kids.append(kid)
            if age < 18 and self.rng.random() < 0.04:
                kid.tags.append(TagPlan("minor", kid.moved_in, note="留守/单亲关爱"))
        return kids

    def tenants(self, landlord: tuple[str, str]) -> list[PersonPlan]:
        """Floating residents renting a room, each with a residence registration; some lapsed."""
        rng = self.rng
        r = rng.random()
        if r < 0.45:
            ages = [(rng.randint(18, 50), rng.choice(("male", "female")), "tenant")]
        else:
            age = rng.randint(20, 45)
            ages = [(age, "male", "tenant"), (max(18, age + rng.randint(-4, 2)), "female", "tenant")]
            if r > 0.75:
                ages.append((rng.randint(0, min(14, age - 18)), rng.choice(("male", "female")), "tenant"))
        if rng.random() < 0.12:  # lapsed: the expected end passed and nobody renewed it
            end = self.today - dt.timedelta(days=rng.randint(1, 150))
            start = end - dt.timedelta(days=rng.choice((182, 365)))
        else:
            start = self.today - dt.timedelta(days=rng.randint(5, 330))
            end = start + dt.timedelta(days=rng.choice((182, 365, 365)))
            if end <= self.today:
                end = self.today + dt.timedelta(days=rng.randint(10, 60))
        reason = rng.choices(("work", "business", "family", "study"), (80, 10, 8, 2))[0]
        people: list[PersonPlan] = []
        for i, (age, gender, relation) in enumerate(ages):
            surname = people[0].name[0] if i == 2 else None  # the couple's child takes the father's name
            p = self.person(age, gender, relation, surname=surname, kind="floating", moved_in=start)
            p.registration = RegistrationPlan(start, end, landlord[0], landlord[1], reason)
            people.append(p)
        return people

    def sprinkle_tags(self, members: list[PersonPlan]) -> None:
        """The less common tags, spread thinly: disability, low income, key group, quarantine."""
        rng = self.rng
        for p in members:
            years = age_on(p.birth, self.today)
            if rng.random() < 0.012:
                p.tags.append(TagPlan("disabled", p.moved_in + dt.timedelta(days=rng.randrange(400))))
            if p.relation == "head" and rng.random() < 0.015:
                p.tags.append(TagPlan("low_income", self.today - dt.timedelta(days=rng.randrange(30, 2000))))
            if years >= 18 and rng.random() < 0.002:
                p.tags.append(
                    TagPlan("key_attention", self.today - dt.timedelta(days=rng.randrange(10, 700)))
                )
            if rng.random() < 0.0008:
                start = self.today - dt.timedelta(days=rng.randrange(0, 60))
                p.tags.append(TagPlan("home_quarantine", start, start + dt.timedelta(days=14)))
        for p in members:
            p.tags = [t for t in p.tags if t.start <= self.today]

    def depart(self, members: list[PersonPlan]) -> None:
        """A grown child who moved away some years ago: still in the history, no longer here."""
        for p in members:
            if p.relation == "child" and age_on(p.birth, self.today) >= 20 and self.rng.random() < 0.15:
                p.departed_on = self.today - dt.timedelta(days=self.rng.randint(30, 6 * 365))
                p.moved_in = min(p.moved_in, p.departed_on - dt.timedelta(days=1))
                return
