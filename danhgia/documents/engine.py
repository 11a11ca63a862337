"""Rendering: PDF with WeasyPrint from HTML, Word with docxtpl from a .docx template. No Django here.

Why PDF from HTML rather than from the Word file
------------------------------------------------
A PDF could be had by converting each rendered .docx with LibreOffice (`soffice --headless --convert-to pdf`):
one layout to maintain, but about 1 s a document, a 300 MB office suite on the server, and conversions that fail
silently when two run with the same profile (stack-notes.md §6). WeasyPrint lays out an HTML page in about
0.1 s, in-process, and embeds subsets of the fonts named in the CSS (Times New Roman, with Liberation Serif 2 as
its metric-compatible stand-in), so every diacritic is drawn from the document's own font. The target — 1,000
PDFs in under 120 s on a 2-core machine — rules LibreOffice out (1,000 s, or 500 s on both cores); WeasyPrint
meets it with room (docs/benchmarks.md). The price is two layouts of each form, the Word template and the HTML
page; both take their fixed wording from catalogue.py and their data from the same context, and the tests read
both back (python-docx, LibreOffice → PDF, pdftotext). A province's uploaded Word template changes the Word
output only: PDFs keep the bundled layout (the upload page says so).

Batches render in worker processes (`Renderer`): the parent reads the database and prepares the HTML and the
contexts; workers, started with "spawn" so that nothing of the web process (threads, connections) is inherited,
only turn them into bytes. This module imports no Django so that a worker starts fast and holds no connection.
As with every "spawn" pool, the program's main module must be safe to import (the `danhgia` command, manage.py and
WSGI servers are); a worker that never answers fails the batch after TASK_TIMEOUT instead of hanging it.

Uploaded Word templates are Jinja inside Word, written by people we do not control: they are rendered in
Jinja's sandbox (no attribute access to Python internals), with autoescape on (or `&` and `<…>` in the data
would silently vanish from the document, stack-notes.md §5). The sandbox stops a template from reaching the server's
internals, not from making it work for ever: `{{ x * 10000000 }}`, `{% for … in range(…) %}`, a macro calling itself
or `|center(10**9)` were all accepted and made downloads many times slower (issue 16, item 6). So a template may
only use what a form needs — fields, attributes of a row, `{% if %}`, `{% for %}` over the document's lists (two
deep at most), comparisons, `~` and `+`, and the filters in SAFE_FILTERS — and every parse checks that
(`_check_tree`), on upload and again on each render (a template stored before a check was added). Each document's
rendering has a budget, MAX_RENDERED_CHARS of XML and MAX_RENDER_SECONDS: past either it stops with a Vietnamese
message instead of running on.
"""

from __future__ import annotations

import io
import os
import re
import time
import zipfile
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import TemplateError, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = Path(__file__).resolve().parent
CSS_FILE = HERE / "pdf" / "document.css"
BUNDLED = HERE / "docx"

# A task is ("pdf", html) or ("docx", template path, context); each becomes the file's bytes.
Task = tuple[Any, ...]
T = TypeVar("T")
# A document takes a fraction of a second; a worker silent for this long is stuck: the batch fails, never hangs.
TASK_TIMEOUT = 300

UA_FILE = HERE / "pdf" / "ua.css"

# A document's number and symbol («24-QĐ/TW», «43-HD/BTCTW», «15-QĐ/ĐU», «30/2020/NĐ-CP») is read as one word and
# never broken at the end of a line: Word and LibreOffice break after its hyphen, WeasyPrint after its slash too.
REFERENCE = re.compile(r"\d+(?:/\d{4})?[-/][A-ZĐ]+(?:[-/.][A-ZĐ]+)*")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_TEXT_NODE = re.compile(r">([^<]+)<")
# The alternative-text title of a Word template's signature tables (tools/make_document_templates.py).
SIGNATURE_CAPTION = "Khối chữ ký"

_css: Any = None
_ua: Any = None
_fonts: Any = None
_html: Any = None
_templates: dict[str, bytes] = {}


class TemplateProblem(Exception):
    """An uploaded Word template that cannot be used; the message is for the officer, in Vietnamese."""


