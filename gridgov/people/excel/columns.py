"""The workbook layout: sheet names, Chinese column headers, what each column holds.

The headers are data, not interface text: the templates, the importer and the exports all read them from
here, so a file exported by gridgov (unmasked) goes back in unchanged, and one word names one column.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from gridgov.people.identity import DocumentType
from gridgov.people.models import Building, ResidenceRegistration, Resident

Kind = Literal["text", "int", "float", "date", "choice", "document", "phone"]
SheetKind = Literal["buildings", "households", "residents"]


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: Kind = "text"
    required: bool = False
    choices: Mapping[str, str] = dataclasses.field(default_factory=dict)  # Chinese label -> stored value
    width: int = 14
    note: str = ""  # shown as the header cell's comment in the template

    def label_of(self, value: str) -> str:
        """The Chinese label of a stored choice value (exports write what the import reads)."""
        for label, stored in self.choices.items():
            if stored == value:
                return label
        return value


@dataclass(frozen=True)
class SheetSpec:
    kind: SheetKind
    title: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.field == name)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


USES = {
    "住宅": Building.Use.RESIDENTIAL,
    "商住": Building.Use.MIXED,
    "商业": Building.Use.COMMERCIAL,
    "公共": Building.Use.PUBLIC,
    "工业": Building.Use.INDUSTRIAL,
    "其他": Building.Use.OTHER,
}
CRS_CHOICES = {"WGS-84": "wgs84", "GCJ-02": "gcj02", "BD-09": "bd09", "CGCS2000": "wgs84"}
DOCUMENT_TYPES = {
    "居民身份证": DocumentType.RESIDENT_ID,
    "护照": DocumentType.PASSPORT,
    "港澳居民来往内地通行证": DocumentType.HK_MACAU_PERMIT,
    "台湾居民来往大陆通行证": DocumentType.TAIWAN_PERMIT,
    "港澳台居民居住证": DocumentType.HMT_RESIDENCE_PERMIT,
    "外国人永久居留身份证": DocumentType.FOREIGN_PERMANENT_RESIDENCE,
}
GENDERS = {"男": Resident.Gender.MALE, "女": Resident.Gender.FEMALE}
RELATIONS = {
    "户主": Resident.Relation.HEAD,
    "配偶": Resident.Relation.SPOUSE,
    "子女": Resident.Relation.CHILD,
    "父母": Resident.Relation.PARENT,
    "孙子女": Resident.Relation.GRANDCHILD,
    "祖父母": Resident.Relation.GRANDPARENT,
    "兄弟姐妹": Resident.Relation.SIBLING,
    "租户": Resident.Relation.TENANT,
    "其他": Resident.Relation.OTHER,
}
KINDS = {"户籍": Resident.Kind.REGISTERED, "流动": Resident.Kind.FLOATING}
REASONS = {
    "务工": ResidenceRegistration.Reason.WORK,
    "经商": ResidenceRegistration.Reason.BUSINESS,
    "就学": ResidenceRegistration.Reason.STUDY,
    "投靠亲友": ResidenceRegistration.Reason.FAMILY,
    "其他": ResidenceRegistration.Reason.OTHER,
}

GRID_CODE = Column("网格编码", "grid", width=18, note="15 位网格编码，见地图上的网格卡片。")

BUILDINGS = SheetSpec(
    "buildings",
    "楼栋",
    (
        GRID_CODE,
        Column("经度", "lng", "float", width=12, note="填了经纬度就按位置定网格；只填网格编码也可以。"),
        Column("纬度", "lat", "float", width=12),
        Column("坐标系", "crs", "choice", choices=CRS_CHOICES, width=10, note="默认 WGS-84（GPS）。"),
        Column("楼栋名称", "name", required=True, width=14, note="例如 9幢。同一网格内不可重名。"),
        Column("地址", "address", required=True, width=30),
        Column("层数", "floors", "int", required=True, width=8),
        Column("用途", "use", "choice", choices=USES, width=10, note="默认 住宅。"),
    ),
)

HOUSEHOLDS = SheetSpec(
    "households",
    "户",
    (
        GRID_CODE,
        Column("楼栋名称", "building", width=14, note="填楼栋名称（可加网格编码）或楼栋地址。"),
        Column("楼栋地址", "building_address", width=30),
        Column("单元", "unit", width=10),
        Column("房号", "room", required=True, width=10),
    ),
)

RESIDENTS = SheetSpec(
    "residents",
    "居民",
    (
        Column("姓名", "name", required=True, width=12),
        Column(
            "证件类型", "document_type", "choice", choices=DOCUMENT_TYPES, width=22, note="默认 居民身份证。"
        ),
        Column("证件号码", "document_number", "document", required=True, width=22, note="请设为文本格式。"),
        Column("性别", "gender", "choice", choices=GENDERS, width=8, note="身份证号可推出，可不填。"),
        Column("出生日期", "birth_date", "date", width=13, note="身份证号可推出，可不填。"),
        Column("联系电话", "phone", "phone", width=15),
        Column("与户主关系", "relation", "choice", choices=RELATIONS, width=12, note="默认 户主。"),
        Column("户籍/流动", "kind", "choice", choices=KINDS, width=11, note="默认 户籍。"),
        Column("工作单位", "workplace", width=20),
        GRID_CODE,
        Column("楼栋", "building", required=True, width=14, note="楼栋名称或地址。"),
        Column("单元", "unit", width=10),
        Column("房号", "room", required=True, width=10),
        Column("入住日期", "moved_in", "date", required=True, width=13),
        Column("登记开始", "registration_start", "date", width=13, note="流动人口必填。"),
        Column("预计结束", "registration_end", "date", width=13, note="流动人口必填。"),
        Column("房东", "landlord_name", width=12),
        Column("房东电话", "landlord_phone", "phone", width=15),
        Column("事由", "reason", "choice", choices=REASONS, width=10, note="流动人口，默认 务工。"),
    ),
)

SHEETS: tuple[SheetSpec, ...] = (BUILDINGS, HOUSEHOLDS, RESIDENTS)
BY_KIND = {s.kind: s for s in SHEETS}
INSTRUCTIONS_TITLE = "说明"
# Columns that gridgov's own error sheet adds: skipped on import, so a corrected error sheet goes back in.
ROW_NUMBER = "原行号"
ERROR_COLUMN = "错误说明"
IGNORED_HEADERS = frozenset({ROW_NUMBER, ERROR_COLUMN})

# Exports add what the registry knows beyond the template's columns.
EXPORT_EXTRA = ("网格", "地址", "标签", "迁出日期")

FIGURE_HEADERS = {
    "households": "户数",
    "residents": "人口",
    "registered": "户籍人口",
    "floating": "流动人口",
    "tagged": "关爱/重点人员",
    "lapsed_registrations": "登记已过期",
    "empty_households": "空户",
    "buildings_without_households": "无住户楼栋",
}
FIGURE_LEVELS = {"sub_district": "街道", "village": "村社区", "grid": "网格"}

INSTRUCTIONS = [
    "人口信息导入模板",
    "",
    "一个工作簿可以同时包含“楼栋”“户”“居民”三张表，也可以只有其中一张；表名不要改。",
    "第一行是表头，不要改动、不要合并单元格、不要插入标题行；红色表头为必填列。",
    "只填写数值，不要使用公式；证件号码、电话请设为“文本”格式，否则 Excel 会把 18 位号码变成科学计数法。",
    "日期可以是 Excel 日期，或写成 2020-01-31、2020/1/31、20200131。",
    "导入前先检查全部内容：只要有一处错误，就一条也不导入，并给出错误表（原行加“错误说明”列，错误单元格标红）。",
    "改正后可直接再次导入错误表，也可以改正原文件后重新导入。",
    "重复导入不会产生重复记录：居民按证件号码更新，楼栋按网格+楼栋名称，户按楼栋+单元+房号。",
    "只能导入自己负责网格内的数据。",
    "",
    "楼栋：填网格编码，或经度/纬度（按位置自动定网格）；同一网格内楼栋名称唯一。",
    "户：填楼栋名称（可加网格编码）或楼栋地址，以及单元、房号；楼栋须已存在或在“楼栋”表中。",
    "居民：楼栋、单元、房号指明所住的户，户不存在时自动建立；流动人口须填登记开始、预计结束。",
    "示例（虚构）：张三，居民身份证，331081199001019990，男，1990-01-01，13800001234，户主，户籍，……，9幢，4单元，201，2020-01-01",
]
