"""``manage.py indicators --year Y [--by unit|sector|standard] [--format csv|json]``: every
indicator's value for a year, from the same code the pages call (``programs.indicators``)."""

import csv
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from programs.indicators import BREAKDOWNS, format_number, json_number, year_table

COLUMNS = ("code", "name", "value", "unit", "target", "source")


class Command(BaseCommand):
    help = "In số liệu mọi chỉ tiêu của một năm (mã, tên, giá trị, chỉ tiêu, nguồn số liệu)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Năm báo cáo, ví dụ 2022.")
        parser.add_argument("--by", choices=BREAKDOWNS, help="Phân tổ: unit, sector, standard.")
        parser.add_argument(
            "--format", choices=("table", "csv", "json"), default="table", dest="fmt"
        )

    def handle(self, *args, year: int, by: str | None, fmt: str, **options) -> None:
        if not 1900 <= year <= 2200:
            raise CommandError(f"Năm không hợp lệ: {year}.")
        with translation.override("vi"):
            rows = year_table(year, by=by)
            if fmt == "json":
                self.stdout.write(json.dumps(self.as_json(year, by, rows), ensure_ascii=False))
            elif fmt == "csv":
                self.write_csv(rows, by)
            else:
                self.write_table(rows)

    def as_json(self, year, by, rows) -> dict:
        return {
            "year": year,
            "by": by,
            "indicators": [
                {
                    "code": row.code,
                    "name": str(row.indicator.name),
                    "value": json_number(row.value),
                    "unit": str(row.indicator.unit),
                    "target": json_number(row.target),
                    "source": row.source,
                    "progress": row.progress,
                    **(
                        {"breakdown": [[k, label, json_number(v)] for k, label, v in row.breakdown]}
                        if by
                        else {}
                    ),
                }
                for row in rows
            ],
        }

    def write_csv(self, rows, by) -> None:
        writer = csv.writer(self.stdout)
        writer.writerow([*COLUMNS, *(("group", "group_name") if by else ())])
        for row in rows:
            base = [
                row.code,
                str(row.indicator.name),
                _plain(row.value),
                str(row.indicator.unit),
                _plain(row.target),
                row.source,
            ]
            writer.writerow(base + (["", ""] if by else []))
            for key, label, value in row.breakdown:
                writer.writerow([*base[:2], _plain(value), *base[3:], key, label])

    def write_table(self, rows) -> None:
        for row in rows:
            value = format_number(row.value, row.indicator.places)
            shown_source = {"computed": "tính", "entered": "nhập tay", "missing": "thiếu"}
            self.stdout.write(
                f"{row.code:<28} {value:>16} {row.indicator.unit!s:<12} "
                f"[{shown_source[row.source]}] {row.indicator.name} — {row.progress}"
            )
            for _key, label, v in row.breakdown:
                self.stdout.write(f"    {label:<50} {format_number(v, row.indicator.places):>16}")


def _plain(value) -> str:
    return "" if value is None else str(json_number(value))
