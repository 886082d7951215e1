"""The meeting annex as a PDF: the same information as the annex page
(templates/workplans/annex.html), in the active language, drawn by ReportLab's platypus.

WeasyPrint laid the annex page's HTML table out at about 15 ms a row, so a body of 1,000
plans took half a minute; a LongTable of plain text cells takes about 1 ms a row. Cells are text that
ReportLab never reads as markup; the few paragraphs above and below the table escape theirs.
ReportLab opens no URL unless `rl_config.trustedHosts` names a host (it names none), and the
fonts are read from disk: the PDF fetches nothing over the network.
"""

import io
import unicodedata
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils.formats import date_format, localize, time_format
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from .progress_rows import ProgressRow
from .templatetags.progress import pct
from .views import listing

# DejaVu Sans has every Vietnamese letter (Debian: fonts-dejavu-core); the first folder that
# holds both files serves. Without them the PDF is not offered (404), as without ReportLab.
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian, Ubuntu
    Path("/usr/share/fonts/dejavu"),  # Fedora, Alpine
    Path("/usr/share/fonts/TTF"),  # Arch
)
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
FONT, BOLD = "AnnexSans", "AnnexSans-Bold"

# A4 landscape (points), the margins of static/css/annex.css's @page.
MM = 72 / 25.4
PAGE = (297 * MM, 210 * MM)
MARGINS = {"left": 12 * MM, "right": 12 * MM, "top": 15 * MM, "bottom": 18 * MM}
# Each column's share of the width: work plan, period, total, four statuses, pending, source.
COLUMNS = (0.20, 0.07, 0.06, 0.09, 0.09, 0.09, 0.09, 0.065, 0.245)
SIZE, LEADING = 8, 9.6  # the table's text
SMALL, SMALL_LEADING = 7, 8.4  # the source column, as the page's smaller .source
PAD = 3
HEAD_GREY, SUM_GREY, TEXT_GREY = "#e8e8e8", "#f3f3f3", "#333333"
NONE = "—"
STATUS_COLUMNS, SOURCE_COLUMN = range(3, 7), 8


def _font_dir() -> Path | None:
    for folder in FONT_DIRS:
        if all((folder / name).is_file() for name in FONT_FILES):
            return folder
    return None


def pdf_available() -> bool:
    """ReportLab is installed and DejaVu Sans found."""
    try:
        import reportlab  # noqa: F401
    except ImportError:
        return False
    return _font_dir() is not None


@cache
def _register_fonts(folder: Path) -> None:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT, str(folder / FONT_FILES[0])))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / FONT_FILES[1])))
    addMapping(FONT, 0, 0, FONT)  # <b> in a paragraph: the bold file
    addMapping(FONT, 1, 0, BOLD)
    addMapping(FONT, 0, 1, FONT)
    addMapping(FONT, 1, 1, BOLD)


def _text(value: object) -> str:
    # Composed letters (ế, not e + ◌̂ + ◌́): the font has them, and ReportLab places no marks.
    return unicodedata.normalize("NFC", str(value))


def _figure(value: int | None) -> str:
    return NONE if value is None else str(localize(value))


def _cells(row: ProgressRow, every_body: bool) -> list[str]:
    """A row's cells as the annex page shows them."""
    label = [row.label]
    if row.kind == "plan" and every_body and row.body:
        label.append(row.body.short_name)
    if row.hidden_plans and row.body:
        label.append(
            ngettext(
                "%(counter)s plan, listed in the annex of %(body)s",
                "%(counter)s plans, listed in the annex of %(body)s",
                row.hidden_plans,
            )
            % {"counter": row.hidden_plans, "body": row.body.short_name}
        )
    statuses = [f"{_figure(s['count'])} ({pct(s['percent'])})" for s in row.segments]
    return [
        "\n".join(label),
        row.period,
        _figure(row.total),
        *(statuses or [NONE] * 4),
        _figure(row.pending),
        row.source,
    ]


