"""The forms of quick capture on the run page: one per proposal, prefilled with what the
line said and editable in place (only the fields its kind has), the meeting notes box and
the transcript to paste or upload; and ``capture_context``, what the run page shows of
quick capture, built from the meeting as the view loaded it (two queries: the sources and
the decisions)."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy

from accord.core.edits import version_of
from accord.live.capture import Kind, Proposal
from accord.live.capture_selectors import (
    Notes,
    meeting_people,
    open_notes,
)
from accord.live.forms import ObjectChoiceField, VersionedForm
from accord.live.models import CaptureSource
from accord.meetings import roles
from accord.meetings.models import AgendaTopic, Meeting
from accord.meetings.rules import RECORDING
from accord.meetings.selectors import meeting_departments
from accord.org.models import Department, Person

_TEXT_LABELS = {
    Kind.CONSENSUS: gettext_lazy("Consensus"),
    Kind.NEXT_MEETING: gettext_lazy("What is discussed again"),
    Kind.RESEARCH: gettext_lazy("What is researched"),
    Kind.ACTION: gettext_lazy("Task"),
    Kind.OBJECTION: gettext_lazy("Objection"),
}
# The fields each kind of proposal has besides its text (and the topic, for a text that
# belongs to no topic).
_FIELDS = {
    Kind.CONSENSUS: (),
    Kind.NEXT_MEETING: ("due_date",),
    Kind.RESEARCH: ("department", "owner", "due_date"),
    Kind.ACTION: ("owner", "department", "due_date", "resources"),
    Kind.OBJECTION: ("raised_by", "department"),
}


def _topic_label(topic: AgendaTopic) -> str:
    return f"{topic.order}. {topic.title}"


class ProposalForm(forms.Form):
    """A proposal as the recorder leaves it before accepting it."""

    def __init__(
        self,
        *args,
        proposal: Proposal,
        people: list[Person],
        departments: list[Department],
        topics: list[AgendaTopic] | None,
        **kwargs,
    ):
        super().__init__(*args, prefix=f"c{proposal.key}", **kwargs)
        kind = proposal.kind
        self.fields["text"] = forms.CharField(
            label=_TEXT_LABELS[kind],
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        wanted = _FIELDS[kind]
        if "owner" in wanted:
            self.fields["owner"] = ObjectChoiceField(
                objects=people,
                label_from=lambda p: p.display,
                label=gettext_lazy("Who leads the research")
                if kind == Kind.RESEARCH
                else gettext_lazy("Owner"),
            )
        if "raised_by" in wanted:
            self.fields["raised_by"] = ObjectChoiceField(
                objects=people, label_from=lambda p: p.display, label=gettext_lazy("Raised by")
            )
        if "department" in wanted:
            labels = {
                Kind.RESEARCH: gettext_lazy("Researching department"),
                Kind.OBJECTION: gettext_lazy("Or the department that raised it"),
            }
            self.fields["department"] = ObjectChoiceField(
                objects=departments,
                label=labels.get(kind, gettext_lazy("Department")),
                help_text=gettext_lazy("Empty: the owner's department.")
                if kind == Kind.ACTION
                else "",
            )
        if "due_date" in wanted:
            self.fields["due_date"] = forms.CharField(
                label=gettext_lazy("Discussed again on")
                if kind == Kind.NEXT_MEETING
                else gettext_lazy("Due date"),
                required=False,
                max_length=100,
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
            )
        if "resources" in wanted:
            self.fields["resources"] = forms.CharField(
                label=gettext_lazy("Required resources"), required=False
            )
        if topics is not None:
            self.fields["topic"] = ObjectChoiceField(
                objects=topics, label_from=_topic_label, label=gettext_lazy("Topic")
            )

    def value(self, name: str) -> Any:
        """What was sent for ``name``, or its empty value when the kind has no such field."""
        return self.cleaned_data.get(name, "" if name in ("due_date", "resources") else None)


@dataclass
class ProposalRow:
    proposal: Proposal
    form: ProposalForm
    accept_url: str
    discard_url: str


@dataclass
class CaptureGroup:
    notes: Notes
    rows: list[ProposalRow]


@dataclass
class CaptureBox:
    groups: list[CaptureGroup]
    notes_form: forms.Form
    transcript_form: forms.Form
    refresh_url: str
    notes_url: str
    transcript_url: str

    @property
    def open(self) -> int:
        return sum(len(group.rows) for group in self.groups)


def form_name(scope: str, key: str) -> str:
    return f"capture-{scope}-{key}"


def proposal_form(
    meeting: Meeting, notes: Notes, proposal: Proposal, data: Any = None
) -> ProposalForm:
    form = ProposalForm(
        data,
        proposal=proposal,
        people=meeting_people(meeting),
        departments=meeting_departments(meeting),
        # A topic's notes close that topic; other texts say which topic.
        topics=None if notes.source is None else list(meeting.topics.all()),
        initial={**initial(proposal), "topic": notes.topic.pk if notes.topic else ""},
    )
    form.proposal = proposal
    return form


def _with_topic(url: str, topic: AgendaTopic | None) -> str:
    return f"{url}?topic={topic.pk}" if topic is not None else url


def capture_context(
    request: HttpRequest,
    meeting: Meeting,
    topic: AgendaTopic | None,
    bound: dict[str, forms.Form],
) -> dict[str, Any]:
    """What the run page shows of quick capture: for those who record, the open proposals
    of ``topic``'s notes, of the meeting notes box and of the transcripts. Two queries, run
    only by a template that shows it (the other parts of the run page do not)."""
    capturing = [name for name in bound if name.startswith("capture")]
    records = roles.can_record(request.user, meeting) and meeting.status in RECORDING
    if topic is None or not (records or capturing):
        return {"capture": None}
    return {"capture": SimpleLazyObject(lambda: _capture_box(meeting, topic, bound))}


def _capture_box(
    meeting: Meeting, topic: AgendaTopic, bound: dict[str, forms.Form]
) -> "CaptureBox":
    groups = []
    box_text = ""
    for notes in open_notes(meeting=meeting, topic=topic):
        if notes.source is not None and notes.source.kind == CaptureSource.Kind.NOTES:
            box_text = notes.text
        rows = []
        proposals = notes.proposals
        shown = {p.key for p in proposals}
        # A refused accept keeps its proposal on screen even once the list changed.
        for name, form in bound.items():
            if isinstance(form, ProposalForm) and name.startswith(f"capture-{notes.scope}-"):
                key = name.removeprefix(f"capture-{notes.scope}-")
                if key not in shown:
                    proposals = [*proposals, form.proposal]
        for proposal in proposals:
            name = form_name(notes.scope, proposal.key)
            form = bound.get(name) or proposal_form(meeting, notes, proposal)
            args = [meeting.pk, notes.scope, proposal.key]
            rows.append(
                ProposalRow(
                    proposal,
                    form,
                    _with_topic(reverse("meetings:run_capture_accept", args=args), topic),
                    _with_topic(reverse("meetings:run_capture_discard", args=args), topic),
                )
            )
        groups.append(CaptureGroup(notes, rows))
    return CaptureBox(
        groups=groups,
        notes_form=bound.get("capture-notes")
        or MeetingNotesForm(
            initial={"text": box_text, "seen": version_of(box_text)}, prefix="capture-notes"
        ),
        transcript_form=bound.get("capture-transcript")
        or TranscriptForm(prefix="capture-transcript"),
        refresh_url=_with_topic(reverse("meetings:run_capture", args=[meeting.pk]), topic),
        notes_url=_with_topic(reverse("meetings:run_capture_notes", args=[meeting.pk]), topic),
        transcript_url=_with_topic(
            reverse("meetings:run_capture_transcript", args=[meeting.pk]), topic
        ),
    )


def initial(proposal: Proposal) -> dict[str, Any]:
    return {
        "text": proposal.text,
        "owner": str(proposal.owner.pk) if proposal.owner else "",
        "raised_by": str(proposal.raised_by.pk) if proposal.raised_by else "",
        "department": str(proposal.department.pk) if proposal.department else "",
        "due_date": proposal.due_text,
        "resources": proposal.resources,
    }


class DecisionForm(forms.Form):
    """Discarding sends nothing but the button."""


class MeetingNotesForm(VersionedForm):
    text = forms.CharField(
        label=gettext_lazy("Notes for the whole meeting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Mark a line to propose a record: 【共识】, 【待办】@张专员 … 9月15日前, 【异议】销售部：…, "
            "【下次再议】, 【调研】研发部 …, or AGREED:, ACTION:, OBJECTION:, NEXT MEETING:, RESEARCH:."
        ),
    )


class TranscriptForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Paste a transcript"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    file = forms.FileField(
        label=gettext_lazy("Or upload a file"),
        required=False,
        help_text=gettext_lazy(
            "Plain text, SRT or WebVTT (.txt, .srt, .vtt), such as the text that Feishu Minutes "
            "or Tencent Meeting export."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.srt,.vtt"}),
    )
