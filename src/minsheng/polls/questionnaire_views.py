"""Questionnaire pages for the quality office: the list, a new draft, editing a draft's items
on the page or from an Excel sheet (and exporting them), and a new version of a frozen one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from minsheng.core.polls.questionnaire import (
    DOMAINS,
    HEADERS_ZH,
    SCALE_NAMES,
    ItemData,
    read_items,
)
from minsheng.core.polls.scales import Scale
from minsheng.core.tabular import TableError, read_table
from minsheng.core.xlsx import Sheet
from minsheng.polls.access import (
    access_questionnaire,
    can_create_polls,
    can_edit_questionnaire,
    poll_creator_region,
    questionnaires_visible,
)
from minsheng.polls.models import Questionnaire
from minsheng.polls.questionnaires import (
    QuestionnaireError,
    departments_of,
    items_replace,
    questionnaire_create,
    questionnaire_new_version,
)
from minsheng.web.downloads import sheets_response

SELECT = forms.Select(attrs={"class": "form-select form-select-sm"})


class ItemForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("题号"), max_length=20)
    text = forms.CharField(label=gettext_lazy("题目"), max_length=300)
    scale = forms.ChoiceField(
        label=gettext_lazy("量表"),
        choices=[(s.value, SCALE_NAMES[s]) for s in Scale],
        widget=SELECT,
        initial=Scale.SATISFACTION.value,  # so a blank new row the browser posts counts as unused
    )
    domain = forms.CharField(label=gettext_lazy("领域"), max_length=50, required=False)
    department = forms.ChoiceField(label=gettext_lazy("被评部门"), required=False, widget=SELECT)
    weight = forms.FloatField(label=gettext_lazy("权重"), min_value=0, initial=1.0)
    is_overall = forms.BooleanField(label=gettext_lazy("总体题"), required=False)

    def __init__(self, *args: Any, departments: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", "—"), *departments]  # type: ignore[attr-defined]


ItemFormSet = forms.formset_factory(ItemForm, extra=2, can_delete=True)


class NewForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("问卷名称"), max_length=200)


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    region = poll_creator_region(request.user)
    form = NewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made = questionnaire_create(
            name=form.cleaned_data["name"], region=region, actor=request.user
        )
        return redirect("questionnaire_detail", questionnaire_id=made.pk)
    rows = [
        {"q": q, "edit": can_edit_questionnaire(request.user, q)}
        for q in questionnaires_visible(request.user)
        .annotate(n_items=Count("items", distinct=True), n_polls=Count("polls", distinct=True))
        .order_by("name", "-version")
    ]
    return render(request, "polls/questionnaire_list.html", {"rows": rows, "form": form})


def _department_choices(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    names = {key: name for name, key in departments_of(questionnaire.region).items() if name != key}
    return sorted(names.items(), key=lambda kv: kv[1])


def _items_of(formset: Any) -> list[ItemData]:
    out = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        out.append(
            ItemData(
                code=data["code"].strip(),
                text=data["text"].strip(),
                scale=Scale(data["scale"]),
                domain=data["domain"].strip(),
                department=data["department"],
                weight=data["weight"],
                is_overall=data["is_overall"],
            )
        )
    return out


def _initial(questionnaire: Questionnaire) -> list[dict[str, Any]]:
    return [
        {
            "code": i.code,
            "text": i.text,
            "scale": i.scale,
            "domain": i.domain,
            "department": i.organisation.key if i.organisation else "",
            "weight": i.weight,
            "is_overall": i.is_overall,
        }
        for i in questionnaire.items.select_related("organisation")
    ]


def _export(questionnaire: Questionnaire) -> HttpResponse:
    rows = [
        [
            i.code,
            i.text,
            SCALE_NAMES[Scale(i.scale)],
            i.domain,
            i.organisation.name if i.organisation else "",
            i.weight,
            _("是") if i.is_overall else _("否"),
        ]
        for i in questionnaire.items.select_related("organisation")
    ]
    return sheets_response(f"{questionnaire}", [Sheet(_("题目"), HEADERS_ZH, rows)])


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_detail(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    questionnaire = access_questionnaire(request.user, questionnaire_id)
    if request.GET.get("format") == "xlsx":
        return _export(questionnaire)
    editable = can_edit_questionnaire(request.user, questionnaire) and not questionnaire.frozen
    if request.method == "POST":
        questionnaire = access_questionnaire(request.user, questionnaire_id, edit=True)
    departments = _department_choices(questionnaire)
    errors: list[str] = []
    form_kwargs = {"departments": departments}
    if request.method == "POST" and request.POST.get("action") == "import":
        formset = ItemFormSet(initial=_initial(questionnaire), form_kwargs=form_kwargs)
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise QuestionnaireError([_("请选择文件")])
            table = read_table(upload.read(), filename=upload.name or "")
            items = read_items(table, departments_of(questionnaire.region))
            items_replace(questionnaire, items, actor=request.user)
            return redirect("questionnaire_detail", questionnaire_id=questionnaire.pk)
        except TableError as exc:
            errors = [str(e) for e in exc.errors]
        except QuestionnaireError as exc:
            errors = exc.errors
    elif request.method == "POST":
        formset = ItemFormSet(request.POST, form_kwargs=form_kwargs)
        if formset.is_valid():
            try:
                items_replace(questionnaire, _items_of(formset), actor=request.user)
                return redirect("questionnaire_detail", questionnaire_id=questionnaire.pk)
            except QuestionnaireError as exc:
                errors = exc.errors
    else:
        formset = ItemFormSet(initial=_initial(questionnaire), form_kwargs=form_kwargs)
    context = {
        "questionnaire": questionnaire,
        "items": list(questionnaire.items.select_related("organisation")),
        "editable": editable,
        "can_copy": can_create_polls(request.user),
        "formset": formset,
        "errors": errors,
        "domains": DOMAINS,
    }
    return render(request, "polls/questionnaire_detail.html", context)


@login_required
@require_POST
def questionnaire_version(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    """A new draft version (of a frozen questionnaire, or one shared from above)."""
    questionnaire = access_questionnaire(request.user, questionnaire_id)
    region = poll_creator_region(request.user)
    copy = questionnaire_new_version(questionnaire, region=region, actor=request.user)
    return redirect("questionnaire_detail", questionnaire_id=copy.pk)
