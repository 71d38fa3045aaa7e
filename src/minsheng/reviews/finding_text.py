"""Findings of the integrity checks in the reader's language: each kind's label, what a
strength means, and the sentence worded from a finding's evidence (ratings, poll fieldwork,
reported indicators alike — the pages and documents use these, never the checks' own text)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

KIND_LABELS = {
    "burst": gettext_lazy("短时集中好评"),
    "before_handled": gettext_lazy("评价早于办结"),
    "off_hours": gettext_lazy("闭厅时段的窗口评价"),
    "perfect": gettext_lazy("差评率低得异常"),
    "default_share": gettext_lazy("默认评价占比高"),
    "filled_in": gettext_lazy("疑似代评计入主动评价"),
    "copied_comment": gettext_lazy("评价内容雷同"),
    "new_subject": gettext_lazy("新设备或新人员评价异常好"),
    "interviewer": gettext_lazy("访员效应"),
    "durations": gettext_lazy("访问时长过短"),
    "copied_answers": gettext_lazy("问卷答案雷同"),
    "jump": gettext_lazy("得分跃升且调查过程存疑"),
    "digits": gettext_lazy("末位数字异常"),
    "repeated": gettext_lazy("数据与上期完全相同"),
    "outlier": gettext_lazy("变动远超历史和同类"),
    "ratio": gettext_lazy("比率违背定义"),
    "on_target": gettext_lazy("数据恰好等于目标"),
    # kinds of earlier versions of the checks, still on stored findings
    "system": gettext_lazy("系统生成评价"),
    "shift": gettext_lazy("差评率突变"),
}
DOMAIN_KINDS = {
    "ratings": (
        "burst", "before_handled", "off_hours", "perfect", "default_share", "filled_in",
        "copied_comment", "new_subject",
    ),
    "polls": ("interviewer", "durations", "copied_answers", "jump"),
    "indicators": ("digits", "repeated", "outlier", "ratio", "on_target"),
}  # fmt: skip
STRENGTH_STEPS = (
    (6.0, gettext_lazy("很强"), gettext_lazy("无作假时出现的概率低于百万分之一")),
    (4.0, gettext_lazy("强"), gettext_lazy("无作假时出现的概率低于万分之一")),
    (0.0, gettext_lazy("较强"), gettext_lazy("无作假时出现的概率低于千分之一")),
)


def strength_label(strength: float) -> tuple[str, str]:
    """(label, what it means) for a finding's strength (−log₁₀ p)."""
    for bar, label, meaning in STRENGTH_STEPS:
        if strength >= bar:
            return str(label), str(meaning)
    return str(STRENGTH_STEPS[-1][1]), str(STRENGTH_STEPS[-1][2])


def _pct(x: object, n: object) -> str:
    return f"{int(str(x)) / int(str(n)):.1%}"


def worded(kind: str, evidence: Any, fallback: str) -> str:
    """The finding's sentence from its kind and evidence; ``fallback`` (the checks' own text)
    for a kind this module does not word or evidence it cannot read."""
    try:
        return message(kind, evidence if isinstance(evidence, dict) else {}) or fallback
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return fallback


def finding_message(flag: Any) -> str:
    """A stored finding (``IntegrityFlag``) in the reader's language."""
    return worded(flag.kind, flag.evidence, flag.message)


