from django.urls import path

from .views import adoptions, barcodes, certificates, declarations, products, traceability

app_name = "standards"

Decision = certificates.CertificateDecisionView
AdoptionDecision = adoptions.AdoptionDecisionView

urlpatterns = [
    # Certificates
    path("chung-chi/", certificates.CertificateListView.as_view(), name="certificate_list"),
    path(
        "doanh-nghiep/<int:enterprise_pk>/chung-chi/them/",
        certificates.CertificateCreateView.as_view(),
        name="certificate_create",
    ),
    path(
        "chung-chi/<int:pk>/",
        certificates.CertificateDetailView.as_view(),
        name="certificate_detail",
    ),
    path(
        "chung-chi/<int:pk>/sua/",
        certificates.CertificateUpdateView.as_view(),
        name="certificate_update",
    ),
    path(
        "chung-chi/<int:pk>/su-kien/",
        certificates.CertificateEventCreateView.as_view(),
        name="certificate_event_create",
    ),
    path(
        "chung-chi/<int:pk>/ban-chup/",
        certificates.CertificateScanUploadView.as_view(),
        name="certificate_scan_upload",
    ),
    path(
        "chung-chi/<int:pk>/ban-chup/tai-ve/",
        certificates.CertificateScanDownloadView.as_view(),
        name="certificate_scan_download",
    ),
    path(
        "chung-chi/<int:pk>/xac-minh/",
        Decision.as_view(decision="verify"),
        name="certificate_verify",
    ),
    path(
        "chung-chi/<int:pk>/tra-lai/",
        Decision.as_view(decision="return"),
        name="certificate_return",
    ),
    path(
        "chung-chi/<int:pk>/luu-tru/",
        Decision.as_view(decision="archive"),
        name="certificate_archive",
    ),
    path(
        "chung-chi/<int:pk>/khoi-phuc/",
        Decision.as_view(decision="restore"),
        name="certificate_restore",
    ),
    path(
        "chung-chi/xuat/",
        certificates.CertificateExportCreateView.as_view(),
        name="certificate_export_create",
    ),
    path(
        "chung-chi/xuat/<uuid:pk>/",
        certificates.CertificateExportDetailView.as_view(),
        name="certificate_export_detail",
    ),
    path(
        "chung-chi/xuat/<uuid:pk>/tai-ve/",
        certificates.CertificateExportDownloadView.as_view(),
        name="certificate_export_download",
    ),
    # Adoptions
    path("ap-dung/", adoptions.AdoptionListView.as_view(), name="adoption_list"),
    path(
        "doanh-nghiep/<int:enterprise_pk>/ap-dung/them/",
        adoptions.AdoptionCreateView.as_view(),
        name="adoption_create",
    ),
    path("ap-dung/<int:pk>/", adoptions.AdoptionDetailView.as_view(), name="adoption_detail"),
    path("ap-dung/<int:pk>/sua/", adoptions.AdoptionUpdateView.as_view(), name="adoption_update"),
    path(
        "ap-dung/<int:pk>/xac-minh/",
        AdoptionDecision.as_view(decision="verify"),
        name="adoption_verify",
    ),
    path(
        "ap-dung/<int:pk>/tra-lai/",
        AdoptionDecision.as_view(decision="return"),
        name="adoption_return",
    ),
    path(
        "ap-dung/<int:pk>/luu-tru/",
        AdoptionDecision.as_view(decision="archive"),
        name="adoption_archive",
    ),
    path(
        "ap-dung/<int:pk>/khoi-phuc/",
        AdoptionDecision.as_view(decision="restore"),
        name="adoption_restore",
    ),
    # Products (issue 8): registered by officers and by the enterprise's own users.
    path("san-pham/", products.ProductListView.as_view(), name="product_list"),
    path(
        "doanh-nghiep/<int:enterprise_pk>/san-pham/them/",
        products.ProductCreateView.as_view(),
        name="product_create",
    ),
    path("san-pham/<int:pk>/", products.ProductDetailView.as_view(), name="product_detail"),
    path("san-pham/<int:pk>/sua/", products.ProductUpdateView.as_view(), name="product_update"),
    path(
        "san-pham/<int:pk>/luu-tru/",
        products.ProductDecisionView.as_view(decision="archive"),
        name="product_archive",
    ),
    path(
        "san-pham/<int:pk>/khoi-phuc/",
        products.ProductDecisionView.as_view(decision="restore"),
        name="product_restore",
    ),
    path("san-pham/<int:pk>/anh/", products.ProductImageView.as_view(), name="product_image"),
    # Barcode registrations (GS1 company prefixes), their fees and GLNs (issue 8).
    path("ma-so-ma-vach/", barcodes.BarcodeListView.as_view(), name="barcode_list"),
    path(
        "doanh-nghiep/<int:enterprise_pk>/ma-so-ma-vach/them/",
        barcodes.BarcodeCreateView.as_view(),
        name="barcode_create",
    ),
    path("ma-so-ma-vach/<int:pk>/", barcodes.BarcodeDetailView.as_view(), name="barcode_detail"),
    path(
        "ma-so-ma-vach/<int:pk>/sua/", barcodes.BarcodeUpdateView.as_view(), name="barcode_update"
    ),
    path(
        "ma-so-ma-vach/<int:pk>/luu-tru/",
        barcodes.BarcodeDecisionView.as_view(decision="archive"),
        name="barcode_archive",
    ),
    path(
        "ma-so-ma-vach/<int:pk>/khoi-phuc/",
        barcodes.BarcodeDecisionView.as_view(decision="restore"),
        name="barcode_restore",
    ),
    path(
        "ma-so-ma-vach/<int:pk>/phi/",
        barcodes.BarcodeFeeCreateView.as_view(),
        name="barcode_fee_create",
    ),
    path(
        "ma-so-ma-vach/<int:pk>/gln/them/",
        barcodes.LocationCreateView.as_view(),
        name="location_create",
    ),
    path(
        "ma-so-ma-vach/gln/<int:pk>/sua/",
        barcodes.LocationUpdateView.as_view(),
        name="location_update",
    ),
    path(
        "ma-so-ma-vach/gln/<int:pk>/luu-tru/",
        barcodes.LocationDecisionView.as_view(archive=True),
        name="location_archive",
    ),
    path(
        "ma-so-ma-vach/gln/<int:pk>/khoi-phuc/",
        barcodes.LocationDecisionView.as_view(archive=False),
        name="location_restore",
    ),
    path(
        "ma-so-ma-vach/xuat/",
        barcodes.BarcodeExportCreateView.as_view(),
        name="barcode_export_create",
    ),
    path(
        "ma-so-ma-vach/xuat/<uuid:pk>/",
        barcodes.BarcodeExportDetailView.as_view(),
        name="barcode_export_detail",
    ),
    path(
        "ma-so-ma-vach/xuat/<uuid:pk>/tai-ve/",
        barcodes.BarcodeExportDownloadView.as_view(),
        name="barcode_export_download",
    ),
]

