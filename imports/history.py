"""History entries naming the import that wrote them.

The services save records (and simple-history writes their history rows) without knowing about
imports. While an import runs, ``import_reason`` holds a text such as "Nhập dữ liệu: tệp
doanh-nghiep.xlsx, dòng 12 (mã nhập 3f2a…)"; a ``pre_create_historical_record`` receiver copies
it into ``history_change_reason`` of every history row written meanwhile, whatever model and
service wrote it.
"""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from simple_history.signals import pre_create_historical_record

_reason: contextvars.ContextVar[str] = contextvars.ContextVar("nsc_import_reason", default="")


@contextmanager
def import_reason(text: str) -> Iterator[None]:
    token = _reason.set(text[:100])  # history_change_reason is a CharField(100)
    try:
        yield
    finally:
        _reason.reset(token)


def _name_the_import(sender, history_instance, **kwargs) -> None:
    reason = _reason.get()
    if reason and not history_instance.history_change_reason:
        history_instance.history_change_reason = reason


def connect_signals() -> None:
    pre_create_historical_record.connect(_name_the_import, dispatch_uid="imports_reason")
