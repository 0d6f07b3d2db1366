"""Preparing a meeting (S-PREP-3, S-PREP-4): its materials, its questions and each
department's written answers, saved as drafts and then submitted; for its organiser, the
matrix of who answered what.

Views parse with a form, call a service (writes) or a selector (reads) and render. A refused
or invalid input re-renders the same page with what was typed and the message (422, or 403
when the person may not do it); a meeting or material one may not see is a 404, like one that
does not exist. htmx requests get the changed answer only; every form also works without
JavaScript.
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accord.core.refusals import call_with_form
from accord.meetings import preparation, roles, rules
from accord.meetings.forms import AnswerForm, SubmitAnswersForm
from accord.meetings.models import Material, Meeting, PrepAnswer, PrepQuestion
from accord.meetings.selectors import (
    answering_departments,
    answers_matrix,
    department_answers,
    material_get_visible,
    meeting_for_preparation,
    participating_departments,
)
from accord.meetings.views import failed_messages, meeting_or_404
from accord.org.models import Department


def _preparation(request: HttpRequest, pk: int) -> Meeting:
    try:
        return meeting_for_preparation(person=request.user, pk=pk)
    except Meeting.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def material_download(request: HttpRequest, pk: int) -> FileResponse:
    """An uploaded material, for those who may see its meeting; uploads are never public."""
    try:
        material = material_get_visible(person=request.user, pk=pk)
    except Material.DoesNotExist:
        raise Http404 from None
    if not material.file:
        raise Http404
    try:
        handle = material.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # As an attachment: an uploaded HTML file must not run in Accord's origin.
    return FileResponse(handle, as_attachment=True, filename=Path(material.file.name).name)


# -- prepare (S-PREP-3, S-PREP-4) ------------------------------------------------------------------


@dataclass
class AnswerRow:
    question: PrepQuestion
    answer: PrepAnswer | None
    form: AnswerForm | None  # None: read-only


@dataclass
class Sheet:
    """One department's answers, as the people who write them see them."""

    department: Department
    rows: list[AnswerRow]
    submit_form: SubmitAnswersForm | None
    submitted_at: dt.datetime | None


def _answer_auto_id(question_id: Any, department_id: Any) -> str:
    # Ids come from the request too: only digits may go into the pattern.
    parts = [str(part) if str(part).isdigit() else "x" for part in (question_id, department_id)]
    return f"answer_{parts[0]}_{parts[1]}_%s"


def _prepare_context(
    request: HttpRequest,
    meeting: Meeting,
    *,
    bound_answer: AnswerForm | None = None,
    bound_submit: SubmitAnswersForm | None = None,
) -> dict[str, Any]:
    person = request.user
    questions = list(meeting.questions.all())
    departments = answering_departments(person=person, meeting=meeting)
    answers = department_answers(meeting=meeting, departments=departments)
    open_for_answers = meeting.status in rules.PLANNING
    placed: set[int] = set()

    def answer_form(question: PrepQuestion, department: Department, answer: PrepAnswer | None):
        if (
            bound_answer is not None
            and bound_answer.data.get("question") == str(question.pk)
            and bound_answer.data.get("department") == str(department.pk)
        ):
            placed.add(id(bound_answer))
            return bound_answer
        return AnswerForm(
            questions=questions,
            departments=departments,
            auto_id=_answer_auto_id(question.pk, department.pk),
            initial={
                "question": question.pk,
                "department": department.pk,
                "text": answer.text if answer else "",
            },
        )

    sheets = []
    for department in departments:
        rows = []
        for question in questions:
            answer = answers.get((question.pk, department.pk))
            editable = open_for_answers and (answer is None or answer.submitted_at is None)
            form = answer_form(question, department, answer) if editable else None
            rows.append(AnswerRow(question, answer, form))
        submit_form = None
        if any(row.form for row in rows):
            if bound_submit is not None and bound_submit.data.get("department") == str(
                department.pk
            ):
                submit_form = bound_submit
                placed.add(id(bound_submit))
            else:
                submit_form = SubmitAnswersForm(
                    departments=departments, initial={"department": department.pk}
                )
        submitted = [
            row.answer.submitted_at for row in rows if row.answer and row.answer.submitted_at
        ]
        sheets.append(Sheet(department, rows, submit_form, max(submitted, default=None)))

    failed = bound_answer or bound_submit
    context: dict[str, Any] = {
        "nav": "meetings",
        "meeting": meeting,
        "questions": questions,
        "materials": list(meeting.materials.all()),
        "sheets": sheets,
        # A failed form with no place on the page (e.g. a department one does not answer
        # for) shows its message at the top.
        "unplaced_messages": failed_messages(failed, shown_in_place=False)
        if failed is not None and id(failed) not in placed
        else [],
        "matrix": None,
    }
    if roles.can_organise(person, meeting):
        matrix_departments, matrix_rows = answers_matrix(meeting=meeting)
        context["matrix"] = {
            "departments": matrix_departments,
            "rows": [
                {
                    "question": row.question,
                    "missing": row.missing,
                    "cells": [(d, row.answers.get(d.pk)) for d in matrix_departments],
                }
                for row in matrix_rows
            ],
        }
    return context


@login_required
@require_GET
def prepare(request: HttpRequest, pk: int) -> HttpResponse:
    """Materials and questions; each department's written answers; the organiser's matrix."""
    meeting = _preparation(request, pk)
    return render(request, "meetings/prepare.html", _prepare_context(request, meeting))


@login_required
@require_POST
def answer_save(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, pk)
    questions = list(meeting.questions.all())
    form = AnswerForm(
        request.POST,
        questions=questions,
        departments=participating_departments(meeting=meeting),
        auto_id=_answer_auto_id(request.POST.get("question"), request.POST.get("department")),
    )
    answer, status = call_with_form(
        form, lambda data: preparation.answer_save(actor=request.user, **data)
    )
    if status is None and not request.htmx:
        messages.success(request, _("Draft saved."))
        anchor = f"#answer-{answer.question_id}-{answer.department_id}"
        return redirect(reverse("meetings:prepare", args=[pk]) + anchor)
    context = _prepare_context(
        request, _preparation(request, pk), bound_answer=form if status else None
    )
    if request.htmx:
        row = _find_row(context, form, answer)
        if row is not None:
            return render(
                request,
                "meetings/_answer.html",
                {**context, "row": row[1], "sheet": row[0], "saved": status is None},
                status=status or 200,
            )
    return render(request, "meetings/prepare.html", context, status=status or 200)


def _find_row(
    context: dict[str, Any], form: AnswerForm, answer: PrepAnswer | None
) -> tuple[Sheet, AnswerRow] | None:
    question_id = answer.question_id if answer else form.data.get("question")
    department_id = answer.department_id if answer else form.data.get("department")
    for sheet in context["sheets"]:
        for row in sheet.rows:
            if str(row.question.pk) == str(question_id) and str(sheet.department.pk) == str(
                department_id
            ):
                return sheet, row
    return None


@login_required
@require_POST
def answers_submit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, pk)
    form = SubmitAnswersForm(request.POST, departments=participating_departments(meeting=meeting))
    _count, status = call_with_form(
        form,
        lambda data: preparation.answers_submit(
            actor=request.user, meeting=meeting, department=data["department"]
        ),
    )
    if status is None:
        messages.success(
            request,
            _("%(department)s's answers are submitted.")
            % {"department": form.cleaned_data["department"]},
        )
        return redirect("meetings:prepare", pk)
    context = _prepare_context(request, _preparation(request, pk), bound_submit=form)
    return render(request, "meetings/prepare.html", context, status=status)
