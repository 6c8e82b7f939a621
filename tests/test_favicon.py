"""The portal's icon: linked from every page, and /favicon.ico answers instead of a 404."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

ICONS = ("img/favicon.svg", "img/favicon-32.png", "img/favicon.ico")


def test_icon_files_are_static_files():
    starts = {
        "img/favicon.svg": b"<svg",
        "img/favicon-32.png": b"\x89PNG",
        "img/favicon.ico": b"\x00\x00\x01\x00",  # ICO header: reserved 0, type 1 (icon)
    }
    for name in ICONS:
        path = finders.find(name)
        assert path, name
        with open(path, "rb") as icon:
            assert icon.read(4) == starts[name], name


@pytest.mark.django_db
def test_favicon_ico_redirects_to_the_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("img/favicon.ico")
    assert "max-age=86400" in response["Cache-Control"]


@pytest.mark.django_db
def test_every_page_links_the_icons(client):
    text = client.get("/tai-khoan/dang-nhap/").text
    assert f'<link rel="icon" href="{static("img/favicon.svg")}" type="image/svg+xml">' in text
    assert f'href="{static("img/favicon-32.png")}" sizes="32x32"' in text
