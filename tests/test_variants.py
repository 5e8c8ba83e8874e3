"""One report, every form a scrape gives it: the same 58 values, agency, year and template."""

import re

import pytest
from opencc import OpenCC

from orchestration.lib.parsing import parse_report
from tests.conftest import PROJECT_ROOT, SEEDS
from tests.test_old_template import SEED_003

TEXT_FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "text"
SHANGQIU = SEEDS["003"].read_text(encoding="utf-8")
_PINYIN = {"数": "shù", "请": "qǐng", "开": "kāi", "务": "wù", "关": "guān"}


def _traditional_with_pinyin(text: str) -> str:
    traditional = OpenCC("s2t").convert(text)
    simplified_of = {t: s for s, t in zip(text, traditional)}
    return "".join(ch + f"({_PINYIN[simplified_of.get(ch, ch)]})" if simplified_of.get(ch, ch) in _PINYIN else ch
                   for ch in traditional)


def _shuffled_whitespace(text: str) -> str:
    full_width = str.maketrans("0123456789", "０１２３４５６７８９")
    text = text.replace(" | ", " \u00a0|\u3000 ").replace("数", "数\u200b")
    return re.sub(r"\| (\d+) \|", lambda m: f"|  {m.group(1).translate(full_width)}\t|", text)


def _markdown(text: str) -> str:
    """The seed's `a | b | c |` rows as a markdown table with its separator row."""
    out = []
    for line in text.splitlines():
        if line.startswith("统 计 指 标"):
            out += ["| 统 计 指 标 | 单位 | 统计数 |", "|---|:---:|---:|"]
        elif line.endswith("|") and not line.startswith("|"):
            out.append("| " + line)
        else:
            out.append(line)
    return "\n".join(out)


VARIANTS = {
    "utf-8": lambda: SHANGQIU.encode("utf-8"),
    "utf-8 with BOM": lambda: b"\xef\xbb\xbf" + SHANGQIU.encode("utf-8"),
    "gbk": lambda: SHANGQIU.encode("gbk"),
    "utf-16 with BOM": lambda: SHANGQIU.encode("utf-16"),
    "utf-16-le without BOM": lambda: SHANGQIU.encode("utf-16-le"),
    "utf-16-be without BOM": lambda: SHANGQIU.encode("utf-16-be"),
    "big5 traditional": lambda: OpenCC("s2tw").convert(SHANGQIU).encode("big5"),
    "traditional with pinyin": lambda: _traditional_with_pinyin(SHANGQIU).encode("utf-8"),
    "mirror vocabulary": lambda: (TEXT_FIXTURES / "report_003_mirror.txt").read_bytes(),
    "html": lambda: (TEXT_FIXTURES / "report_003.html").read_bytes(),
    "markdown": lambda: _markdown(SHANGQIU).encode("utf-8"),
    "shuffled whitespace": lambda: _shuffled_whitespace(SHANGQIU).encode("utf-8"),
    "crlf": lambda: SHANGQIU.replace("\n", "\r\n").encode("utf-8"),
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_form_of_seed_003_gives_the_same_values(variant):
    report = parse_report(VARIANTS[variant](), variant)
    assert (report.status, report.template, report.year) == ("parsed", "old", 2017)
    assert report.agency == "商丘市工业和信息化委员会"
    assert report.values == SEED_003
