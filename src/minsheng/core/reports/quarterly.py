"""The quarterly analysis report (季度分析报告): its sentences written from the figures, in the
phrasing such reports use, and its tables. Pure: the platform gathers the figures
(``reports/facts.py``), this writes them, the renderers print them.

Sections, as these reports run: 一、基本情况 (the headline figures), 二、指标监测, 三、群众满意度,
四、政务服务好差评, 五、大厅指标与明察暗访, 六、存在的问题, 七、下一步工作, then 附表. A section
without figures is left out and the rest renumbered. Every figure is printed the way the pages
print it: scores with two decimals, rates as percentages with one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from minsheng.core.reports.charts import bar_chart
from minsheng.core.reports.content import NUMERALS, Content, Picture, Section, Table, numbered


@dataclass(frozen=True, slots=True)
class Named:
    name: str
    value: float | None = None
    detail: str = ""
    key: str = ""  # what the platform calls it (an indicator or item code, a visit), for links


@dataclass(slots=True)
class IndexFacts:
    index: float | None
    rank: int | None
    peers: int
    peer_label: str  # 全省 / 全市
    rank_low: int | None = None
    rank_high: int | None = None
    previous_rank: int | None = None
    indicators: int = 0
    with_target: int = 0
    met: int = 0
    below: list[str] = field(default_factory=list)  # names below the average
    below_codes: list[str] = field(default_factory=list)  # their indicator codes
    first: list[str] = field(default_factory=list)  # names ranked first
    off_track: list[str] = field(default_factory=list)
    risers: list[Named] = field(default_factory=list)  # biggest score gains since last period
    fallers: list[Named] = field(default_factory=list)


@dataclass(slots=True)
class PollFacts:
    poll_id: int
    name: str
    score: float
    n: int
    previous: float | None = None
    change_significant: bool | None = None
    rate: float | None = None  # satisfaction rate 0–1
    target: float | None = None  # 0–1
    target_verdict: str = ""  # met / not_met / undecided (within error)
    units: list[Named] = field(default_factory=list)  # sub-units, best first (value = score)
    fields: list[Named] = field(default_factory=list)
    weakest: list[Named] = field(default_factory=list)  # items, weakest first

    @property
    def change_text(self) -> str:
        """The change since the previous round as printed: +2.52 / -0.60 ("" for none)."""
        return "" if self.previous is None else f"{self.score - self.previous:+.2f}"


@dataclass(slots=True)
class RatingFacts:
    active: int
    good_rate: float | None
    bad: int
    rectified_rate: float | None
    on_time_rate: float | None
    units: list[Named] = field(default_factory=list)  # value = 好评率; detail = 整改率 text
    short: list[Named] = field(default_factory=list)  # units short of the rates


@dataclass(frozen=True, slots=True)
class OpenTask:
    title: str
    unit: str
    due: str  # written out: 2026年12月20日
    overdue: bool


@dataclass(slots=True)
class TaskFacts:
    total: int
    done: int
    overdue: int
    on_time_rate: float | None
    open: list[OpenTask] = field(default_factory=list)


@dataclass(slots=True)
class HallFacts:
    metrics: list[Named] = field(default_factory=list)  # value = share; detail = target text
    year: int = 0
    met: int = 0
    visits: int = 0  # inspection visits in the period
    findings: int = 0
    pass_rate: float | None = None
    worst: list[Named] = field(default_factory=list)


@dataclass(slots=True)
class QuarterFacts:
    region: str
    period_label: str  # 2026年第3季度
    issuer: str
    date: str
    child_label: str  # 县（市、区） / 乡镇（街道）
    index: IndexFacts | None = None
    poll: PollFacts | None = None
    ratings: RatingFacts | None = None
    tasks: TaskFacts | None = None
    hall: HallFacts | None = None
    notes: list[str] = field(default_factory=list)  # what had no data, said once


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def score(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _list(names: Sequence[str], limit: int = 5) -> str:
    shown = "、".join(names[:limit])
    return shown + ("等" if len(names) > limit else "")


def _index_section(f: IndexFacts, region: str) -> Section:
    s = Section("指标监测")
    text = f"本期监测指标{f.indicators}项"
    if f.with_target:
        text += f"，其中{f.with_target}项设有目标值，已达到目标{f.met}项"
    text += "。"
    if f.index is not None and f.rank is not None:
        text += f"{region}水平指数{f.index:.2f}，位列{f.peer_label}第{f.rank}位"
        if f.rank_low is not None and f.rank_high is not None and f.rank_low != f.rank_high:
            text += f"（考虑数据不确定性，名次在第{f.rank_low}至{f.rank_high}位之间）"
        if f.previous_rank is not None and f.previous_rank != f.rank:
            move = f.previous_rank - f.rank
            text += f"，较上期{'上升' if move > 0 else '下降'}{abs(move)}位"
        elif f.previous_rank is not None:
            text += "，与上期持平"
        text += "。"
    s.paragraphs.append(text)
    if f.first:
        s.paragraphs.append(f"{len(f.first)}项指标位列{f.peer_label}第一：{_list(f.first)}。")
    if f.below:
        s.paragraphs.append(f"{len(f.below)}项指标低于平均水平：{_list(f.below, 8)}。")
    if f.risers or f.fallers:
        parts = []
        if f.risers:
            parts.append(
                "得分提高较多的是"
                + "、".join(f"{n.name}（提高{(n.value or 0):.1f}分）" for n in f.risers)
            )
        if f.fallers:
            parts.append(
                "下降较多的是"
                + "、".join(f"{n.name}（下降{abs(n.value or 0):.1f}分）" for n in f.fallers)
            )
        s.paragraphs.append("与上期相比，" + "；".join(parts) + "。")
    return s


def _poll_section(f: PollFacts, region: str, child: str) -> Section:
    s = Section("群众满意度")
    text = f"{f.name}共调查{f.n}人，{region}总体满意度{f.score:.2f}分"
    if f.previous is not None:
        diff = f.score - f.previous
        word = "提高" if diff > 0 else "下降"
        text += f"，较上轮{word}{abs(diff):.2f}分"
        if f.change_significant is not None:
            text += "，变化超出抽样误差" if f.change_significant else "，变化在抽样误差范围内"
    text += "。"
    if f.rate is not None:
        text += f"满意率{pct(f.rate)}"
        if f.target is not None:
            verdict = {
                "met": "已达到",
                "not_met": "未达到",
            }.get(f.target_verdict, "与目标的差距在抽样误差范围内，尚不能判定是否达到")
            text += f"，目标{pct(f.target)}，{verdict}" + ("目标" if f.target_verdict else "")
        text += "。"
    s.paragraphs.append(text)
    ranked = [u for u in f.units if u.value is not None]
    if len(ranked) >= 2:
        top = ranked[: min(3, len(ranked) // 2 or 1)]
        bottom = ranked[-len(top) :]
        s.paragraphs.append(
            f"各{child}中，得分相对较高的是"
            + "、".join(f"{u.name}（{score(u.value)}分）" for u in top)
            + "，相对较低的是"
            + "、".join(f"{u.name}（{score(u.value)}分）" for u in bottom)
            + "。"
        )
        s.picture = Picture(
            bar_chart([u.name for u in ranked], [u.value or 0 for u in ranked], label="满意度得分",
                      reference=f.score, reference_label=f"{region} {f.score:.2f}"),
            15, f"图：各{child}满意度得分",
        )  # fmt: skip
        s.tables.append(
            Table(
                f"各{child}满意度得分",
                ["排名", child, "得分", "较上轮"],
                [
                    [str(k), u.name, score(u.value), u.detail or "—"]
                    for k, u in enumerate(ranked, 1)
                ],
                [True, False, True, False],
            )
        )
    if f.fields:
        ordered = sorted(f.fields, key=lambda n: -(n.value or 0))
        s.paragraphs.append(
            "分领域看，得分最高的是"
            + f"{ordered[0].name}（{score(ordered[0].value)}分），最低的是"
            + f"{ordered[-1].name}（{score(ordered[-1].value)}分）。"
        )
    if f.weakest:
        s.paragraphs.append(
            "得分最低的题目是" + "、".join(f"“{n.name}”（{score(n.value)}分）" for n in f.weakest)
            + "。"
        )  # fmt: skip
    return s


def _ratings_section(f: RatingFacts, region: str, child: str) -> Section:
    s = Section("政务服务好差评")
    text = f"本期{region}共收到主动评价{f.active}条，好评率{pct(f.good_rate)}"
    if f.bad:
        text += (
            f"；差评{f.bad}条，差评整改率{pct(f.rectified_rate)}，按期整改率{pct(f.on_time_rate)}"
        )
    else:
        text += "，无差评"
    s.paragraphs.append(text + "。")
    units = [u for u in f.units if u.value is not None]
    if len(units) >= 2:
        s.picture = Picture(
            bar_chart([u.name for u in units], [u.value or 0 for u in units], label="好评率",
                      percent=True),
            15, f"图：各{child}好评率",
        )  # fmt: skip
    if f.short:
        s.paragraphs.append(
            f"{len(f.short)}个单位差评整改未全部完成：{_list([n.name for n in f.short], 8)}"
            "（详见附表）。"
        )
    return s


def _hall_section(f: HallFacts) -> Section:
    s = Section("大厅指标与明察暗访")
    if f.metrics:
        missed = [m for m in f.metrics if m.detail.startswith("未达到")]
        s.paragraphs.append(
            f"政务服务大厅六项指标中，{f.met}项达到目标"
            + (
                "；未达到的是"
                + "、".join(f"{m.name}（{pct(m.value)}，{m.detail}）" for m in missed)
                if missed
                else ""
            )
            + "。"
        )
    if f.visits:
        text = (
            f"本期明察暗访{f.visits}个服务中心，发现问题{f.findings}个，"
            f"检查项目合格率{pct(f.pass_rate)}"
        )
        if f.worst:
            text += "；问题较多的是" + "、".join(f"{w.name}（{score(w.value)}分）" for w in f.worst)
        s.paragraphs.append(text + "。")
    return s


def _problems(facts: QuarterFacts) -> Section:
    found: list[str] = []
    if facts.index is not None and facts.index.below:
        below = facts.index.below
        found.append(f"部分指标低于平均水平。{_list(below, 5)}等{len(below)}项指标低于平均水平。")
    if facts.poll is not None and facts.poll.weakest:
        weakest = facts.poll.weakest[0]
        found.append(
            f"群众满意度存在短板。“{weakest.name}”得分{score(weakest.value)}分，为各题目最低。"
        )
    if facts.ratings is not None and facts.ratings.short:
        found.append(f"差评整改不到位。{len(facts.ratings.short)}个单位差评整改未全部完成。")
    if facts.tasks is not None and facts.tasks.overdue:
        found.append(f"部分整改任务逾期。{facts.tasks.overdue}项督办任务已超过期限仍未办结。")
    if facts.hall is not None and facts.hall.findings:
        found.append(f"窗口服务仍有薄弱环节。明察暗访发现问题{facts.hall.findings}个。")
    return Section("存在的问题", [f"（{NUMERALS[k]}）{text}" for k, text in enumerate(found)])


def _next_steps(facts: QuarterFacts) -> Section:
    s = Section("下一步工作")
    if facts.tasks is not None:
        t = facts.tasks
        if t.total:
            s.paragraphs.append(
                f"本期到期的督办任务{t.total}项，已办结{t.done}项，按时办结率{pct(t.on_time_rate)}。"
            )
        s.paragraphs.append(
            "下一步，对未办结任务逐项跟踪，逾期的升级督办，整改结果以后续数据核验。"
        )
        if t.open:
            s.tables.append(
                Table(
                    "未办结的督办任务",
                    ["序号", "任务", "承办单位", "期限"],
                    [
                        [str(k), o.title, o.unit, o.due + ("（已逾期）" if o.overdue else "")]
                        for k, o in enumerate(t.open, 1)
                    ],
                    [True, False, False, False],
                )
            )
    return s


def quarterly(facts: QuarterFacts) -> Content:
    """The report's content from its figures."""
    region, child = facts.region, facts.child_label
    basics = Section("基本情况")
    headline: dict[str, str] = {}
    parts = []
    if facts.index is not None and facts.index.index is not None:
        headline["水平指数"] = score(facts.index.index)
        parts.append(f"水平指数{score(facts.index.index)}")
        if facts.index.rank is not None:
            headline["水平指数排名"] = str(facts.index.rank)
    if facts.poll is not None:
        headline["满意度"] = score(facts.poll.score)
        parts.append(f"群众满意度{score(facts.poll.score)}分")
    if facts.ratings is not None and facts.ratings.good_rate is not None:
        headline["好评率"] = pct(facts.ratings.good_rate)
        parts.append(f"好评率{pct(facts.ratings.good_rate)}")
    if facts.tasks is not None and facts.tasks.total:
        headline["督办任务"] = str(facts.tasks.total)
        parts.append(f"到期督办任务{facts.tasks.total}项（逾期{facts.tasks.overdue}项）")
    if parts:
        basics.paragraphs.append(f"{facts.period_label}，{region}" + "，".join(parts) + "。")
    basics.paragraphs += facts.notes
    sections = [basics]
    if facts.index is not None:
        sections.append(_index_section(facts.index, region))
    if facts.poll is not None:
        sections.append(_poll_section(facts.poll, region, child))
    if facts.ratings is not None:
        sections.append(_ratings_section(facts.ratings, region, child))
    if facts.hall is not None:
        sections.append(_hall_section(facts.hall))
    sections += [_problems(facts), _next_steps(facts)]
    appendix: list[Table] = []
    if facts.ratings is not None and facts.ratings.units:
        appendix.append(
            Table(
                f"附表：各{child}好差评情况",
                [child, "好评率", "差评整改"],
                [[u.name, pct(u.value), u.detail] for u in facts.ratings.units],
                [False, True, False],
            )
        )
    return Content(
        title=f"{region}公共服务质量分析报告",
        subtitle=f"（{facts.period_label}）",
        issuer=facts.issuer,
        date=facts.date,
        lead=[],
        sections=numbered(sections),
        appendix=appendix,
        headline=headline,
    )
