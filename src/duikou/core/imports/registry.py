"""Which importer reads which kind of file. Dotted paths, read when asked: core never imports the apps above
it at load time (CONTRIBUTING.md, dependency order), as foreign keys name "projects.Project"."""

from django.utils.module_loading import import_string

IMPORTERS = {
    "projects": "duikou.projects.imports.ProjectImporter",
    "ledger": "duikou.funds.imports.LedgerEntryImporter",
    "assignments": "duikou.talent.imports.AssignmentImporter",
    "measurements": "duikou.outcomes.imports.MeasurementImporter",
    "divisions": "duikou.geo.imports.DivisionImporter",
    "pairings": "duikou.pairings.imports.PairingImporter",
}


def importer_for(kind: str):
    """A fresh importer of `kind`; KeyError when there is none."""
    return import_string(IMPORTERS[kind])()


def importer_title(kind: str) -> str:
    """What the import of `kind` is called (年度项目计划), from its class: no importer is built."""
    return str(import_string(IMPORTERS[kind]).title)
