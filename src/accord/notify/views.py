"""The notification pages: the inbox behind the bell, the channels a person sets up (with
"send a test message"), and the delivery log (who was told what, when, through which
channel, and what it answered).

Views parse with ``accord.notify.forms``, read through ``accord.notify.selectors`` and
write through ``accord.notify.services``. A channel or a log row the person may not see is
a 404, the same as a missing one."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.refusals import call_with_form
from accord.notify import selectors, services
from accord.notify.forms import ChannelEditForm, ChannelForm, LogFilterForm, SwitchForm
from accord.notify.models import Channel, Notification

PAGE_SIZE = 30


def _partial(request: HttpRequest) -> bool:
    """An htmx swap gets the part; a history restore (the Back button) gets the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _page_number(request: HttpRequest) -> str:
    """The inbox page to go back to after a POST (digits only: it goes into a URL)."""
    number = request.POST.get("page", "")
    return number if number.isdigit() else ""


# -- the inbox -------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """My in-app notices, newest first, 30 to a page, unread ones marked."""
    person = request.user
    page = Paginator(selectors.inbox(person), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav": "notify",
        "section": "inbox",
        "page": page,
        "notices": [selectors.notice(n) for n in page.object_list],
        # Counted once here; the bell in the top bar shows the same number.
        "unread_notices": selectors.unread_count(person),
    }
    return render(request, "notify/inbox.html", context)


def _back_to_inbox(request: HttpRequest) -> HttpResponse:
    number = _page_number(request)
    return redirect(reverse("notify:inbox") + (f"?page={number}" if number else ""))


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of my notices read."""
    if not selectors.inbox(request.user).filter(pk=pk).exists():
        raise Http404
    services.notifications_mark_read(actor=request.user, pk=pk)
    return _back_to_inbox(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    """Mark all my notices read."""
    marked = services.notifications_mark_read(actor=request.user)
    if marked:
        messages.success(request, _("All notices are marked read."))
    return _back_to_inbox(request)


# -- channels --------------------------------------------------------------------------------


def _channels_page(
    request: HttpRequest,
    *,
    status: int = 200,
    failed: list[str] | None = None,
    tested: Notification | None = None,
) -> HttpResponse:
    person = request.user
    listing = selectors.channels_for(person)
    context = {
        "nav": "notify",
        "section": "channels",
        "own": listing.own,
        "department_channels": listing.departments,
        "member_channels": listing.members,
        "manages_departments": bool(listing.departments)
        or selectors.manages_all_departments(person)
        or person.headed_departments.exists(),
        "email_installed": settings.ACCORD_NOTIFY_EMAIL,
        "failed": failed or [],
        "tested": tested,
    }
    return render(request, "notify/channels.html", context, status=status)


@login_required
@require_GET
def channels(request: HttpRequest) -> HttpResponse:
    """My own channels, the channels of the departments I look after, my department's group
    bots (with "mute for me"), and whether I get e-mail."""
    return _channels_page(request)


def _manageable(request: HttpRequest, pk: int) -> Channel:
    try:
        return selectors.channel_get_manageable(person=request.user, pk=pk)
    except Channel.DoesNotExist:
        raise Http404 from None


def _channel_form_page(
    request: HttpRequest, form: forms.Form, channel: Channel | None, status: int = 200
) -> HttpResponse:
    context = {
        "nav": "notify",
        "section": "channels",
        "form": form,
        "channel": channel,
        # Only offered to who looks after a department; anyone else adds their own. The
        # field stays on the form: a department posted by someone else is refused, not
        # quietly turned into a channel of their own.
        "offer_departments": channel is None and form.fields["department"].queryset.exists(),
    }
    return render(request, "notify/channel_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def channel_create(request: HttpRequest) -> HttpResponse:
    """A new channel of my own, or a group bot of a department I look after."""
    person = request.user
    departments = selectors.departments_to_manage(person)
    form = ChannelForm(request.POST or None, departments=departments)
    if request.method == "GET":
        return _channel_form_page(request, form, None)
    channel, status = call_with_form(
        form,
        lambda data: services.channel_create(
            actor=person,
            kind=data["kind"],
            name=data["name"],
            target=data["target"],
            secret=data["secret"],
            department=data["department"],
            members_too=data["members_too"],
        ),
    )
    if status is not None:
        return _channel_form_page(request, form, None, status)
    messages.success(
        request,
        _("Channel %(name)s added. Send a test message to check it.") % {"name": channel.name},
    )
    return redirect(reverse("notify:channels") + f"#channel-{channel.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def channel_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename a channel, change its address or secret (the stored secret is never shown; an
    empty field keeps it, "Remove the signing secret" removes it)."""
    channel = _manageable(request, pk)
    if request.method == "GET":
        form = ChannelEditForm(initial=ChannelEditForm.initial_for(channel), channel=channel)
        return _channel_form_page(request, form, channel)
    form = ChannelEditForm(request.POST, channel=channel)
    _result, status = call_with_form(
        form,
        lambda data: services.channel_update(
            actor=request.user,
            channel=channel,
            name=data["name"],
            target=data["target"],
            secret=form.secret_change(),
            members_too=data.get("members_too"),
        ),
    )
    if status is not None:
        channel.refresh_from_db()
        return _channel_form_page(request, form, channel, status)
    messages.success(request, _("Channel %(name)s saved.") % {"name": channel.name})
    return redirect(reverse("notify:channels") + f"#channel-{channel.pk}")


