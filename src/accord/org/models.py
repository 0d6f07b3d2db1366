"""The company: ``Department`` (a tree with a head) and ``Person`` (the user model)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from accord.core.limits import Line
from accord.core.models import BaseModel, CheckedTexts

SEARCH_KEY_LENGTH = 1000


class Department(BaseModel):
    """A unit of the organisation. Names are unique organisation-wide: minutes name
    departments bare ("市场部：经理、专员"), so two departments of one name would be ambiguous."""

    name = models.CharField(_("name"), max_length=100, unique=True, validators=[Line()])
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    head = models.ForeignKey(
        "org.Person",
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_departments",
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]
        indexes = [models.Index(fields=["parent"]), models.Index(fields=["head"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="department_not_own_parent"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Person(CheckedTexts, AbstractUser):
    """Everyone who takes part: the user model."""

    class Locale(models.TextChoices):
        BROWSER = "", _("Browser language")
        ZH_HANS = "zh-hans", _("Simplified Chinese")
        EN = "en", _("English")

    name = models.CharField(_("full name"), max_length=100, validators=[Line()])
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    title = models.CharField(_("job title"), max_length=100, blank=True, validators=[Line()])
    mobile = models.CharField(_("mobile"), max_length=32, blank=True, validators=[Line()])
    feishu_id = models.CharField(
        _("Feishu user id"), max_length=64, blank=True, validators=[Line()]
    )
    dingtalk_id = models.CharField(
        _("DingTalk user id"), max_length=64, blank=True, validators=[Line()]
    )
    wecom_id = models.CharField(_("WeCom user id"), max_length=64, blank=True, validators=[Line()])
    slack_id = models.CharField(
        _("Slack member id"), max_length=64, blank=True, validators=[Line()]
    )
    locale = models.CharField(
        _("language"), max_length=8, choices=Locale.choices, default=Locale.BROWSER, blank=True
    )
    email_notifications = models.BooleanField(
        _("e-mail me"),
        default=True,
        help_text=_("Reminders and notices also go to my e-mail address."),
    )
    is_pmo = models.BooleanField(
        _("organiser office (PMO)"),
        default=False,
        help_text=_("Sees every meeting that is not confidential and chases every action item."),
    )

    # What a person picker matches what is typed against: the name, its pinyin and initials
    # and the user name (``org.names.search_text``), written by the services that create and
    # change people, so that a search over thousands is one indexed query.
    search_key = models.CharField(
        _("search key"), max_length=SEARCH_KEY_LENGTH, blank=True, editable=False, db_index=True
    )

    REQUIRED_FIELDS = ["email", "name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "username"]
        indexes = [models.Index(fields=["department", "name"])]

    def __str__(self) -> str:
        return self.name or self.username

    @property
    def is_admin(self) -> bool:
        return self.is_superuser

    @property
    def display(self) -> str:
        """How minutes name a person: "市场部 王经理"."""
        parts = [self.department.name if self.department_id else "", self.name or self.username]
        return " ".join(part for part in parts if part)
