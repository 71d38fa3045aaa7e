"""Reading an action plan (工作方案) from its paragraphs: the tasks with their units, deadlines
and measurable targets, and the report-by rules.

- Numbering: 一、 (level 1), (一) (level 2), 1. (level 3), (1) (level 4); full-width brackets
  and punctuation are normalised to half-width first.
- A **task** is a numbered paragraph that names its units in a bracketed clause — "(牵头单位:A;
  配合单位:B、C;责任单位:各县(市、区)人民政府、各园区管委会)" — or an unnumbered paragraph under a
  numbered item that carries its own clause (numbered "(六)-1", "(六)-2" …). The house style
  "责任单位:A(牵头),B、C" is read too: a unit marked (牵头) leads. Units are split on 、 , ，
  outside brackets, so "各县(市、区)人民政府" stays one name.
- **Deadline**: "完成时限:2027年6月底前" → 2027-06-30 ("月底"/"月末" is the month's last day,
  "年底" the 31st of December, a day is taken as written).
- **Targets**: a number with a unit (%, 个, 人, 天, 小时, 分钟, 家, 项, 次) in a clause, with the
  words before it as the metric: "进驻率达到90%以上" → (进驻率, ≥, 90, %); 以上/不低于 → ≥,
  以下/以内/不超过 → ≤, otherwise ≥. A clause saying "YYYY年底" gives the target its due date.
- **Report rules**, read from the paragraphs that are not tasks: "各县(市、区)…于2020年11月5日前报
  市直牵头部门" → responsible → lead by 2020-11-05; "市直牵头部门于…前…报…办公室" → lead → office.
  A recurring rule ("每季度末月25日前…") keeps its words and no date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import asdict, dataclass, field

FULL_TO_HALF = str.maketrans({"（": "(", "）": ")", "：": ":", "；": ";", "，": ",", "　": " "})
NUMBERING = (
    (1, re.compile(r"^([一二三四五六七八九十百]+)、")),
    (2, re.compile(r"^\(([一二三四五六七八九十百]+)\)")),
    (3, re.compile(r"^(\d{1,3})[.．、](?!\d)")),
    (4, re.compile(r"^\((\d{1,3})\)")),
)
ROLES = {
    "牵头单位": "lead",
    "配合单位": "cooperating",
    "协办单位": "cooperating",
    "责任单位": "responsible",
}
UNIT_WORDS = ("牵头单位", "配合单位", "协办单位", "责任单位")
DEADLINE = re.compile(
    r"完成时限\s*:?\s*(\d{4})\s*年\s*(?:(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日|(底|末))?|(底|末))"
)
TARGET = re.compile(
    r"(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>%|个|人|天|小时|分钟|家|项|次)"
    r"(?P<bound>及以上|以上|以下|以内)?"
)
WORKDAYS = re.compile(r"(\d{1,3})\s*个工作日内")
REPORT_DATE = re.compile(r"于?\s*(\d{4})年(\d{1,2})月(\d{1,2})日前")
RECURRING = re.compile(r"每(?:季度|月|年|半年|周)|次月|次季度")
LEAD_VERBS = ("达到", "提高到", "提升到", "不低于", "不少于", "实现", "达", "拥有")


@dataclass(frozen=True, slots=True)
class Target:
    metric: str
    op: str  # ">=" or "<="
    value: float
    unit: str
    due: str | None


@dataclass(slots=True)
class Task:
    number: str
    title: str
    text: str
    lead: list[str] = field(default_factory=list)
    cooperating: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    due: str | None = None
    targets: list[Target] = field(default_factory=list)
    # "…15个工作日内完成": due that many working days after the plan is stored (no date given)
    workdays: int | None = None


@dataclass(frozen=True, slots=True)
class ReportRule:
    source: str  # "responsible" or "lead"
    to: str  # "lead" or "office"
    due: str | None
    rule: str


@dataclass(slots=True)
class Plan:
    title: str
    tasks: list[Task]
    reports: list[ReportRule]

    def as_json(self) -> dict[str, object]:
        """The command's JSON (``from`` for the report's source)."""
        return {
            "title": self.title,
            "tasks": [
                {
                    "number": t.number,
                    "title": t.title,
                    "lead": t.lead,
                    "cooperating": t.cooperating,
                    "responsible": t.responsible,
                    "due": t.due,
                    "targets": [asdict(x) for x in t.targets],
                }
                for t in self.tasks
            ],
            "reports": [
                {"from": r.source, "to": r.to, "due": r.due, "rule": r.rule} for r in self.reports
            ],
        }


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(FULL_TO_HALF)).strip()


def numbering(text: str) -> tuple[int, str] | None:
    """(level, the number as written, e.g. "(一)") of a numbered paragraph."""
    for level, pattern in NUMBERING:
        found = pattern.match(text)
        if found:
            return level, found.group(0).rstrip("、.．")
    return None


def _top_groups(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the outermost bracketed groups."""
    spans, depth, start = [], 0, 0
    for k, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                start = k
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, k + 1))
    return spans


