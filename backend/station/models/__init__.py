from .complaints import Complaint, ComplaintEvidence, ComplaintStatus, ComplaintStatusChange
from .condolences import CondolenceMessage, CondolenceStatus, FallenOfficer
from .constancias import Constancia
from .documents import DocumentKind, DocumentStatus, IssuedDocument
from .drafts import FormDraft
from .feedback import FeedbackKind, FeedbackStatus, FeedbackStatusChange, OfficerFeedback

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
    "FeedbackKind",
    "FeedbackStatus",
    "FeedbackStatusChange",
    "OfficerFeedback",
    "CondolenceMessage",
    "CondolenceStatus",
    "FallenOfficer",
]
