"""Tracking an action item: its status and progress, the reason it is overdue, its re-plan
and the owner's proposed due dates with their answers (S-TRACK-1..3), its escalation
(S-REVIEW-2) and its owner's signature (S-POST-3).

Each operation names its ``operation_id``: the one it had when every action operation was in
``accord.api.routers.actions``, so that clients generated from the schema keep their names."""

from ninja import Field, Router, Schema, Status

from accord.actions import services, tracking
from accord.actions.models import DueDateProposal
from accord.actions.selectors import due_proposals_awaiting
from accord.api.common import errors
from accord.api.routers.actions import DueProposalOut, call_service, visible_action
from accord.api.schemas import ActionStatus, Done, OverdueReasonChoice, Text
from accord.core.limits import SHORT_TEXT

router = Router(tags=["actions"])


class StatusIn(Schema):
    status: ActionStatus = Field(..., examples=["done"])
    note: Text = Field("", max_length=SHORT_TEXT, examples=["方案已评审通过"])


class ProgressIn(Schema):
    progress: int = Field(..., ge=0, le=100, examples=[60])
    note: Text = Field("", max_length=SHORT_TEXT, examples=["研发部已提交技术方案，符合需求"])


class OverdueReasonIn(Schema):
    reason: OverdueReasonChoice = Field(..., examples=["dependency"])
    text: Text = Field("", max_length=SHORT_TEXT, examples=["等待设计稿"])


class ReplanIn(Schema):
    due: Text = Field(
        ...,
        max_length=100,
        description="The new due date, a date or a phrase read from today.",
        examples=["9月30日前"],
    )
    reason: Text = Field(..., max_length=SHORT_TEXT, examples=["设计资源调整，延后两周"])


class ProposeIn(Schema):
    due: Text = Field(
        ...,
        max_length=100,
        description="The proposed due date, a date or a phrase read from today; not before today.",
        examples=["9月30日前"],
    )
    reason: Text = Field(..., max_length=SHORT_TEXT, examples=["等待测试服务器到货"])


class DeclineIn(Schema):
    answer: Text = Field(
        ...,
        max_length=SHORT_TEXT,
        description="why not, for the owner",
        examples=["上线日期不能再推"],
    )


class EscalateIn(Schema):
    note: Text = Field(
        ...,
        max_length=SHORT_TEXT,
        description="what help is needed, for the owner's department head and the PMO",
        examples=["供应商接口延期，需要研发部负责人协调资源"],
    )


MOVE_ERRORS = errors(401, 403, 404, 409, 422)


def _move(request, action_id: int, service, **fields) -> Done:
    """A lifecycle move: the visible item, the service, the item's status after it."""
    action = visible_action(request, action_id)
    call_service(service, actor=request.user, action=action, **fields)
    return Done(id=action.pk, status=action.status)


@router.post(
    "/actions/{action_id}/status",
    operation_id="accord_api_routers_actions_action_set_status",
    response={200: Done, **MOVE_ERRORS},
    summary="Change the item's status (owner, their head, the organiser side)",
    description="Cancelling, and reopening what was not in progress, is the organiser's call.",
)
def action_set_status(request, action_id: int, payload: StatusIn):
    return _move(
        request, action_id, tracking.action_set_status, status=payload.status, note=payload.note
    )


@router.post(
    "/actions/{action_id}/progress",
    operation_id="accord_api_routers_actions_action_progress",
    response={200: Done, **MOVE_ERRORS},
    summary="Report progress (a percentage and a note) on an open item",
)
def action_progress(request, action_id: int, payload: ProgressIn):
    return _move(
        request,
        action_id,
        tracking.action_report_progress,
        progress=payload.progress,
        note=payload.note,
    )


@router.post(
    "/actions/{action_id}/overdue-reason",
    operation_id="accord_api_routers_actions_action_overdue_reason",
    response={200: Done, **MOVE_ERRORS},
    summary="Say why an overdue item is late (owner or their department head)",
)
def action_overdue_reason(request, action_id: int, payload: OverdueReasonIn):
    return _move(
        request,
        action_id,
        tracking.action_report_overdue_reason,
        reason=payload.reason,
        text=payload.text,
    )


@router.post(
    "/actions/{action_id}/replan",
    operation_id="accord_api_routers_actions_action_replan",
    response={200: Done, **MOVE_ERRORS},
    summary="Re-plan an open item: a new due date and the reason (organiser side)",
)
def action_replan(request, action_id: int, payload: ReplanIn):
    return _move(request, action_id, tracking.action_replan, due=payload.due, reason=payload.reason)


