from .complaints import Complaint, ComplaintEvidence, ComplaintStatus, ComplaintStatusChange
from .constancias import Constancia
from .documents import DocumentKind, DocumentStatus, IssuedDocument
from .drafts import FormDraft

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
]
