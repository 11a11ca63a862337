"""Vietnamese interface, ready for English: every visible text is marked, and the English catalogue is complete.

The committed django.mo is what runs: no GNU gettext is needed to test or to serve.
"""

from __future__ import annotations

import ast
import datetime as dt
import gettext
import re
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parent.parent / "danhgia"
TEMPLATES = ROOT / "templates"
CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- The English interface ------------------------------------------------------------------------------------


def test_login_page_in_english(db, client):
    body = english(client).get(reverse("accounts-login")).content.decode()
    assert '<html lang="en">' in body
    assert "<h1>Log in</h1>" in body
    assert '<label for="id_username">Username' in body
    assert '<label for="id_password">Password' in body
    assert "Đăng nhập" not in body


def test_tree_page_and_menu_in_english(world, client):
    english(client).force_login(world.users["officer"])
    body = client.get(reverse("orgs-tree")).content.decode()
    assert "<h1>Organization tree</h1>" in body
    assert f'<a href="{reverse("orgs-tree")}" aria-current="page">Organization tree</a>' in body  # the menu entry
    assert ">Find party members</a>" in body
    assert "party members</span>" in body  # plural forms of the member counts in the tree
    assert "Đảng bộ xã An Lạc" in body  # data stays as entered
    assert "Cây tổ chức" not in body


def test_messages_and_plurals_in_english(world, client):
    english(client).force_login(world.users["officer"])
    response = client.post(
        reverse("people-status", args=[world.people["binh"].pk]),
        {"status": "exempt", "on": "01/02/2024", "note": "Tuổi cao"},
        follow=True,
    )
    assert "Updated the membership status of Bùi Văn Bình." in response.content.decode()
    body = client.get(reverse("people-search") + "?q=nguyen+van+an").content.decode()
    assert "1 result for “nguyen van an”, sorted by name." in body
    body = client.get(reverse("people-search") + "?q=van").content.decode()
    assert "results for “van”, sorted by name." in body


