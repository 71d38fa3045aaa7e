"""Audit rows as a reader sees them: the object's name, each changed field by its label with
its value before and after (times in Asia/Shanghai, choices by their label, yes/no), and the
note or security event as words. Used by the log page and its Excel export alike."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.audit.models import AuditEntry

# Notes written by services (stable keys) and security events, in words.
NOTES: dict[str, Any] = {
    "password changed": gettext_lazy("修改密码"),
    "password reset": gettext_lazy("重置密码"),
    "password set by admin": gettext_lazy("管理员设置密码"),
    "login lockout lifted": gettext_lazy("解除登录锁定"),
    "token revoked": gettext_lazy("吊销接口令牌"),
    "token use": gettext_lazy("使用接口令牌"),
    "submitted": gettext_lazy("报送"),
    "catalog import": gettext_lazy("导入指标目录"),
    "admin": gettext_lazy("管理后台修改"),
    "case verify": gettext_lazy("核实差评"),
    "case confirm": gettext_lazy("确认属实"),
    "case appeal": gettext_lazy("申诉不属实"),
    "case uphold": gettext_lazy("认定不属实"),
    "case overturn": gettext_lazy("驳回申诉"),
    "case answer": gettext_lazy("整改答复"),
    "case close": gettext_lazy("办结"),
    "case feedback": gettext_lazy("录入回访结果"),
    "poll closed": gettext_lazy("结束测评轮次"),
    "poll reopened": gettext_lazy("重新开放测评轮次"),
    "login": gettext_lazy("登录"),
    "lockout": gettext_lazy("账号锁定"),
    "password change": gettext_lazy("修改密码"),
    "permission denied": gettext_lazy("越权访问被拒绝"),
    "session expired": gettext_lazy("会话到期退出"),
    "approved": gettext_lazy("审核通过"),
    "returned": gettext_lazy("退回修改"),
    "benchmark API": gettext_lazy("经接口提交省平均、省最优与排名"),
    "demo database built": gettext_lazy("生成演示数据库"),
    "demo": gettext_lazy("生成演示数据"),
    "task from warning": gettext_lazy("由指标预警创建督办任务"),
    "task from poll": gettext_lazy("由满意度测评创建督办任务"),
    "task from case": gettext_lazy("由差评案件创建督办任务"),
    "task by hand": gettext_lazy("手工创建督办任务"),
    "task from integrity": gettext_lazy("由评价异常线索创建督办任务"),
    "task from hall": gettext_lazy("由大厅指标未达标创建督办任务"),
    "task from assess": gettext_lazy("由考核问责创建督办任务"),
    "task from inspection": gettext_lazy("由明察暗访发现的问题创建督办任务"),
    "boundaries uploaded": gettext_lazy("上传下级地区边界"),
    "report schedule": gettext_lazy("修改报告定期生成设置"),
    "published": gettext_lazy("公开发布"),
    "withdrawn": gettext_lazy("撤回公开发布"),
    "unit alias": gettext_lazy("记住方案中的单位名称"),
    "sweep: reminded": gettext_lazy("到期提醒"),
    "sweep: urged": gettext_lazy("逾期催办"),
    "sweep: escalated": gettext_lazy("逾期升级督办"),
    "extension requested": gettext_lazy("申请延期"),
    "extension granted": gettext_lazy("同意延期"),
    "extension refused": gettext_lazy("不同意延期"),
    "declaration approved": gettext_lazy("事项申报审核通过"),
    "declaration returned": gettext_lazy("事项申报退回"),
    "assessment confirmed": gettext_lazy("确认考核结果"),
    "caller contact revealed": gettext_lazy("查看来电人完整联系方式"),
}
# Notes with figures in them: a pattern and its sentence (named groups fill the sentence).
NOTE_PATTERNS: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(p), sentence)
    for p, sentence in (
        (
            r"^(?:import|upload) (?P<name>.+): (?P<n>\d+) accepted; created .*$",
            gettext_lazy("导入 %(name)s：接收 %(n)s 条评价"),
        ),
        (r"^import (?P<name>.+): (?P<n>\d+) rows$", gettext_lazy("导入 %(name)s：%(n)s 行")),
        (
            r"^(?:benchmark |city values )?import (?P<name>.+): created (?P<c>\d+), updated "
            r"(?P<u>\d+)$",
            gettext_lazy("导入 %(name)s：新建 %(c)s 条，更新 %(u)s 条"),
        ),
        (
            r"^benchmark API: created (?P<c>\d+), updated (?P<u>\d+)$",
            gettext_lazy("经接口提交省平均与排名：新建 %(c)s 条，更新 %(u)s 条"),
        ),
        (
            r"^hotline import (?P<name>.+): (?P<c>\d+) new, (?P<u>\d+) updated$",
            gettext_lazy("导入热线工单 %(name)s：新增 %(c)s 张，更新 %(u)s 张"),
        ),
        (
            r"^categories (?P<name>.+): (?P<n>\d+)$",
            gettext_lazy("读入诉求分类表 %(name)s：%(n)s 个分类"),
        ),
        (r"^(?:import|upload|benchmark import) (?P<name>.+)$", gettext_lazy("导入 %(name)s")),
        (
            r"^indicator form (?P<p>\S+): (?P<f>\d+)/(?P<t>\d+) values \(was (?P<b>\d+) rows\)$",
            gettext_lazy("填报 %(p)s：已填 %(f)s / %(t)s 项"),
        ),
        (
            r"^integrity checks (?P<m>\S+): (?P<n>\d+) findings$",
            gettext_lazy("诚信检查 %(m)s：发现 %(n)s 条线索"),
        ),
        (
            r"^fieldwork (?P<name>.+): (?P<n>\d+) respondents$",
            gettext_lazy("导入调查数据 %(name)s：%(n)s 名受访者"),
        ),
        (
            r"^(?P<n>\d+) one-time tokens for (?P<code>\d+)$",
            gettext_lazy("生成一次性答题链接 %(n)s 个（地区 %(code)s）"),
        ),
        (
            r"^(?P<n>\d+) QR link for (?P<code>\d+)$",
            gettext_lazy("生成答题二维码（地区 %(code)s）"),
        ),
        (r"^new version of (?P<q>.+) \(id \d+\)$", gettext_lazy("问卷新版本：%(q)s")),
        (r"^weights rake to .*$", gettext_lazy("按总体边际迭代比例拟合（raking）加权")),
        (r"^plan imported: (?P<n>\d+) tasks$", gettext_lazy("导入工作方案：%(n)s 项任务")),
        (
            r"^catalog import: created (?P<c>\d+), changed (?P<u>\d+), unchanged (?P<n>\d+)$",
            gettext_lazy("导入事项清单：新增 %(c)s 项，修改 %(u)s 项，未变 %(n)s 项"),
        ),
        (
            r"^applications: created (?P<c>\d+), updated (?P<u>\d+), unchanged (?P<n>\d+)$",
            gettext_lazy("报送办件：新建 %(c)s 件，更新 %(u)s 件，未变 %(n)s 件"),
        ),
        (r"^hall targets (?P<y>\d+): .*$", gettext_lazy("修改 %(y)s 年度大厅指标目标")),
        (r"^declared (?P<n>\d+) items$", gettext_lazy("申报事项 %(n)s 项")),
        (
            r"^expert scores (?P<p>\S+): (?P<n>\d+) units$",
            gettext_lazy("专业评价评分 %(p)s：%(n)s 个单位"),
        ),
        (
            r"^assessment run (?P<p>\S+): (?P<n>\d+) units$",
            gettext_lazy("计算考核结果 %(p)s：%(n)s 个单位"),
        ),
        (r"^standards imported: (?P<n>\d+) items$", gettext_lazy("导入基本公共服务标准 %(n)s 项")),
        (
            r"^inspection round: (?P<n>\d+) sites, seed (?P<s>\d+)$",
            gettext_lazy("抽取明察暗访对象 %(n)s 个（随机种子 %(s)s）"),
        ),
        (r"^inspection submitted: score (?P<s>.+)$", gettext_lazy("提交检查结果，得分 %(s)s")),
        (r"^report (?P<p>\S+)$", gettext_lazy("生成报告 %(p)s")),
        (
            r"^inspection sites: (?P<m>\d+) new of (?P<n>\d+)$",
            gettext_lazy("导入检查对象 %(n)s 个（新增 %(m)s 个）"),
        ),
        (r"^report template v(?P<v>\d+)$", gettext_lazy("上传报告模板第 %(v)s 版")),
        (r"^weights poststratify to .*$", gettext_lazy("按总体边际事后分层加权")),
        (
            r"^sampling plan: (?P<c>\d+) cells, quota (?P<q>\d+)$",
            gettext_lazy("保存抽样方案：%(c)s 个单元，配额 %(q)s"),
        ),
        (
            r"^issued numbers for (?P<n>\d+) plan cells$",
            gettext_lazy("更新 %(n)s 个单元的发放数"),
        ),
        (
            r"^design weights from the plan: (?P<n>\d+) respondents, (?P<e>\d+) empty cells$",
            gettext_lazy("按抽样方案计算设计权重：%(n)s 名受访者，%(e)s 个空单元"),
        ),
    )
]
ACTORS: dict[str, Any] = {
    "system": gettext_lazy("系统"),
    "cli": gettext_lazy("命令行"),
    "command line": gettext_lazy("命令行"),
}


def note_words(note: str) -> str:
    """A service's note as a sentence in the reader's language."""
    if note in NOTES:
        return str(NOTES[note])
    for pattern, sentence in NOTE_PATTERNS:
        found = pattern.match(note)
        if found:
            return str(sentence) % found.groupdict()
    return note


OUTCOMES: dict[str, Any] = {
    "success": gettext_lazy("成功"),
    "failure": gettext_lazy("失败"),
    "locked": gettext_lazy("已锁定"),
    "refused": gettext_lazy("已拒绝"),
    "address refused": gettext_lazy("该地址已被拒绝"),
    "signed out": gettext_lazy("已退出"),
}


@dataclass(frozen=True, slots=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class ReadableEntry:
    at: str
    actor: str
    action: str
    object: str
    changes: list[Change]
    note: str

    def changes_text(self) -> str:
        return "；".join(f"{c.field}：{c.before} → {c.after}" for c in self.changes)


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


@cache
def _fields(model: type[models.Model]) -> dict[str, models.Field[Any, Any]]:
    return {f.attname: f for f in model._meta.concrete_fields}


def _field(model: type[models.Model] | None, attname: str) -> models.Field[Any, Any] | None:
    return None if model is None else _fields(model).get(attname)


def _value(field: models.Field[Any, Any] | None, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if field is not None and field.choices:
        labels = {str(k): str(v) for k, v in field.flatchoices}
        if str(value) in labels:
            return labels[str(value)]
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(field, models.ForeignKey):
        return f"#{value}"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | dict):
        return "、".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return str(value)


def readable(entry: AuditEntry) -> ReadableEntry:
    model = _model(entry.object_type)
    if entry.object_type == "security":
        after = entry.after or {}
        event = str(NOTES.get(str(after.get("event", "")), after.get("event", "")))
        outcome = str(OUTCOMES.get(str(after.get("outcome", "")), after.get("outcome", "")))
        parts = [f"{event} · {outcome}"]
        if after.get("address"):
            parts.append(_("地址 %(address)s") % {"address": after["address"]})
        if after.get("path"):
            parts.append(_("页面 %(path)s") % {"path": after["path"]})
        return ReadableEntry(
            at=timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
            actor=str(ACTORS.get(entry.actor_label, entry.actor_label)),
            action=entry.get_action_display(),
            object=_("安全"),
            changes=[],
            note="，".join(parts),
        )
    name = str(model._meta.verbose_name) if model is not None else entry.object_type
    before, after = entry.before or {}, entry.after or {}
    changes = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) == after.get(key) and entry.before is not None:
            continue
        field = _field(model, key)
        label = str(field.verbose_name) if field is not None else key
        changes.append(
            Change(
                label,
                _value(field, before.get(key)) if entry.before is not None else "—",
                _value(field, after.get(key)) if entry.after is not None else "—",
            )
        )
    subject = f"{name} {entry.object_repr}".strip() if entry.object_repr else name
    if entry.object_pk:
        subject += f"（#{entry.object_pk}）"
    return ReadableEntry(
        at=timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
        actor=str(ACTORS.get(entry.actor_label, entry.actor_label)),
        action=entry.get_action_display(),
        object=subject,
        changes=changes,
        note=note_words(entry.note),
    )
