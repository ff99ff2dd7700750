from .complaints import Complaint, ComplaintEvidence, ComplaintStatus, ComplaintStatusChange
from .constancias import Constancia
from .documents import DocumentKind, DocumentStatus, IssuedDocument
from .drafts import FormDraft
from .elections import (
    EXCUSE_MINIMUM_METERS,
    Election,
    PollingStation,
    VoterExcuse,
    VoterExcuseStatus,
    VoterRegistration,
)

__all__ = [
    "EXCUSE_MINIMUM_METERS",
    "Complaint",
    "ComplaintEvidence",
    "ComplaintStatus",
    "ComplaintStatusChange",
    "Constancia",
    "DocumentKind",
    "DocumentStatus",
    "Election",
    "FormDraft",
    "IssuedDocument",
    "PollingStation",
    "VoterExcuse",
    "VoterExcuseStatus",
    "VoterRegistration",
]
