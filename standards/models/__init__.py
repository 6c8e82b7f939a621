"""What enterprises adopt, hold and declare (DESIGN §3), one module per part:

- ``catalogue``: standards, schemes, regulations, productivity tools; certification bodies;
- ``certificates``: adoptions and certificates (status derived from periods and events);
- ``products``: products, GS1 company prefixes and GLNs, lots traced for the public;
- ``declarations``: declarations of standards and of conformity, and their procedure.
"""

from .catalogue import CertificationBody, CertificationBodyQuerySet, Standard, StandardQuerySet
from .certificates import (
    Adoption,
    AdoptionQuerySet,
    Certificate,
    CertificateDataChange,
    CertificateEvent,
    CertificateExportJob,
    CertificateExportJobQuerySet,
    CertificatePeriod,
    CertificateQuerySet,
    CertificateReminder,
    CertificateSuspension,
    certificate_export_folder,
    certificate_export_upload_to,
)
from .declarations import (
    Declaration,
    DeclarationDocument,
    DeclarationQuerySet,
    DeclarationRule,
    DeclarationStep,
)
from .products import (
    BarcodeExportJob,
    BarcodeExportJobQuerySet,
    BarcodeFee,
    BarcodeRegistration,
    BarcodeRegistrationQuerySet,
    LocationNumber,
    Product,
    ProductQuerySet,
    TraceabilityRecord,
    TraceabilityRecordQuerySet,
    TraceabilityStage,
    barcode_export_folder,
    fee_year_due_on,
)

__all__ = [
    "Adoption",
    "AdoptionQuerySet",
    "BarcodeExportJob",
    "BarcodeExportJobQuerySet",
    "BarcodeFee",
    "BarcodeRegistration",
    "BarcodeRegistrationQuerySet",
    "Certificate",
    "CertificateDataChange",
    "CertificateEvent",
    "CertificateExportJob",
    "CertificateExportJobQuerySet",
    "CertificatePeriod",
    "CertificateQuerySet",
    "CertificateReminder",
    "CertificateSuspension",
    "CertificationBody",
    "CertificationBodyQuerySet",
    "Declaration",
    "DeclarationDocument",
    "DeclarationQuerySet",
    "DeclarationRule",
    "DeclarationStep",
    "LocationNumber",
    "Product",
    "ProductQuerySet",
    "Standard",
    "StandardQuerySet",
    "TraceabilityRecord",
    "TraceabilityRecordQuerySet",
    "TraceabilityStage",
    "barcode_export_folder",
    "certificate_export_folder",
    "certificate_export_upload_to",
    "fee_year_due_on",
]
