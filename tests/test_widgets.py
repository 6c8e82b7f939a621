from laichau_nsc.widgets import FastSelect


def test_fast_select_marks_the_choice_and_escapes_labels():
    widget = FastSelect(choices=[("", "— Chọn —"), (1, "Xã Bình Lư"), (2, "<b>Đoàn Kết</b>")])
    html = widget.render("admin_unit", "2", attrs={"id": "id_admin_unit"})
    assert html.startswith('<select id="id_admin_unit" name="admin_unit">')
    assert '<option value="2" selected>&lt;b&gt;Đoàn Kết&lt;/b&gt;</option>' in html
    assert '<option value="1">Xã Bình Lư</option>' in html
    assert '<option value="">— Chọn —</option>' in html


def test_fast_select_renders_like_django_select_for_the_same_choices():
    from django import forms

    choices = [("", "Tất cả"), ("a", "Một"), ("b", "Hai")]
    fast = FastSelect(choices=choices).render("x", "b")
    django = forms.Select(choices=choices).render("x", "b")
    assert _normalise(fast) == _normalise(django)


def _normalise(html: str) -> str:
    """Whitespace and attribute spelling aside (Django writes selected="")."""
    return "".join(html.split()).replace('selected=""', "selected").replace('name="x"', "")


def test_fast_select_renders_groups_as_optgroups_like_django_select():
    from django import forms

    choices = [
        ("", "Tất cả"),
        ("Đơn vị hiện nay", [(1, "Xã Bình Lư (từ Huyện Tam Đường)"), (2, "Xã Bum Tở")]),
        ("Đơn vị cũ (đến 30/06/2025)", [(3, "Huyện Tam Đường (đến 30/06/2025)")]),
    ]
    fast = FastSelect(choices=choices).render("x", "3")
    assert '<optgroup label="Đơn vị cũ (đến 30/06/2025)">' in fast
    assert '<option value="3" selected>Huyện Tam Đường (đến 30/06/2025)</option></optgroup>' in fast
    assert _normalise(fast) == _normalise(forms.Select(choices=choices).render("x", "3"))


def test_fast_select_escapes_group_labels():
    html = FastSelect(choices=[('<b>"Nhóm"</b>', [(1, "Một")])]).render("x", None)
    assert '<optgroup label="&lt;b&gt;&quot;Nhóm&quot;&lt;/b&gt;">' in html


def test_fast_select_with_an_options_key_renders_as_without_one():
    choices = [("", "Tất cả"), ("Nhóm <1>", [(1, "Xã A & B"), (2, "Xã C")]), (3, "Phường D")]
    plain = FastSelect(choices=choices)
    keyed = FastSelect(choices=choices)
    keyed.options_key = ("test", "renders as without one")
    for value in ("", "2", "3", None):
        assert keyed.render("u", value) == plain.render("u", value)


def test_fast_select_reuses_the_options_of_its_key_and_only_of_its_key():
    first = FastSelect(choices=[("a", "Một")])
    first.options_key = ("test", "reuse", "vi")
    first.render("x", "a")
    # The same key promises the same choices: the escaped options made first are used.
    again = FastSelect(choices=[("a", "Khác")])
    again.options_key = ("test", "reuse", "vi")
    assert "Một" in again.render("x", "a")
    other = FastSelect(choices=[("a", "One")])
    other.options_key = ("test", "reuse", "en")
    assert "One" in other.render("x", "a")


def test_fast_select_matches_django_select_for_every_choice_and_none():
    """The options made once (nothing chosen) and the parts changed for the chosen values
    write what Django's Select writes, for each value, several, an unknown one and none."""
    from django import forms

    choices = [
        ("", "Tất cả"),
        ("Nhóm <1>", [(1, "Xã A & B"), (2, "Xã C")]),
        ("Nhóm 2", [(2, "Xã C (cũ)"), (4, "Xã E")]),
        (3, "Phường D"),
    ]

    class FastMultiple(FastSelect):
        allow_multiple_selected = True

    for value in (None, "", "1", "2", "3", "4", "99", ["1", "3"], ["2"]):
        multiple = isinstance(value, list)
        django = (forms.SelectMultiple if multiple else forms.Select)(choices=choices)
        expected = _normalise(django.render("x", value)).replace("multiple", "")
        fast = FastMultiple if multiple else FastSelect
        keyed = fast(choices=choices)
        keyed.options_key = ("test", "every choice")
        assert _normalise(keyed.render("x", value)) == expected, value
        assert _normalise(fast(choices=choices).render("x", value)) == expected, value
    keyed = FastSelect(choices=choices)
    keyed.options_key = ("test", "every choice")
    # A value offered in two groups is chosen once, where it comes first, as Django's Select.
    assert keyed.render("x", "2").count(" selected>") == 1


def test_fast_select_attributes_are_written_as_flatatt_writes_them():
    from django.forms.utils import flatatt
    from django.utils.safestring import mark_safe

    from laichau_nsc.widgets import _flatatt

    for attrs in (
        {},
        {"id": "id_q", "class": "form-select"},
        {"required": True, "disabled": False, "data-x": None, "size": 0},
        {"title": 'a "b" <c> & d', "data-safe": mark_safe("&amp;"), "aria-x": 1.5},
    ):
        assert _flatatt(attrs) == flatatt(attrs), attrs
    html = FastSelect(choices=[("a", "Một")]).render("x", "a", attrs={"title": '"<'})
    assert html.startswith('<select name="x" title="&quot;&lt;">')
