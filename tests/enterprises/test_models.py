import pytest


@pytest.mark.django_db
def test_sector_name_follows_the_language():
    from django.utils import translation

    from tests.enterprises.factories import SectorFactory

    sector = SectorFactory(code="10", name="Sản xuất, chế biến thực phẩm", name_en="Food products")
    with translation.override("vi"):
        assert str(sector) == "10 – Sản xuất, chế biến thực phẩm"
    with translation.override("en"):
        assert str(sector) == "10 – Food products"