@login_required
@require_POST
def channel_delete(request: HttpRequest, pk: int) -> HttpResponse:
    channel = _manageable(request, pk)
    name = channel.name
    form = forms.Form(request.POST)
    _result, status = call_with_form(
        form, lambda _data: services.channel_delete(actor=request.user, channel=channel)
    )
    if status is not None:
        return _channels_page(request, status=status, failed=_errors(form))
    messages.success(request, _("Channel %(name)s deleted.") % {"name": name})
    return redirect("notify:channels")


def _errors(form: forms.Form) -> list[str]:
    return [str(message) for errors in form.errors.values() for message in errors]


@login_required
@require_POST
def channel_switch(request: HttpRequest, pk: int) -> HttpResponse:
    """Switch a channel on (which clears why it stopped) or off."""
    channel = _manageable(request, pk)
    form = SwitchForm(request.POST)
    _result, status = call_with_form(
        form,
        lambda data: services.channel_update(
            actor=request.user,
            channel=channel,
            name=channel.name,
            target=channel.target,
            enabled=data["on"],
        ),
    )
    if status is not None:
        return _channels_page(request, status=status, failed=_errors(form))
    if channel.enabled:
        notice = _("Channel %(name)s is on.")
    else:
        notice = _("Channel %(name)s is off: nothing is sent through it.")
    messages.success(request, notice % {"name": channel.name})
    return redirect(reverse("notify:channels") + f"#channel-{channel.pk}")


@login_required
@require_POST
def channel_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a test message through the channel now and show what it answered (or the
    error), in the channel's entry; the attempt is in the delivery log too."""
    channel = _manageable(request, pk)
    form = forms.Form(request.POST)
    row, status = call_with_form(
        form, lambda _data: services.channel_send_test(actor=request.user, channel=channel)
    )
    if status is not None:
        return _channels_page(request, status=status, failed=_errors(form))
    if _partial(request):
        # The channel's entry alone, as it is now (a wrong secret switches it off).
        listing = selectors.channels_for(request.user)
        for card in listing.own + listing.departments:
            if card.pk == channel.pk:
                context = {"channel": card, "tested": row, "manage": True}
                return render(request, "notify/_channel.html", context)
    return _channels_page(request, tested=row)


@login_required
@require_POST
def channel_mute(request: HttpRequest, pk: int) -> HttpResponse:
    """Mute (or unmute) my own notices in my department's group bot."""
    try:
        channel = selectors.channel_get_mutable(person=request.user, pk=pk)
    except Channel.DoesNotExist:
        raise Http404 from None
    form = SwitchForm(request.POST)
    _result, status = call_with_form(
        form,
        lambda data: services.channel_set_muted(
            actor=request.user, channel=channel, muted=data["on"]
        ),
    )
    if status is not None:
        return _channels_page(request, status=status, failed=_errors(form))
    if form.cleaned_data["on"]:
        notice = _("Your own notices no longer go to %(name)s.")
    else:
        notice = _("Your own notices go to %(name)s again.")
    messages.success(request, notice % {"name": channel.name})
    return redirect("notify:channels")


@login_required
@require_POST
def email_switch(request: HttpRequest) -> HttpResponse:
    """Turn my e-mail notices on or off."""
    form = SwitchForm(request.POST)
    _result, status = call_with_form(
        form,
        lambda data: services.person_set_email_notifications(
            actor=request.user, enabled=data["on"]
        ),
    )
    if status is not None:
        return _channels_page(request, status=status, failed=_errors(form))
    if form.cleaned_data["on"]:
        messages.success(request, _("Notices also go to your e-mail."))
    else:
        messages.success(request, _("Notices no longer go to your e-mail."))
    return redirect("notify:channels")


# -- the delivery log ------------------------------------------------------------------------


def _log_page(
    request: HttpRequest, *, status: int = 200, failed: list[str] | None = None
) -> HttpResponse:
    person = request.user
    form = LogFilterForm(request.GET or None)
    filters = {}
    if form.is_bound:
        if form.is_valid():
            filters = {
                "status": form.cleaned_data["status"],
                "via": form.cleaned_data["via"],
                "kind": form.cleaned_data["kind"],
                "query": form.cleaned_data["q"],
            }
        elif status == 200:
            status = 422
    page = Paginator(selectors.delivery_log(person=person, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "nav": "notify",
        "section": "log",
        "form": form,
        "page": page,
        "rows": selectors.deliveries(list(page.object_list), person=person),
        "failed": failed or [],
    }
    template = "notify/_log_table.html" if _partial(request) else "notify/log.html"
    return render(request, template, context, status=status)


@login_required
@require_GET
def log(request: HttpRequest) -> HttpResponse:
    """Who was told what, when, through which channel, and what it answered: all rows for
    admins and the PMO, otherwise one's own and those of the channels one looks after."""
    return _log_page(request)


@login_required
@require_POST
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a failed or cancelled notice again (after its channel was fixed)."""
    try:
        row = selectors.delivery_get_visible(person=request.user, pk=pk)
    except Notification.DoesNotExist:
        raise Http404 from None
    form = forms.Form(request.POST)
    _result, status = call_with_form(
        form, lambda _data: services.notification_resend(actor=request.user, notification=row)
    )
    if status is not None:
        return _log_page(request, status=status, failed=_errors(form))
    messages.success(request, _("The notice is queued to be sent again."))
    return redirect("notify:log")
