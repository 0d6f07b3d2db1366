"""Template tags and filters the pages share: status and due badges, minutes between two times."""

import datetime as dt

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accord.core import clock

register = template.Library()

_TONE = {
    "done": "ok",
    "distributed": "ok",
    "approved": "ok",
    "closed": "grey",
    "cancelled": "grey",
    "in_progress": "",
    "open": "",
    "scheduled": "",
    "draft": "grey",
    "minutes_draft": "warn",
    "in_review": "warn",
}


@register.simple_tag
def status_badge(obj) -> str:
    """A coloured badge with the object's translated status."""
    return format_html(
        '<span class="badge {}">{}</span>', _TONE.get(obj.status, ""), obj.get_status_display()
    )


@register.simple_tag
def due_badge(action) -> str:
    """The due date with how far away it is; red when overdue."""
    today = clock.today()
    days = (action.due_date - today).days
    open_ = action.status in ("open", "in_progress")
    if open_ and days < 0:
        text = ngettext("%(days)d day overdue", "%(days)d days overdue", -days) % {"days": -days}
        tone = "bad"
    elif open_ and days == 0:
        text, tone = _("due today"), "warn"
    elif open_ and days <= 3:
        text = ngettext("in %(days)d day", "in %(days)d days", days) % {"days": days}
        tone = "warn"
    else:
        return format_html("<time datetime='{0}'>{0}</time>", action.due_date.isoformat())
    return format_html(
        "<time datetime='{0}'>{0}</time> <span class='badge {1}'>{2}</span>",
        action.due_date.isoformat(),
        tone,
        text,
    )


@register.filter
def minutes_between(end: dt.datetime, start: dt.datetime) -> int:
    return int((end - start).total_seconds() // 60)
