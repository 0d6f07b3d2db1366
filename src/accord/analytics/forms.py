"""The analytics filters: a period and a department. They parse input; the selectors count."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.org.models import Department

DATE = forms.DateInput(attrs={"type": "date"})
LONGEST_PERIOD = dt.timedelta(days=3 * 366)  # a wider period is refused, not slowly answered


class AnalyticsFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label=_("All departments"),
    )

    def __init__(self, *args, default_start: dt.date, default_end: dt.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.default_start, self.default_end = default_start, default_end

    def clean(self) -> dict:
        data = super().clean()
        start = data.get("start") or self.default_start
        end = data.get("end") or self.default_end
        if "start" in data and "end" in data:
            if start > end:
                self.add_error("end", _("The period ends before it starts."))
            elif end - start > LONGEST_PERIOD:
                self.add_error("end", _("Choose a period of at most three years."))
            elif end.year > 9000:  # the day after the end must still be a date
                self.add_error("end", _("Choose an end date before the year 9000."))
        data["start"], data["end"] = start, end
        return data