# ------------------------------------------------------------------------------------------------ Jinja limits
# A rendered form is some 25 KB of XML, a notice listing 600 members 0.6 MB: room for 10,000 rows.
MAX_RENDERED_CHARS = 10_000_000
# A form renders in under 0.1 s, that notice in 0.35 s (with docxtpl's own work, which counts too).
MAX_RENDER_SECONDS = 5.0
# Steps of the template's loops over the document's lists, counted whether or not they write anything (two nested
# loops over a 3,000-row list write nothing and take 6 s): a notice of 600 rows takes 600; room for 1,000 × 1,000.
MAX_LOOP_STEPS = 1_000_000
MAX_LOOP_DEPTH = 2  # a row list inside a row list; our documents have no deeper data
# Filters that cannot make their output much larger than their input or run long (not center, indent, wordwrap,
# format, replace, batch, slice, map … ; not safe either: the data would be written into the XML unescaped).
SAFE_FILTERS = frozenset(
    {
        "abs", "capitalize", "count", "d", "default", "e", "escape", "first", "float", "int", "join", "last",
        "length", "list", "lower", "max", "min", "reject", "rejectattr", "reverse", "round", "select", "selectattr",
        "sort", "string", "striptags", "sum", "title", "trim", "truncate", "unique", "upper", "wordcount",
    }
)  # fmt: skip
# Filters that keep a list a list, for `{% for row in nhiem_vu|selectattr(…) %}`.
LIST_FILTERS = frozenset({"reject", "rejectattr", "reverse", "select", "selectattr", "sort", "unique"})
# A text written in a field, «{{ ho_ten|default("…") }}»: short (a long one joined between 600 rows is 600 copies).
MAX_LITERAL_CHARS = 200
# What a form needs of Jinja; anything else is refused by name (REFUSED) or as «cú pháp» (other nodes).
ALLOWED_NODES = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Const, nodes.Getattr, nodes.Getitem,
    nodes.Slice, nodes.Filter, nodes.Test, nodes.If, nodes.CondExpr, nodes.And, nodes.Or, nodes.Not,
    nodes.Compare, nodes.Operand, nodes.For, nodes.Concat, nodes.Add, nodes.Sub, nodes.Div, nodes.FloorDiv,
    nodes.Neg, nodes.Pos, nodes.Tuple, nodes.List, nodes.Dict, nodes.Pair, nodes.Keyword, nodes.Mul,
)  # fmt: skip
REFUSED: tuple[tuple[type[nodes.Node], str], ...] = (
    (nodes.Macro, "macro «{% macro %}»"),
    (nodes.CallBlock, "«{% call %}»"),
    (nodes.Import, "«{% import %}»"),
    (nodes.FromImport, "«{% from … import %}»"),
    (nodes.Include, "«{% include %}»"),
    (nodes.Extends, "«{% extends %}»"),
    (nodes.Block, "«{% block %}»"),
    (nodes.Assign, "«{% set %}»"),
    (nodes.AssignBlock, "«{% set %}»"),
    (nodes.With, "«{% with %}»"),
    (nodes.FilterBlock, "«{% filter %}»"),
    (nodes.EvalContextModifier, "«{% autoescape %}»"),
    (nodes.Scope, "«{% autoescape %}»"),  # the scope Jinja opens for an autoescape block
    (nodes.Call, "lời gọi hàm hoặc phương thức «…( … )»"),
    (nodes.Pow, "phép lũy thừa «**»"),
    (nodes.Mod, "phép «%» (định dạng chuỗi)"),
)


def _refuse(what: str) -> TemplateProblem:
    return TemplateProblem(
        f"Mẫu dùng {what}, điều mẫu văn bản không được phép. Mẫu chỉ được dùng các trường của văn bản, điều kiện "
        "«{% if %}» và vòng lặp «{% for %}» trên các danh sách của văn bản (như mẫu có sẵn); hãy bỏ phần đó và nạp lại."
    )


def _is_count(node: nodes.Node) -> bool:
    """A number written in the template, or one of the loop's counters (docxtpl's «{% hm %}» writes
    `{{ 2 * loop.length }}`)."""
    if isinstance(node, nodes.Const):
        return isinstance(node.value, int) and not isinstance(node.value, bool) and abs(node.value) <= 1000
    return isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and node.node.name == "loop"


