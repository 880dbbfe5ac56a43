"""Demo mediation centres, disputes at every tier and outcome, clues, 吴山村's greenway: via the services
with the demo's accounts (validated, audited); dates are offsets from `anchor` (default today) but what a
service stamps itself (a mediation's end, a follow-up done) is the day of loading. Idempotent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.cases.defaults import ensure_defaults
from gridgov.core import context
from gridgov.demo.people import CHENGXI, TAIPING, invented_name
from gridgov.geo.models import Grid, SubDistrict, Village
from gridgov.mediation.defaults import ensure_risk_levels
from gridgov.mediation.models import Clue, Consultation, Dispute, MediationCentre
from gridgov.mediation.services import agreements, clues, consultations, disputes, ladder
from gridgov.people.models import Resident

# village, grid, kind, risk, flags, final tier, outcome, after an agreement, days before the anchor, title.
# flags: r parties from the registry, o the other party is an organisation, v at risk of violence,
# a the police answered, m a party came to the centre three times.
PLAN = """
渭川村 1 neighbours yellow r 1 resolved - 2 楼道堆放杂物纠纷
渭川村 2 housing_homestead yellow r 2 agreement performed 95 宅基地滴水檐界址纠纷
渭川村 3 labour orange om 4 agreement due 70 鞋厂拖欠工资纠纷
吴山村 1 land_forest yellow r 2 agreement broken 120 山林承包界线纠纷
吴山村 2 neighbours blue r 1 resolved - 1 晒场占用纠纷
前山村 1 neighbours yellow r 1 open - 6 邻里通道占用纠纷
前山村 2 marriage_family orange r 2 resolved - 9 老人赡养纠纷
横山村 1 damages yellow - 1 agreement performed 48 鸡鸭毁坏菜地赔偿纠纷
横山村 3 traffic yellow - 3 agreement performed 80 电动车碰撞赔偿纠纷
塘下村 1 environment orange o 3 resolved - 18 养殖场异味扰民纠纷
塘下村 2 neighbours red rva 1 open - 3 邻里积怨口角纠纷
王城村 1 contract yellow o 4 court - 34 房屋装修工程款纠纷
大岙村 2 requisition orange m 5 resolved - 55 道路拓宽征地补偿纠纷
林岙村 1 property_management blue o 2 agreement due 20 物业费收缴纠纷
山前村 2 housing_homestead yellow r 4 agreement performed 150 老屋翻建采光纠纷
岩头村 1 neighbours yellow r 1 agreement performed 40 排水沟堵塞纠纷
岩头村 3 consumer blue o 1 resolved - 2 家电退货纠纷
坦头村 2 labour orange om 5 arbitration - 60 工伤赔偿纠纷
溪口村 1 marriage_family yellow r 2 open - 12 分家析产纠纷
湖头村 1 land_forest orange rva 3 agreement - 25 承包地灌溉用水纠纷
金竹村 1 neighbours yellow r 2 agreement performed 400 院墙越界纠纷
东辉社区 1 neighbours yellow r 1 agreement performed 35 楼上楼下漏水纠纷
东辉社区 1 neighbours orange rva 1 resolved - 2 停车位争执纠纷
东辉社区 2 property_management blue o 1 resolved - 1 电梯维修费分摊纠纷
西园社区 1 neighbours yellow r 1 resolved - 3 装修噪声扰民纠纷
西园社区 2 consumer blue o 2 agreement - 15 预付卡退费纠纷
肖泉村 1 marriage_family yellow r 2 resolved - 8 婆媳矛盾纠纷
肖泉村 2 contract yellow o 3 administrative - 20 土地流转租金纠纷
南屏社区 1 traffic yellow - 4 agreement broken 90 小区道路剐蹭赔偿纠纷
三星村 2 labour orange om 4 open - 26 建筑工地欠薪纠纷
上保村 1 damages red va 1 resolved - 2 酒后毁损财物纠纷
北山社区 1 damages yellow - 2 agreement performed 380 空调外机滴水赔偿纠纷
"""
# kind | the matter | the terms agreed | the other party, when it is an organisation
KINDS_TEXT = """
neighbours|双方因生活琐事多次争吵，邻里关系紧张|过错一方赔礼道歉并恢复原状|
housing_homestead|双方对宅基地四至和建房间距各执一词|按村存档四至图定界，共同砌筑界墙|
labour|工人与企业就拖欠工资和工伤待遇发生争议|企业分两期结清欠款，首期当日支付|某鞋业有限公司
land_forest|双方对承包界线、用水和收益分配有争议|按承包合同附图确认界线，收益按份分配|
marriage_family|家庭成员就赡养、分家和财产分配发生矛盾|子女按月分担赡养费，每月5日前交付|
damages|一方财物受损，双方对赔偿数额有分歧|侵权一方一次性赔偿损失，再无纠纷|
traffic|双方对事故责任和医药费、误工费赔偿有争议|按交警认定的责任比例赔偿各项损失|
environment|村民反映养殖场异味和污水影响生活|养殖场限期改造污水设施，整改前减栏|某生猪养殖场
contract|双方就合同履行和付款发生争议|按实际完成量结算，余款限期一次付清|某建筑装饰工程队
requisition|被征收户对补偿标准和安置方案有异议|按街道标准结算并增加过渡期安置补助|
property_management|业主与物业就收费和服务质量发生争议|物业限期整改，业主按约补缴物业费|某物业服务有限公司
consumer|消费者与商家就退货退款发生争议|商家退还货款，消费者退回商品|某家电商行
"""
KINDS = {k: (m, t, o) for k, m, t, o in (line.split("|") for line in KINDS_TEXT.strip().splitlines())}
SESSIONS = """
网格员联合周边住户评理，听取双方意见
村级恳谈，村两委和村民代表参与，提出调解方案
召集司法所和相关部门共同会商，明确各方责任
街道矛调中心组织调处，释法说理
提交要件会议研究，形成处理意见
"""
SUMMARY = dict(enumerate(SESSIONS.split(), start=1))
AGREED = ("双方对责任承担和赔偿数额存在争议", "现金或银行转账支付，按约履行")
FOLLOW_UP = {"performed": "回访：协议已履行，双方满意", "broken": "回访：一方未按期履行，已督促履行"}
WARNED = "邻里通道占用纠纷"
ANSWER = "已到场了解情况，对双方释法说理，双方情绪稳定。"
CLUES = [
    ("tendency", 20, "邻居反映双方又因通道问题争吵"),
    ("tendency", 11, "双方在通道口互相堆放杂物，矛盾加深"),
    ("warning", 3, "一方扬言要拆除对方搭建的雨棚"),
]
GREENWAY = "环山休闲绿道"
PROPOSAL = "村民到村级矛调中心反映，希望沿后山修建环山休闲绿道，方便散步健身，带动乡村旅游。"
MEETINGS = """
105|吴山村矛调中心|46|街道工作人员、村两委、村民代表|讨论绿道线路和占用山林的补偿，村民普遍支持。
88|吴山村文化礼堂|63|街道工作人员、村两委、村民代表、企业代表|商定群众自筹、村级出点、企业帮扶、街道补助。
"""
SHARES = """
residents|360000|吴山村村民（群众自筹）
village|500000|吴山村村集体（村级出点）
enterprise|400000|本村企业（企业帮扶）
subsidy|600000|城西街道（街道补助）
"""
PROGRESS = ((50, 35, "路基平整完成"), (25, 70, "游步道铺设过半"), (5, 100, "绿道建成开放"))
TOTAL = "1860000"  # yuan: the four shares add up to it
DECISION = "建设环山休闲绿道约3.2公里，总投资186万元，按四方筹资方案实施，村监委全程监督。"


@dataclass(frozen=True)
class Spec:
    village: str
    grid: int
    kind: str
    risk: str
    flags: str
    tier: int
    outcome: str
    after: str
    days: int
    title: str


def plan() -> list[Spec]:
    rows = [line.split() for line in PLAN.strip().splitlines()]
    return [Spec(v, int(g), k, r, f, int(t), o, a, int(d), x) for v, g, k, r, f, t, o, a, d, x in rows]


def _centre(mediators: Any, defaults: dict[str, Any], **key: Any) -> int:
    centre, created = MediationCentre.objects.get_or_create(**key, defaults=defaults)
    missing = set(mediators.values_list("pk", flat=True)) - set(centre.mediators.values_list("pk", flat=True))
    if missing:  # an empty add would still be written to the audit trail
        centre.mediators.add(*missing)
    return int(created)


def _centres() -> int:
    """Each sub-district's centre (Chengxi's has 400 m²) with its mediators (else its command centre);
    one centre in each of Chengxi's 20 villages, with the village's cadre and grid leader as mediators."""
    made, roles = 0, [Role.CADRE, Role.GRID_LEADER]
    for sd in SubDistrict.objects.filter(code__in=[TAIPING, CHENGXI]).order_by("code"):
        more: dict[str, Any] = {"name": f"{sd.name}矛调中心", "address": f"{sd.name}综治中心"}
        more["area_m2"] = 400 if sd.code == CHENGXI else None
        staff = User.objects.filter(scope_sub_district=sd).order_by("pk")
        mediators = staff.filter(role=Role.MEDIATOR) or staff.filter(role=Role.OPERATOR)
        made += _centre(mediators, more, sub_district=sd, level=MediationCentre.Level.SUB_DISTRICT)
    for village in Village.objects.filter(sub_district__code=CHENGXI).order_by("code"):
        more = {"name": f"{village.name}矛调中心", "address": f"{village.name}村委会", "level": "village"}
        more["sub_district_id"] = village.sub_district_id
        made += _centre(User.objects.filter(scope_village=village, role__in=roles), more, village=village)
    return made


def _actors(grid: Grid) -> dict[int, Any]:
    """Who mediates at each tier: the grid worker, the village's mediator, the sub-district's, its leader."""
    village, sd = grid.village, grid.village.sub_district
    staff = User.objects.filter(scope_village=village).order_by("pk")
    local = staff.filter(role=Role.CADRE).first() or staff.filter(role=Role.GRID_LEADER).first()
    centre = MediationCentre.objects.get(sub_district=sd, level=MediationCentre.Level.SUB_DISTRICT)
    mediator = centre.mediators.order_by("pk").first()
    office = User.objects.filter(scope_sub_district=sd).order_by("pk")
    leader, operator = office.filter(role=Role.LEADER).first(), office.filter(role=Role.OPERATOR).first()
    worker = grid.workers.order_by("pk").first()  # 0: records an ending the mediator may not (docs)
    return {0: operator, 1: worker, 2: local, 3: mediator, 4: mediator, 5: leader}


def _parties(grid: Grid, spec: Spec, n: int) -> list[disputes.PartyInput]:
    if "r" in spec.flags:
        people = Resident.objects.filter(grid=grid, household__isnull=False, anonymised_at=None)
        ids = list(people.order_by("pk").values_list("pk", flat=True)[n % 7 : n % 7 + 2])
        if len(ids) == 2:
            return [disputes.PartyInput(resident_id=pk) for pk in ids]
    first = disputes.PartyInput(name=invented_name(500 + 2 * n), address=f"{grid.village.name}")
    if "o" in spec.flags and KINDS[spec.kind][2]:
        return [first, disputes.PartyInput(name=f"温岭市{KINDS[spec.kind][2]}", kind="organisation")]
    return [first, disputes.PartyInput(name=invented_name(501 + 2 * n), address=f"{grid.village.name}")]


def _dispute(spec: Spec, n: int, anchor: dt.date) -> Dispute | None:
    grids = Grid.objects.select_related("village__sub_district").filter(village__name=spec.village)
    grid = grids.order_by("code")[spec.grid - 1]
    if Dispute.objects.filter(case__grid=grid, case__title=spec.title).exists():
        return None
    actors, (matter, terms, _org) = _actors(grid), KINDS[spec.kind]
    happened = anchor - dt.timedelta(days=spec.days)
    matter = f"{spec.title}：{matter}" + ("，一方情绪激动扬言报复。" if "v" in spec.flags else "。")
    lng, lat = grid.label_lng, grid.label_lat
    data = disputes.DisputeInput(spec.title, spec.kind, matter, happened, spec.risk, lng, lat)
    data.violence_risk, data.parties = "v" in spec.flags, _parties(grid, spec, n)
    data.found_by = Dispute.FoundBy.SCREENING if n % 3 else Dispute.FoundBy.REPORT
    dispute = disputes.open_dispute(actors[1], data)
    if "a" in spec.flags:
        for referral in dispute.police_referrals.select_related("officer"):
            disputes.answer_referral(referral.officer, referral.pk, ANSWER)
    gap = max(1, min(spec.days // (spec.tier + 3), 7 * spec.tier))
    for tier in range(1, spec.tier + 1):
        day, actor = happened + dt.timedelta(days=gap * tier), actors[tier]
        names = "、".join([actor.full_name, *dispute.parties.values_list("name", flat=True)])
        place = {1: grid.name, 2: f"{grid.village.name}矛调中心"}.get(tier, str(dispute.centre or ""))
        session = ladder.SessionInput(day, place or grid.village.name, names, SUMMARY[tier])
        ladder.record_session(actor, dispute.pk, dispute.version, session)
        dispute.refresh_from_db()
        if tier < spec.tier:
            reason = f"第{tier}级未能化解，双方分歧较大"
            dispute = ladder.escalate_tier(actor, dispute.pk, dispute.version, reason)
    _visits(dispute, spec, actors[spec.tier], day, gap)
    _finish(dispute, spec, actors, day + dt.timedelta(days=gap), terms)
    return dispute


def _visits(dispute: Dispute, spec: Spec, actor: Any, day: dt.date, gap: int) -> None:
    centre = dispute.centre_id or 0
    for k, party in enumerate(dispute.parties.order_by("pk") if centre else []):
        for t in range(3 if "m" in spec.flags and k == 0 else 1):
            on = day - dt.timedelta(days=gap * t)
            agreements.record_visit(actor, party.pk, centre, on, "反映诉求" if t else "参加调解")


def _finish(dispute: Dispute, spec: Spec, actors: dict[int, Any], signed: dt.date, terms: str) -> None:
    actor, version = actors[spec.tier], dispute.version
    actor = actor if actor.has_perm("cases.change_case") else actors[0]
    if spec.outcome == "resolved":
        ladder.end(actor, dispute.pk, version, "resolved", "双方达成谅解，矛盾化解")
    elif spec.outcome in Dispute.Referral.values:
        ladder.end(actor, dispute.pk, version, "referred", "调解不成", referral=spec.outcome)
    elif spec.outcome == "agreement":
        deadline, place = signed + dt.timedelta(days=15), str(dispute.centre or spec.village)
        data = agreements.AgreementInput(
            dispute.matter, AGREED[0], terms, AGREED[1], place, deadline, signed, True, True
        )
        agreement = agreements.make_agreement(actor, dispute.pk, version, data)
        due = list(agreement.follow_ups.filter(due__lte=timezone.localdate()).order_by("due"))
        for follow_up in due if spec.after == "performed" else due[:1] if spec.after == "broken" else []:
            agreements.record_follow_up(actors[1], follow_up.pk, FOLLOW_UP[spec.after], spec.after)


def _clues(anchor: dt.date) -> int:
    """Three clues about the same people within the window: the early warning raises their dispute's risk."""
    made = 0
    target = Dispute.objects.select_related("case__grid").get(case__title=WARNED)
    people = [p for p in target.parties.values_list("resident_id", flat=True) if p]
    target_id: int | None = target.pk
    found = [(target.case.grid, kind, days, text, people, target_id) for kind, days, text in CLUES]
    for grid in Grid.objects.filter(code__in=["331081003205001", "331081001001001"]).order_by("code"):
        found.append((grid, "incipient", 7, "村民反映土地流转租金迟迟未付，有不满情绪", [], None))
    for grid, kind, days, text, residents, dispute_id in found:
        if Clue.objects.filter(grid=grid, description=text).exists():
            continue
        found_on = anchor - dt.timedelta(days=days)
        data = clues.ClueInput(grid.code, kind, "网格摸排", found_on, text, grid.name, residents, dispute_id)
        clues.record_clue(grid.workers.order_by("pk").first(), data)
        made += 1
    return made


