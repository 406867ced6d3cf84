"""Alerts and their dispositions: review a finding once, and have every later run remember it.

``models`` holds the contracts (a disposition, an alert, a run's review), ``store`` the
dispositions file (YAML under version control), ``apply`` what a run makes of them.
"""

from .apply import entry_sha256, report_fails, review, review_report
from .models import Alert, AlertReview, AlertStatus, Decision, Disposition, FindingKey
from .store import LoadedDispositions, append_disposition, load_dispositions

__all__ = [
    "Alert",
    "AlertReview",
    "AlertStatus",
    "Decision",
    "Disposition",
    "FindingKey",
    "LoadedDispositions",
    "append_disposition",
    "entry_sha256",
    "load_dispositions",
    "report_fails",
    "review",
    "review_report",
]