def _loop_source(node: nodes.Node, lists: frozenset[str]) -> bool:
    """Whether a loop goes over one of the document's lists, as it is or through a filter that keeps it a list."""
    while isinstance(node, nodes.Filter) and node.name in LIST_FILTERS and node.node is not None:
        node = node.node
    return isinstance(node, nodes.Name) and node.name in lists


def _check_tree(node: nodes.Node, lists: frozenset[str], depth: int = 0) -> None:
    """Raise TemplateProblem at the first construct of the template a form does not need (module docstring)."""
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name):
        raise _refuse(f"lời gọi hàm «{node.node.name}»")  # lipsum(…), range(…), a macro: named
    for kind, what in REFUSED:
        if isinstance(node, kind):
            raise _refuse(what)
    if not isinstance(node, ALLOWED_NODES):
        raise _refuse(f"cú pháp «{type(node).__name__}»")
    if isinstance(node, nodes.Const) and isinstance(node.value, str) and len(node.value) > MAX_LITERAL_CHARS:
        raise _refuse(f"chuỗi dài hơn {MAX_LITERAL_CHARS} ký tự trong một trường")
    if isinstance(node, nodes.Filter) and node.name not in SAFE_FILTERS:
        raise _refuse(f"bộ lọc «|{node.name}»")
    if isinstance(node, nodes.Mul) and not (_is_count(node.left) and _is_count(node.right)):
        raise _refuse("phép nhân «*» (lặp lại chuỗi hoặc danh sách)")
    if isinstance(node, nodes.For):
        if node.recursive:
            raise _refuse("vòng lặp đệ quy «recursive»")
        if not _loop_source(node.iter, lists):
            raise _refuse("vòng lặp «{% for %}» trên thứ không phải danh sách của văn bản (như range(…) hay một chuỗi)")
        if depth >= MAX_LOOP_DEPTH:
            raise _refuse(f"vòng lặp «{{% for %}}» lồng nhau quá {MAX_LOOP_DEPTH} cấp")
        for child in (node.target, node.iter, *([node.test] if node.test is not None else [])):
            _check_tree(child, lists, depth)
        for child in (*node.body, *node.else_):
            _check_tree(child, lists, depth + 1)
        return
    for child in node.iter_child_nodes():
        _check_tree(child, lists, depth)


def _number(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")  # the Vietnamese thousands separator (lib/numbers.py needs Django)


class _Budget:
    """One document's rendering budget, spent by every part docxtpl renders (body, headers, footers, properties):
    Jinja joins a template's output through `environment.concat`, which is where it is counted."""

    def __init__(self) -> None:
        self.chars = 0
        self.steps = 0
        self.deadline = time.monotonic() + MAX_RENDER_SECONDS

    def step(self) -> None:
        """One step of a loop over the document's lists (_Counted)."""
        self.steps += 1
        if self.steps > MAX_LOOP_STEPS:
            raise TemplateProblem(
                f"vòng lặp của mẫu chạy quá {_number(MAX_LOOP_STEPS)} bước: mẫu lặp lại nội dung quá nhiều lần"
            )
        if not self.steps % 1024:
            self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateProblem(
                f"dựng văn bản từ mẫu quá {_number(MAX_RENDER_SECONDS)} giây: mẫu lặp lại nội dung quá nhiều lần"
            )

    def concat(self, chunks: Iterable[str]) -> str:
        out = []
        for chunk in chunks:
            self.chars += len(chunk)
            if self.chars > MAX_RENDERED_CHARS:
                raise TemplateProblem(
                    f"văn bản dựng từ mẫu quá lớn (hơn {_number(MAX_RENDERED_CHARS)} ký tự): mẫu lặp lại nội dung quá "
                    "nhiều lần"
                )
            self.check_time()
            out.append(chunk)
        return "".join(out)


class _FormEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, without Jinja's globals (range, lipsum, cycler, …: a global is an unknown field on upload),
    checking every template it parses (_check_tree) and holding the document's budget."""

    # Intercepted, so that the sandbox decides them at run time and Jinja never folds them at compile time
    # (`{{ 9 ** 9 ** 9 }}` would be computed while compiling): only small numbers are multiplied.
    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, lists: Iterable[str]) -> None:
        super().__init__(autoescape=True)
        self.globals.clear()
        self.lists = frozenset(lists)
        self.budget = _Budget()
        self.concat = self.budget.concat  # type: ignore[method-assign]

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        _check_tree(tree, self.lists)
        return tree

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        counts = all(isinstance(v, int) and not isinstance(v, bool) and abs(v) <= 10**6 for v in (left, right))
        if operator == "*" and counts:
            return left * right
        raise SecurityError(f"phép «{operator}» chỉ dùng được với số nhỏ")


