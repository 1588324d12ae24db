"""Case tracking: councillor inquiries, data requests, petitions and directives."""

from inquiries.agencies import Agency, AgencyRegistry, default_agencies
from inquiries.cases import AgencySummary, Case, CasePage, CaseQuery, HistoryEntry, NewCase
from inquiries.deadlines import (
    CalendarOverride,
    Deadline,
    DeadlineRule,
    RuleBook,
    WorkCalendar,
    deadline_for,
)
from inquiries.store import CaseStore, field_label
from inquiries.transfer import (
    COLUMNS,
    ImportReport,
    RowProblem,
    case_record,
    export_cases,
    export_overdue_report,
    import_cases,
)
from inquiries.vocabulary import (
    OPEN_STATUSES,
    Kind,
    Priority,
    Status,
    parse_kind,
    parse_priority,
    parse_status,
)
from yishi.dates import parse_date

__all__ = [
    "COLUMNS",
    "OPEN_STATUSES",
    "Agency",
    "AgencyRegistry",
    "AgencySummary",
    "CalendarOverride",
    "Case",
    "CasePage",
    "CaseQuery",
    "CaseStore",
    "Deadline",
    "DeadlineRule",
    "HistoryEntry",
    "ImportReport",
    "Kind",
    "NewCase",
    "Priority",
    "RowProblem",
    "RuleBook",
    "Status",
    "WorkCalendar",
    "case_record",
    "deadline_for",
    "default_agencies",
    "export_cases",
    "export_overdue_report",
    "field_label",
    "import_cases",
    "parse_date",
    "parse_kind",
    "parse_priority",
    "parse_status",
]