# Traceability (issue 8): a product's lots, the QR codes of its public pages, label sheets.
urlpatterns += [
    path("san-pham/<int:product_pk>/lo/", traceability.LotListView.as_view(), name="lot_list"),
    path(
        "san-pham/<int:product_pk>/lo/them/",
        traceability.LotCreateView.as_view(),
        name="lot_create",
    ),
    path(
        "san-pham/<int:product_pk>/ma-qr.png",
        traceability.ProductQRView.as_view(fmt="png"),
        name="product_qr_png",
    ),
    path(
        "san-pham/<int:product_pk>/ma-qr.svg",
        traceability.ProductQRView.as_view(fmt="svg"),
        name="product_qr_svg",
    ),
    path(
        "san-pham/<int:product_pk>/nhan-in/",
        traceability.LabelSheetView.as_view(),
        name="label_sheet",
    ),
    path("lo/<int:pk>/", traceability.LotDetailView.as_view(), name="lot_detail"),
    path("lo/<int:pk>/sua/", traceability.LotUpdateView.as_view(), name="lot_update"),
    path(
        "lo/<int:pk>/cong-khai/",
        traceability.LotPublishView.as_view(publish=True),
        name="lot_publish",
    ),
    path(
        "lo/<int:pk>/ngung-cong-khai/",
        traceability.LotPublishView.as_view(publish=False),
        name="lot_unpublish",
    ),
    path("lo/<int:pk>/ma-qr.png", traceability.LotQRView.as_view(fmt="png"), name="lot_qr_png"),
    path("lo/<int:pk>/ma-qr.svg", traceability.LotQRView.as_view(fmt="svg"), name="lot_qr_svg"),
]

# Declarations (issue 8): the officers' queue, an enterprise's own declarations, the procedure.
Step = declarations.DeclarationStepView
urlpatterns += [
    path("cong-bo/", declarations.DeclarationListView.as_view(), name="declaration_list"),
    path(
        "doanh-nghiep/<int:enterprise_pk>/cong-bo/them/",
        declarations.DeclarationCreateView.as_view(),
        name="declaration_create",
    ),
    path(
        "cong-bo/<int:pk>/", declarations.DeclarationDetailView.as_view(), name="declaration_detail"
    ),
    path(
        "cong-bo/<int:pk>/sua/",
        declarations.DeclarationUpdateView.as_view(),
        name="declaration_update",
    ),
    path(
        "cong-bo/<int:pk>/tai-lieu/",
        declarations.DeclarationDocumentCreateView.as_view(),
        name="declaration_document_create",
    ),
    path(
        "cong-bo/tai-lieu/<int:pk>/",
        declarations.DeclarationDocumentDownloadView.as_view(),
        name="declaration_document_download",
    ),
    path("cong-bo/<int:pk>/nop/", Step.as_view(step="submit"), name="declaration_submit"),
    path("cong-bo/<int:pk>/bo-sung/", Step.as_view(step="answer"), name="declaration_answer"),
    path(
        "cong-bo/<int:pk>/yeu-cau-bo-sung/",
        Step.as_view(step="request_supplement"),
        name="declaration_request_supplement",
    ),
    path("cong-bo/<int:pk>/tiep-nhan/", Step.as_view(step="accept"), name="declaration_accept"),
    path("cong-bo/<int:pk>/tu-choi/", Step.as_view(step="reject"), name="declaration_reject"),
    path(
        "cong-bo/<int:pk>/luu-tru/",
        declarations.DeclarationArchiveView.as_view(decision="archive"),
        name="declaration_archive",
    ),
    path(
        "cong-bo/<int:pk>/khoi-phuc/",
        declarations.DeclarationArchiveView.as_view(decision="restore"),
        name="declaration_restore",
    ),
    path(
        "cong-bo/<int:pk>/thong-bao-tiep-nhan.pdf",
        declarations.DeclarationReceiptView.as_view(),
        name="declaration_receipt_pdf",
    ),
]
