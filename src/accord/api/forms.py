"""The form of the Tokens page: it parses; ``accord.api.services.token_create`` decides."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Where the token is used, e.g. “OA sync” or “BI report”."),
    )
