"""The demo's staff: every role of domain.md, with the people the source names in their places.

Names besides those of the source are invented and deterministic: the same run gives the same people.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridgov.accounts.models import ScopeKind
from gridgov.accounts.roles import Role

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 平 刚 桂英 文 辉 建华 晓东 海燕 晓燕 志强 丹 "
    "佳怡 子涵 浩然 雨桐 宇航 欣怡 梓轩 思远 一鸣 嘉豪 雅琴 国栋 俊杰 建军 春梅 玉兰 红霞 德明 立新 卫东"
).split()


def invented_name(index: int) -> str:
    # Walk surname and given name with co-prime strides so that neighbouring grids get unlike names.
    return SURNAMES[(index * 7) % len(SURNAMES)] + GIVEN[(index * 11 + index // len(SURNAMES)) % len(GIVEN)]


@dataclass(frozen=True, slots=True)
class StaffSpec:
    username: str
    full_name: str
    role: str
    scope_kind: str
    scope_code: str = ""  # the grid, zone, village or sub-district of the scope
    work_phone: str = ""


# The people of the source text (../shared/seed), where the story puts them.
NAMED_WORKERS = {
    "东辉社区": ("chenhuiling", "陈慧玲"),
    "肖泉村": ("wangzhe", "王哲"),
    "西园社区": ("wengdi", "翁迪"),
}
NAMED_OFFICER_VILLAGE = ("东辉社区", "linhuibing", "林会兵")
NAMED_CADRE = ("渭川村", "zhuguifei", "朱贵飞")


def work_phone(index: int) -> str:
    # No local number starts with 0 after the area code: obviously fictional, never a real line.
    return f"0576-0{index % 10_000_000:07d}"


def staff_for(areas: list[tuple[str, str, str, str, str]]) -> list[StaffSpec]:
    """Staff for a map given as (level, code, name, parent, police_zone) rows."""
    villages = {code: name for level, code, name, _p, _z in areas if level == "village"}
    staff: list[StaffSpec] = []
    counter = 0

    def next_index() -> int:
        nonlocal counter
        counter += 1
        return counter

    named_grids: dict[str, str] = {}
    officer_zone = ""
    for level, code, _name, parent, zone in areas:
        if level != "grid":
            continue
        village_name = villages.get(parent, "")
        if village_name in NAMED_WORKERS and village_name not in named_grids:
            named_grids[village_name] = code
            username, full = NAMED_WORKERS[village_name]
        else:
            i = next_index()
            username, full = f"wg{code}", invented_name(i)
        staff.append(
            StaffSpec(username, full, Role.GRID_WORKER, ScopeKind.GRIDS, code, work_phone(len(staff)))
        )
        if village_name == NAMED_OFFICER_VILLAGE[0] and not officer_zone:
            officer_zone = zone
    for level, code, _name, _parent, _zone in areas:
        if level == "village":
            staff.append(
                StaffSpec(
                    f"wgz{code}",
                    invented_name(next_index()),
                    Role.GRID_LEADER,
                    ScopeKind.VILLAGE,
                    code,
                    work_phone(len(staff)),
                )
            )
            if villages[code] == NAMED_CADRE[0]:
                staff.append(
                    StaffSpec(
                        NAMED_CADRE[1],
                        NAMED_CADRE[2],
                        Role.CADRE,
                        ScopeKind.VILLAGE,
                        code,
                        work_phone(len(staff)),
                    )
                )
        elif level == "police_zone":
            username, full = (
                (NAMED_OFFICER_VILLAGE[1], NAMED_OFFICER_VILLAGE[2])
                if code == officer_zone
                else (f"mj{code.lower()}", invented_name(next_index()))
            )
            staff.append(
                StaffSpec(username, full, Role.OFFICER, ScopeKind.POLICE_ZONES, code, work_phone(len(staff)))
            )
    return staff


TAIPING, CHENGXI = "331081001", "331081003"

# Sub-district and city staff: one of each remaining role.
OFFICE_STAFF = [
    StaffSpec("admin", "系统管理员", Role.ADMIN, ScopeKind.ALL),
    StaffSpec(
        "taiping_zhihui", "太平街道指挥中心", Role.OPERATOR, ScopeKind.SUB_DISTRICT, TAIPING, "0576-00000110"
    ),
    StaffSpec(
        "chengxi_zhihui", "城西街道指挥中心", Role.OPERATOR, ScopeKind.SUB_DISTRICT, CHENGXI, "0576-00000120"
    ),
    StaffSpec("taiping_lingdao", "周建国", Role.LEADER, ScopeKind.SUB_DISTRICT, TAIPING, "0576-00000130"),
    StaffSpec("sunmeiling", "孙美玲", Role.LEADER, ScopeKind.SUB_DISTRICT, CHENGXI, "0576-00000140"),
    StaffSpec("chengxi_tiaojie", "郑素琴", Role.MEDIATOR, ScopeKind.SUB_DISTRICT, CHENGXI, "0576-00000150"),
    StaffSpec(
        "taiping_xiaofang", "徐志刚", Role.DEPARTMENT, ScopeKind.SUB_DISTRICT, TAIPING, "0576-00000160"
    ),
]
