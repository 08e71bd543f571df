"""IATI 2.03 activities XML: projects as activities, ledger entries as transactions (issue 4, item 5).

The mapping — which IATI element and code each field becomes, and why — is
`docs/decisions/0004-iati-mapping.md`; `codes.py` is that mapping in code, and the tests assert it
one by one. Element order follows `iati-activities-schema.xsd` (the schema is a sequence: an element
out of place makes the whole file invalid).

- `scope.py` — what one export covers (`resolve_scope`), and `ScopeError` for what cannot be exported;
- `organisations.py` — organisation identifiers, recipient governments, the reporting organisation;
- `writer.py` — `ActivityWriter` (one project → one `<iati-activity>`) and `IatiExport` (the file);
- `vocabularies.py` — the two custom vocabularies (divisions, categories) in IATI codelist format.

Memory stays flat however many projects match (SF1: ~38,000 projects, ~400,000 entries): the
small lookups (organizations, divisions, categories) are read once per export; projects are read
with `iterator()` in chunks, each chunk's ledger entries in one query; and the file is written
activity by activity with `lxml.etree.xmlfile`, so the web can stream it while it is written.
"""

from .codes import ACTIVITY_STATUS, IATI_VERSION, ORGANISATION_TYPE, TRANSACTION_TYPE
from .organisations import government_name, organization_ref, reporting_organization
from .scope import EmptyScope, IatiScope, ScopeError, resolve_scope
from .vocabularies import category_codelist, division_codelist, vocabulary_uris
from .writer import ActivityWriter, ExportCounts, IatiExport

__all__ = [
    "ACTIVITY_STATUS",
    "IATI_VERSION",
    "ORGANISATION_TYPE",
    "TRANSACTION_TYPE",
    "ActivityWriter",
    "EmptyScope",
    "ExportCounts",
    "IatiExport",
    "IatiScope",
    "ScopeError",
    "category_codelist",
    "division_codelist",
    "government_name",
    "organization_ref",
    "reporting_organization",
    "resolve_scope",
    "vocabulary_uris",
]
