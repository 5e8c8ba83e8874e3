"""Layouts (SPEC §5): how a scraped report's text shows its tables. A document is a list of blocks;
each layout renders all of them into one string."""

from __future__ import annotations

import html
from dataclasses import dataclass

from .tables import LABEL, Cell, Row, Table

CELL_PER_LINE = "cell_per_line"  # seed 000: every cell on its own line, `|` lines between
PIPE_ROWS = "pipe_rows"  # seeds 001-003: `a | b | c |`, padded with trailing empty cells
HTML = "html"  # rowspan/colspan, &nbsp; cells, a table split in two
MARKDOWN = "markdown"  # a converter's markdown table, spans flattened into empty cells
PDF_TEXT = "pdf_text"  # text extracted from a PDF: labels and numbers on separate lines, page marks
PROSE = "prose"  # no table at all: the figures are stated in words

TABLE_LAYOUTS = (CELL_PER_LINE, PIPE_ROWS, HTML, MARKDOWN, PDF_TEXT)


@dataclass
class Paragraph:
    text: str


@dataclass
class Title:
    text: str


@dataclass
class TableBlock:
    table: Table


@dataclass
class Lines:
    """Lines printed as they are in every layout (one-line 表四, 填报单位, web-page boilerplate)."""

    lines: list[str]


Block = Paragraph | Title | TableBlock | Lines


@dataclass(frozen=True)
class LayoutOptions:
    extra_trailing_cells: int = 0  # pipe_rows: seed 002 pads every row with one more empty cell
    split_row: int | None = None  # html: the table row where a page break split the table
    charset: str = "utf-8"  # html: the <meta charset> of the page
    page_title: str = ""  # html: the <title> of a page whose report has no title line
    wrap: int = 38  # pdf_text: characters per extracted line of prose
    label_wrap: int = 16  # pdf_text: characters per line of a table label
    page_mark: str = "- 2 -"  # pdf_text: the footer printed where a page break cut a table
    page_header: str = ""  # pdf_text: the running header of the next page (often the report title)
    page_break_row: int | None = None  # pdf_text: row of the longest table where the page broke


def render(layout: str, blocks: list[Block], options: LayoutOptions) -> str:
    if layout == HTML:
        return _render_html(blocks, options)
    lines: list[str] = []
    longest = max((b.table for b in blocks if isinstance(b, TableBlock)),
                  key=lambda t: len(t.rows), default=None)
    for block in blocks:
        if isinstance(block, (Paragraph, Title)):
            if layout == PDF_TEXT and isinstance(block, Paragraph):
                lines.extend(_wrap(block.text, options.wrap))
            elif layout == MARKDOWN:
                lines += [("# " if isinstance(block, Title) else "") + block.text, ""]
            else:
                lines.append(block.text)
        elif isinstance(block, Lines):
            lines.extend(block.lines)
        elif layout == CELL_PER_LINE:
            lines.extend(_cell_per_line(block.table))
        elif layout == PIPE_ROWS:
            lines.extend(_pipe_rows(block.table, options.extra_trailing_cells))
        elif layout == MARKDOWN:
            lines.extend(_markdown(block.table) + [""])
        elif layout == PDF_TEXT:
            page_break = options.page_break_row if block.table is longest else None
            lines.extend(_pdf_table(block.table, options, page_break))
        else:
            raise ValueError(f"layout {layout!r} cannot render a table")
    return "\n".join(lines)


def _cell_per_line(table: Table) -> list[str]:
    lines = []
    for row in table.rows:
        for cell in row.cells:
            if cell.text:
                lines.append(cell.text)
            lines.append("|")
    return lines


def _pipe_rows(table: Table, extra_cells: int) -> list[str]:
    """One row per line as an HTML-to-text converter writes it: every cell that starts in the row,
    then empty cells up to the table's width (which is why real rows end in `| ||`)."""
    lines = []
    for row in table.rows:
        texts = [c.text for c in row.cells]
        texts += [""] * (table.width + extra_cells - len(texts))
        lines.append("".join(f"{t} | " if t else "|" for t in texts).rstrip())
    return lines


