"""The one error type of the services: ``AppError`` (message, field, code) and ``PermissionDenied``."""

from django.utils.functional import Promise


class AppError(Exception):
    """The one error every service raises for input or a move it refuses.

    ``message`` is translatable and says what is wrong and how to fix it; ``field`` names the
    input it is about (``None`` when it concerns the whole request); ``code`` is stable for
    programs. The web forms and the API show these as they are.
    """

    def __init__(self, message: str | Promise, *, field: str | None = None, code: str = "invalid"):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code

    def __str__(self) -> str:
        return str(self.message)

    def as_dict(self) -> dict:
        return {"message": str(self.message), "field": self.field, "code": self.code}


class PermissionDenied(AppError):
    """The actor may not do this to this object."""

    def __init__(self, message: str | Promise, *, field: str | None = None):
        super().__init__(message, field=field, code="forbidden")


class EditConflict(AppError):
    """Someone else saved the text since the person's page showed it (core/edits.py).

    ``theirs`` holds what is stored now, field by field, and ``version`` its version: the
    page shows the other text and offers to keep both or to save over it knowingly."""

    def __init__(self, message: str | Promise, *, theirs: dict[str, str], version: str):
        super().__init__(message, field=None, code="conflict")
        self.theirs = theirs
        self.version = version
