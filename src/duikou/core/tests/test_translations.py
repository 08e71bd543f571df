"""The English catalogue: complete, compiled, used, and covering every string the source marks.

The interface is written in Chinese inside gettext calls; `locale/en/LC_MESSAGES/django.po`
translates it and the compiled `django.mo` is kept in the repository next to it. After changing
a user-facing string, from `src/duikou`::

    ../../.venv/bin/duikou makemessages -l en --ignore "*/tests/*" --ignore "testing.py"
    ../../.venv/bin/duikou compilemessages -l en

(run both from `src/duikou`: from the repository root compilemessages would also recompile the
catalogues of every package in the virtualenv).
"""

import ast
import gettext
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

PACKAGE = Path(__file__).resolve().parents[2]
PO_PATH = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# The gettext functions makemessages looks for (Django's xgettext keywords).
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
CONTEXT_GETTEXT_NAMES = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _unquote(text: str) -> str:
    """The value of one quoted PO string ("...")."""
    return ast.literal_eval(text)


def parse_po(path: Path) -> list[dict]:
    """The entries of a PO file: msgctxt, msgid, msgid_plural, msgstr (plural index → text), flags, obsolete.

    Enough of the format for the files makemessages writes: comments, flags, continuation lines,
    plural forms, contexts and obsolete (#~) entries.
    """
    entries: list[dict] = []
    entry: dict | None = None
    field = None
    msgstr_index = 0

    def start() -> dict:
        new = {
            "msgctxt": None,
            "msgid": None,
            "msgid_plural": None,
            "msgstr": {},
            "flags": set(),
            "obsolete": False,
        }
        entries.append(new)
        return new

    pending_flags: set[str] = set()
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            entry, field = None, None
            continue
        if line.startswith("#,"):
            pending_flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _space, rest = line.partition(" ")
        if keyword.startswith('"'):
            value = _unquote(line)
            if field == "msgstr":
                entry["msgstr"][msgstr_index] += value
            else:
                entry[field] += value
            continue
        if entry is None or keyword == "msgctxt" or (keyword == "msgid" and entry["msgid"] is not None):
            entry = start()
        entry["flags"] |= pending_flags
        pending_flags = set()
        entry["obsolete"] = entry["obsolete"] or obsolete
        if keyword.startswith("msgstr"):
            field = "msgstr"
            msgstr_index = int(keyword[7:-1]) if "[" in keyword else 0
            entry["msgstr"][msgstr_index] = _unquote(rest)
        else:
            field = keyword
            entry[field] = _unquote(rest)
    return entries


def catalogue_entries() -> list[dict]:
    """The live entries of the English catalogue, without the header and obsolete entries."""
    return [entry for entry in parse_po(PO_PATH) if entry["msgid"] and not entry["obsolete"]]


def catalogue_key(entry: dict) -> str:
    return f"{entry['msgctxt']}\x04{entry['msgid']}" if entry["msgctxt"] is not None else entry["msgid"]


def compiled_catalogue(path: Path) -> dict:
    """msgid → msgstr of a compiled .mo (plural forms keyed by (msgid, n)), without the header."""
    with path.open("rb") as stream:
        catalogue = dict(gettext.GNUTranslations(stream)._catalog)
    catalogue.pop("", None)
    return catalogue


def expected_catalogue(entries: list[dict]) -> dict:
    """What msgfmt makes of the PO entries: fuzzy and untranslated entries are left out."""
    expected = {}
    for entry in entries:
        if "fuzzy" in entry["flags"] or not any(entry["msgstr"].values()):
            continue
        key = catalogue_key(entry)
        if entry["msgid_plural"] is None:
            expected[key] = entry["msgstr"][0]
        else:
            for index, text in entry["msgstr"].items():
                expected[(key, index)] = text
    return expected