def _split_top(text: str, separators: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if ch in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def unit_clause(text: str) -> tuple[dict[str, list[str]], str] | None:
    """The units named in the paragraph's (last) unit clause, and the text without it."""
    for start, end in reversed(_top_groups(text)):
        inner = text[start + 1 : end - 1]
        if any(word in inner for word in UNIT_WORDS):
            return _roles(inner), (text[:start] + text[end:]).strip()
    # The house style without brackets: "…。责任单位:A(牵头),B、C"
    found = re.search(r"(牵头单位|配合单位|协办单位|责任单位)\s*:", text)
    if found:
        return _roles(text[found.start() :]), text[: found.start()].strip()
    return None


def _roles(clause: str) -> dict[str, list[str]]:
    roles: dict[str, list[str]] = {"lead": [], "cooperating": [], "responsible": []}
    for part in _split_top(clause, ";"):
        key, sep, names = part.partition(":")
        role = ROLES.get(key.strip()) if sep else None
        if role is None:
            continue
        for name in _split_top(names, "、,"):
            name = name.strip(" 。.")
            marked = re.fullmatch(r"(.+?)\((?:牵头|牵头单位)\)", name)
            if marked:
                roles["lead"].append(marked.group(1).strip())
            elif name:
                roles[role].append(name)
    return roles


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def deadline(text: str) -> str | None:
    found = DEADLINE.search(text)
    if found is None:
        return None
    year, month, day, _end_of_month, year_end = found.groups()
    try:
        if month is None:
            return dt.date(int(year), 12, 31).isoformat() if year_end else None
        if day is not None:
            return dt.date(int(year), int(month), int(day)).isoformat()
        return _month_end(int(year), int(month)).isoformat()
    except ValueError:
        return None


def targets(text: str) -> list[Target]:
    out: list[Target] = []
    for sentence in re.split(r"[。;]", text):
        year_end = re.search(r"(\d{4})年底", sentence)
        due = f"{year_end.group(1)}-12-31" if year_end else None
        for clause in _split_top(sentence, ","):
            for found in TARGET.finditer(clause):
                metric = clause[: found.start()].replace("“", "").replace("”", "")
                metric = re.sub(r"^\d{4}年底", "", metric).strip(' ,"')
                for verb in LEAD_VERBS:
                    if metric.endswith(verb):
                        metric = metric[: -len(verb)].strip()
                    if metric.startswith(verb):
                        metric = metric[len(verb) :].strip()
                noun = re.match(r"([\u4e00-\u9fff]{1,8}?)(?:的|$)", clause[found.end() :])
                if noun:  # "拥有3个以上文化场所的目标": the thing counted follows the number
                    metric += noun.group(1)
                if not metric or re.search(r"\d$", metric):
                    continue
                bound = found.group("bound") or ""
                op = "<=" if bound in ("以下", "以内") else ">="
                out.append(
                    Target(metric, op, float(found.group("value")), found.group("unit"), due)
                )
    return out


def report_rules(text: str) -> list[ReportRule]:
    rules = []
    for clause in _split_top(text, ",;。"):
        if "报" not in clause:
            continue
        date = REPORT_DATE.search(clause)
        recurring = RECURRING.search(clause)
        when = date or recurring
        if when is None:
            continue
        subject, rest = clause[: when.start()], clause[when.end() :]
        # "各县(市、区)相关部门…" reports to its lead; "市直牵头部门…" to the office.
        lead = "牵头" in subject and not subject.lstrip().startswith("各")
        to = "office" if re.search(r"办公室|领导小组|质量办", rest) else "lead"
        due = None
        if date and not recurring:
            try:
                due = dt.date(*(int(x) for x in date.groups())).isoformat()
            except ValueError:
                due = None
        rules.append(ReportRule("lead" if lead else "responsible", to, due, clause))
    return rules


def _title(text: str) -> str:
    body = text.split("。", 1)[0]
    return body[:80]


def _plan_title(lines: list[str]) -> str:
    for line in lines[:30]:
        if line.endswith("方案") and not line.startswith("关于"):
            return line
    return lines[0] if lines else ""


def parse_plan(lines: list[str]) -> Plan:
    """The plan in the document's paragraphs (see the module's docstring)."""
    text = [normalise(line) for line in lines]
    tasks: list[Task] = []
    reports: list[ReportRule] = []
    current: tuple[str, str] | None = None  # (number, body) of the last numbered item
    children: dict[str, int] = {}
    for line in text:
        number = numbering(line)
        found = unit_clause(line)
        if number is not None:
            body = line[len(number[1]) :].lstrip("、.． ")
            current = (number[1], body)
            if found is not None:
                roles, rest = found
                rest_body = rest[len(number[1]) :].lstrip("、.． ")
                tasks.append(_task(number[1], rest_body, roles))
            else:
                reports += report_rules(line)
            continue
        if found is not None and current is not None:
            roles, rest = found
            children[current[0]] = children.get(current[0], 0) + 1
            tasks.append(_task(f"{current[0]}-{children[current[0]]}", rest, roles))
        elif found is None:
            reports += report_rules(line)
    return Plan(_plan_title(text), tasks, reports)


def _task(number: str, body: str, roles: dict[str, list[str]]) -> Task:
    due = deadline(body)
    counted = WORKDAYS.search(body) if due is None else None
    return Task(
        number=number,
        title=_title(body),
        text=body,
        lead=roles["lead"],
        cooperating=roles["cooperating"],
        responsible=roles["responsible"],
        due=due,
        # A target without a date of its own is due with its task.
        targets=[Target(t.metric, t.op, t.value, t.unit, t.due or due) for t in targets(body)],
        workdays=int(counted.group(1)) if counted else None,
    )
