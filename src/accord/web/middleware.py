from django.utils import translation


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
        return response
