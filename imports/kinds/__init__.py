"""What each kind of import reads and how a row becomes records, through the pages' services.

A row is written with the same service a page calls (``enterprise_create``, ``adoption_create``,
``certificate_create``, ``product_create``, ``enrollment_create``), so its rules, its scoping and
its history are the pages'. Declarations that were only recorded (not filed) have no page service
yet; ``declaration_record`` below checks them with ``full_clean`` and the cross-checks a page
would make.

**Natural keys, and why re-importing changes nothing.** Every row names its record by a key:
tax code (enterprise), enterprise + standard (adoption), certification body + number
(certificate, numbers compared as the certificate services compare them), GTIN or enterprise +
name (product), enterprise + kind + standard + date + number (declaration), course + person
(participant: folded name and phone digits). A row whose record already exists with the same
values in the filled columns is "unchanged" and writes nothing. A row whose record exists with
*other* values is refused (it names the column and both values): an import never overwrites what
someone edited on a page. Blank cells mean "not given" and never conflict.

**Codes that Excel turned into numbers.** A number in a code column is restored only when exactly
one reading is valid, and the row notes it; otherwise it is refused asking for a text column:

- tax code: the digits with 0, 1 or 2 leading zeros written back, read as 10 digits, 12 digits
  (personal ID: only for a household business or production establishment) or a branch
  (10 + 3); for an enterprise row the reading must be a valid code, for rows that refer to an
  enterprise it must exist in the database. So 102345678 becomes 0102345678 when that is the
  only valid reading; 6200123456 is refused for a household business (both it and 006200123456
  read as valid);
- GTIN: Vietnamese GTINs start with 893, so no zero can have been lost: kept when valid; a
  12-digit number is read as 0 + 12 digits (a UPC-A) when that is valid;
- phone: a Vietnamese number starts with 0 or +84, so a 9- or 10-digit number gets its 0 back;
- VSIC division: two digits (1 → 01); administrative unit: the one existing unit among the
  digits padded to 2, 3 or 5 digits;
- any other code (a certificate number, a prefix): refused.
"""

from laichau_nsc.roles import is_officer

from .adoptions import AdoptionImport
from .base import CREATED, UNCHANGED, BatchResult, BatchRow, ImportSpec, RowContext, RowError
from .declarations import DeclarationImport, declaration_record
from .enterprises import EnterpriseImport
from .participants import ParticipantImport
from .products import ProductImport

__all__ = [
    "CREATED",
    "SPECS",
    "UNCHANGED",
    "BatchResult",
    "BatchRow",
    "ImportSpec",
    "RowContext",
    "RowError",
    "declaration_record",
    "kinds_for",
]

SPECS: dict[str, ImportSpec] = {
    spec.kind: spec
    for spec in (
        EnterpriseImport(),
        AdoptionImport(),
        ProductImport(),
        DeclarationImport(),
        ParticipantImport(),
    )
}


def kinds_for(user) -> list[ImportSpec]:
    """The kinds ``user`` may import: officers all; enterprise users their own products."""
    from laichau_nsc.roles import Role, has_role

    if is_officer(user):
        return list(SPECS.values())
    if has_role(user, Role.ENTERPRISE):
        return [spec for spec in SPECS.values() if not spec.officer_only]
    return []
