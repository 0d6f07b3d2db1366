"""The public API at ``/api/v1``: the same services and the same visibility selector as the
web pages, with no rules of its own. OpenAPI at ``/api/v1/openapi.json``, interactive
documentation at ``/api/v1/docs`` (served from Accord's own static files)."""

from ninja import NinjaAPI

from accord.api import errors
from accord.api.auth import AUTH
from accord.api.common import RENDERER
from accord.api.routers import (
    action_lists,
    action_tracking,
    actions,
    live,
    meetings,
    minutes,
    notifications,
    org,
    preparation,
    series,
    webhooks,
)

api = NinjaAPI(
    title="Accord API",
    version="1",
    description="Cross-department meetings, their minutes and the action items they give. "
    "Authenticate with a personal token (`Authorization: Bearer acc_…`, created on the "
    "Tokens page) or the browser session (with the CSRF token for writes). Every 4xx "
    'answers `{"message": …, "field": …, "code": …}` in the caller\'s language.',
    auth=AUTH,
    renderer=RENDERER,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("", meetings.router)
api.add_router("", preparation.router)
api.add_router("", live.router)
api.add_router("", webhooks.router)
# One after the other, in this order: the paths of the action items as they always were.
api.add_router("", action_lists.router)
api.add_router("", actions.router)
api.add_router("", action_tracking.router)
api.add_router("", org.router)
api.add_router("", notifications.router)
api.add_router("", minutes.router)
api.add_router("", series.router)