def source_msgids() -> tuple[set[str], list[str]]:
    """The literal strings passed to gettext functions in the package, as makemessages sees them.

    Returns the msgids (context-qualified like the catalogue keys) and the calls makemessages
    cannot extract properly: f-strings, concatenations or %-formatting inside the call.
    """
    msgids: set[str] = set()
    badly_formed: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if "tests" in relative.parts or "migrations" in relative.parts or relative.name == "testing.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args):
                continue
            name = node.func.id
            if name not in GETTEXT_NAMES | CONTEXT_GETTEXT_NAMES:
                continue
            arguments = node.args
            context = None
            if name in CONTEXT_GETTEXT_NAMES:
                if not isinstance(arguments[0], ast.Constant) or len(arguments) < 2:
                    badly_formed.append(f"{relative}:{node.lineno}")
                    continue
                context, arguments = arguments[0].value, arguments[1:]
            first = arguments[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                msgids.add(first.value if context is None else f"{context}\x04{first.value}")
            elif isinstance(first, ast.JoinedStr | ast.BinOp):
                badly_formed.append(f"{relative}:{node.lineno}")
    msgids |= template_msgids()
    return msgids, badly_formed


def template_msgids() -> set[str]:
    """Strings marked in templates ({% translate %}, {% blocktranslate %}, _("…")), read as makemessages does:
    Django's own `templatize` turns a template into gettext calls."""
    from django.utils.translation.template import templatize

    msgids = set()
    literal = r"u?(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
    # gettext('…') for {% translate %}, _('…') inside other tags, ngettext('…', '…', n) for a counted
    # {% blocktranslate %}, pgettext('context', '…') for a string with a context: the msgid is the
    # first literal, or the second after a context.
    call = re.compile(
        rf"\b(?:(?:gettext|_|ngettext)\((?P<literal>{literal})"
        rf"|pgettext\((?P<context>{literal})\s*,\s*(?P<context_literal>{literal}))"
    )
    for path in sorted(PACKAGE.rglob("*.html")):
        code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        for match in call.finditer(code):
            if match["literal"]:
                msgids.add(ast.literal_eval(match["literal"]))
            else:  # keyed like catalogue_key(): context, EOT, msgid
                context = ast.literal_eval(match["context"])
                msgids.add(f"{context}\x04{ast.literal_eval(match['context_literal'])}")
    return msgids


def test_catalogue_files_exist():
    assert PO_PATH.is_file(), f"missing {PO_PATH}: run makemessages -l en from src/duikou"
    assert MO_PATH.is_file(), f"missing {MO_PATH}: run compilemessages -l en from src/duikou"


def test_po_has_no_untranslated_or_fuzzy_entries():
    entries = parse_po(PO_PATH)
    header = next(entry for entry in entries if entry["msgid"] == "")
    live = catalogue_entries()

    untranslated = [e["msgid"] for e in live if not all(e["msgstr"].values()) or not e["msgstr"]]
    fuzzy = [e["msgid"] for e in live if "fuzzy" in e["flags"]]

    assert "fuzzy" not in header["flags"]
    assert "Language: en\n" in header["msgstr"][0]
    assert len(live) > 250
    assert untranslated == []
    assert fuzzy == []


def test_translations_keep_placeholders_and_leave_no_chinese_outside_examples():
    entries = catalogue_entries()

    placeholders_changed = [
        e["msgid"]
        for e in entries
        if any(
            sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(e["msgid"]))
            for text in e["msgstr"].values()
        )
    ]
    # Chinese may stay only in quoted examples of what users type (如“农一师”, 百村千厂).
    chinese_left = [
        e["msgid"]
        for e in entries
        if any(CJK.search(text) for text in e["msgstr"].values())
        and not e["msgid"].startswith(("仅曾用名", "如："))
    ]

    assert placeholders_changed == []
    assert chinese_left == []


def test_mo_matches_po():
    assert compiled_catalogue(MO_PATH) == expected_catalogue(catalogue_entries()), (
        "django.mo is out of date: run compilemessages -l en from src/duikou"
    )


def test_mo_matches_msgfmt_output(tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (GNU gettext) is not installed; test_mo_matches_po still compares the catalogues")
    compiled = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check-format", "-o", str(compiled), str(PO_PATH)], check=True, timeout=30)

    assert compiled_catalogue(MO_PATH) == compiled_catalogue(compiled)


def test_catalogue_covers_known_source_strings():
    msgids = {entry["msgid"] for entry in catalogue_entries()}

    assert {
        "项目",
        "资金分录",
        "金额不能为零。",
        "前方指挥部",
        "支出（完成投资）",
        "支援方须与项目的支援方（{supporter}）一致。",
        "楼堂馆所",
        "组团式团队",
    } <= msgids


def test_catalogue_covers_every_marked_source_string():
    source, badly_formed = source_msgids()
    catalogue = {catalogue_key(entry) for entry in catalogue_entries()}

    assert badly_formed == [], "f-strings or concatenations inside gettext calls cannot be translated"
    assert sorted(source - catalogue) == [], "run makemessages -l en from src/duikou and translate"
    assert sorted(catalogue - source) == [], "strings no longer in the source: run makemessages -l en"


def test_model_labels_and_choices_in_english():
    from duikou.funds.choices import EntryKind
    from duikou.projects.choices import ProjectStatus
    from duikou.projects.models import Project

    with translation.override("en"):
        assert str(Project._meta.verbose_name) == "Project"
        assert str(Project._meta.get_field("aid_amount").verbose_name) == "Assistance funds (yuan)"
        assert str(ProjectStatus.UNDER_CONSTRUCTION.label) == "Under construction"
        assert str(EntryKind.SPENT.label) == "Spent (investment completed)"
    with translation.override("zh-hans"):
        assert str(Project._meta.verbose_name) == "项目"
        assert str(ProjectStatus.UNDER_CONSTRUCTION.label) == "在建"


def test_validation_message_in_english():
    from duikou.funds.models import LedgerEntry

    with translation.override("en"):
        with pytest.raises(ValidationError) as raised:
            LedgerEntry(amount=Decimal(0)).clean()
        # The messages are lazy: they render in the language active when they are shown.
        assert raised.value.message_dict["amount"] == ["The amount cannot be zero."]
    with translation.override("zh-hans"):
        assert raised.value.message_dict["amount"] == ["金额不能为零。"]


def test_language_cookie_selects_english():
    from duikou.core.middleware import ChineseFirstLocaleMiddleware

    seen = {}

    def view(request):
        from duikou.projects.choices import ProjectStatus

        seen["label"] = str(ProjectStatus.HANDED_OVER.label)
        return HttpResponse()

    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override(settings.LANGUAGE_CODE):
        response = ChineseFirstLocaleMiddleware(view)(request)

    assert response.headers["Content-Language"] == "en"
    assert seen["label"] == "Handed over"
