"""The Tokens page: my personal API tokens, a new one (its full text shown once, on the
answer to the POST that created it, and never again: only its hash is stored), and
revoking one. Another person's token is a 404, the same as a missing one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accord.api import selectors, services
from accord.api.forms import TokenForm
from accord.api.models import ApiToken
from accord.core.refusals import call_with_form


def _page(
    request: HttpRequest, form: TokenForm, *, status: int = 200, created: tuple | None = None
) -> HttpResponse:
    context = {
        "nav": "tokens",
        "form": form,
        "tokens": list(selectors.tokens_of(request.user)),
        "created": created[0] if created else None,
        "created_text": created[1] if created else "",
    }
    response = render(request, "api_tokens/tokens.html", context, status=status)
    # The page that shows a new token's text must not be kept by the browser or a proxy.
    add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """My tokens; a POST creates one and shows its full text this once."""
    if request.method == "GET":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    created, status = call_with_form(
        form, lambda data: services.token_create(actor=request.user, name=data["name"])
    )
    if status is not None:
        return _page(request, form, status=status)
    return _page(request, TokenForm(), created=created)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        token = selectors.token_get_own(person=request.user, pk=pk)
    except ApiToken.DoesNotExist:
        raise Http404 from None
    services.token_revoke(actor=request.user, token=token)
    messages.success(
        request, _("Token %(name)s is revoked: calls with it are refused.") % {"name": token.name}
    )
    return redirect("tokens:list")
