"""Poll pages: the list, a poll's results (ranking with intervals, change, items and the
importance–performance chart, xlsx export), and the fieldwork upload (vendor or quality
office) run as a background job with progress."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from minsheng.accounts.access import regions_visible
from minsheng.core.polls.fieldwork import STANDARD
from minsheng.core.polls.scales import SCALES, Scale
from minsheng.jobs.services import job_start
from minsheng.jobs.uploads import upload_store
from minsheng.orgs.models import Organisation, OrgKind, Region, RegionLevel
from minsheng.polls.access import (
    access_poll,
    access_upload,
    can_create_polls,
    can_open_or_close,
    can_read_results,
    can_upload,
    poll_creator_region,
    polls_visible,
    questionnaires_visible,
)
from minsheng.polls.documents import results_sheets
from minsheng.polls.integrity import poll_findings
from minsheng.polls.models import Poll, PollState, Questionnaire
from minsheng.polls.results import LEVELS, PollResults, poll_results
from minsheng.polls.selectors import recent_uploads
from minsheng.polls.services import mapping_save, poll_create, poll_set_state
from minsheng.polls.tasks import import_fieldwork
from minsheng.reviews.access import can_see_integrity
from minsheng.reviews.finding_text import KIND_LABELS, strength_label, worded
from minsheng.supervision.access import can_assign_tasks
from minsheng.web.downloads import sheets_response

MAX_UPLOAD = 50 * 1024 * 1024


# The standard columns of a fieldwork file, in words (the keys are the default headers).
FIELD_LABELS = {
    "respondent_id": gettext_lazy("受访者编号（必填）"),
    "region": gettext_lazy("地区：区划代码或名称（必填）"),
    "stratum": gettext_lazy("抽样层，如运营商"),
    "phone": gettext_lazy("电话号码（必填，只保存加盐摘要）"),
    "interviewer": gettext_lazy("访员编号"),
    "duration": gettext_lazy("访问时长（秒）"),
    "weight": gettext_lazy("权重"),
}


@login_required
def poll_list(request: HttpRequest) -> HttpResponse:
    polls = list(polls_visible(request.user).order_by("-round", "name"))
    reads = can_read_results(request.user)
    rows = [
        {
            "poll": p,
            "upload": can_upload(request.user, p) and p.state == PollState.FIELDWORK,
            "results": reads,
        }
        for p in polls
    ]
    return render(
        request, "polls/list.html", {"rows": rows, "can_create": can_create_polls(request.user)}
    )


@login_required
def poll_detail(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = access_poll(request.user, poll_id)
    if not can_read_results(request.user):
        raise PermissionDenied("results are for the quality office, leaders and region officers")
    level = request.GET.get("level", "county")
    if level not in LEVELS:
        raise Http404("unknown level")
    visible = set(regions_visible(request.user).values_list("code", flat=True))
    within = request.GET.get("county") or None
    county = None
    if within is not None:
        # The drill-down shows the county's own score: only for readers who see that county.
        if within not in visible:
            raise PermissionDenied("county outside the reader's scope")
        county = Region.objects.filter(code=within, level=RegionLevel.COUNTY).first()
        if county is None:
            raise Http404("no such county")
        level = "township"
    results = poll_results(poll, level, visible, within)
    if request.GET.get("format") == "xlsx":
        name = f"{poll.name}-{county.name if county else level}"
        return sheets_response(name, results_sheets(results))
    chart = {
        "items": [
            {"code": i.code, "text": i.text, "x": i.score, "y": i.importance, "q": i.quadrant}
            for i in results.items
            if i.importance is not None
        ],
        "labels": {"x": _("表现（得分）"), "y": _("重要性（与总体满意度的相关）")},
    }
    return render(
        request,
        "polls/detail.html",
        {
            "poll": poll,
            "results": results,
            "level": level,
            "county": county,
            "levels": [("county", _("县（市、区）")), ("township", _("乡镇（街道）"))],
            "chart": chart,
            "upload": can_upload(request.user, poll),
            "can_close": can_open_or_close(request.user, poll),
            "ipa_undecided": any(i.importance is not None for i in results.items)
            and not any(i.quadrant for i in results.items),
            "findings": _findings(poll, results) if can_upload(request.user, poll) else None,
            "review_findings": can_see_integrity(request.user),
            "can_assign": can_assign_tasks(request.user),
        },
    )


def _findings(poll: Poll, results: PollResults) -> list[dict[str, str]]:
    """The round's fieldwork findings, worded for the reader, strongest first."""
    rows = []
    for f in sorted(poll_findings(poll, results), key=lambda f: f.p):
        label, meaning = strength_label(f.strength)
        rows.append(
            {
                "kind": str(KIND_LABELS.get(f.kind, f.kind)),
                "message": worded(f.kind, f.evidence, f.message),
                "strength": label,
                "meaning": meaning,
            }
        )
    return rows


@login_required
@require_POST
def poll_state(request: HttpRequest, poll_id: int) -> HttpResponse:
    """The quality office ends the round (results published) or reopens it."""
    poll = access_poll(request.user, poll_id)
    if not can_open_or_close(request.user, poll):
        raise PermissionDenied("only the poll's quality office ends or reopens a round")
    state = request.POST.get("state", "")
    if state not in PollState.values:
        raise Http404("unknown state")
    poll_set_state(actor=request.user, poll=poll, state=state)
    messages.success(
        request,
        _("本轮已结束，调查数据不再接受上传。")
        if state == PollState.CLOSED
        else _("本轮已重新开放。"),
    )
    return redirect("poll_detail", poll_id=poll.pk)


