from .complaints import Complaint, ComplaintEvidence, ComplaintStatus, ComplaintStatusChange
from .constancias import Constancia
from .documents import DocumentKind, DocumentStatus, IssuedDocument
from .drafts import FormDraft
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
]
