from .complaints import Complaint, ComplaintEvidence, ComplaintStatus, ComplaintStatusChange
from .condolences import CondolenceMessage, CondolenceStatus, FallenOfficer
from .constancias import Constancia
from .documents import DocumentKind, DocumentStatus, IssuedDocument
from .drafts import FormDraft
from .feedback import FeedbackKind, FeedbackStatus, FeedbackStatusChange, OfficerFeedback
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
from .tips import Tip, TipAction, TipAttachment, TipAuthor, TipMessage, TipMessageKind, TipStatus, TipUrgency

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
    "Tip",
    "TipAction",
    "TipAttachment",
    "TipAuthor",
    "TipMessage",
    "TipMessageKind",
    "TipStatus",
    "TipUrgency",
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
    "FeedbackKind",
    "FeedbackStatus",
    "FeedbackStatusChange",
    "OfficerFeedback",
    "CondolenceMessage",
    "CondolenceStatus",
    "FallenOfficer",
]
