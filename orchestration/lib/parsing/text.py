"""Bytes → normalized text lines (encoding, HTML, Unicode, traditional → simplified, pinyin, mojibake).

The order of the steps matters:
1. decode (BOM, UTF-16, UTF-8, else GBK/GB18030 or Big5, whichever reads as plausible Chinese);
2. HTML → one line per block and per table row (`cell | cell |`); markdown table → the same shape;
3. repair one-byte-off GBK mojibake: it needs the exact garbled characters, so it comes before NFKC;
4. NFKC, invisible characters, spaces → `raw_lines`;
5. pinyin annotations stripped, traditional → simplified, mirror vocabulary undone → `lines`;
6. page chrome after the report and mirror spam dropped from both.
Step 5 never adds or removes a line and step 6 cuts both lists alike, so `lines[i]` and
`raw_lines[i]` are the same line.

Speed matters (the whole parser must read thousands of reports a second), so every step is skipped
unless a cheap whole-text check says it has something to do.
"""

from __future__ import annotations

import codecs
import functools
import html
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import opencc

from .model import Issue


@dataclass
class Document:
    """A report as lines: `lines` is what parsers read; `raw_lines` is the same line before
    traditional → simplified conversion (for agency names as published)."""

    lines: list[str]
    raw_lines: list[str]
    encoding: str
    notes: list[Issue] = field(default_factory=list)


class UndecodableError(ValueError):
    """The bytes are not text in any encoding we read."""


# ---------------------------------------------------------------------------------------------
# Character tables (built once at import)


def _double_byte_chars(codec: str, leads: range, trails: list[int]) -> set[str]:
    chars = set()
    for lead in leads:
        for trail in trails:
            try:
                chars.add(bytes((lead, trail)).decode(codec))
            except UnicodeDecodeError:
                pass
    return chars


_BIG5_TRAILS: Final = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
# GB2312 level 1 and Big5 level 1 are the ~3,800 simplified and ~5,400 traditional characters in
# everyday use: real Chinese text is almost all made of them, text decoded with the wrong codec
# (or mojibake) is not.
_COMMON_CJK: Final = frozenset(
    _double_byte_chars("gb2312", range(0xB0, 0xD8), list(range(0xA1, 0xFF)))
    | _double_byte_chars("big5", range(0xA4, 0xC6), _BIG5_TRAILS)
    | _double_byte_chars("big5", range(0xC6, 0xC7), list(range(0x40, 0x7F)))
)
# Punctuation and spaces that say nothing about whether a decoding is right.
_NEUTRAL_RANGES: Final = ((0x00, 0x7F), (0xA0, 0xA0), (0xB7, 0xB7), (0x2000, 0x206F), (0x3000, 0x303F), (0xFF00, 0xFFEF))


def _class_table() -> str:
    classes = ["0"] * 0x10000
    for char in _COMMON_CJK:
        classes[ord(char)] = "1"
    for low, high in _NEUTRAL_RANGES:
        classes[low:high + 1] = "n" * (high - low + 1)
    return "".join(classes)


# A str.translate table (one character for each BMP code point) that turns text into the class of
# each character: "n" neutral, "1" common Chinese character, "0" other; characters beyond the BMP
# stay as they are (other). Scoring thus costs one translate, not a set lookup per character.
_CHAR_CLASS: Final = _class_table()


def _telling_classes(text: str) -> str:
    return text.translate(_CHAR_CLASS).replace("n", "")


def _common_share(classes: str) -> float:
    return classes.count("1") / len(classes) if classes else 0.0


def _plausibility(text: str) -> float:
    """Share of the telling characters that are common Chinese characters (0 if none)."""
    return _common_share(_telling_classes(text))


def _opencc_dict(name: str) -> dict[str, str]:
    # The data OpenCC('t2s') uses; OpenCC-python itself is too slow (~13 ms for a 10 KB report).
    path = Path(opencc.__file__).parent / "dictionary" / name
    entries = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, _, values = line.rstrip("\n").partition("\t")
            if key:
                entries[key] = values.split(" ")[0]  # first value, as OpenCC does
    return entries


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _translation_table(mapping: dict[str, str]) -> str:
    """A str.translate table as one string indexed by code point (one character for one): twice
    as fast as a dict, whose every miss raises a KeyError inside translate, and small."""
    table = list(map(chr, range(ord(max(mapping)) + 1)))
    for char, replacement in mapping.items():
        if len(replacement) != 1:
            raise ValueError(f"{char} → {replacement}: not one character")
        table[ord(char)] = replacement
    return "".join(table)