def _proposal_read(pk: int) -> DueDateProposal:
    return DueDateProposal.objects.select_related(
        "proposed_by__department", "decided_by__department"
    ).get(pk=pk)


def _proposal(request, action_id: int, proposal_id: int) -> DueDateProposal:
    """A proposal of an item the caller may see; 404 otherwise."""
    action = visible_action(request, action_id)
    proposal = next((p for p in action.due_proposals.all() if p.pk == proposal_id), None)
    if proposal is None:
        raise DueDateProposal.DoesNotExist
    return proposal


@router.post(
    "/actions/{action_id}/due-proposals",
    operation_id="accord_api_routers_actions_due_proposal_create",
    response={201: DueProposalOut, **MOVE_ERRORS},
    summary="Propose a new due date for my item, with the reason (owner)",
    description="Whoever may re-plan the item (the organiser side) accepts or declines it; "
    "one proposal waits at a time (409 while one does).",
)
def due_proposal_create(request, action_id: int, payload: ProposeIn):
    action = visible_action(request, action_id)
    proposal = call_service(
        tracking.due_proposal_create,
        actor=request.user,
        action=action,
        due=payload.due,
        reason=payload.reason,
    )
    return Status(201, _proposal_read(proposal.pk))


@router.post(
    "/actions/{action_id}/due-proposals/{proposal_id}/accept",
    operation_id="accord_api_routers_actions_due_proposal_accept",
    response={200: DueProposalOut, **MOVE_ERRORS},
    summary="Accept the owner's proposed date: the item is re-planned with their reason "
    "(organiser side)",
)
def due_proposal_accept(request, action_id: int, proposal_id: int):
    proposal = _proposal(request, action_id, proposal_id)
    call_service(tracking.due_proposal_accept, actor=request.user, proposal=proposal)
    return _proposal_read(proposal.pk)


@router.post(
    "/actions/{action_id}/due-proposals/{proposal_id}/decline",
    operation_id="accord_api_routers_actions_due_proposal_decline",
    response={200: DueProposalOut, **MOVE_ERRORS},
    summary="Decline the owner's proposed date with a reason (organiser side)",
)
def due_proposal_decline(request, action_id: int, proposal_id: int, payload: DeclineIn):
    proposal = _proposal(request, action_id, proposal_id)
    call_service(
        tracking.due_proposal_decline, actor=request.user, proposal=proposal, answer=payload.answer
    )
    return _proposal_read(proposal.pk)


@router.post(
    "/actions/{action_id}/due-proposals/{proposal_id}/withdraw",
    operation_id="accord_api_routers_actions_due_proposal_withdraw",
    response={200: DueProposalOut, **MOVE_ERRORS},
    summary="Withdraw my proposal while it waits for an answer (owner)",
)
def due_proposal_withdraw(request, action_id: int, proposal_id: int):
    proposal = _proposal(request, action_id, proposal_id)
    call_service(tracking.due_proposal_withdraw, actor=request.user, proposal=proposal)
    return _proposal_read(proposal.pk)


@router.get(
    "/due-proposals",
    operation_id="accord_api_routers_actions_due_proposals_waiting",
    response={200: list[DueProposalOut], **errors(401)},
    summary="Proposed due dates waiting for my answer (meetings I organise or host)",
    description="Pending, on open items, oldest first; at most 100.",
)
def due_proposals_waiting(request):
    return list(
        due_proposals_awaiting(person=request.user).select_related("decided_by__department")[:100]
    )


@router.post(
    "/actions/{action_id}/escalate",
    operation_id="accord_api_routers_actions_action_escalate",
    response={200: Done, **MOVE_ERRORS},
    summary="Escalate an open item with a note: its owner's department head and the PMO are "
    "told (organiser side, S-REVIEW-2)",
)
def action_escalate(request, action_id: int, payload: EscalateIn):
    return _move(request, action_id, tracking.action_escalate, note=payload.note)


@router.post(
    "/actions/{action_id}/sign",
    operation_id="accord_api_routers_actions_action_sign",
    response={200: Done, **MOVE_ERRORS},
    summary="Sign for my item once the minutes are approved (签字确认)",
)
def action_sign(request, action_id: int):
    return _move(request, action_id, services.action_sign)
