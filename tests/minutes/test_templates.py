"""Company templates: upload (checked by filling a sample), choose the active one, and the
Word download filling it."""

import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accord.minutes.models import MinutesTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _upload(content: bytes, name: str = "纪要模板.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


URL = "/manage/templates/"


def test_pmo_uploads_a_template_and_the_download_uses_it(client, org, ended_meeting, media):
    client.force_login(org.sun)  # PMO

    response = client.post(
        URL,
        {"name": "公司纪要", "file": _upload(_docx("公司纪要：{{ title }}")), "activate": "on"},
    )

    assert response.status_code == 302
    template = MinutesTemplate.objects.get()
    assert (template.name, template.active, template.uploaded_by) == ("公司纪要", True, org.sun)
    assert len(list((media / "minutes_templates").iterdir())) == 1
    client.force_login(org.zhang)
    download = client.get(reverse("minutes:download_docx", args=[ended_meeting.pk]))
    document = docx.Document(io.BytesIO(download.content))
    assert [p.text for p in document.paragraphs] == ["公司纪要：Q3产品上线跨部门协作启动会"]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"plain text", "notes.docx", "The file is not a Word document (.docx)."),
        (_docx("{{ title }}"), "notes.txt", "The file is not a Word document (.docx)."),
        (_docx("{{ title "), "broken.docx", "A placeholder in the template is broken"),
        (_docx("{{ meeting.titel }}"), "typo.docx", "a placeholder Accord does not fill"),
        # a template runs sandboxed: it cannot reach the server
        (
            _docx("{{ lipsum.__globals__['os'].getcwd() }}"),
            "escape.docx",
            "A placeholder in the template is broken",
        ),
        (_docx("{{ 1/0 }}"), "zero.docx", "A placeholder in the template is broken"),
    ],
)
def test_refusals_name_the_file_and_save_nothing(client, org, media, content, name, message):
    client.force_login(org.admin)

    response = client.post(URL, {"name": "x", "file": _upload(content, name)})

    assert response.status_code == 422
    assert message in response.context["form"].errors["file"][0]
    assert MinutesTemplate.objects.count() == 0
    assert not (media / "minutes_templates").exists()


def test_too_large_is_refused(client, org, settings):
    settings.ACCORD_MAX_UPLOAD_MB = 1
    client.force_login(org.admin)
    content = _docx("{{ title }}") + b"\0" * (1024 * 1024)

    response = client.post(URL, {"file": _upload(content)})

    assert response.status_code in (413, 422)
    assert MinutesTemplate.objects.count() == 0


def test_only_one_is_active_and_delete_falls_back_to_the_built_in_layout(
    client, org, ended_meeting
):
    client.force_login(org.admin)
    for title in ("A", "B"):
        client.post(URL, {"name": title, "file": _upload(_docx(title)), "activate": "on"})
    first, second = MinutesTemplate.objects.order_by("id")
    assert (first.active, MinutesTemplate.objects.get(pk=second.pk).active) == (False, True)

    client.post(reverse("minutes_templates:activate", args=[first.pk]), {"on": "1"})
    assert list(MinutesTemplate.objects.filter(active=True)) == [first]

    client.post(reverse("minutes_templates:delete", args=[first.pk]))
    assert list(MinutesTemplate.objects.all()) == [second]
    download = client.get(reverse("minutes:download_docx", args=[ended_meeting.pk]))
    assert len(docx.Document(io.BytesIO(download.content)).tables) >= 3  # built-in layout


def test_list_page_and_others_are_forbidden(client, org):
    client.force_login(org.sun)
    assert client.get(URL).status_code == 200
    client.force_login(org.zhang)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": _upload(_docx("x"))}).status_code == 403
    assert MinutesTemplate.objects.count() == 0