_T2S_CHARS: Final = {k: v for k, v in _opencc_dict("TSCharacters.txt").items() if k != v}
_T2S: Final = _translation_table(_T2S_CHARS)
# The same for text within the BMP (almost all): as a list of code points, 40% faster to translate
# with, as a string's item is a new one-character string each time, and a third of the whole
# table's size (its items are int objects).
_T2S_BMP: Final = list(map(ord, _T2S[:0x10000]))
# Characters that only occur in traditional text: a t2s key outside GB2312 (the simplified
# character set). Keys inside it (乾, 著, 於 …) are also ordinary simplified characters.
_TRADITIONAL_ONLY: Final = frozenset(k for k in _T2S_CHARS if not _in_gb2312(k))
# Phrases whose conversion differs from converting their characters one by one (瞭解 → 了解).
_T2S_PHRASES: Final = {
    k: v for k, v in _opencc_dict("TSPhrases.txt").items() if k.translate(_T2S) != v
}


def _longest_match_pattern(words) -> str:
    """A regex matching, at each position, the longest of `words` found there (as an alternation
    of them sorted longest first), written as a trie: sre tries alternatives one by one, so one
    branch per first character scans several times faster than one per word."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def pattern(node: dict) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in node.items() if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body  # greedy: the longer word first

    return pattern(trie)


_T2S_PHRASE: Final = re.compile("(" + _longest_match_pattern(_T2S_PHRASES) + ")")

# Converter mirrors (s2twp) also swap mainland vocabulary for Taiwan terms; after t2s these are
# the simplified forms of the Taiwan terms, mapped back. Only words of these reports are listed
# (every swap that changes a label of metrics.csv, and common prose words).
_MIRROR_VOCABULARY: Final = {
    "资讯": "信息",  # 政府信息公开 → 政府資訊公開
    "最佳化": "优化",
    "软体": "软件",
    "硬体": "硬件",
    "网际网路": "互联网",
    "网路": "网络",
    "程式": "程序",  # 办事程序, 法定程序
    "专案": "项目",  # 表二 上一年项目数量, 建设项目
    "线上访谈": "在线访谈",  # 政府网站在线访谈次数 (线上 alone is also mainland usage)
    "列印": "打印",
    "视讯": "视频",
    "释出": "发布",  # 新闻发布会, 政策解读稿件发布数
    "透过": "通过",  # 告知通过其他途径办理数
    "设定": "设置",  # 设置政府信息公开查阅点数
    "档案": "文件",  # 规范性文件 → 規範性檔案; 档案馆/档案局 (archives) are kept, see regex
}
_MIRROR_WORD: Final = re.compile(
    "|".join(sorted((k for k in _MIRROR_VOCABULARY if k != "档案"), key=len, reverse=True))
    + "|档案(?![馆局室])"
)
# Every report says 政府信息公开 many times, so a vocabulary-swapping mirror always leaves 资讯.
_MIRROR_SIGNATURE: Final = "资讯"


class _TraditionalFound(Exception):
    pass


def _find_traditional(error: UnicodeEncodeError) -> tuple[str, int]:
    if not _TRADITIONAL_ONLY.isdisjoint(error.object[error.start:error.end]):
        raise _TraditionalFound
    return "", error.end


# Encoding to GB2312 runs in C and stops at the first character outside it, which is rare in
# simplified text: about 50 times faster than set(text) & _TRADITIONAL_ONLY.
codecs.register_error("ogi-find-traditional", _find_traditional)  # type: ignore[arg-type]  # encoding only


# The em dash is outside GB2312 too, and common in simplified reports (`——` in cells and prose):
# removed first, as each run of it would cost a call of the error handler.
_EM_DASH: Final = "\u2014"


def _has_traditional(text: str) -> bool:
    if _EM_DASH in text:
        text = text.replace(_EM_DASH, "")
    try:
        text.encode("gb2312", "ogi-find-traditional")
    except _TraditionalFound:
        return True
    return False


# The rest of a line from its first traditional-only character. sre tests a character against a
# bitmap only if the set is within the BMP, and against each member in turn otherwise (60 times
# slower): the few traditional-only characters beyond the BMP get a pattern of their own, used
# only for a text holding any character beyond it.
_TRADITIONAL_LINE: Final = re.compile("[" + "".join(sorted(c for c in _TRADITIONAL_ONLY if c <= "\uffff")) + "][^\n]*")
_TRADITIONAL_LINE_BEYOND_BMP: Final = re.compile("[" + "".join(sorted(_TRADITIONAL_ONLY)) + "][^\n]*")


def _beyond_bmp(text: str) -> bool:
    """Whether the text holds a character beyond the BMP, which UTF-16 writes as two code units.
    Encoding is a C-level copy; a regex would test each character against the range (~45
    instructions each)."""
    return len(text.encode("utf-16-le", "surrogatepass")) > 2 * len(text)


def _traditional_lines(text: str) -> list[int]:
    """Indexes of the lines of `text` holding a traditional-only character (each such line marked
    with a NUL, removed before as invisible, in one C-level substitution)."""
    pattern = _TRADITIONAL_LINE_BEYOND_BMP if _beyond_bmp(text) else _TRADITIONAL_LINE
    marked = pattern.sub("\x00", text).split("\n")
    return [i for i, line in enumerate(marked) if "\x00" in line]


# ---------------------------------------------------------------------------------------------
# Decoding

_BOMS: Final = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_LEGACY_FAMILIES: Final = (("gbk", "gb18030"), ("big5", "cp950", "big5hkscs"))
_SAMPLE: Final = 1000  # characters scored per candidate: enough to tell, scoring is per character
_MIN_PLAUSIBILITY: Final = 0.3


def _sample(text: str) -> str:
    """The classes of the first _SAMPLE telling characters (an HTML page may start with pages of CSS)."""
    sample, start = "", 0
    while len(sample) < _SAMPLE and start < len(text):
        # Classifying costs per character and most characters tell: take about as many as are
        # still wanted, not a fixed window.
        end = start + max(_SAMPLE - len(sample), 64)
        sample += _telling_classes(text[start:end])
        start = end
    return sample[:_SAMPLE]


def _lenient(data: bytes, codec: str) -> str | None:
    """Decode with replacement characters if only a few bytes are bad (a truncated or
    slightly damaged file), else None."""
    text = data.decode(codec, "replace")
    return text if text.count("\ufffd") * 200 <= len(text) else None


def _decode(data: bytes, notes: list[Issue]) -> tuple[str, str]:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _lenient(data[len(bom):], codec)
            if text is None:
                raise UndecodableError(f"starts with a {codec} byte order mark but is not {codec} text")
            return text, codec
    head = data[:4096]
    if b"\x00" in head:
        # UTF-16 without BOM: the NUL high bytes of ASCII characters (digits, `|`, spaces, line
        # ends: a tenth of a report at least) all sit on one parity. A stray NUL in other text
        # does not, and is dropped later as an invisible character.
        odd, even = head[1::2].count(0), head[0::2].count(0)
        if max(odd, even) * 20 >= len(head) and min(odd, even) * 4 <= max(odd, even):
            codec = "utf-16-le" if odd > even else "utf-16-be"
            text = _lenient(data[: len(data) // 2 * 2], codec)
            if text is None:
                raise UndecodableError(f"NUL bytes as in UTF-16, but not {codec} text")
            return text, codec
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    for family in _LEGACY_FAMILIES:
        for codec in family:
            try:
                candidates.append((codec, data.decode(codec)))
                break
            except UnicodeDecodeError:
                continue
    # Read as UTF-8, GBK or Big5 bytes are mostly replacement characters: when those of the head
    # alone are too many for a lenient reading, the whole is not decoded.
    if (data[:2048].decode("utf-8", "replace").count("\ufffd") - 1) * 200 <= len(data):
        text = _lenient(data, "utf-8")
        if text is not None:
            candidates.append(("utf-8", text))
    if b"\x00" in head:
        # UTF-16 the parity of NULs did not tell: mostly Chinese, whose code units have NUL bytes
        # on either side (一 is 00 4E), with few ASCII characters. Scoring tells.
        for codec in ("utf-16-le", "utf-16-be"):
            text = _lenient(data[: len(data) // 2 * 2], codec)
            if text is not None:
                candidates.append((codec, text))
    if not candidates:
        raise UndecodableError("not valid UTF-8, UTF-16, GBK/GB18030 or Big5 text")
    # Big5 bytes often decode as GB18030 too (and the reverse): keep the one that reads as Chinese.
    scored = []
    for i, (codec, text) in enumerate(candidates):
        sample = _sample(text)
        scored.append((_common_share(sample), -i, codec, text, len(sample)))
    score, _, codec, text, telling = max(scored)
    if score < _MIN_PLAUSIBILITY and telling >= 20:
        raise UndecodableError(
            f"no encoding gives plausible Chinese text (best: {codec}, "
            f"{score:.0%} common characters)"
        )
    if codec == "utf-8":
        notes.append(Issue("invalid_bytes", f"{text.count(chr(0xFFFD))} undecodable bytes replaced"))
    return text, codec


# ---------------------------------------------------------------------------------------------
# HTML and markdown → lines

_HTML_TAG: Final = re.compile(r"<(?:html|head|body|table|tr|td|th|p|div|br|span|h[1-6]|li|font)\b", re.I)
_ENTITY: Final = re.compile(r"&(?:nbsp|amp|lt|gt|quot|#\d+|#x[0-9a-f]+);", re.I)
# What each tag does to lines; other tags (<span>, <font>, Word's <o:p> …) do nothing. Lower and
# upper case spellings are listed, other spellings are lowered.
_BLOCK, _CELL, _ROW, _TABLE, _SKIPPED, _RAW_TEXT = range(6)
_TAG_NAMES: Final[dict[str, int]] = {
    **dict.fromkeys(
        ["p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "title", "hr", "section",
         "article", "header", "footer", "blockquote", "pre", "dt", "dd", "center"], _BLOCK),
    "td": _CELL, "th": _CELL, "tr": _ROW, "table": _TABLE,
    "iframe": _SKIPPED, "noscript": _SKIPPED, "script": _RAW_TEXT, "style": _RAW_TEXT,
}
_TAG_KIND: Final[dict[str | None, int]] = {
    spelling: kind for name, kind in _TAG_NAMES.items() for spelling in (name, name.upper())}
_TAG_KIND[None] = _CELL  # a whole cell (see _WHOLE_CELL): it opens as <td> does
# Comments and closed script, style, iframe and noscript elements go first, as what they hold may
# look like tags.
_HTML_NOISE: Final = re.compile(r"<(?:!--.*?-->|(?i:(script|style|iframe|noscript))\b.*?</(?i:\1)\s*>)", re.S)
_NOISE_HINT: Final = re.compile("<!--|<[sSiInN]")
# Attributes may hold `>` in quotes. Unrolled and possessive (nothing to backtrack: a quote only
# opens or closes a value), as sre is slow on an alternation per character: ~20% off the split.
_ATTRIBUTES: Final = r"""[^>"']*+(?:(?:"[^"]*+"|'[^']*+')[^>"']*+)*+>"""
# A table cell holding only text, perhaps in one paragraph (`<td …><p>text</p></td>`), is one token:
# the paragraph tags inside a cell do nothing, and most tags of a report are those of its cells.
_WHOLE_CELL: Final = (rf"<(?i:t[dh])(?![\w:-]){_ATTRIBUTES}(?:<(?i:p)(?![\w:-]){_ATTRIBUTES})?"
               rf"([^<]*)(?:</(?i:p)(?![\w:-]){_ATTRIBUTES})?</(?i:t[dh])(?![\w:-]){_ATTRIBUTES}")
_TAG: Final = re.compile(rf"{_WHOLE_CELL}|<(/?)([a-zA-Z][\w:-]*+){_ATTRIBUTES}")
# In the text between tags: declarations (<!DOCTYPE>, Word's <![if …]>), processing instructions and
# bogus end tags say nothing; any other `<` is text.
_DECLARATION: Final = re.compile(r"<(?:[!?]|/(?![a-zA-Z]))[^>]*>")
_CJK: Final = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
# A line wrap in the HTML source between two Chinese characters is not a space.
_WRAP_IN_CJK: Final = re.compile(rf"(?<=[{_CJK}])\s*\n\s*(?=[{_CJK}])")


def _html_to_lines(text: str) -> str:
    """One line per block and per table row (`cell | cell |`; rowspan/colspan are not expanded: a
    row is the cells it has, as in the seeds). Blocks inside a cell and line breaks in it are
    joined; text between cells is layout and dropped; an unclosed script or style hides the rest of
    the page, as in browsers."""
    if _NOISE_HINT.search(text):
        text = _HTML_NOISE.sub("", text)
    parts = _TAG.split(text)  # text, a whole cell's text or None, "/" or "" or None, tag name or None, text, …
    parts += (None, "", "")  # the text after the last tag, with no tag
    lines: list[str] = []  # NUL-joined and cleaned at the end: one C-level pass for all
    loose: list[str] = []  # text outside table cells, up to the next block
    row: list[str] | None = None  # the cells of the open row of the innermost table
    cell: list[str] | None = None  # the open cell of it
    outer: list[tuple] = []  # (row, cell) of each enclosing table
    skip = 0  # open iframe, noscript
    for data, whole_cell, closing, name in zip(parts[0::4], parts[1::4], parts[2::4], parts[3::4]):
        if data and not skip:
            if "<" in data:
                data = _DECLARATION.sub("", data)
            if "&" in data:
                data = html.unescape(data)
            if cell is not None:
                cell.append(data)
            elif row is None:
                loose.append(data)
        kind = _TAG_KIND.get(name)
        if kind is None:
            kind = _TAG_KIND.get(name.lower())
            if kind is None:
                continue
        if kind == _BLOCK:
            if cell is None and loose and not skip:
                _flush(loose, lines)
        elif skip and kind < _SKIPPED:
            pass
        elif kind == _CELL:
            if closing:
                if outer and cell is not None:
                    if row is None:
                        row = []
                    row.append("".join(cell))
                    cell = None
            else:
                if loose:
                    _flush(loose, lines)
                if not outer:  # a cell without <table>
                    outer.append((None, None))
                if cell is not None:
                    if row is None:
                        row = []
                    row.append("".join(cell))
                if whole_cell is None:
                    cell = []
                else:  # the cell's text and its end tag came with it
                    if row is None:
                        row = []
                    row.append(html.unescape(whole_cell) if "&" in whole_cell else whole_cell)
                    cell = None
        elif kind == _ROW:
            if not closing and loose:
                _flush(loose, lines)
            if outer:
                _end_row(row, cell, lines)
                row = cell = None
            elif not closing:  # a row without <table>
                outer.append((None, None))
            if not closing:
                row = []
        elif kind == _TABLE:
            if closing:
                if outer:
                    _end_row(row, cell, lines)
                    row, cell = outer.pop()
            else:
                if cell is None and loose:
                    _flush(loose, lines)
                outer.append((row, cell))
                row = cell = None
        elif kind == _SKIPPED:
            skip = max(0, skip - 1) if closing else skip + 1
        elif closing:
            skip = max(0, skip - 1)
        else:  # an unclosed script or style (closed ones are gone)
            break
    while outer:
        _end_row(row, cell, lines)
        row, cell = outer.pop()
    _flush(loose, lines)
    joined = "\x00".join(lines)
    if "\n" in joined:
        joined = _WRAP_IN_CJK.sub("", joined)
    # whitespace runs are one space (str.split() splits at what `\s` matches)
    return " ".join(joined.split()).replace(" \x00", "\x00").replace("\x00 ", "\x00").replace("\x00", "\n")


def _flush(loose: list[str], lines: list[str]) -> None:
    text = "".join(loose)
    if text and not text.isspace():
        lines.append(text)
    loose.clear()


def _end_row(row: list[str] | None, cell: list[str] | None, lines: list[str]) -> None:
    if cell is not None:
        row = [*(row or ()), "".join(cell)]
    if row:
        text = "".join(row)
        if text and not text.isspace():
            lines.append(" | ".join(row) + " |")


_MD_SEPARATOR: Final = re.compile(r"\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?")
# Found where _MD_SEPARATOR is, but starts with a literal: a fast scan.
_MD_SEPARATOR_CORE: Final = re.compile(r"---+:?\s*\|\s*:?---")
_MD_BREAK: Final = re.compile(r"<br\s*/?>", re.I)
_MD_HEADING: Final = re.compile(r"#{1,6}\s+")


def _markdown_to_lines(text: str) -> str:
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        first = stripped[:1]
        if first == "|":  # `---` before the regex: one C-level test
            if "---" in stripped and _MD_SEPARATOR.fullmatch(stripped):
                continue
            if stripped.count("|") >= 2:
                line = stripped[1:]
                if "<" in line:
                    line = _MD_BREAK.sub("", line)
                line = line.strip()
                if line[-1:] != "|":
                    line += " |"
        elif first == "#":
            line = _MD_HEADING.sub("", stripped, count=1)
        elif "---" in stripped and _MD_SEPARATOR.fullmatch(stripped):
            continue
        lines.append(line)
    return "\n".join(lines)


def _to_lines(text: str, notes: list[Issue]) -> str:
    if "---" in text and "|" in text and _MD_SEPARATOR_CORE.search(text):
        notes.append(Issue("markdown_converted", "markdown table rows turned into `cell | cell |` lines"))
        return _markdown_to_lines(text)
    if "<" in text and _HTML_TAG.search(text):
        notes.append(Issue("html_converted", "HTML converted to text; one line per table row"))
        return _html_to_lines(text)
    if "&" in text and _ENTITY.search(text):
        return html.unescape(text)
    return text


# ---------------------------------------------------------------------------------------------
# One-byte-off GBK mojibake (SPEC §5, seed 002): the GBK bytes of a cell were decoded as GB18030
# starting one byte late, so `（一）收到申請數` shows as `?。ㄒ唬┦盏缴暾垟?`. The lost first
# byte was 0xA1 (the full-width space 　 = A1 A1 that starts the cell).

_MOJIBAKE_HINT: Final = re.compile(r"\?[^\x00-\x7f]")  # starts with a literal: a fast scan
_PINYIN_LETTERS: Final = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńň"
_ANNOTATED_CHAR: Final = re.compile(rf"([\u3400-\u9fff])[(（]([{_PINYIN_LETTERS}]+)[)）]")
# A GBK lead byte whose trail byte was swallowed with the `(` of its pinyin annotation:
# the garbled pair became `?`, what is left is `<lead>?shù)`.
_LOST_TRAIL: Final = re.compile(rb"([\x81-\xfe])\?((?:[a-z]|\xa8[\xa1-\xbe])+)\)")


def _lost_enumerators() -> dict[str, str]:
    """(二) (三) (六) (十): numeral trail byte + the A3 of `）` decode as a private-use character
    the page dropped, so after the shift the numeral's lead byte pairs with the A9 of `）`."""
    table = {}
    for numeral in "一二三四五六七八九十":
        lead, trail = numeral.encode("gbk")
        if "\ue000" <= bytes((trail, 0xA3)).decode("gb18030") <= "\uf8ff":
            table[bytes((lead, 0xA9)).decode("gbk")] = numeral
    return table