class _Wrapper:
    """Text broken into lines that fit a column (ReportLab's simpleSplit), kept as plain
    text: a multi-line string cell costs far less to lay out than a Paragraph."""

    def __init__(self, widths: list[float]):
        self.widths = widths

    def _width(self, column: int, span: int) -> float:
        return sum(self.widths[column : column + span]) - 2 * PAD

    def text(self, text: str, column: int, font: str, size: float, span: int = 1) -> str:
        from reportlab.lib.utils import simpleSplit

        return "\n".join(simpleSplit(_text(text), font, size, self._width(column, span)))

    def figure(self, text: str, column: int, font: str, size: float) -> str:
        """ "28572 (20.0 %)" on one line, or the count above its percentage: never broken
        inside the brackets."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        if stringWidth(text, font, size) <= self._width(column, 1):
            return text
        return text.replace(" (", "\n(", 1)


def _table(rows: list[ProgressRow], every_body: bool, width: float):
    from reportlab.lib import colors
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import LongTable, TableStyle

    widths = [share * width for share in COLUMNS]
    wrap = _Wrapper(widths)
    by_status = _("Projects and activities by status: number (%%)") % {}  # the page's msgid
    head = [
        [_("Work plan"), _("Period"), _("Total counted"), by_status, "", "", ""]
        + [_("Proposals pending"), _("Source and date of the figures")],
        ["", "", "", _("Completed"), _("Ongoing or annual"), _("Planned"), _("Postponed")]
        + ["", ""],
    ]
    data = [
        [wrap.text(text, column, BOLD, SIZE) for column, text in enumerate(line)] for line in head
    ]
    data[0][3] = wrap.text(by_status, 3, BOLD, SIZE, span=4)
    # The header looks as the page's (rowspan and colspan) without SPAN commands, which cost
    # ReportLab a pass over every row at each page break: a cell's text stays at its top and
    # only the lines around it are drawn; the status group's label is centred over its four
    # columns by its left padding (text overflows a cell where no line is drawn).
    group = sum(widths[3:7])
    widest = max(stringWidth(line, BOLD, SIZE) for line in data[0][3].split("\n"))
    black = colors.black
    style: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), FONT, SIZE, LEADING),
        ("FONT", (0, 0), (-1, 1), BOLD, SIZE, LEADING),
        ("FONT", (SOURCE_COLUMN, 2), (SOURCE_COLUMN, -1), FONT, SMALL, SMALL_LEADING),
        ("BACKGROUND", (0, 0), (-1, 1), colors.HexColor(HEAD_GREY)),
        ("ALIGN", (0, 0), (-1, 1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (2, 2), (7, -1), "RIGHT"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        *(("BOX", (column, 0), (column, 1), 0.5, black) for column in (0, 1, 2, 7, 8)),
        ("BOX", (3, 0), (6, 0), 0.5, black),
        ("ALIGN", (3, 0), (3, 0), "LEFT"),
        ("LEFTPADDING", (3, 0), (3, 0), max(PAD, (group - widest) / 2)),
        ("GRID", (3, 1), (6, 1), 0.5, black),
        ("GRID", (0, 2), (-1, -1), 0.5, black),
    ]
    for index, row in enumerate(rows, start=len(data)):
        bold = row.kind != "plan"
        cells = _cells(row, every_body)
        font = BOLD if bold else FONT
        data.append(
            [
                wrap.figure(text, column, font, SIZE)
                if column in STATUS_COLUMNS
                else wrap.text(text, column, font, SMALL if column == SOURCE_COLUMN else SIZE)
                for column, text in enumerate(cells)
            ]
        )
        if bold:  # subtotals and the total, as the page's row-subtotal and row-total
            style.append(("FONTNAME", (0, index), (-1, index), BOLD))
            style.append(("BACKGROUND", (0, index), (-1, index), colors.HexColor(SUM_GREY)))
    if not rows:
        data.append([_("No work plans match.")] + [""] * 8)
        style.append(("SPAN", (0, 2), (-1, 2)))
    table = LongTable(data, colWidths=widths, repeatRows=2)
    table.setStyle(TableStyle(style))
    return table


def _paragraphs(context: dict):
    """What the page shows above and below the table: label, title, when, period, as-of."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import ListFlowable, Paragraph, Spacer

    body = context["body"]
    text = ParagraphStyle("annex", fontName=FONT, fontSize=9.5, leading=12.5)
    label = ParagraphStyle("label", parent=text, fontName=BOLD, spaceAfter=4)
    title = ParagraphStyle("title", parent=text, fontName=BOLD, fontSize=14, leading=17)
    meta = ParagraphStyle("meta", parent=text, textColor=colors.HexColor(TEXT_GREY))
    notes = ParagraphStyle("notes", parent=text, fontSize=8.5, leading=11)

    def para(value: str, style) -> Paragraph:
        return Paragraph(escape(_text(value)), style)

    if body:
        heading = _("Progress of the work plans of %(body)s") % {"body": body.full_name}
    else:
        heading = _("Progress of the work plans of ACCSM and ACCSM+3")
    generated = context["generated_at"]
    when = [
        _("Prepared from the ACCSM work-plan tracker on %(date)s, %(time)s")
        % {
            "date": date_format(generated, "DATE_FORMAT"),
            "time": time_format(generated, "TIME_FORMAT"),
        }
    ]
    when += [f"{name}: {value}." for name, value in context["period"]]
    line = escape(_text(" ".join(when)))
    if context["as_of"]:
        as_of = _("Figures as of %(date)s, rebuilt from the audit trail.") % {
            "date": date_format(context["as_of"], "DATE_FORMAT")
        }
        line += f" <b>{escape(_text(as_of))}</b>"
    above = [
        para(_("Annex"), label),
        para(heading.upper(), title),  # as the page's h1 (text-transform: uppercase)
        Spacer(1, 3),
        Paragraph(line, meta),
        Spacer(1, 6),
    ]
    below = [
        Spacer(1, 6),
        ListFlowable(
            [
                para(note, notes)
                for note in (
                    _(
                        "The total counted leaves out proposals (pending until adopted) and "
                        "cancelled projects."
                    ),
                    _(
                        "Percentages are each status's share of the total counted, computed to "
                        "one decimal place; “—” means nothing is counted."
                    ),
                    _(
                        "Live counts come from the plan's itemized projects on the date shown; "
                        "reported figures are as presented at the meeting named."
                    ),
                )
            ],
            bulletType="1",
            bulletFormat="%s.",
            bulletFontName=FONT,
            bulletFontSize=8.5,
            leftIndent=14,
        ),
    ]
    return above, below