class _Counted(list[Any]):
    """A list of the document's data whose every iteration step is counted against the document's budget: the time
    a template spends in loops that write nothing is stopped too."""

    def __init__(self, items: Iterable[Any], budget: _Budget) -> None:
        super().__init__(items)
        self.budget = budget

    def __iter__(self) -> Any:
        step = self.budget.step
        for item in super().__iter__():
            step()
            yield item


def _counted(value: Any, budget: _Budget, depth: int = 0) -> Any:
    """The context with its lists, and the lists in their rows (MAX_LOOP_DEPTH), counted."""
    if depth > MAX_LOOP_DEPTH:
        return value
    if isinstance(value, (list, tuple)):
        return _Counted((_counted(v, budget, depth + 1) for v in value), budget)
    if isinstance(value, dict):
        return {k: _counted(v, budget, depth + 1 if isinstance(v, (list, tuple)) else depth) for k, v in value.items()}
    return value


def _jinja(context: dict[str, Any] | None = None) -> _FormEnvironment:
    """The environment for one document: its loops may go over the lists of `context`."""
    return _FormEnvironment(k for k, v in (context or {}).items() if isinstance(v, (list, tuple)))


def unbreakable_html(html: str) -> str:
    """The HTML with every reference in its body's text wrapped in a span that does not wrap."""

    def text(node: re.Match[str]) -> str:
        wrapped = REFERENCE.sub(lambda m: f'<span style="white-space: nowrap">{m.group(0)}</span>', node.group(1))
        return f">{wrapped}<"

    head, mark, body = html.partition("<body")
    return head + mark + _TEXT_NODE.sub(text, body) if mark else _TEXT_NODE.sub(text, html)


def unbreakable_docx(root: Any) -> None:
    """Every hyphen of a reference in the text runs under `root` becomes Word's no-break hyphen (<w:noBreakHyphen/>,
    drawn as "-" by Word and LibreOffice, read back as "-" by python-docx)."""
    from docx.oxml import OxmlElement

    for node in list(root.iter(f"{W}t")):
        text = node.text or ""
        cuts = [m.start() + i for m in REFERENCE.finditer(text) for i, c in enumerate(m.group(0)) if c == "-"]
        if not cuts:
            continue
        pieces, start = [], 0
        for cut in cuts:
            pieces.append(text[start:cut])
            start = cut + 1
        pieces.append(text[start:])
        parent, index = node.getparent(), node.getparent().index(node)
        parent.remove(node)
        replacement = []
        for i, piece in enumerate(pieces):
            if i:
                replacement.append(OxmlElement("w:noBreakHyphen"))
            if piece:
                element = OxmlElement("w:t")
                element.text = piece
                element.set(XML_SPACE, "preserve")
                replacement.append(element)
        for offset, element in enumerate(replacement):
            parent.insert(index + offset, element)


def _keep_with_next(paragraph: Any) -> None:
    paragraph.get_or_add_pPr().keepNext_val = True


def _has_text(element: Any) -> bool:
    return any((t.text or "").strip() for t in element.iter(f"{W}t"))


