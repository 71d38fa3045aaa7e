"""Demo data for the hotline: an illustrative category tree (a city loads its own code table;
this is not a national one), and a year of work orders for the demo city (about 200,000 at city
scale, 1,500 at test scale) — realistic types, seasons (heat and noise in summer, unpaid wages
before the Spring Festival), texts that make routing non-trivial (the same words under several
categories), answered mostly within their deadlines, followed up by phone, some unsatisfied
and reopened, some returned to dispatch, and a hot spot: 物业管理 complaints in the first
district rising sharply in November 2026; and two routing rules of the dispatchers (电梯 to the
market regulator, which inspects lifts; 欠薪 to human resources)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from minsheng.core.hotline.deadlines import DeadlineRules, DueMemo
from minsheng.core.regions import Level
from minsheng.core.workdays.calendar import SHANGHAI, WorkCalendar
from minsheng.demo.registry import DemoContext, register
from minsheng.hotline.models import Category, Rules, State
from minsheng.hotline.services.imports import blank_order, insert_orders, phone_hash
from minsheng.orgs.models import Organisation, Region
from minsheng.reviews.services.contact import encrypt, mask

START = dt.date(2025, 12, 1)
AS_OF = dt.datetime(2026, 11, 30, 18, 0, tzinfo=SHANGHAI)
# (code, name, default unit: a department key suffix or "township", texts)
TREE: tuple[tuple[str, str, tuple[tuple[str, str, str, tuple[str, ...]], ...]], ...] = (
    ("01", "城乡建设", (
        ("0101", "物业管理", "housing",
         ("小区物业不作为，电梯坏了一个月没人修", "物业费上涨没有公示", "小区垃圾堆放物业不清理")),
        ("0102", "房屋质量", "housing", ("新房墙体开裂漏水开发商不维修", "楼顶漏水找谁都不管")),
        ("0103", "供水供气", "housing", ("家里停水两天没有通知", "燃气表读数异常费用偏高")),
    )),
    ("02", "市场监管", (
        ("0201", "消费维权", "market",
         ("网购商品质量问题商家拒绝退货", "健身房老板跑路预付卡无法退费")),
        ("0202", "食品安全", "market", ("餐馆卫生条件差吃了拉肚子", "超市出售过期食品")),
        ("0203", "价格收费", "market", ("停车场乱收费没有明码标价", "景区门票价格与公示不符")),
    )),
    ("03", "城市管理", (
        ("0301", "噪声扰民", "township",
         ("小区门口夜间施工噪音很大影响休息", "广场舞音响声音太大", "商铺门口音箱噪音扰民")),
        ("0302", "市容环境", "township", ("路边垃圾没人清理有异味", "占道经营堵塞人行道")),
        ("0303", "违章建筑", "urban", ("楼顶私搭乱建存在安全隐患", "一楼住户违规扩建院子")),
    )),
    ("04", "交通出行", (
        ("0401", "公交服务", "transport", ("公交车不按时发车等了一个小时", "公交司机态度恶劣")),
        ("0402", "道路设施", "transport", ("路面坑洼多次发生事故", "路灯坏了晚上很黑不安全")),
    )),
    ("05", "劳动社保", (
        ("0501", "欠薪讨薪", "hrss", ("工地老板拖欠工资半年", "公司拖欠工资不发还不签合同")),
        ("0502", "社保医保", "medical-ins", ("医保异地报销手续太麻烦", "社保缴费记录查询不到")),
    )),
    ("06", "教育医疗", (
        ("0601", "入学招生", "edu", ("孩子入学学区划分不合理", "幼儿园收费过高")),
        ("0602", "医疗服务", "health", ("医院挂号难排队时间太长", "医生态度差不解释病情")),
    )),
    ("07", "政务服务", (
        ("0701", "办事效率", "gov-service",
         ("营业执照办理跑了好几次还没办好", "政务服务中心窗口排队时间太长")),
        ("0702", "窗口服务", "gov-service", ("窗口工作人员态度差推诿", "大厅工作人员玩手机不理人")),
    )),
    ("08", "生态环境", (
        ("0801", "大气污染", "eco", ("工厂晚上偷排废气气味刺鼻", "烧烤摊油烟很大")),
        ("0802", "水污染", "eco", ("河道发黑发臭有死鱼", "企业向河里排污水")),
    )),
)  # fmt: skip
TYPES = (("consult", 0.34), ("help", 0.24), ("complaint", 0.26), ("report", 0.05),
         ("suggestion", 0.09), ("praise", 0.02))  # fmt: skip
CHANNELS = (("phone", 0.72), ("web", 0.08), ("app", 0.12), ("platform", 0.03),
            ("petition", 0.02), ("window", 0.02), ("mailbox", 0.01))  # fmt: skip
SEASON = {"0103": {6: 1.8, 7: 2.2, 8: 2.0}, "0301": {6: 1.6, 7: 1.8, 8: 1.7},
          "0501": {12: 2.0, 1: 2.8, 2: 1.6}, "0601": {7: 2.5, 8: 2.8}}  # fmt: skip
CONSULT_TEXTS = (
    "咨询{place}新生儿落户需要什么材料",
    "咨询公积金提取办理流程",
    "请问{place}的政务服务中心几点下班",
    "咨询居住证办理条件",
)


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([k for k, _ in weighted], [w for _, w in weighted])[0]


@register("hotline", order=95)
def build_hotline(ctx: DemoContext) -> None:
    rng = ctx.rng("hotline")
    city_plan = next(r for r in ctx.plan.regions if r.level == Level.CITY)
    city = ctx.regions[city_plan.code]
    leaves = _tree(ctx, city)
    mine = [ctx.regions[r.code] for r in ctx.plan.regions]
    townships = [r for r in mine if r.level == Level.TOWNSHIP and r.city_id == city.pk]
    villages = [r for r in mine if r.level == Level.VILLAGE and r.city_id == city.pk]
    governments = {o.region_id: o for o in ctx.organisations.values() if o.kind == "government"}
    township_of = {t.pk: t for t in townships}
    county_ids = {r.pk for r in mine if r.level == Level.COUNTY}
    centres = {
        o.region_id: o
        for o in ctx.organisations.values()
        if o.kind == "service_centre" and o.region_id in county_ids
    }
    counties = sorted({t.county_id for t in townships})
    hot_county = counties[0]
    total = 1500 if str(ctx.plan.scale) == "test" else 200_000
    rules, due = DeadlineRules(), DueMemo(WorkCalendar())
    days = (AS_OF.date() - START).days + 1
    orders: list[dict[str, Any]] = []
    for k in range(total):
        day = START + dt.timedelta(days=rng.randrange(days))
        kind = _pick(rng, TYPES)
        code, _name, unit_key, texts, cat = rng.choice(leaves)
        boost = SEASON.get(code, {}).get(day.month, 1.0)
        if boost < 1.5 and rng.random() > boost / 2.8:
            code, _name, unit_key, texts, cat = rng.choice(leaves)  # seasons tilt the mix
        place = rng.choice(villages or townships)
        township = township_of.get(place.township_id, place)
        hot = day >= dt.date(2026, 11, 1) and place.county_id == hot_county and rng.random() < 0.35
        if hot:
            kind, code, _name, unit_key, texts, cat = (
                "complaint",
                *next(leaf for leaf in leaves if leaf[0] == "0101"),
            )
        text = rng.choice(texts)
        if kind == "consult":  # a question about the same matter, or a general one
            text = (
                rng.choice(CONSULT_TEXTS).format(place=township.name)
                if code == "0701" and rng.random() < 0.5
                else f"咨询：{text}，这种情况应该找哪个部门？"
            )
        hour = dt.time(rng.randint(7, 21), rng.randrange(60))
        received = min(dt.datetime.combine(day, hour, tzinfo=SHANGHAI),
                       AS_OF - dt.timedelta(minutes=rng.randint(1, 600)))  # fmt: skip
        unit = (
            governments.get(township.pk)
            if unit_key == "township"
            else ctx.organisations.get(f"dept-{city.code}-{unit_key}")
        )
        phone = f"1{rng.choice('358')}{rng.randrange(10**9):09d}"
        caller = rng.choice("王李张刘陈杨赵黄周吴") + rng.choice(("先生", "女士"))
        order = blank_order(city, f"RX{day:%Y%m%d}{k:06d}")
        order.update(
            channel=_pick(rng, CHANNELS), type=kind, category_id=cat.pk,
            category_text=cat.path, region_id=place.pk, text=text, received_at=received,
            phone_cipher=encrypt(phone), phone_masked=mask(phone), phone_hash=phone_hash(phone),
            caller_cipher=encrypt(caller), caller_masked=mask(caller),
        )  # fmt: skip
        if code in ("0701", "0702"):  # about a service centre: the county's
            hall = centres.get(place.county_id)
            order["centre_id"] = hall.pk if hall is not None else None
        _progress(order, rng, kind, unit, rules, due)
        orders.append(order)
    ctx.summary["hotline_orders"] = insert_orders(orders)
    Rules.objects.update_or_create(city=city, defaults={"keywords": [  # two routing rules
        {"keywords": ["欠薪", "拖欠工资"], "unit": f"dept-{city.code}-hrss", "category": "0501",
         "region": ""},
        {"keywords": ["电梯"], "unit": f"dept-{city.code}-market", "category": "", "region": ""},
    ]})  # fmt: skip


def _progress(
    order: dict[str, Any],
    rng: random.Random,
    kind: str,
    unit: Organisation | None,
    rules: DeadlineRules,
    due: DueMemo,
) -> None:
    """How far the order got by AS_OF, with realistic times."""
    received: dt.datetime = order["received_at"]
    if kind == "consult" and rng.random() < 0.6:  # answered on the call (直接办结)
        order["answered_at"] = received + dt.timedelta(minutes=rng.randint(3, 15))
        order["state"] = State.ANSWERED
    else:
        dispatched = received + dt.timedelta(minutes=rng.randint(10, 300))
        if dispatched > AS_OF or unit is None:
            return
        day = dispatched.astimezone(SHANGHAI).date()
        answer_due = due(day, rules.days_for(kind))
        order.update(
            unit_id=unit.pk, dispatched_at=dispatched, state=State.DISPATCHED,
            accept_due=due(day, rules.accept_days), answer_due=answer_due,
            returned=int(rng.random() < 0.04),  # sent to the wrong unit first
        )  # fmt: skip
        accepted = dispatched + dt.timedelta(hours=rng.choice((1, 2, 4, 20, 30, 60)))
        if accepted > AS_OF:
            return
        order.update(accepted_at=accepted, state=State.HANDLING)
        span = (answer_due - dispatched).total_seconds()
        late = rng.random() < 0.07
        share = rng.uniform(1.05, 1.6) if late else rng.uniform(0.1, 0.95)
        answered = dispatched + dt.timedelta(seconds=span * share)
        if answered > AS_OF:
            if answer_due < AS_OF:  # chased already before the demo's moment
                order.update(due_reminded_at=answer_due, escalated_at=answer_due)
            return
        order.update(answered_at=answered, state=State.ANSWERED,
                     answer="已联系来电人，现场核实并处理，已向来电人反馈办理结果。")  # fmt: skip
    if order["answered_at"] is None or rng.random() > 0.85:
        return
    followed = order["answered_at"] + dt.timedelta(days=rng.randint(1, 3))
    if followed > AS_OF:
        return
    roll = rng.random()
    result = "satisfied" if roll < 0.7 else ("mostly" if roll < 0.88 else "unsatisfied")
    order.update(followup=result, solved=roll < 0.82, followed_up_at=followed,
                 state=State.CLOSED)  # fmt: skip
    if result == "unsatisfied" and rng.random() < 0.5:
        order["reopened"] = 1


def _tree(ctx: DemoContext, city: Region) -> list[tuple[str, str, str, tuple[str, ...], Category]]:
    leaves = []
    for code, name, children in TREE:
        top = Category.objects.create(city=city, code=code, name=name, path=name)
        for leaf_code, leaf_name, unit_key, texts in children:
            dept = ctx.organisations.get(f"dept-{city.code}-{unit_key}")
            leaf = Category.objects.create(
                city=city, code=leaf_code, name=leaf_name, parent=top,
                path=f"{name}/{leaf_name}", department=dept,
            )  # fmt: skip
            leaves.append((leaf_code, leaf_name, unit_key, texts, leaf))
    return leaves