_ENUMERATOR_FOR: Final = _lost_enumerators()
_LOST_ENUMERATOR: Final = re.compile("^(\\s*（)([" + "".join(_ENUMERATOR_FOR) + "])(?!）)")


@functools.lru_cache(maxsize=1)
def _annotated_chars(text: str) -> dict[str, set[str]]:
    """pinyin → the characters annotated with it in the text (`數(shù)` → {"shù": {"數"}})."""
    chars: dict[str, set[str]] = {}
    for m in _ANNOTATED_CHAR.finditer(text):
        chars.setdefault(m.group(2), set()).add(m.group(1))
    return chars


def _unshift(garbled: str, text: str) -> str | None:
    """The repaired text of a cell that starts with the `?` of a lost byte, or None."""
    body = garbled[1:]
    try:
        data = b"\xa1" + body.encode("gb18030")
    except UnicodeEncodeError:
        return None

    def restore_trail(m: re.Match) -> bytes:
        # The pinyin names the character; the same character is annotated intact elsewhere.
        try:
            m.string[: m.start()].decode("gbk")  # the byte before `?` must be a lead byte
        except UnicodeDecodeError:
            return m.group()
        lead = m.group(1)[0]
        annotated = _annotated_chars(text).get(m.group(2).decode("gbk"), ())
        chars = {c for c in annotated if c.encode("gbk")[0] == lead}
        if len(chars) != 1:
            return m.group()
        return chars.pop().encode("gbk") + b"(" + m.group(2) + b")"

    fixed = data if b"?" not in data else _LOST_TRAIL.sub(restore_trail, data)
    repaired = fixed.decode("gbk", "replace")
    repaired = _LOST_ENUMERATOR.sub(lambda m: m.group(1) + _ENUMERATOR_FOR[m.group(2)] + "）", repaired)
    return repaired if _plausibility(repaired) > _plausibility(body) else None


