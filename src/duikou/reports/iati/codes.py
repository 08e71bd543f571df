"""The mapping in code: IATI codes for Duikou's statuses, entry kinds and organization kinds.

Each table is a row group of docs/decisions/0004-iati-mapping.md; the tests assert them one by one.
"""

from __future__ import annotations

from duikou.funds.choices import EntryKind
from duikou.parties.choices import OrganizationKind
from duikou.projects.choices import ProjectStatus

IATI_VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LANGUAGE = "zh"  # ISO 639-1: every narrative is the Chinese the platform stores
CURRENCY = "CNY"
RECIPIENT_COUNTRY = "CN"
CUSTOM_VOCABULARY = "99"  # "Reporting Organisation" in the Sector and Tag vocabularies
WGS84 = "http://www.opengis.net/def/crs/EPSG/0/4326"
ISO_COUNTRY = "A4"  # GeographicVocabulary: ISO 3166-1 alpha-2 (level 0, the country)
ACTIVITY_HAPPENS_HERE = "1"  # GeographicLocationReach: the activity happens at the location
ADMINISTRATIVE_REGION = "1"  # GeographicLocationClass
# Projects per query; their ledger entries come in one more query, with the ids as parameters (SQLite
# builds before 3.32 allow 999).
CHUNK_SIZE = 900
FLUSH_BYTES = 256 * 1024  # the web receives the file in pieces of about this size

# ActivityStatus: 1 pipeline, 2 implementation, 3 finalisation, 4 closed, 5 cancelled, 6 suspended.
ACTIVITY_STATUS = {
    ProjectStatus.RESERVE: "1",
    ProjectStatus.PLANNED: "1",
    ProjectStatus.APPROVED: "2",  # approval ends the pipeline; tendering is implementation
    ProjectStatus.UNDER_CONSTRUCTION: "2",
    ProjectStatus.COMPLETED: "3",  # built, pending acceptance, final accounts and hand-over
    ProjectStatus.ACCEPTED: "3",
    ProjectStatus.HANDED_OVER: "4",
    ProjectStatus.CANCELLED: "5",
    ProjectStatus.ADJUSTED: "5",  # 调整 is terminal (the project as planned will not go on), not a pause
}

# ActivityDateType codes.
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"

# TransactionType seen from the project, reported on the recipient side: (code, sign of the amount).
INCOMING_FUNDS, DISBURSEMENT, EXPENDITURE, INCOMING_COMMITMENT = "1", "3", "4", "11"
TRANSACTION_TYPE = {
    EntryKind.PLAN: (INCOMING_COMMITMENT, 1),  # the supporter's issued plan: a firm written obligation
    EntryKind.ARRIVED: (INCOMING_FUNDS, 1),
    EntryKind.DISBURSED: (DISBURSEMENT, 1),  # to the project's implementing unit
    EntryKind.SPENT: (EXPENDITURE, 1),  # investment completed: goods, works and services
    EntryKind.RETURNED: (INCOMING_FUNDS, -1),  # money sent back: negative incoming funds
    EntryKind.ADJUSTMENT: (INCOMING_COMMITMENT, 1),  # a plan adjustment, either sign
}

# OrganisationType: 10 government, 11 local (sub-national) government, 15 other public sector.
ORGANISATION_TYPE = {
    OrganizationKind.SUPPORTING_PROVINCE: "11",
    OrganizationKind.SUPPORTING_CITY: "11",
    OrganizationKind.FRONT_HQ: "11",
    OrganizationKind.CENTRAL_SOE: "15",
    OrganizationKind.CENTRAL_MINISTRY: "10",
    OrganizationKind.RECIPIENT_GOVERNMENT: "11",
    OrganizationKind.COORDINATION_OFFICE: "11",
}

# OrganisationRole codes.
FUNDING, ACCOUNTABLE, IMPLEMENTING = "1", "2", "4"
# BudgetStatus: 1 indicative, 2 committed. A plan issued (计划) binds; a reserve project or one
# taken out of the plan does not.
INDICATIVE_STATUSES = (ProjectStatus.RESERVE, ProjectStatus.CANCELLED, ProjectStatus.ADJUSTED)
STANDARD_GRANT = "110"  # FinanceType: 援助资金 are never repaid
INTERNAL_IDENTIFIER = "A1"  # OtherIdentifierType: the reporting organisation's own activity identifier
