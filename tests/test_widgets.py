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
