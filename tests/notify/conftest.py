import pytest
from notify.receivers import SmtpSink


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1, with e-mail notifications switched on and pointed
    at it."""
    with SmtpSink() as sink:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": sink.port, "timeout": 5},
            }
        }
        settings.ACCORD_NOTIFY_EMAIL = True
        yield sink
