"""E-mail over SMTP: text and HTML in the reader's language; invitations carry the
``.ics`` both as a ``text/calendar; method=…`` part and as an attachment.

The ``Message-ID`` is derived from the notification's key, so a repeat after a crash has
the same id and a mail system can drop it."""

import smtplib
from email.message import MIMEPart
from email.utils import formataddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email

from accord.notify.transports.base import Message, PermanentError, Session, Target, TransientError

LIMITS = ()


def message_id(message: Message) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "accord"
    return f"<{message.delivery_id()}@{domain}>"


def build(target: Target, message: Message) -> EmailMultiAlternatives:
    try:
        validate_email(target.address)
    except ValidationError as exc:
        raise PermanentError(f"malformed address: {target.address}", channel_broken=False) from exc
    to = formataddr((message.to_name, target.address)) if message.to_name else target.address
    mail = EmailMultiAlternatives(
        subject=message.subject,
        body=message.plain(),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            "Message-ID": message_id(message),
            "X-Accord-Delivery": message.delivery_id(),
            "Content-Language": message.language,
            "Auto-Submitted": "auto-generated",
        },
    )
    if message.html:
        mail.attach_alternative(message.html, "text/html")
    if message.calendar is not None:
        method = message.calendar.mimetype.split("method=", 1)[-1]
        ics = message.calendar.content.decode()
        inline = MIMEPart()
        inline.set_content(ics, subtype="calendar", charset="utf-8", params={"method": method})
        mail.attach(inline)
        attached = MIMEPart()
        attached.set_content(
            ics.encode(),
            maintype="application",
            subtype="ics",
            disposition="attachment",
            filename=message.calendar.filename,
        )
        mail.attach(attached)
    return mail


def send(target: Target, message: Message, session: Session) -> str:
    mail = build(target, message)
    try:
        session.smtp().send_messages([mail])
    except smtplib.SMTPRecipientsRefused as exc:
        session.drop_smtp()
        detail = "; ".join(f"{code} {text!r}" for code, text in exc.recipients.values())
        raise PermanentError(f"recipient refused: {detail}", channel_broken=False) from exc
    except smtplib.SMTPResponseException as exc:
        session.drop_smtp()
        text = (
            exc.smtp_error.decode(errors="replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        if 400 <= exc.smtp_code < 500:
            raise TransientError(f"SMTP {exc.smtp_code}: {text}") from exc
        raise PermanentError(f"SMTP {exc.smtp_code}: {text}", channel_broken=False) from exc
    except (smtplib.SMTPException, OSError) as exc:
        session.drop_smtp()
        raise TransientError(f"SMTP server unreachable: {exc or type(exc).__name__}") from exc
    return f"250 accepted as {message_id(message)}"
