"""The bell in the top bar: the signed-in person's unread in-app notices."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accord.notify import selectors

register = template.Library()

BELL = (
    '<svg aria-hidden="true" focusable="false" width="18" height="18" viewBox="0 0 24 24" '
    'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" '
    'stroke-linejoin="round"><path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9"/>'
    '<path d="M13.73 21a2 2 0 0 1-3.46 0"/></svg>'
)


@register.simple_tag(takes_context=True)
def bell(context) -> str:
    """A link to the inbox with the number of unread notices and a label that says it. One
    query, or none when the page already counted them (``unread_notices`` in the context)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    unread = context.get("unread_notices")
    if unread is None:
        unread = selectors.unread_count(user)
    if unread:
        label = ngettext("%(count)d unread notice", "%(count)d unread notices", unread) % {
            "count": unread
        }
        count = format_html('<span class="count" data-unread="{0}">{0}</span>', unread)
    else:
        label, count = _("No unread notices"), ""
    current = mark_safe(' aria-current="page"') if context.get("section") == "inbox" else ""
    return format_html(
        '<a class="bell" href="{}" aria-label="{}" title="{}"{}>{}{}</a>',
        reverse("notify:inbox"),
        label,
        label,
        current,
        mark_safe(BELL),  # a constant of this module
        count,
    )


@register.filter
def delivery_error(notification) -> str:
    """Why a delivery failed or was cancelled, in the reader's language."""
    return selectors.delivery_error(notification)


@register.filter
def stop_reason(channel) -> str:
    """Why Accord switched a channel off, in the reader's language."""
    return selectors.channel_stop_reason(channel)
