"""What Open311 says about each service beyond its category: a description, the attributes a client
asks for, and whether its requests are sensitive (so public reads withhold details).

Kept in code, not on Category: the attribute set belongs to this interface and changes with it; a
category an administrator adds or exposes later is offered with its name and no attributes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# The last change of the definitions below: discovery's changeset is at least this.
DEFINITIONS_CHANGED = dt.datetime(2026, 1, 15, 0, 0, tzinfo=dt.UTC)

DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
MAX_STRING = 200
MAX_TEXT = 1000


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str
    description: str
    required: bool = False
    datatype_description: str = ""
    values: tuple[tuple[str, str], ...] = ()  # (key, name) for the list types

    def name_of(self, key: str) -> str:
        return dict(self.values).get(key, key)


@dataclass(frozen=True)
class Service:
    description: str
    attributes: tuple[Attribute, ...] = field(default_factory=tuple)
    # Health, age or a person living alone, tied to a place: personal information (PIPL art. 28) that a
    # public feed must not carry. Public reads of such requests show their status only.
    sensitive: bool = False


SERVICES: dict[str, Service] = {
    "0101": Service(
        "为老年人、独居老人提供搬运、陪同、代办等帮助，由所在网格的网格员上门。",
        (
            Attribute(
                "need",
                "singlevaluelist",
                "需要什么帮助？",
                required=True,
                values=(
                    ("carry", "搬运物品"),
                    ("escort", "陪同就医"),
                    ("errand", "代买代办"),
                    ("other", "其他"),
                ),
            ),
        ),
        sensitive=True,
    ),
    "0102": Service(
        "居家隔离期间由网格员代购生活物资并送到门口，物资清单逐项勾销。",
        (
            Attribute(
                "items",
                "text",
                "需要代购的物资，每行一项。",
                required=True,
                datatype_description="物品 数量 单位，如：大米 2 袋（或：2袋大米）",
            ),
        ),
        sensitive=True,
    ),
    "0103": Service(
        "证明、证照的代办，网格员协助准备材料。",
        (Attribute("document", "string", "需要代办的证明或证照名称。", required=True),),
    ),
    "0201": Service(
        "邻里之间的矛盾纠纷，先由网格员联户评事；可能引发过激行为的转社区民警。",
        (
            Attribute(
                "households",
                "number",
                "涉及几户？",
                datatype_description="正整数",
            ),
        ),
    ),
    "0301": Service(
        "装修、商铺、广场舞等噪声扰民。",
        (
            Attribute(
                "time_of_day",
                "singlevaluelist",
                "噪声出现在什么时段？",
                required=True,
                values=(("day", "白天（6时至22时）"), ("night", "夜间（22时至次日6时）")),
            ),
            Attribute(
                "source",
                "singlevaluelist",
                "噪声来源",
                values=(
                    ("renovation", "装修施工"),
                    ("shop", "商铺经营"),
                    ("square_dance", "广场舞"),
                    ("other", "其他"),
                ),
            ),
        ),
    ),
    "0302": Service("垃圾乱堆乱放，由综合行政执法队处理。"),
    "0303": Service(
        "违章停车、占道停车，由综合行政执法队处理。",
        (
            Attribute(
                "blocking",
                "multivaluelist",
                "车辆堵住了哪里？",
                values=(
                    ("fire_lane", "消防通道"),
                    ("entrance", "小区或楼道出入口"),
                    ("sidewalk", "人行道"),
                    ("road", "车行道"),
                ),
            ),
        ),
    ),
    "0401": Service(
        "堵塞消防通道、电瓶车室内或飞线充电、灭火器缺失等消防隐患，由消防救援大队处理。",
        (
            Attribute(
                "hazard",
                "multivaluelist",
                "发现了哪些隐患？",
                required=True,
                values=(
                    ("blocked_exit", "堵塞消防通道或安全出口"),
                    ("ebike_charging", "电瓶车室内或飞线充电"),
                    ("extinguisher", "灭火器缺失或过期"),
                    ("other", "其他"),
                ),
            ),
        ),
    ),
    "0402": Service(
        "房屋裂缝、渗漏等房屋安全问题，由住房和城乡建设局处理。",
        (
            Attribute(
                "noticed",
                "datetime",
                "什么时候开始发现的？",
                datatype_description="ISO 8601，如 2026-03-01T08:00:00+08:00",
            ),
        ),
    ),
}


def service_for(code: str) -> Service | None:
    return SERVICES.get(code)


def attributes_of(code: str) -> tuple[Attribute, ...]:
    service = SERVICES.get(code)
    return service.attributes if service else ()


def is_sensitive(code: str) -> bool:
    service = SERVICES.get(code)
    return bool(service and service.sensitive)
