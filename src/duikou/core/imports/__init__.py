"""The import engine shared by every importer (issue 4): read any table file, find its header, read each
cell as the clerk meant it, validate every row with the model's rules, report all errors at once, and
commit all or nothing as one import batch.

    from duikou.core.imports import Importer, ColumnSpec, ImportResult
"""

from .engine import (
    ColumnarRows,
    Importer,
    ImportResult,
    ParsedRow,
    RowError,
    RowErrors,
    any_of_texts,
)
from .header import ColumnSpec, Header, locate_header
from .reading import Table, UnreadableFile, read_table
from .values import CellError

__all__ = [
    "CellError",
    "ColumnSpec",
    "ColumnarRows",
    "Header",
    "ImportResult",
    "Importer",
    "ParsedRow",
    "RowError",
    "RowErrors",
    "Table",
    "UnreadableFile",
    "any_of_texts",
    "locate_header",
    "read_table",
]