def _repair_mojibake(text: str, notes: list[Issue]) -> str:
    if "\ufffd" not in text and not _MOJIBAKE_HINT.search(text):
        return text
    lines = text.splitlines()
    repaired_lines = []
    for i, line in enumerate(lines):
        if "?" not in line and "\ufffd" not in line:
            continue
        cells = line.split("|")
        changed = False
        for j, cell in enumerate(cells):
            garbled = cell.strip()
            if len(garbled) < 2 or garbled[0] not in "?\ufffd" or garbled[1].isascii():
                continue
            repaired = _unshift(garbled, text)
            if repaired is not None:
                cells[j] = cell.replace(garbled, repaired, 1)
                changed = True
        if changed:
            lines[i] = "|".join(cells)
            repaired_lines.append(i + 1)
    if not repaired_lines:
        return text
    notes.append(Issue(
        "mojibake_repaired",
        "one-byte-off GBK mojibake repaired (partly, where bytes were lost) on lines "
        + ", ".join(map(str, repaired_lines)),
    ))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Unicode and spaces

# Zero-width and format characters (and NUL): invisible, so removed rather than made spaces.
_INVISIBLE_CHARS: Final = "\x00\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"
_INVISIBLE: Final = re.compile(f"[{_INVISIBLE_CHARS}]")
# What str.splitlines() breaks at besides \r and \n; made "\n" so that a line number is a
# count of "\n".
_LINE_BREAKS: Final = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
_FOLDS: Final = tuple(
    (char, unicodedata.normalize("NFKC", char))
    for char in "，：；（）！？％＋－．／＂＇＜＞［］｛｝＝＠＃＆＊～｜０１２３４５６７８９\u3000\u00a0"
)


