"""Forms of the series pages. They only parse what was typed (a preset into its rule, the
standing topics' lines into a list); the services decide what is allowed and say why not."""

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accord.meetings.forms import (
    DATETIME_LOCAL,
    DateTimeField,
    ObjectChoiceField,
    person_group,
    person_label,
)
from accord.meetings.models import Participant
from accord.org.models import Person
from accord.series.models import MeetingSeries
from accord.series.rules import Preset, preset_of, preset_rule
from accord.series.services import SERIES_FIELDS


def _datetime_local(**kwargs: Any) -> DateTimeField:
    """A datetime-local input, read in the organisation's time zone (the current one)."""
    return DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        **kwargs,
    )


def topics_as_text(topics: list[dict]) -> str:
    """The standing topics as the form shows them: one "title | minutes" a line."""
    return "\n".join(f"{item['title']} | {item['minutes']}" for item in topics)


def parse_topics(text: str) -> list[dict]:
    """One topic a line, "title | minutes"; empty lines are skipped. Every bad line is
    named by its number."""
    topics, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        title, sep, minutes = line.rpartition("|")
        title, minutes = title.strip(), minutes.strip()
        if not sep:
            errors.append(
                forms.ValidationError(
                    _("Line %(number)d: write “title | minutes”, e.g. “Last week's actions | 10”."),
                    code="format",
                    params={"number": number},
                )
            )
        elif not title:
            errors.append(
                forms.ValidationError(
                    _("Line %(number)d: the topic needs a title before “|”."),
                    code="title",
                    params={"number": number},
                )
            )
        elif not minutes.isascii() or not minutes.isdigit() or int(minutes) <= 0:
            errors.append(
                forms.ValidationError(
                    _("Line %(number)d: the minutes after “|” must be a whole number above 0."),
                    code="minutes",
                    params={"number": number},
                )
            )
        else:
            topics.append({"title": title, "minutes": int(minutes)})
    if errors:
        raise forms.ValidationError(errors)
    return topics


class SeriesForm(forms.Form):
    """A recurring meeting (S-REVIEW-1). Creating asks for the first meeting's start, which
    anchors the preset rules; changing anchors them at the series' first meeting."""

    title = forms.CharField(label=_("Name"), required=False, max_length=200)
    starts_at = _datetime_local(label=_("First meeting"))
    preset = forms.ChoiceField(
        label=_("Repeats"),
        choices=Preset.choices,
        initial=Preset.WEEKLY,
        widget=forms.RadioSelect,
    )
    recurrence = forms.CharField(
        label=_("Custom rule"),
        required=False,
        max_length=200,
        help_text=_("With “Custom rule”: an RFC 5545 rule, e.g. FREQ=WEEKLY;BYDAY=MO."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"),
        initial=30,
        widget=forms.NumberInput(attrs={"min": 1, "max": 1440}),
        help_text=_("15 to 30 minutes suit a weekly check-in."),
    )
    location = forms.CharField(label=_("Place"), required=False, max_length=200)
    host = ObjectChoiceField(label=_("Host"), required=False)
    recorder = ObjectChoiceField(label=_("Recorder"), required=False)
    plan_ahead = forms.BooleanField(
        label=_("Plan the next meeting ahead"),
        required=False,
        initial=True,
        help_text=MeetingSeries._meta.get_field("plan_ahead").help_text,
    )
    active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_("An ended series plans no more meetings."),
    )
    standing_topics = forms.CharField(
        label=_("Standing topics"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One a line: “title | minutes”, e.g. “Last week's actions | 10”."),
    )

    def __init__(
        self,
        *args: Any,
        people: list[Person],
        series: MeetingSeries | None = None,
        anchor: dt.datetime | None = None,
        **kwargs: Any,
    ) -> None:
        """``series``: the form changes it (no first start; ``active`` offered), with the
        presets anchored at ``anchor``, the start of its first meeting."""
        self.anchor = anchor
        super().__init__(*args, **kwargs)
        if series is None:
            del self.fields["active"]
            self.fields["starts_at"].help_text = _("Time in %(zone)s.") % {
                "zone": settings.TIME_ZONE
            }
        else:
            del self.fields["starts_at"]
        for name in ("host", "recorder"):
            self.fields[name].set_objects(people, label_of=person_label, group_of=person_group)

    @staticmethod
    def initial_of(series: MeetingSeries, anchor: dt.datetime | None) -> dict[str, Any]:
        preset = preset_of(series.recurrence, anchor and timezone.localtime(anchor))
        return {
            "title": series.title,
            "preset": preset,
            "recurrence": series.recurrence if preset == Preset.CUSTOM else "",
            "duration_minutes": series.duration_minutes,
            "location": series.location,
            "host": series.host_id,
            "recorder": series.recorder_id,
            "plan_ahead": series.plan_ahead,
            "active": series.active,
            "standing_topics": topics_as_text(series.standing_topics),
        }

    def clean_standing_topics(self) -> list[dict]:
        return parse_topics(self.cleaned_data["standing_topics"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        preset = data.get("preset")
        if preset == Preset.CUSTOM:
            data["recurrence"] = (data.get("recurrence") or "").strip()
            if not data["recurrence"] and "recurrence" not in self.errors:
                self.add_error(
                    "recurrence", _("Write the rule, or choose one of the patterns above.")
                )
        elif preset:
            anchor = data.get("starts_at") if "starts_at" in self.fields else self.anchor
            if anchor is not None:
                data["recurrence"] = preset_rule(preset, timezone.localtime(anchor))
            elif "starts_at" not in self.fields:
                self.add_error(
                    "preset",
                    _("The series has no meeting yet to take the day from: write a custom rule."),
                )
        return data

    def service_fields(self) -> dict[str, Any]:
        """What the series services take, from the cleaned form."""
        return {name: self.cleaned_data[name] for name in SERIES_FIELDS if name in self.fields}


class MemberForm(forms.Form):
    """A standing participant: invited to every meeting the series plans."""

    person = ObjectChoiceField(label=_("Person"))
    role = forms.ChoiceField(label=_("Role"), choices=Participant.Role.choices)

    def __init__(self, *args: Any, people: list[Person], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "member_%s")
        super().__init__(*args, **kwargs)
        self.fields["person"].set_objects(people, label_of=person_label, group_of=person_group)


class PlanForm(forms.Form):
    """Plan the next meeting now; the start is asked only while the series has none."""

    starts_at = _datetime_local(label=_("First meeting"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "plan_%s")
        super().__init__(*args, **kwargs)