def _mapping_fields(poll: Poll) -> list[str]:
    """Our names of every column a fieldwork file may have, in the order of the form."""
    items = list(poll.questionnaire.items.values_list("code", flat=True))
    return [*STANDARD, *items, *(str(a) for a in poll.attributes or [])]


@login_required
@require_http_methods(["GET", "POST"])
def poll_upload(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = access_upload(request.user, poll_id)
    error = ""
    fields = _mapping_fields(poll)
    if request.method == "POST" and request.POST.get("action") == "mapping":
        mapping_save(
            poll, {f: request.POST.get(f"col:{f}", "") for f in fields}, actor=request.user
        )
        return redirect("poll_upload", poll_id=poll.pk)
    closed = poll.state != PollState.FIELDWORK
    if request.method == "POST" and closed:
        error = _("本轮测评已结束，结果已发布，不能再上传数据；如需补录，请质量办重新开放本轮。")
    elif request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("请选择文件")
        elif upload.size and upload.size > MAX_UPLOAD:
            error = _("文件超过 50 MB")
        else:
            path = upload_store(upload.read(), prefix=f"poll-{poll.pk}")
            run = job_start(
                owner=request.user,
                kind="polls.fieldwork",
                title=f"{poll} {upload.name}",
                task=import_fieldwork,
                upload=path,
                poll_id=poll.pk,
                path=path,
                filename=upload.name or "fieldwork.csv",
                user_id=request.user.pk,
            )
            return redirect("job_detail", run_id=run.pk)
    runs = recent_uploads(poll)
    context: dict[str, Any] = {"poll": poll, "error": error, "runs": runs, "closed": closed}
    items = list(poll.questionnaire.items.all())
    context["items"] = items
    texts = {i.code: i.text for i in items}
    context["mapping"] = [
        (f, str(FIELD_LABELS.get(f, texts.get(f, f))), (poll.mapping or {}).get(f, ""))
        for f in fields
    ]
    scales = {s.value: s for s in Scale}
    context["codebook"] = [
        (i, list(SCALES[scales[i.scale]].labels.items())) for i in items if i.scale in scales
    ]
    return render(request, "polls/upload.html", context, status=409 if error and closed else 200)


class PollForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=200)
    round = forms.CharField(label=gettext_lazy("轮次（如 2026Q4）"), max_length=20)
    questionnaire = forms.ModelChoiceField(
        queryset=Questionnaire.objects.none(), label=gettext_lazy("问卷")
    )
    vendor = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=gettext_lazy("测评机构"), required=False
    )
    previous = forms.ModelChoiceField(
        queryset=Poll.objects.none(), label=gettext_lazy("上一轮"), required=False
    )
    min_n = forms.IntegerField(label=gettext_lazy("排名最少样本"), min_value=1, initial=30)
    min_duration = forms.IntegerField(
        label=gettext_lazy("最短访问时长（秒）"), min_value=0, initial=120
    )
    attributes = forms.CharField(
        label=gettext_lazy("加权变量（逗号分隔，如 sex,age）"), required=False, max_length=200
    )
    target_rate = forms.FloatField(
        label=gettext_lazy("满意率目标（%，可空，如 85）"),
        min_value=0,
        max_value=100,
        required=False,
    )
    scores = forms.CharField(
        label=gettext_lazy("五级满意度计分（非常满意…非常不满意，逗号分隔）"),
        initial="100,80,60,40,20",
        max_length=60,
        required=False,
    )

    def clean_scores(self) -> dict[str, float]:
        """Five numbers from 非常满意 to 非常不满意 → {answer code: score}; 说不清 never scores."""
        text = self.cleaned_data["scores"].strip()
        if not text:
            return {}  # the scale's defaults
        parts = [p.strip() for p in text.replace("，", ",").split(",")]
        try:
            values = [float(p) for p in parts]
        except ValueError:
            raise forms.ValidationError(_("须为 5 个数字")) from None
        if len(values) != 5 or any(not 0 <= v <= 100 for v in values):
            raise forms.ValidationError(_("须为 5 个 0–100 之间的数字"))
        if values != sorted(values, reverse=True):
            raise forms.ValidationError(_("满意程度越高，得分不能越低"))
        return {str(k + 1): v for k, v in enumerate(values)}


@login_required
@require_http_methods(["GET", "POST"])
def poll_new(request: HttpRequest) -> HttpResponse:
    region = poll_creator_region(request.user)
    form = PollForm(request.POST or None)
    form.fields["vendor"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
        kind=OrgKind.VENDOR, **region.subtree_filter("region__")
    )
    form.fields["previous"].queryset = polls_visible(request.user)  # type: ignore[attr-defined]
    usable = questionnaires_visible(request.user).filter(items__isnull=False).distinct()
    form.fields["questionnaire"].queryset = usable  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["attributes"] = [a.strip() for a in data["attributes"].split(",") if a.strip()]
        if data["target_rate"] is not None:
            data["target_rate"] = data["target_rate"] / 100
        poll = poll_create(actor=request.user, region=region, **data)
        return redirect("poll_detail", poll_id=poll.pk)
    return render(request, "polls/new.html", {"form": form, "region": region})
