import pytest

from orchestration.lib.parsing.cells import CellError, parse_cell


@pytest.mark.parametrize("raw, expected", [
    ("", None), ("  ", None), ("\u3000", None),
    ("0", 0), ("13", 13), ("-", 0), ("—", 0), ("——", 0), ("/", 0), ("无", 0),
    ("1,267", 1267), ("１２６７", 1267), ("12 67", 1267), ("5928", 5928),
])
def test_count_cells(raw, expected):
    assert parse_cell(raw).value == expected


def test_decimals_only_where_allowed():
    assert parse_cell("0.5", decimal=True).value == 0.5
    assert parse_cell("1.6", decimal=True).value == 1.6
    assert parse_cell("3.0").value == 3
    with pytest.raises(CellError, match="fraction"):
        parse_cell("1.6")


def test_signs_only_where_allowed():
    assert parse_cell("+1036", signed=True).value == 1036
    assert parse_cell("-8", signed=True).value == -8
    with pytest.raises(CellError, match="negative"):
        parse_cell("-8")


@pytest.mark.parametrize("raw", ["条", "abc", "1,2,3", "12a"])
def test_text_is_not_a_value(raw):
    with pytest.raises(CellError):
        parse_cell(raw)