def _placed(rows: list[Row]) -> list[list[tuple[int, Cell]]]:
    """Each cell with the grid column it starts in, skipping columns held by rowspans above."""
    held: dict[int, int] = {}  # column → rows it stays held below the current one
    placed = []
    for row in rows:
        column, cells = 0, []
        for cell in row.cells:
            while held.get(column, 0) > 0:
                column += 1
            cells.append((column, cell))
            if cell.rowspan > 1:
                for c in range(column, column + cell.colspan):
                    held[c] = cell.rowspan
            column += cell.colspan
        placed.append(cells)
        held = {c: n - 1 for c, n in held.items() if n > 1}
    return placed


def _markdown(table: Table) -> list[str]:
    grid = [[""] * table.width for _ in table.rows]
    for r, cells in enumerate(_placed(table.rows)):
        for column, cell in cells:
            grid[r][column] = cell.text.replace("\n", "<br>")
    lines = ["| " + " | ".join(row) + " |" for row in grid]
    lines.insert(1, "|" + "---|" * table.width)
    return lines


def split_table(table: Table, at: int) -> tuple[Table, Table]:
    """The table cut before row `at` as Word does at a page break: a merged cell that crosses the
    cut ends above it and continues below as an empty merged cell."""
    placed = _placed(table.rows)
    top = [Row(list(row.cells), row.keys) for row in table.rows[:at]]
    continued: list[tuple[int, Cell]] = []
    for r, cells in enumerate(placed[:at]):
        for i, (column, cell) in enumerate(cells):
            if r + cell.rowspan > at:
                top[r].cells[i] = Cell(cell.text, cell.role, at - r, cell.colspan)
                continued.append((column, Cell("", cell.role, r + cell.rowspan - at, cell.colspan)))
    first = table.rows[at]
    merged = sorted(continued + placed[at], key=lambda placed_cell: placed_cell[0])
    bottom = [Row([cell for _, cell in merged], first.keys)] + table.rows[at + 1:]
    return Table(top, table.width), Table(bottom, table.width)


def _html_table(table: Table) -> list[str]:
    out = ['<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse;width:100%">',
           "<tbody>"]
    for row in table.rows:
        cells = []
        for cell in row.cells:
            spans = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
                f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
            align = "left" if cell.role == LABEL else "center"
            text = html.escape(cell.text, quote=False).replace("\n", "<br/>") or "&nbsp;"
            cells.append(f'<td{spans} style="text-align:{align}"><p>{text}</p></td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table>"]
    return out


def _render_html(blocks: list[Block], options: LayoutOptions) -> str:
    title = next((b.text for b in blocks if isinstance(b, Title)), options.page_title)
    out = ["<!DOCTYPE html>", "<html>", "<head>",
           f'<meta http-equiv="Content-Type" content="text/html; charset={options.charset}">',
           f"<title>{html.escape(title)}</title>", "</head>", "<body>", '<div class="article-content">']
    longest = max((b.table for b in blocks if isinstance(b, TableBlock)),
                  key=lambda t: len(t.rows), default=None)
    for block in blocks:
        if isinstance(block, Title):
            out.append(f'<h1 style="text-align:center">{html.escape(block.text)}</h1>')
        elif isinstance(block, Paragraph):
            out.append(f'<p style="text-indent:2em">{html.escape(block.text)}</p>')
        elif isinstance(block, Lines):
            out.extend(f"<p>{html.escape(line) or '&nbsp;'}</p>" for line in block.lines)
        elif block.table is longest and options.split_row:
            top, bottom = split_table(block.table, options.split_row)
            out += _html_table(top) + ["<p>&nbsp;</p>"] + _html_table(bottom)
        else:
            out += _html_table(block.table)
    out += ["</div>", "</body>", "</html>"]
    return "\n".join(out)


def _wrap(text: str, width: int) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)] or [""]


def _pdf_table(table: Table, options: LayoutOptions, page_break: int | None) -> list[str]:
    """What pdftotext makes of a table: a row's label lines, then its numbers on a line of their own;
    blank cells vanish; a page footer and a new page's header interrupt the table."""
    lines = []
    for r, row in enumerate(table.rows):
        if r == page_break:
            lines += ["", options.page_mark] + ([options.page_header] if options.page_header else []) + [""]
        labels = [c.text.replace("\n", "") for c in row.cells if c.role == LABEL and c.text]
        others = [c.text for c in row.cells if c.role != LABEL and c.text]
        for label in labels:
            lines.extend(_wrap(label, options.label_wrap))
        if others:
            lines.append(" ".join(others))
    return lines