def message(kind: str, e: dict[str, Any]) -> str | None:
    """The finding's sentence; None for a kind this module does not know."""
    if kind == "burst":
        minutes = (float(e["to"]) - float(e["from"])) / 60
        text = _("%(minutes)d 分钟内产生 %(count)d 条“非常满意”") % {
            "minutes": round(minutes),
            "count": int(e["count"]),
        }
        if "total" in e:
            text += _("（本月共 %(total)d 条评价）") % {"total": int(e["total"])}
        return text
    if kind == "before_handled":
        return _("%(count)d 条评价早于办结时间") % {"count": int(e["count"])}
    if kind == "off_hours":
        return _("%(count)d 条窗口评价器评价在服务中心开放时间以外产生（共 %(total)d 条）") % {
            "count": int(e["count"]),
            "total": int(e["total"]),
        }
    if kind == "perfect":
        return _("主动评价 %(total)d 条，差评 %(bad)d 条（%(rate)s），同类中心平均 %(peers)s") % {
            "total": int(e["total"]),
            "bad": int(e["bad"]),
            "rate": _pct(e["bad"], e["total"]),
            "peers": f"{float(e['peers']):.1%}",
        }
    if kind == "default_share":
        text = _("默认评价 %(default)d 条，占 %(share)s（共 %(total)d 条）") % {
            "default": int(e["default"]),
            "share": _pct(e["default"], e["total"]),
            "total": int(e["total"]),
        }
        if "peers" in e:
            text += _("，同类中心平均 %(peers)s") % {"peers": f"{float(e['peers']):.1%}"}
        return text
    if kind == "filled_in":
        at = int(e["at"])
        if e["by"] == "minute":
            return _(
                "%(count)d 条主动评价集中在每天 %(at)s 这一分钟（邻近时段约 %(expected)d 条）"
            ) % {
                "count": int(e["count"]),
                "at": f"{at // 60:02d}:{at % 60:02d}",
                "expected": round(float(e["expected"])),
            }
        return _(
            "%(count)d 条主动评价都在办结后恰好 %(h)d 小时 %(m)d 分产生"
            "（邻近时长约 %(expected)d 条）"
        ) % {
            "count": int(e["count"]),
            "h": at // 60,
            "m": at % 60,
            "expected": round(float(e["expected"])),
        }
    if kind == "copied_comment":
        return _("%(count)d 条评价内容完全相同：“%(text)s”（全市共 %(city)d 条）") % {
            "count": int(e["count"]),
            "text": str(e["text"])[:60],
            "city": int(e["city"]),
        }
    if kind == "new_subject":
        b0, n0 = e["before"]
        return _(
            "本月 %(total)d 条评价中差评 %(bad)d 条（%(rate)s），此前三个月该中心差评率 %(before)s"
        ) % {
            "total": int(e["total"]),
            "bad": int(e["bad"]),
            "rate": _pct(e["bad"], e["total"]),
            "before": _pct(b0, n0),
        }
    if kind == "interviewer":
        return _(
            "访员 %(who)s（%(n)d 份）的受访者平均打分 %(own)s，同地区其他访员的受访者 %(others)s，"
            "请调取录音核查"
        ) % {
            "who": e["interviewer"],
            "n": int(e["n"]),
            "own": f"{float(e['own']):.1f}",
            "others": f"{float(e['others']):.1f}",
        }
    if kind == "durations":
        return _(
            "访员 %(who)s（%(n)d 份）的访问时长中位约 %(own)d 秒，同地区其他访员约 %(others)d 秒"
        ) % {
            "who": e["interviewer"],
            "n": int(e["n"]),
            "own": round(float(e["own"])),
            "others": round(float(e["others"])),
        }
    if kind == "copied_answers":
        return _(
            "访员 %(who)s 的 %(count)d 份问卷答案序列完全相同（%(answers)s），全部样本中共 "
            "%(total)d 份；样本编号：%(ids)s"
        ) % {
            "who": "在线" if e["interviewer"] == "online" else e["interviewer"],
            "count": int(e["count"]),
            "answers": e["answers"],
            "total": int(e["total"]),
            "ids": "、".join(str(i) for i in list(e["respondents"])[:10]),
        }
    if kind == "jump":
        reasons = []
        for who, share in e.get("interviewers", []):
            reasons.append(
                _("有异常线索的访员 %(who)s 完成了该地区 %(share)s 的访问")
                % {"who": who, "share": f"{float(share):.0%}"}
            )
        if "concentration" in e:
            who, share, usual = e["concentration"]
            reasons.append(
                _("访员 %(who)s 一人完成了 %(share)s 的访问（各地区通常为 %(usual)s）")
                % {"who": who, "share": f"{float(share):.0%}", "usual": f"{float(usual):.0%}"}
            )
        if "neighbours" in e:
            typical, _z = e["neighbours"]
            reasons.append(
                _("升幅远超其他地区（其他地区升幅中位数 %(typical)s 分）")
                % {"typical": f"{float(typical):+.1f}"}
            )
        return _("%(name)s得分较上轮上升 %(d)s 分，超出抽样误差；且%(reasons)s") % {
            "name": e["name"],
            "d": f"{float(e['difference']):.1f}",
            "reasons": "；".join(reasons),
        }
    if kind in INDICATOR_KINDS:
        return indicator_message(kind, e)
    if kind == "system":
        return _("%(count)d 条系统生成的评价") % {"count": int(e["count"])}
    if kind == "shift":
        (b0, n0), (b1, n1) = e["before"], e["now"]
        return _(
            "差评率 %(before)s（%(n0)d 条）→ %(now)s（%(n1)d 条），z = %(z)s，超出抽样误差"
        ) % {
            "before": f"{b0 / n0:.1%}",
            "n0": n0,
            "now": f"{b1 / n1:.1%}",
            "n1": n1,
            "z": f"{float(e['z']):.1f}",
        }
    return None


