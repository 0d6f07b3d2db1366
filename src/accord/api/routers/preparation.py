"""A meeting's preparation (S-PREP-3, S-PREP-4): its materials and when they go out, the
organiser's questions, the departments' written answers and the matrix of them.

Mounted with the other meeting routers (``meetings``, ``live``) under the tag ``meetings``;
the operationIds stay the ones these endpoints had when they lived in ``meetings``."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from accord.api.common import errors, ref
from accord.api.routers.meetings import (
    NESTED_ERRORS,
    PersonName,
    named_as,
    topic_ref,
    visible_meeting,
)
from accord.api.schemas import DepartmentRef, Text
from accord.core.errors import PermissionDenied
from accord.core.limits import LONG_TEXT, SHORT_TEXT
from accord.meetings import preparation, roles
from accord.meetings.models import Material, Meeting, PrepQuestion
from accord.meetings.selectors import answers_matrix
from accord.org.models import Department

router = Router(tags=["meetings"])


class QuestionIn(Schema):
    text: Text = Field(..., max_length=SHORT_TEXT, examples=["贵部门在Q3上线中需要哪些资源支持？"])
    topic_id: int | None = None


class QuestionOut(Schema):
    id: int
    order: int
    text: str
    topic_id: int | None


class AnswerIn(Schema):
    question_id: int = Field(..., examples=[1])
    department_id: int = Field(..., examples=[2])
    text: Text = Field(..., max_length=LONG_TEXT, examples=["需要2名前端开发支援，9月15日前到位"])


class AnswerOut(Schema):
    id: int
    question_id: int
    department_id: int
    author: PersonName
    text: str
    submitted_at: dt.datetime | None


class SubmitAnswersIn(Schema):
    department_id: int = Field(..., examples=[2])


class SubmittedOut(Schema):
    department_id: int
    submitted: int = Field(..., description="how many answers were submitted")


class MatrixRow(Schema):
    question: QuestionOut
    answers: list[AnswerOut] = Field(..., description="submitted answers, by department name")
    missing: list[DepartmentRef] = Field(..., description="departments that have not answered")


class AnswersMatrix(Schema):
    departments: list[DepartmentRef]
    rows: list[MatrixRow]


@router.post(
    "/meetings/{meeting_id}/questions",
    operation_id="accord_api_routers_meetings_question_add",
    response={201: QuestionOut, **NESTED_ERRORS},
    summary="Ask the departments a pre-discussion question (organiser)",
)
def question_add(request, meeting_id: int, payload: QuestionIn):
    meeting = visible_meeting(request, meeting_id)
    with named_as(topic="topic_id"):
        question = preparation.question_add(
            actor=request.user,
            meeting=meeting,
            text=payload.text,
            topic=topic_ref(meeting, payload.topic_id),
        )
    return Status(201, question)


@router.get(
    "/meetings/{meeting_id}/answers",
    operation_id="accord_api_routers_meetings_answers_read",
    response={200: AnswersMatrix, **errors(401, 403, 404)},
    summary="Every question × every participating department, and who has not answered",
    description="For the organiser (S-PREP-4). Only submitted answers show; drafts are the "
    "department's own business. A fixed number of queries however many rows.",
)
def answers_read(request, meeting_id: int):
    meeting = visible_meeting(request, meeting_id)
    if not roles.can_organise(request.user, meeting):
        raise PermissionDenied(_("Only the organiser sees every department's answers."))
    departments, rows = answers_matrix(meeting=meeting)
    names = {department.pk: department.name for department in departments}
    return {
        "departments": departments,
        "rows": [
            {
                "question": row.question,
                "answers": sorted(
                    row.answers.values(), key=lambda a: (names.get(a.department_id, ""), a.pk)
                ),
                "missing": row.missing,
            }
            for row in rows
        ],
    }


@router.post(
    "/meetings/{meeting_id}/answers",
    operation_id="accord_api_routers_meetings_answer_save",
    response={200: AnswerOut, **NESTED_ERRORS},
    summary="Save a department's written answer (a draft until submitted)",
)
def answer_save(request, meeting_id: int, payload: AnswerIn):
    meeting = visible_meeting(request, meeting_id)
    question = ref(
        PrepQuestion,
        payload.question_id,
        field="question_id",
        queryset=meeting.questions.select_related("meeting"),
    )
    answer = preparation.answer_save(
        actor=request.user,
        question=question,
        department=ref(Department, payload.department_id, field="department_id"),
        text=payload.text,
    )
    return answer


@router.post(
    "/meetings/{meeting_id}/answers/submit",
    operation_id="accord_api_routers_meetings_answers_submit",
    response={200: SubmittedOut, **NESTED_ERRORS},
    summary="Submit all of a department's answers (every question needs one)",
)
def answers_submit(request, meeting_id: int, payload: SubmitAnswersIn):
    meeting = visible_meeting(request, meeting_id)
    department = ref(Department, payload.department_id, field="department_id")
    count = preparation.answers_submit(actor=request.user, meeting=meeting, department=department)
    return {"department_id": department.pk, "submitted": count}


class MaterialIn(Schema):
    title: Text = Field(..., max_length=200, examples=["Q3产品需求文档"])
    url: Text = Field(..., max_length=200, examples=["https://docs.example.com/q3-prd"])
    topic_id: int | None = None


class MaterialOut(Schema):
    id: int
    title: str
    url: str
    download_url: Text | None = Field(None, description="an uploaded file, through the web app")
    topic_id: int | None
    added_by: PersonName
    created_at: dt.datetime

    @staticmethod
    def resolve_download_url(obj) -> str | None:
        return reverse("meetings:material", args=[obj.pk]) if obj.file else None


class SendAtIn(Schema):
    send_at: dt.datetime | None = Field(
        None,
        examples=["2026-09-08T09:00:00+08:00"],
        description="by default the start of the window (1–2 days before)",
    )


class SendAtOut(Schema):
    id: int
    materials_send_at: dt.datetime | None


@router.get(
    "/meetings/{meeting_id}/materials",
    operation_id="accord_api_routers_meetings_material_list",
    response={200: list[MaterialOut], **errors(401, 404)},
    summary="The meeting's materials, oldest first",
)
def material_list(request, meeting_id: int):
    meeting = visible_meeting(request, meeting_id)
    return list(meeting.materials.select_related("added_by").order_by("id"))


@router.post(
    "/meetings/{meeting_id}/materials",
    operation_id="accord_api_routers_meetings_material_add",
    response={201: MaterialOut, **NESTED_ERRORS},
    summary="Add a link as material (organiser); files are uploaded in the web app",
)
def material_add(request, meeting_id: int, payload: MaterialIn):
    meeting = visible_meeting(request, meeting_id)
    with named_as(topic="topic_id"):
        material = preparation.material_add(
            actor=request.user,
            meeting=meeting,
            title=payload.title,
            url=payload.url,
            topic=topic_ref(meeting, payload.topic_id),
        )
    return Status(201, Material.objects.select_related("added_by").get(pk=material.pk))


@router.post(
    "/meetings/{meeting_id}/materials/send-at",
    operation_id="accord_api_routers_meetings_materials_send_at",
    response={200: SendAtOut, **NESTED_ERRORS},
    summary="Choose when materials and questions go out (organiser)",
)
def materials_send_at(request, meeting_id: int, payload: SendAtIn):
    meeting = visible_meeting(request, meeting_id)
    with named_as(materials_send_at="send_at"):
        preparation.meeting_set_materials_send_at(
            actor=request.user, meeting=meeting, send_at=payload.send_at
        )
    return Meeting.objects.get(pk=meeting.pk)  # read back: times come out as stored