def _numbered_canvas():
    """A canvas that writes "n / N" at the bottom right of each page once N is known
    (ReportLab's recipe: keep each page's state, draw the numbers when saving)."""
    from reportlab.lib import colors
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            count = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(FONT, 8)
                self.setFillColor(colors.HexColor("#555555"))
                self.drawRightString(
                    PAGE[0] - MARGINS["right"],
                    MARGINS["bottom"] / 2,
                    f"{self.getPageNumber()} / {count}",
                )
                super().showPage()
            super().save()

    return NumberedCanvas


def render(context: dict) -> bytes:
    """The annex PDF of `context` (views.tables._annex_context), in the active language."""
    from reportlab.platypus import SimpleDocTemplate

    folder = _font_dir()
    if folder is None:
        raise RuntimeError("DejaVu Sans is not installed (Debian: fonts-dejavu-core)")
    _register_fonts(folder)
    body = context["body"]
    title = _("Annex: progress of the work plans")
    if body:
        title += f" — {body.short_name}"
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGINS["left"],
        rightMargin=MARGINS["right"],
        topMargin=MARGINS["top"],
        bottomMargin=MARGINS["bottom"],
        title=_text(title),
        author=_("ACCSM work-plan tracker"),
        lang=get_language(),
    )
    above, below = _paragraphs(context)
    table = _table(list(context["rows"]), every_body=body is None, width=document.width)
    document.build([*above, table, *below], canvasmaker=_numbered_canvas())
    return buffer.getvalue()


def response(context: dict) -> HttpResponse:
    """The annex PDF as a download named as before: <body>-meeting-annex-<date>.pdf."""
    stem = listing.stem(context["body"].code if context["body"] else "accsm")
    filename = f"{stem}-meeting-annex-{context['generated_at']:%Y-%m-%d}.pdf"
    result = HttpResponse(render(context), content_type="application/pdf")
    # A download (the button says so), not a page the browser opens in place of the annex.
    result["Content-Disposition"] = content_disposition_header(True, filename)
    return result