INDICATOR_KINDS = frozenset({"digits", "repeated", "outlier", "ratio", "on_target"})


def indicator_message(kind: str, e: dict[str, Any]) -> str:
    if kind == "digits":
        counts = [int(c) for c in e["counts"]]
        n = sum(counts)
        return _(
            "近 %(periods)d 期 %(n)d 个数据的末位数字分布异常：0 和 5 占 %(share)s（应约 20%%）"
        ) % {"periods": int(e["periods"]), "n": n, "share": f"{(counts[0] + counts[5]) / n:.0%}"}
    if kind == "repeated":
        return _(
            "%(total)d 项指标中 %(count)d 项与上期完全相同（其他地区同类情形约 %(expected)s 项）："
            "%(codes)s"
        ) % {
            "total": int(e["total"]),
            "count": int(e["count"]),
            "expected": f"{float(e['expected']):.1f}",
            "codes": "、".join(str(c) for c in e["indicators"]),
        }
    if kind == "on_target" and "reporter" in e:
        return _(
            "%(who)s报送的 %(total)d 个有目标的数据中 %(count)d 个恰好等于目标值"
            "（按各指标上期的分布约 %(expected)s 个）"
        ) % {
            "who": e["reporter"],
            "total": int(e["total"]),
            "count": int(e["count"]),
            "expected": f"{float(e['expected']):.1f}",
        }
    if kind == "on_target":
        return _(
            "%(total)d 项有目标的指标中 %(count)d 项恰好等于目标值"
            "（其他地区同类情形约 %(expected)s 项）：%(codes)s"
        ) % {
            "total": int(e["total"]),
            "count": int(e["count"]),
            "expected": f"{float(e['expected']):.1f}",
            "codes": "、".join(str(c) for c in e["indicators"]),
        }
    if kind == "outlier":
        return _(
            "%(name)s较上期变动 %(change)s，其他地区变动中位数 %(peers)s，"
            "本地区以往变动中位数 %(history)s"
        ) % {
            "name": e["name"],
            "change": f"{float(e['relative']):+.1%}",
            "peers": f"{float(e['peers']):+.1%}",
            "history": f"{float(e['history']):+.1%}",
        }
    parts = [
        _("%(name)s（分子 %(a)s，分母 %(b)s）")
        % {
            "name": p["name"],
            "a": f"{float(p['numerator']):g}",
            "b": f"{float(p['denominator']):g}",
        }
        for p in e["indicators"]
    ]
    return _("比率的分子大于分母，违背指标定义：%(parts)s") % {"parts": "；".join(parts)}
