from .complaints import Complaint, ComplaintEvidence, ComplaintStatus, ComplaintStatusChange
from .constancias import Constancia
from .documents import DocumentKind, DocumentStatus, IssuedDocument
from .drafts import FormDraft
from .permits import (
    CollectivePermit,
    ComunaPhase,
    Permit,
    PermitQuotaUse,
    PermitRescan,
    PermitRule,
    PermitStatus,
    PermitType,
    PermitWindow,
    QuotaPeriod,
)
from .registries import Registry, RegistryBatch, RegistryOverride, RegistryQuery, RegistryRecord

__all__ = [
    "Complaint",
    "ComplaintEvidence",
    "ComplaintStatus",
    "ComplaintStatusChange",
    "Constancia",
    "DocumentKind",
    "DocumentStatus",
    "FormDraft",
    "IssuedDocument",
    "CollectivePermit",
    "ComunaPhase",
    "Permit",
    "PermitQuotaUse",
    "PermitRescan",
    "PermitRule",
    "PermitStatus",
    "PermitType",
    "PermitWindow",
    "QuotaPeriod",
    "Registry",
    "RegistryBatch",
    "RegistryOverride",
    "RegistryQuery",
    "RegistryRecord",
]
