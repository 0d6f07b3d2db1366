"""What quick capture keeps (S-MEET-3..5): the texts proposals are read from besides a
topic's own notes, and the recorder's decision on each proposal.

- A topic's notes stay where they are (``AgendaTopic.notes``, autosaved on the run page).
  The meeting-wide notes box is one ``CaptureSource`` of kind ``notes`` per meeting (no
  topic); each pasted or uploaded transcript is one ``CaptureSource`` of kind
  ``transcript``, with the topic that was open when it was added (proposals from it go to
  that topic unless the recorder picks another).
- A ``CaptureDecision`` says that one proposal of one source (``scope``: ``topic-<id>`` for a
  topic's notes, ``source-<id>`` for a ``CaptureSource``) was accepted or discarded, by whom
  and when, and which record accepting it created. It is keyed by the proposal's ``key`` — a
  hash of its normalized line and its occurrence among equal lines
  (``accord.live.capture.line_key``) — so editing the rest of the notes does not bring a
  decided line back, and one line is decided once (a unique constraint, behind the
  services' own check). The proposals shown are those of the current text without a
  decision.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accord.core.limits import SHORT_TEXT, Line, Text
from accord.core.models import BaseModel
from accord.live.capture import Kind

PERSON = settings.AUTH_USER_MODEL

# About two hours of speech, transcribed: an upload or a paste longer than this is refused.
TRANSCRIPT_TEXT = 100_000


class CaptureSource(BaseModel):
    """A text proposals are read from: the meeting-wide notes box or a transcript."""

    class Kind(models.TextChoices):
        NOTES = "notes", _("Meeting notes")
        TRANSCRIPT = "transcript", _("Transcript")

    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="capture_sources",
    )
    topic = models.ForeignKey(
        "meetings.AgendaTopic",
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True, validators=[Line()])
    text = models.TextField(_("text"), blank=True, validators=[Text(TRANSCRIPT_TEXT)])
    added_by = models.ForeignKey(
        PERSON, verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting"],
                condition=models.Q(kind="notes"),
                name="live_one_notes_box_per_meeting",
            )
        ]

    def __str__(self) -> str:
        return self.name or self.get_kind_display()

    @property
    def scope(self) -> str:
        return f"source-{self.pk}"


class CaptureDecision(BaseModel):
    """A proposal accepted (with the record it created) or discarded, by whom and when
    (``created_at``)."""

    class Verdict(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        DISCARDED = "discarded", _("Discarded")

    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="capture_decisions",
    )
    scope = models.CharField(_("source"), max_length=32)
    key = models.CharField(_("line key"), max_length=48)
    line = models.TextField(_("line"), validators=[Text(SHORT_TEXT)])
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    verdict = models.CharField(_("decision"), max_length=16, choices=Verdict.choices)
    decided_by = models.ForeignKey(
        PERSON, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    action = models.ForeignKey(
        "actions.ActionItem",
        verbose_name=_("action item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.ForeignKey(
        "meetings.TopicOutcome",
        verbose_name=_("outcome"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    objection = models.ForeignKey(
        "meetings.Objection",
        verbose_name=_("objection"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "scope", "key"], name="live_one_decision_per_line"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()}: {self.line}"