def keep_signatures(body: Any) -> None:
    """A signature block never stands alone on a page: what comes before it — the empty paragraphs, then the last
    paragraph with text, or the last row of a table (a report's task list) — keeps with it. The signature tables
    are those captioned SIGNATURE_CAPTION; in a template without captions (an older upload), the last table when
    no text follows it. The signature's own row is never split (w:cantSplit, set by the template)."""
    tables = list(body.iterchildren(f"{W}tbl"))
    signatures = [
        t for t in tables if (t.find(f"{W}tblPr/{W}tblCaption") is not None)
        and t.find(f"{W}tblPr/{W}tblCaption").get(f"{W}val", "").startswith(SIGNATURE_CAPTION)
    ]  # fmt: skip
    if not signatures and tables and not any(_has_text(e) for e in tables[-1].itersiblings() if e.tag == f"{W}p"):
        signatures = [tables[-1]]
    for table in signatures:
        before = table.getprevious()
        while before is not None and before.tag == f"{W}p":
            _keep_with_next(before)
            if _has_text(before):
                break
            before = before.getprevious()
        if before is not None and before.tag == f"{W}tbl":
            rows = before.findall(f"{W}tr")
            if rows:
                for paragraph in rows[-1].iter(f"{W}p"):
                    _keep_with_next(paragraph)


def render_pdf(html: str) -> bytes:
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    global _css, _ua, _fonts, _html
    if _css is None:
        # Parsed once per process: the stylesheets and the font configuration are the slow part of a first page.
        _fonts = FontConfiguration()
        _css = weasyprint.CSS(filename=str(CSS_FILE), font_config=_fonts)
        _ua = weasyprint.CSS(filename=str(UA_FILE), font_config=_fonts)

        class LayoutHTML(weasyprint.HTML):
            """Our layouts with a user-agent stylesheet cut to the elements they use (pdf/ua.css). WeasyPrint's
            hook is private: should it be renamed, the full HTML5 sheet applies again, slower but identical."""

            def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
                return [_ua]

        _html = LayoutHTML
    pdf = _html(string=unbreakable_html(html), base_url=str(HERE)).write_pdf(stylesheets=[_css], font_config=_fonts)
    assert pdf is not None
    return bytes(pdf)


def template_bytes(path: str) -> bytes:
    """A Word template's bytes, read once per process."""
    data = _templates.get(path)
    if data is None:
        data = _templates[path] = Path(path).read_bytes()
    return data


def render_docx(template: bytes, context: dict[str, Any]) -> bytes:
    from docxtpl import DocxTemplate

    document = DocxTemplate(io.BytesIO(template))
    env = _jinja(context)
    try:
        document.render(_counted(context, env.budget), jinja_env=env, autoescape=True)
    except TemplateError as exc:  # a stored template the sandbox stops at run time: said, not a server error
        raise TemplateProblem(f"mẫu không dựng được ({exc})") from None
    except (ArithmeticError, TypeError, ValueError, LookupError) as exc:
        # What the template computes fails on this document's data (a division by a count that is 0 here, a text
        # added to a number): the upload's sample did not show it.
        why = f"{type(exc).__name__}: {exc}"
        raise TemplateProblem(f"mẫu không dựng được với dữ liệu của văn bản này ({why})") from None
    body = document.docx.element.body
    unbreakable_docx(body)
    keep_signatures(body)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a Word form of a few pages unpacks to well under 5 MB
# Parts docxtpl fills in and get_undeclared_template_variables checks: fields anywhere else are refused.
CHECKED_PARTS = re.compile(r"word/(document|header\d*|footer\d*)\.xml")
EXTERNAL = re.compile(rb'<Relationship\b[^>]*TargetMode="External"[^>]*>')
HYPERLINK = b"/relationships/hyperlink"


def _check_package(package: zipfile.ZipFile) -> None:
    """What a template's zip may hold: no macros, nothing Word fetches from elsewhere on opening (an attached
    template, a linked picture or frame: remote template injection), no field outside the checked parts, and
    no more than MAX_UNPACKED_BYTES unpacked (a zip bomb)."""
    infos = package.infolist()
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise TemplateProblem("Tệp mẫu quá lớn khi giải nén: hãy bỏ bớt hình ảnh và lưu lại.")
    for info in infos:
        name = info.filename
        if name.lower().endswith((".bin", ".dotm", ".docm")) or "vbaproject" in name.lower():
            raise TemplateProblem("Mẫu có macro hoặc đối tượng nhúng: hãy lưu lại dạng .docx không có macro.")
        if name.endswith(".rels"):
            for relationship in EXTERNAL.findall(package.read(info)):
                if HYPERLINK not in relationship:
                    raise TemplateProblem(
                        "Mẫu liên kết tới tệp bên ngoài (mẫu đính kèm, hình hoặc khung liên kết) mà Word sẽ tải khi "
                        "mở văn bản: hãy bỏ liên kết đó (Word: Tệp › Tùy chọn › Bổ trợ › Mẫu) và lưu lại."
                    )
        elif name.endswith(".xml") and not CHECKED_PARTS.fullmatch(name):
            text = package.read(info)
            if b"{{" in text or b"{%" in text:
                raise TemplateProblem(
                    f"Mẫu có trường {{{{ … }}}} ngoài thân văn bản, đầu trang và chân trang (trong «{name}»): "
                    "hãy chỉ đặt trường trong nội dung văn bản."
                )


