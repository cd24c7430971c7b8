"""What the shared record's API tests share: the 404s that must read word for word the
same however a thing is out of reach, and the cost of one audit append."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from joinedup.audit.services import audit_record


def not_found(detail: str) -> dict:
    return {"type": "about:blank", "title": "Not Found", "status": 404, "detail": detail}


PERSON_NOT_FOUND = not_found("There is no such person, or you may not see their record")
ENTRY_NOT_FOUND = not_found("There is no such entry, or you may not see it")
CONSENT_NOT_FOUND = not_found("There is no such consent in force")


def audit_append_queries(user) -> int:
    """The queries one append to the audit chain takes, once the chain has begun.

    The audit app owns that number (and it differs between SQLite and PostgreSQL); it is
    measured here so that the API's query counts say only what the API itself does.
    """
    audit_record(actor=user, action="probe", basis="none")
    with CaptureQueriesContext(connection) as queries:
        audit_record(actor=user, action="probe", basis="none")
    return len(queries)