def _greenway(anchor: dt.date) -> int:
    """Story 3: 吴山村's villagers ask their centre for a greenway; meetings decide a funding plan."""
    village = Village.objects.get(sub_district__code=CHENGXI, name="吴山村")
    if Consultation.objects.filter(village=village, title=GREENWAY).exists():
        return 0
    keeper = User.objects.get(username=f"wgz{village.code}")  # the village centre's mediator
    staff = User.objects.get(username="chengxi_tiaojie")  # "街道工作人员多次组织协商"

    def day(n: int) -> dt.date:
        return anchor - dt.timedelta(days=n)

    item = consultations.propose(keeper, village.code, GREENWAY, PROPOSAL, "吴山村村民代表", day(120))
    for line in MEETINGS.strip().splitlines():
        held, place, count, who, minutes = line.split("|")
        item.refresh_from_db()
        on, attendance = day(int(held)), int(count)
        consultations.hold_meeting(staff, item.pk, item.version, on, place, attendance, who, minutes)
    item.refresh_from_db()
    shares = [consultations.ShareInput(*line.split("|")) for line in SHARES.strip().splitlines()]
    ref, at = (item.pk, item.version), day(80)
    item = consultations.decide(
        staff, *ref, adopted=True, decision=DECISION, decided_on=at, total=TOTAL, shares=shares
    )
    for ago, percent, note in PROGRESS:
        item = consultations.report_progress(keeper, item.pk, item.version, day(ago), percent, note)
    return 1


def load_mediation(anchor: dt.date | None = None) -> dict[str, int]:
    """Load (or complete) the demo's mediation data; how many of each were added (none, run again)."""
    anchor = anchor or timezone.localdate()
    with context.acting_as_system("cli", "cli:demo"), transaction.atomic():
        ensure_defaults()
        ensure_risk_levels()
        centres = _centres()
        added = sum(_dispute(spec, n, anchor) is not None for n, spec in enumerate(plan()))
        return {
            "centres": centres,
            "disputes": added,
            "clues": _clues(anchor),
            "consultations": _greenway(anchor),
        }