def _remove_invisible(text: str) -> str:
    # single-character `in` is a memchr, far cheaper than one regex pass over the text
    return _INVISIBLE.sub("", text) if any(c in text for c in _INVISIBLE_CHARS) else text


def _normalize(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for brk in _LINE_BREAKS:
        if brk in text:
            text = text.replace(brk, "\n")
    # NFKC folds full-width digits, letters and punctuation to ASCII ((（一） → (一), ： → :), NBSP
    # and the full-width space to a space. unicodedata.normalize costs ~1 ms per 10 KB, so the
    # usual characters are folded by str.replace and NFKC only runs on lines still needing it.
    if not unicodedata.is_normalized("NFKC", text):
        for char, folded in _FOLDS:
            if char in text:
                text = text.replace(char, folded)
        if not unicodedata.is_normalized("NFKC", text):
            text = "\n".join(
                line if unicodedata.is_normalized("NFKC", line) else unicodedata.normalize("NFKC", line)
                for line in text.split("\n")
            )
    if "\t" in text:
        text = text.replace("\t", " ")
    # Runs of spaces become one: each C-level pass halves them, a quarter of the cost of a regex
    # substitution (most texts need no pass).
    while "  " in text:
        text = text.replace("  ", " ")
    return text


# ---------------------------------------------------------------------------------------------
# Page chrome and mirror spam

# A line made only of login / navigation / sharing widgets of the page the report was cut from.
_CHROME_WORDS: Final = (
    r"[账帐]号\+密码登[录入]|手机\+密码登[录入]|手机号?\+验证码登[录入]|还没有[账帐]号\??|立即注册|忘记密码\??"
    r"|登[录入]|注册"
    r"|打印本页|打印|关闭窗口|关闭本页|关闭|返回顶部|返回|分享到:?|收藏本页|收藏|扫一扫.{0,20}"
    r"|上一篇:?.*|下一篇:?.*|字号:?\s*[大中小\s]*"
)
# every repetition holds a word: a line of bare `|` belongs to a flattened table (seed 000)
_CHROME_LINE: Final = re.compile(rf"(?:[\s【】\[\]|/:·>»]*(?:{_CHROME_WORDS})[\s【】\[\]|/:·>»]*)+")
_FOOTER: Final = re.compile(r"版权所有|主办单位|承办单位|技术支持|网站标识码|ICP备|公网安备|网站地图|设为首页|加入收藏|Copyright|©")
# Where mirror spam may be: one pass over the text finds every place worth a look. Few texts hold
# any of these words, and `in` finds that at a tenth of the cost per character of a regex that
# starts with a set of characters (sre tests each character of the text against the set).
_SPAM_HINT_WORDS: Final = ("本文", "转载", "免责", "欢迎访问", "更多精彩", "本站", "本网", "http", "www.")
_SPAM_HINT: Final = re.compile("|".join(map(re.escape, _SPAM_HINT_WORDS)))
_SPAM: Final = re.compile(
    r"本文(?:来源|转载|来自|由)|转载请注明|免责声明|本站(?:声明|部分内容|内容)|欢迎访问|更多精彩"
    r"|(?:来源|转载|访问|下载|关注|点击|本站|本网).{0,30}(?:https?://|www\.)(?![\w.-]*gov\.cn)"
)
_MAX_CHROME_LENGTH: Final = 120
_MAX_SPAM_LENGTH: Final = 80


def _drop_page_chrome(lines: list[str], raw_lines: list[str], text: str, notes: list[Issue]) -> None:
    """Runs on simplified lines (mirror spam is traditional too) and keeps `raw_lines` aligned.
    `text` is `lines` joined by "\n" (before stripping), to find spam without a loop."""
    end = len(lines)
    while end and (
        not lines[end - 1]
        or len(lines[end - 1]) <= _MAX_CHROME_LENGTH
        and (_CHROME_LINE.fullmatch(lines[end - 1]) or _FOOTER.search(lines[end - 1]))
    ):
        end -= 1
    trailer = sum(1 for line in lines[end:] if line)
    del lines[end:], raw_lines[end:]
    spam = []
    if any(word in text for word in _SPAM_HINT_WORDS):
        for hint in _SPAM_HINT.finditer(text):
            i = text.count("\n", 0, hint.start())
            line = lines[i] if i < len(lines) else ""
            if line and len(line) <= _MAX_SPAM_LENGTH and "|" not in line and _SPAM.search(line):
                lines[i] = raw_lines[i] = ""  # blanked, not deleted: line numbers stay those of the page
                spam.append(i + 1)
    if trailer or spam:
        message = f"{trailer} lines of page chrome after the report removed"
        if spam:
            message += "; mirror spam blanked on lines " + ", ".join(map(str, spam))
        notes.append(Issue("boilerplate_removed", message))


# ---------------------------------------------------------------------------------------------
# Pinyin annotations, traditional → simplified

_TONED: Final = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńň"
# Starts with a literal: a fast scan. Also finds a note a wrapped line splits (`內(nè⏎i)部`), whose
# tone mark may be after the break; `text` is not stripped yet, so a space may flank the break.
_ANNOTATION_HINT: Final = re.compile(f"\\([a-zü]*(?: ?\n ?[a-zü]*)?[{_TONED}]")
# `創(chuàng)`: pinyin with a tone mark right after a Chinese character, in parentheses (full-width
# ones are ASCII after NFKC). `(一)`, `(2018年度)`, `(http://…)` have no tone-marked latin.
_TONED_ANNOTATION: Final = re.compile(  # the literal `(` first makes the scan fast
    rf"\((?<=[\u3400-\u9fff]\()[a-zü]*[{_TONED}][{_PINYIN_LETTERS}]*\)"
)
# The same split by a line break (the tone mark on either side): made the break alone, so lines
# stay one for one with `raw_lines`. Its own pass: keeping the break through a group reference in
# the replacement above would make all substitutions several times slower.
_SPLIT_TONED_ANNOTATION: Final = re.compile(
    rf"\((?<=[\u3400-\u9fff]\()(?=[a-zü]*\n?[a-zü]*[{_TONED}])[{_PINYIN_LETTERS}]*\n[{_PINYIN_LETTERS}]*\)"
)
# Neutral-tone syllables have no mark (的(de), 們(men)): only stripped where the converter is known
# to annotate (several toned annotations in the text), and only if shaped like one syllable.
_PLAIN_ANNOTATION: Final = re.compile(
    r"\((?<=[\u3400-\u9fff]\()(?:[zcs]h|[bpmfdtnlgkhjqxrzcsyw])?[iuü]?[aeiouüv]{1,2}(?:ng|n|r)?\)"
)
_ANNOTATED_TEXT: Final = 3


def _strip_pinyin(text: str) -> tuple[str, int]:
    if not _ANNOTATION_HINT.search(text):
        return text, 0
    text, count = _TONED_ANNOTATION.subn("", text)
    text, split = _SPLIT_TONED_ANNOTATION.subn("\n", text)
    count += split
    if count >= _ANNOTATED_TEXT:
        text, plain = _PLAIN_ANNOTATION.subn("", text)
        count += plain
    return text, count


def strip_pinyin(text: str) -> str:
    """Remove pinyin annotations appended by broken converters (`創(chuàng)新` → `創新`)."""
    return _strip_pinyin(text)[0]


def _t2s(text: str) -> str:
    table = _T2S if _beyond_bmp(text) else _T2S_BMP
    parts = _T2S_PHRASE.split(text)
    # split() puts the matched phrases at odd indexes
    return "".join(_T2S_PHRASES[p] if i % 2 else p.translate(table) for i, p in enumerate(parts))


def _mirror_word(m: re.Match) -> str:
    return _MIRROR_VOCABULARY[m.group()]


def to_simplified(text: str) -> str:
    """Pinyin stripped, traditional → simplified, mirror vocabulary undone (as for `lines`)."""
    return _MIRROR_WORD.sub(_mirror_word, _t2s(strip_pinyin(text)))


def _simplify(raw_lines: list[str], text: str, notes: list[Issue]) -> tuple[list[str], str]:
    """The simplified lines, and them joined by "\n". `text` is `raw_lines` joined (before
    stripping): when nothing needs converting, it stands for the joined result."""
    annotated = _ANNOTATION_HINT.search(text)
    if not annotated and not _has_traditional(text):
        return list(raw_lines), text
    joined = "\n".join(raw_lines)
    if annotated:
        joined, annotations = _strip_pinyin(joined)
        if annotations:
            notes.append(Issue("pinyin_stripped", f"{annotations} pinyin annotations after characters removed"))
    lines = joined.split("\n")
    traditional = _traditional_lines(joined)
    if not traditional:
        return lines, joined
    notes.append(Issue(
        "traditional_converted", f"traditional characters converted to simplified ({len(traditional)} lines)"
    ))
    # A traditional report is converted whole (so 於, 乾 … convert too); in a simplified one only
    # the lines with traditional-only characters are, as t2s also rewrites a few simplified words.
    if len(traditional) * 4 < len(lines) - lines.count(""):
        for i in traditional:
            lines[i] = _t2s(lines[i])
        return lines, "\n".join(lines)
    converted_text = _t2s(joined)
    if _MIRROR_SIGNATURE in converted_text:
        converted_text = _MIRROR_WORD.sub(_mirror_word, converted_text)
        notes.append(Issue("mirror_vocabulary", "Taiwan vocabulary of a converter mirror mapped back"))
    return converted_text.split("\n"), converted_text


# ---------------------------------------------------------------------------------------------


def load_document(data: bytes) -> Document:
    notes: list[Issue] = []
    text, encoding = _decode(data, notes)
    if encoding not in ("utf-8", "utf-8-sig"):
        notes.append(Issue("encoding", f"decoded as {encoding}"))
    text = _to_lines(_remove_invisible(text), notes)
    text = _normalize(_repair_mojibake(text, notes))
    raw_lines = list(map(str.strip, text.split("\n")))
    lines, simplified = _simplify(raw_lines, text, notes)
    _drop_page_chrome(lines, raw_lines, simplified, notes)
    return Document(lines=lines, raw_lines=raw_lines, encoding=encoding, notes=notes)
