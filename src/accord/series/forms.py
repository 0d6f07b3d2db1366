"""Forms of the series pages. They only parse what was typed (the plain repeat controls
into their rule, the standing topics' rows into a list); the services decide what is allowed
and say why not."""

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.dates import WEEKDAYS
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
from accord.series.rules import CODES, NTH_NAMES, Preset, controls_of, preset_rule
from accord.series.services import SERIES_FIELDS


def _datetime_local(**kwargs: Any) -> DateTimeField:
    """A datetime-local input, read in the organisation's time zone (the current one)."""
    return DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        **kwargs,
    )


TOPIC_ROWS_MORE = 2  # empty rows after the standing topics, for new ones
TOPIC_ROWS_MAX = 30


def _posted_rows(data: Any) -> int:
    """How many topic rows were sent (``topic_title_<n>``), at most ``TOPIC_ROWS_MAX``."""
    numbers = [
        int(key.removeprefix("topic_title_"))
        for key in data
        if key.startswith("topic_title_") and key.removeprefix("topic_title_").isdigit()
    ]
    return min(max(numbers, default=-1) + 1, TOPIC_ROWS_MAX)


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
    weekdays = forms.MultipleChoiceField(
        label=_("On"),
        required=False,
        choices=list(zip(CODES, WEEKDAYS.values(), strict=True)),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Weekly or every two weeks. None ticked: the weekday of the first meeting."),
    )
    month_day = forms.TypedChoiceField(
        label=_("Day of the month"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("The day of the first meeting"))]
        + [(str(day), str(day)) for day in range(1, 32)]
        + [("-1", _("The last day"))],
        help_text=_("Monthly, on a day of the month."),
    )
    nth = forms.TypedChoiceField(
        label=_("Which one"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("As the first meeting"))]
        + [(str(n), name) for n, name in NTH_NAMES.items()],
        help_text=_("Monthly, on the n-th weekday."),
    )
    month_weekday = forms.ChoiceField(
        label=_("Weekday"),
        required=False,
        choices=[("", _("As the first meeting"))]
        + list(zip(CODES, WEEKDAYS.values(), strict=True)),
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
        # The standing topics: one row (topic, minutes) each, and two more to fill in.
        if self.is_bound:
            rows = _posted_rows(self.data)
        else:
            rows = len(self.initial.get("standing_topics") or []) + TOPIC_ROWS_MORE
            for number, item in enumerate(self.initial.get("standing_topics") or []):
                self.initial[f"topic_title_{number}"] = item["title"]
                self.initial[f"topic_minutes_{number}"] = item["minutes"]
        self.topic_rows = []
        for number in range(max(rows, TOPIC_ROWS_MORE)):
            title, minutes = f"topic_title_{number}", f"topic_minutes_{number}"
            self.fields[title] = forms.CharField(
                label=_("Standing topic %(number)d") % {"number": number + 1},
                required=False,
                max_length=200,
            )
            self.fields[minutes] = forms.IntegerField(
                label=_("Minutes of topic %(number)d") % {"number": number + 1},
                required=False,
                widget=forms.NumberInput(attrs={"min": 1, "max": 1440}),
            )
            self.topic_rows.append((self[title], self[minutes]))

    @staticmethod
    def initial_of(series: MeetingSeries, anchor: dt.datetime | None) -> dict[str, Any]:
        controls = controls_of(series.recurrence, anchor and timezone.localtime(anchor))
        preset = controls["preset"]
        return {
            "title": series.title,
            "preset": preset,
            "weekdays": controls.get("weekdays", []),
            "month_day": controls.get("month_day"),
            "nth": controls.get("nth"),
            "month_weekday": controls.get("weekday", ""),
            "recurrence": series.recurrence if preset == Preset.CUSTOM else "",
            "duration_minutes": series.duration_minutes,
            "location": series.location,
            "host": series.host_id,
            "recorder": series.recorder_id,
            "plan_ahead": series.plan_ahead,
            "active": series.active,
            "standing_topics": series.standing_topics,
        }

    def _clean_topics(self) -> list[dict]:
        """The filled rows, in order: each needs both its topic and its minutes."""
        topics = []
        for title_field, minutes_field in self.topic_rows:
            title = (self.cleaned_data.get(title_field.name) or "").strip()
            minutes = self.cleaned_data.get(minutes_field.name)
            if minutes_field.name in self.errors or title_field.name in self.errors:
                continue
            if title and minutes is None:
                self.add_error(minutes_field.name, _("How many minutes for this topic?"))
            elif minutes is not None and not title:
                self.add_error(title_field.name, _("The topic needs a title."))
            elif title:
                topics.append({"title": title, "minutes": minutes})
        return topics

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["standing_topics"] = self._clean_topics()
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
                data["recurrence"] = preset_rule(
                    preset,
                    timezone.localtime(anchor),
                    weekdays=data.get("weekdays"),
                    month_day=data.get("month_day"),
                    nth=data.get("nth"),
                    weekday=data.get("month_weekday") or None,
                )
            elif "starts_at" not in self.fields:
                self.add_error(
                    "preset",
                    _("The series has no meeting yet to take the day from: write a custom rule."),
                )
        return data

    def service_fields(self) -> dict[str, Any]:
        """What the series services take, from the cleaned form."""
        return {
            name: self.cleaned_data[name]
            for name in SERIES_FIELDS
            if name in self.fields or name == "standing_topics"
        }


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
