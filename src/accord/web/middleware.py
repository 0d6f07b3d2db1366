"""Request handling every page shares: the person's language, the request size limit, and autosave answers (``AutosaveMiddleware``)."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _


class PersonLanguageMiddleware:
    """A signed-in person's chosen language wins over the browser's (which LocaleMiddleware
    has already applied for everyone else)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.locale:
            translation.activate(user.locale)
            request.LANGUAGE_CODE = user.locale
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        # htmx asks for parts of pages at the same URLs: caches must keep them apart.
        patch_vary_headers(response, ("HX-Request",))
        return response


class RequestSizeLimitMiddleware:
    """Refuse a request body over the upload limit (plus room for the form's other fields)
    before anything reads it, so nobody can make the server spool gigabytes to disk."""

    SLACK = 1024 * 1024

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.ACCORD_MAX_UPLOAD_MB * 1024 * 1024 + self.SLACK:
            message = _("The upload is larger than %(size)d MB.") % {
                "size": settings.ACCORD_MAX_UPLOAD_MB
            }
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class AutosaveMiddleware:
    """A form the page saves as it is typed (``data-autosave``, see web/accord.js) posts to the
    same view as its Save button, with the header ``X-Accord-Autosave``. The view answers as
    for the button; this turns its answer into one the script can read without a page:

    - saved (the view redirects after the POST): 204, and the "saved" message the view added
      is dropped, since the page shows the state beside the field (messages waiting from
      before stay for the next page);
    - refused: the view's own answer (422 with the form and its errors, 403 …) unchanged;
    - signed out: 401, never the sign-in page's redirect, which would read as "saved";
    - the version of what was saved, when the view gives one (``X-Accord-Seen``), goes with
      the 204 so the page's next save is compared with it.
    """

    HEADER = "X-Accord-Autosave"
    SEEN = "X-Accord-Seen"  # the version of a text two people may edit (core/edits.py)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or self.HEADER not in request.headers:
            return self.get_response(request)
        if not request.user.is_authenticated:
            return HttpResponse(_("Your session has ended."), status=401)
        queued = messages.get_messages(request)._queued_messages
        before = len(queued)
        response = self.get_response(request)
        if 300 <= response.status_code < 400:
            del queued[before:]
            saved = HttpResponse(status=204)
            if self.SEEN in response:
                saved[self.SEEN] = response[self.SEEN]
            return saved
        return response