def test_english_dates_are_still_day_first():
    """Django's own English input formats are month first: "01/02/2024" would silently be 2 January."""
    from django.utils import translation

    from danhgia.periods.forms import PhaseForm

    with translation.override("en"):
        form = PhaseForm({"starts_on": "01/02/2024", "deadline": "31/12/2024"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data == {"starts_on": dt.date(2024, 2, 1), "deadline": dt.date(2024, 12, 31)}


def test_language_switch_works_before_logging_in(db, client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts-login")})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts-login")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "<h1>Log in</h1>" in client.get(reverse("accounts-login")).content.decode()
    client.post(reverse("set_language"), {"language": "vi", "next": reverse("accounts-login")})
    assert "<h1>Đăng nhập</h1>" in client.get(reverse("accounts-login")).content.decode()


def test_language_switch_is_in_the_top_bar(db, client):
    body = client.get(reverse("accounts-login")).content.decode()
    switch = body[body.index('<form class="lang"') :]
    switch = switch[: switch.index("</form>")]
    assert f'action="{reverse("set_language")}"' in switch
    text = re.sub(r"<[^>]+>", "", switch)
    assert text == "Tiếng Việt / English"
    assert 'value="vi" lang="vi" aria-current="true"' in switch


# --- Vietnamese stays the default -----------------------------------------------------------------------------


def test_default_is_vietnamese(world, client):
    body = client.get(reverse("accounts-login")).content.decode()
    assert '<html lang="vi">' in body
    assert "<h1>Đăng nhập</h1>" in body
    assert "Log in" not in body
    client.force_login(world.users["officer"])
    # An English browser does not switch the interface: only the language switch does.
    body = client.get(reverse("orgs-tree"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "<h1>Cây tổ chức</h1>" in body
    assert "Organization tree" not in body


# --- No Vietnamese text outside the translation tags ----------------------------------------------------------

# Letters that only Vietnamese uses here: đ, and after NFD decomposition the breve (ă), circumflex (â ê ô),
# horn (ơ ư) and the five tone marks (grave, acute, tilde, hook above, dot below).
VIETNAMESE = re.compile("[đĐ\u0300\u0301\u0302\u0303\u0306\u0309\u031b\u0323]")
# Text that must stay Vietnamese in every language, as "path: text" → why. Empty: the only such text, the name
# "Tiếng Việt" in the language switch, comes from settings.LANGUAGES, not from the template.
ALLOWED: dict[str, str] = {}

_COMMENTS = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}|<!--.*?-->", re.DOTALL)
_BLOCK_TRANSLATE = re.compile(r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", re.DOTALL)
_TRANSLATE = re.compile(r"{%\s*trans(?:late)?\s.*?%}", re.DOTALL)
_MARKED_LITERAL = re.compile(r"""_\(\s*(?:"[^"]*"|'[^']*')\s*\)""")  # {{ value|default:_("nay") }}
_TEMPLATE_TAG = re.compile(r"{%.*?%}|{{.*?}}", re.DOTALL)
_LITERAL = re.compile(r""""([^"]*)"|'([^']*)'""")
_HTML_TAG = re.compile(r"<[^>]*>", re.DOTALL)
_ATTRIBUTE_VALUE = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)')""")


def _same_lines(replacement):
    """re.sub callback: the replacement text, padded with the newlines of the match (line numbers stay right)."""

    def sub(match: re.Match[str]) -> str:
        return " " + replacement(match) + " " + "\n" * match.group(0).count("\n")

    return sub


def untranslated_text(source: str) -> list[tuple[int, str]]:
    """(line, text) of every Vietnamese text outside the translation tags.

    Removed: comments and the translation tags with their text. Kept from template tags and variables: their
    string literals (a Vietnamese `default:"..."` is text too). Kept from HTML tags: their attribute values,
    so placeholder, title, aria-label and onsubmit="return confirm('...')" are checked like the page text.
    """
    text = _COMMENTS.sub(_same_lines(lambda m: ""), source)
    text = _BLOCK_TRANSLATE.sub(_same_lines(lambda m: ""), text)
    text = _TRANSLATE.sub(_same_lines(lambda m: ""), text)
    text = _MARKED_LITERAL.sub("", text)
    text = _TEMPLATE_TAG.sub(_same_lines(lambda m: " ".join(a or b for a, b in _LITERAL.findall(m.group(0)))), text)
    text = _HTML_TAG.sub(_same_lines(lambda m: " ".join(a or b for a, b in _ATTRIBUTE_VALUE.findall(m.group(0)))), text)
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if VIETNAMESE.search(unicodedata.normalize("NFD", line)):
            found.append((number, " ".join(line.split())))
    return found


def test_the_scan_finds_unmarked_text():
    assert untranslated_text("<p>Tìm</p>") == [(1, "Tìm")]
    assert untranslated_text("<h1>\n{{ unit.name }} trực thuộc\n</h1>") == [(2, "trực thuộc")]
    assert untranslated_text('<input placeholder="ví dụ: xom bai">') == [(1, "ví dụ: xom bai")]
    assert untranslated_text("<form onsubmit=\"return confirm('Xóa?')\">") == [(1, "return confirm('Xóa?')")]
    assert untranslated_text('{{ m.valid_to|default:"nay" }}{{ x|default:"chưa có" }}') == [(1, "nay chưa có")]
    assert untranslated_text("Đ") == [(1, "Đ")]
    marked = """{% load i18n %}<p>{% translate "Tìm" %}</p><input placeholder="{% translate 'ví dụ' %}">
        {% blocktranslate trimmed with name=unit.name %}Sửa
        {{ name }}{% endblocktranslate %}{{ m.valid_to|default:_("nay") }}{# ghi chú #}
        {% comment %}Ghi chú{% endcomment %}
        <span>DanhGia — {{ unit.name }} › 20% «»</span>"""
    assert untranslated_text(marked) == []


def test_templates_have_no_unmarked_vietnamese_text():
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) >= 25
    offenders = []
    for path in templates:
        name = path.relative_to(TEMPLATES).as_posix()
        for number, text in untranslated_text(path.read_text(encoding="utf-8")):
            if f"{name}: {text}" not in ALLOWED:
                offenders.append(f"{name}:{number}: {text}")
    assert offenders == [], "wrap in {% translate %} or {% blocktranslate %}:\n" + "\n".join(offenders)


def test_templates_using_translation_tags_load_i18n():
    for path in TEMPLATES.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        if re.search(r"{%\s*(translate|blocktranslate|get_current_language)\b|_\(", source):
            assert re.search(r"{%\s*load\s[^%]*\bi18n\b", source), path


# --- The English catalogue ------------------------------------------------------------------------------------

_CALL = re.compile(
    r"""\b(gettext|pgettext|ngettext|npgettext|_)\(\s*((?:u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\s*,?\s*)+)"""
)
_PY_LITERAL = re.compile(r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")
_PYTHON_MARKERS = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}


def marked_messages() -> set[tuple[str | None, str, str | None]]:
    """(context, msgid, plural msgid) of every marked string, in templates and Python alike."""
    found: set[tuple[str | None, str, str | None]] = set()
    for path in TEMPLATES.rglob("*.html"):
        for function, arguments in _CALL.findall(templatize(path.read_text(encoding="utf-8"))):
            strings = [ast.literal_eval(s) for s in _PY_LITERAL.findall(arguments)]
            context = strings.pop(0) if function.startswith(("pgettext", "npgettext")) else None
            found.add((context, strings[0], strings[1] if function.startswith(("ngettext", "npgettext")) else None))
    for path in ROOT.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if "django.utils.translation" not in source:
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _PYTHON_MARKERS:
                strings = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                context = strings.pop(0) if node.func.id.startswith("pgettext") else None
                found.add((context, strings[0], strings[1] if node.func.id.startswith("ngettext") else None))
    return found


def po_entries() -> list[dict[str, str]]:
    entries: list[dict[str, str]] = []
    entry: dict[str, str] = {}
    key = ""
    for line in [*(CATALOGUE / "django.po").read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if "msgid" in entry:
                entries.append(entry)
            entry, key = {}, ""
        elif line.startswith("#,"):
            entry["flags"] = line
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        elif not line.startswith("#"):
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return entries


@pytest.fixture(scope="module")
def compiled():
    with open(CATALOGUE / "django.mo", "rb") as mo:
        return gettext.GNUTranslations(mo)


def test_every_marked_string_has_an_english_translation(compiled):
    messages = marked_messages()
    assert len(messages) > 250
    missing = []
    for context, msgid, plural in sorted(messages, key=str):
        # Template strings come out of templatize() with "%" doubled, as makemessages stores and Django looks them up.
        if plural is not None:
            forms = [
                compiled.npgettext(context, msgid, plural, n) if context else compiled.ngettext(msgid, plural, n)
                for n in (1, 2)
            ]
            untranslated = forms == [msgid, plural]
        else:
            translated = compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)
            untranslated = translated == msgid
        if untranslated:
            missing.append(f"{context or ''}|{msgid}")
    assert missing == [], "run makemessages, translate, then compilemessages:\n" + "\n".join(missing)


def test_the_compiled_catalogue_matches_the_po_file(compiled):
    entries = [e for e in po_entries() if e["msgid"]]
    assert not [e["msgid"] for e in entries if "fuzzy" in e.get("flags", "")]
    for e in entries:
        context = e.get("msgctxt")
        if "msgid_plural" in e:
            for n, form in ((1, "msgstr[0]"), (2, "msgstr[1]")):
                assert e[form], e["msgid"]
                got = (
                    compiled.npgettext(context, e["msgid"], e["msgid_plural"], n)
                    if context
                    else compiled.ngettext(e["msgid"], e["msgid_plural"], n)
                )
                assert got == e[form], f"{e['msgid']}: run danhgia compilemessages"
        else:
            assert e["msgstr"], e["msgid"]
            got = compiled.pgettext(context, e["msgid"]) if context else compiled.gettext(e["msgid"])
            assert got == e["msgstr"], f"{e['msgid']}: run danhgia compilemessages"
