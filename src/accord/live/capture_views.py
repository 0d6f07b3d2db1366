"""Quick capture on the run page (S-MEET-3..5): the proposals read from the topic's notes,
the meeting notes box and the transcripts, each a small form the recorder accepts, edits or
discards with one click; the meeting notes box (autosaved) and the transcript to paste or
upload. ``accord.live.capture_forms.capture_context`` is what the run page shows of it; the views hand each form to
``accord.live.capture_services`` through ``submit`` (``accord.live.views``).

With htmx the list is swapped in place (with the action items, objections and read-back it
changed), and refreshed whenever the notes are autosaved (``accord:saved``); an accepted
consensus, next meeting or research reloads the page, whose topic it closed. Without
JavaScript every form is a plain POST that comes back to the run page."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accord.core.edits import version_of
from accord.core.errors import AppError
from accord.live import capture_services as services
from accord.live.capture import Kind, Proposal
from accord.live.capture_forms import (
    DecisionForm,
    MeetingNotesForm,
    TranscriptForm,
    form_name,
    proposal_form,
)
from accord.live.capture_selectors import Notes, notes_of, proposals_of
from accord.live.models import CaptureSource
from accord.live.views import load_meeting, render_run, run_url, shown_topic, submit
from accord.meetings.models import AgendaTopic, Meeting

SWAP = "meetings/run/_capture_swap.html"
CLOSES_TOPIC = (Kind.CONSENSUS, Kind.NEXT_MEETING, Kind.RESEARCH)


@login_required
@require_safe
def run_capture(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposals again (htmx: after the notes were autosaved)."""
    meeting = load_meeting(request, pk)
    topic = shown_topic(request, meeting)
    if not request.htmx:
        return redirect(run_url(meeting, topic, "capture"))
    return render_run(request, meeting, topic, partial="meetings/run/_capture.html")


def _proposal(meeting: Meeting, scope: str, key: str) -> tuple[Notes, Proposal | None]:
    notes = notes_of(meeting=meeting, scope=scope)
    if notes is None:
        raise Http404
    found = proposals_of(meeting=meeting, text=notes.text, scope=scope)
    return notes, next((p for p in found if p.key == key), None)


def _gone(request: HttpRequest, meeting: Meeting, topic: AgendaTopic | None) -> HttpResponse:
    messages.error(request, _("This line is no longer in the notes: it was changed or removed."))
    if request.htmx:
        return render_run(request, meeting, topic, partial=SWAP, status=409)
    return redirect(run_url(meeting, topic, "capture"))


@login_required
@require_POST
def run_capture_accept(request: HttpRequest, pk: int, scope: str, key: str) -> HttpResponse:
    """Accept a proposal with the values as edited: the record is created (S-MEET-3..5)."""
    meeting = load_meeting(request, pk)
    topic = shown_topic(request, meeting)
    notes, proposal = _proposal(meeting, scope, key)
    if proposal is None:
        return _gone(request, meeting, topic)
    form = proposal_form(meeting, notes, proposal, request.POST)
    response = submit(
        request,
        meeting,
        name=form_name(scope, key),
        form=form,
        call=lambda data: services.proposal_accept(
            actor=request.user,
            meeting=meeting,
            scope=scope,
            key=key,
            text=data["text"],
            owner=form.value("owner"),
            department=form.value("department"),
            raised_by=form.value("raised_by"),
            due=form.value("due_date"),
            resources=form.value("resources"),
            topic=form.value("topic"),
        ),
        success=lambda _d: (
            _("Accepted: %(kind)s “%(text)s”.")
            % {"kind": proposal.kind.label, "text": form.cleaned_data["text"]}
        ),
        topic=topic,
        anchor="capture",
        partial=SWAP,
    )
    if request.htmx and response.status_code == 200 and proposal.kind in CLOSES_TOPIC:
        # The topic's outcome changed: the page shows it (and where the meeting is) anew.
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def run_capture_discard(request: HttpRequest, pk: int, scope: str, key: str) -> HttpResponse:
    """Discard a proposal: nothing is created, and the line is not proposed again."""
    meeting = load_meeting(request, pk)
    topic = shown_topic(request, meeting)
    notes, proposal = _proposal(meeting, scope, key)
    if proposal is None:
        return _gone(request, meeting, topic)
    form = DecisionForm(request.POST)
    form.proposal = proposal
    return submit(
        request,
        meeting,
        name=f"discard-{scope}-{key}",
        form=form,
        call=lambda _data: services.proposal_discard(
            actor=request.user, meeting=meeting, scope=scope, key=key
        ),
        success=lambda _d: _("Discarded: “%(text)s”.") % {"text": proposal.text or proposal.line},
        topic=topic,
        anchor="capture",
        partial=SWAP,
    )


@login_required
@require_POST
def run_capture_notes(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting notes box, saved as it is typed."""
    meeting = load_meeting(request, pk)
    topic = shown_topic(request, meeting)
    form = MeetingNotesForm(request.POST, prefix="capture-notes")
    return submit(
        request,
        meeting,
        name="capture-notes",
        form=form,
        call=lambda data: services.capture_notes_save(
            actor=request.user, meeting=meeting, text=data["text"], **form.edit_choice()
        ),
        success=lambda _s: _("Meeting notes saved."),
        version=lambda box: version_of(box.text),
        topic=topic,
        anchor="capture",
        partial="meetings/run/_capture.html",
    )


@login_required
@require_POST
def run_capture_transcript(request: HttpRequest, pk: int) -> HttpResponse:
    """A transcript pasted or uploaded; its proposals join the list."""
    meeting = load_meeting(request, pk)
    topic = shown_topic(request, meeting)
    form = TranscriptForm(request.POST, request.FILES, prefix="capture-transcript")

    def add(data: dict[str, Any]) -> CaptureSource:
        upload = data["file"]
        text, name = data["text"], ""
        if upload is not None:
            name = upload.name[:200]
            try:
                text = services.transcript_read(upload, name=upload.name)
            except AppError as error:
                error.field = "file"
                raise
        return services.transcript_add(
            actor=request.user, meeting=meeting, text=text, name=name, topic=topic
        )

    return submit(
        request,
        meeting,
        name="capture-transcript",
        form=form,
        call=add,
        success=lambda s: (
            _("Transcript “%(name)s” added; its proposals are listed.") % {"name": s.name}
        ),
        topic=topic,
        anchor="capture",
        partial="meetings/run/_capture.html",
    )
