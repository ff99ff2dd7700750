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
from .reunification import (
    ConsentMethod,
    Relationship,
    ReunificationDecision,
    ReunificationRequest,
    ReunificationStatus,
    ReunificationStep,
)

__all__ = [
    "EXCUSE_MINIMUM_METERS",
    "Complaint",
    "ComplaintEvidence",
    "ComplaintStatus",
    "ComplaintStatusChange",
    "ConsentMethod",
    "Constancia",
    "DocumentKind",
    "DocumentStatus",
    "Election",
    "FormDraft",
    "IssuedDocument",
    "PollingStation",
    "Relationship",
    "ReunificationDecision",
    "ReunificationRequest",
    "ReunificationStatus",
    "ReunificationStep",
    "VoterExcuse",
    "VoterExcuseStatus",
    "VoterRegistration",
]
