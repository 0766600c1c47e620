"""The audit trail: who did what to which record, when, from which state to which, and why.

Lives below every feature so any service can ``audit.record(...)``; nothing here commits.
``audit.queries`` (the staff page's filters and CSV) is imported on its own.
"""

from .labels import ACTION_LABELS, action_label, register_labels
from .models import AuditEvent
from .recording import record

__all__ = ["ACTION_LABELS", "AuditEvent", "action_label", "record", "register_labels"]