def check_template(data: bytes, allowed: Iterable[str], sample: dict[str, Any]) -> list[str]:
    """The fields a Word template uses, after checking that it is a .docx, that its fields are all `allowed`
    (docxtpl's undeclared-variables check) and that it renders with `sample`. Raises TemplateProblem."""
    from docxtpl import DocxTemplate

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TemplateProblem(
            "Tệp không phải tài liệu Word .docx (Word 2007 trở lên). Hãy mở tệp bằng Word và lưu lại dạng .docx."
        )
    _check_package(zipfile.ZipFile(io.BytesIO(data)))
    try:
        document = DocxTemplate(io.BytesIO(data))
        used = document.get_undeclared_template_variables(jinja_env=_jinja(sample))
    except TemplateProblem:
        raise
    except TemplateError as exc:
        lineno = getattr(exc, "lineno", None)
        line = f" (dòng {lineno})" if lineno else ""
        raise TemplateProblem(f"Mẫu có lỗi cú pháp ở các trường {{{{ … }}}} hoặc {{% … %}}{line}: {exc}.") from None
    except Exception:  # python-docx raises KeyError, ValueError … on a zip that is not a Word document
        raise TemplateProblem("Tệp không đọc được như một tài liệu Word .docx.") from None
    unknown = sorted(set(used) - set(allowed))
    if unknown:
        names = ", ".join(f"«{name}»" for name in unknown)
        raise TemplateProblem(
            f"Mẫu có trường không được hỗ trợ: {names}. Hãy sửa tên trường theo danh sách các trường của mẫu này."
        )
    try:
        render_docx(data, sample)
    except Exception as exc:  # a filter or an attribute the sandbox refuses, a broken loop, a limit …
        raise TemplateProblem(f"Không dựng được văn bản thử từ mẫu: {str(exc).rstrip('.')}.") from None
    return sorted(used)


def run_task(task: Task) -> bytes:
    if task[0] == "pdf":
        return render_pdf(task[1])
    return render_docx(template_bytes(task[1]), task[2])


def _warm_up() -> None:
    render_pdf("<p>Khởi động</p>")


class Renderer:
    """Turns tasks into bytes, in order: in this process, or in `workers` processes for large batches."""

    def __init__(self, workers: int = 0) -> None:
        self.workers = workers
        self._pool: Executor | None = None

    def __enter__(self) -> Renderer:
        if self.workers > 1:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=get_context("spawn"), initializer=_warm_up
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def stream(self, items: Iterable[tuple[T, Task]], window: int = 0) -> Iterator[tuple[T, bytes]]:
        """(label, bytes) for each (label, task), in order. `items` is consumed lazily, a window ahead of the
        results, so that the workers stay busy while the caller reads the next chunk from the database and
        the whole batch never sits in memory (Executor.map would submit every task at once)."""
        if self._pool is None:
            for label, task in items:
                yield label, run_task(task)
            return
        pending: deque[tuple[T, Future[bytes]]] = deque()
        window = window or 24 * self.workers
        for label, task in items:
            pending.append((label, self._pool.submit(run_task, task)))
            if len(pending) >= window:
                first, future = pending.popleft()
                yield first, future.result(timeout=TASK_TIMEOUT)
        while pending:
            first, future = pending.popleft()
            yield first, future.result(timeout=TASK_TIMEOUT)


def default_workers() -> int:
    """Both cores of a small server, at most four: WeasyPrint is CPU-bound and a worker holds about 150 MB."""
    return max(1, min(4, os.cpu_count() or 1))
