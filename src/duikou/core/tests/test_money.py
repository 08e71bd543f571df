"""Money: parse_amount reads what spreadsheets write, in yuan, as Decimal; format_amount writes it back."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from duikou.core.money import (
    FEN,
    AmountParseError,
    format_amount,
    parse_amount,
    to_yuan,
    unit_factor,
    yuan_to_wan,
    yuan_to_yi,
)

UNITS = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}

# Up to one 万亿 yuan, in fen: far above any programme's total, well inside 16 digits.
amounts = st.decimals(
    min_value=Decimal("-1000000000000.00"),
    max_value=Decimal("1000000000000.00"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


def fullwidth_digits(text: str) -> str:
    """ "123.5" → "１２３.５": digits only, as in cells typed with a Chinese input method."""
    return "".join(chr(ord(char) + 0xFEE0) if char.isdigit() else char for char in text)


def written(amount: Decimal, unit: str, *, is_fullwidth: bool, plus: bool, minus: str) -> str:
    """The amount as a person writes it in `unit`: thousands separators, a sign, maybe full-width digits."""
    number = f"{abs(amount) / UNITS[unit]:,f}"
    if is_fullwidth:
        number = fullwidth_digits(number)
    sign = minus if amount < 0 else ("+" if plus else "")
    return sign + number


# --- properties ---------------------------------------------------------------------------------


@given(
    amount=amounts,
    unit=st.sampled_from(list(UNITS)),
    is_fullwidth=st.booleans(),
    plus=st.booleans(),
    minus=st.sampled_from(["-", "−", "－"]),
)
def test_parse_amount_reads_back_an_amount_written_with_its_unit_in_the_cell(
    amount, unit, is_fullwidth, plus, minus
):
    # given an amount written in the cell with its own unit, and a different unit in the header
    text = written(amount, unit, is_fullwidth=is_fullwidth, plus=plus, minus=minus) + unit
    header_unit = "千元"

    # when
    parsed = parse_amount(text, unit=header_unit)

    # then the cell's own unit wins
    assert parsed == amount
    assert isinstance(parsed, Decimal)
    assert parsed.as_tuple().exponent == -2


@given(
    amount=amounts,
    unit=st.sampled_from(list(UNITS)),
    is_fullwidth=st.booleans(),
    plus=st.booleans(),
    minus=st.sampled_from(["-", "−", "－"]),
)
def test_parse_amount_applies_the_header_unit_to_a_bare_number(amount, unit, is_fullwidth, plus, minus):
    # given a bare number under a header that states the unit
    text = written(amount, unit, is_fullwidth=is_fullwidth, plus=plus, minus=minus)

    # when
    parsed = parse_amount(text, unit=unit)

    # then
    assert parsed == amount
    assert isinstance(parsed, Decimal)
    assert parsed.as_tuple().exponent == -2


@given(amount=amounts, unit=st.sampled_from(list(UNITS)))
def test_parse_amount_reads_back_format_amount_at_the_shown_precision(amount, unit):
    # given an amount shown with two places in its unit (what a report prints)
    shown = format_amount(amount, unit)

    # when
    parsed = parse_amount(shown)

    # then it reads back as the shown figure, scaled to yuan
    factor = UNITS[unit]
    assert parsed == ((amount / factor).quantize(FEN, rounding=ROUND_HALF_UP) * factor).quantize(FEN)
    assert isinstance(parsed, Decimal)


@given(
    amount=st.decimals(
        min_value=Decimal("-1000000000000.00"),
        max_value=Decimal("1000000000000.00"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_format_amount_in_yuan_and_wan_with_enough_places_is_exact(amount):
    # given enough places to show every fen (2 in 元, 6 in 万元)
    in_yuan = format_amount(amount, "元", places=2)
    in_wan = format_amount(amount, "万元", places=6)

    # then both read back as the very amount
    assert parse_amount(in_yuan) == amount
    assert parse_amount(in_wan) == amount


@given(
    value=st.one_of(
        st.integers(min_value=-(10**12), max_value=10**12),
        st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
        amounts,
        amounts.map(str),
    ),
    unit=st.sampled_from([None, "元", "万元", "亿元"]),
)
def test_parse_amount_never_returns_a_float(value, unit):
    parsed = parse_amount(value, unit=unit)

    assert type(parsed) is Decimal
    assert parsed.as_tuple().exponent == -2


@given(
    amount=st.decimals(
        min_value=Decimal("-10000000000.00"),
        max_value=Decimal("10000000000.00"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_parse_amount_reads_a_spreadsheet_float_as_its_shortest_decimal(amount):
    # given the float a spreadsheet reader returns for a cell holding `amount`
    cell = float(str(amount))

    # then no binary noise leaks into the Decimal
    assert parse_amount(cell) == amount


# --- examples from real sheets -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "header_unit", "expected"),
    [
        ("1.2亿", None, Decimal("120000000.00")),
        ("1.2亿", "万元", Decimal("120000000.00")),
        ("3,000万元", None, Decimal("30000000.00")),
        ("3,000万元", "亿元", Decimal("30000000.00")),
        ("１２３.５", None, Decimal("123.50")),
        ("１２３.５", "万元", Decimal("1235000.00")),
        ("一千二百万", None, Decimal("12000000.00")),
        ("一千二百万", "万元", Decimal("12000000.00")),
        ("一千二百万元", "亿元", Decimal("12000000.00")),
        ("一千二百", "万元", Decimal("12000000.00")),
        ("一点五", "亿元", Decimal("150000000.00")),
        ("两千元", "万元", Decimal("2000.00")),
        ("负一千", None, Decimal("-1000.00")),
        ("1,234,567.89", None, Decimal("1234567.89")),
        ("１，２３４", None, Decimal("1234.00")),
        ("1 234 567", None, Decimal("1234567.00")),
        ("¥1,234.5", None, Decimal("1234.50")),
        ("￥12", None, Decimal("12.00")),
        ("人民币 5万元", None, Decimal("50000.00")),
        ("1.5万", None, Decimal("15000.00")),
        ("2万亿", None, Decimal("2000000000000.00")),
        ("5千元", None, Decimal("5000.00")),
        ("-1.2亿", None, Decimal("-120000000.00")),
        ("+3", None, Decimal("3.00")),
        (".5", None, Decimal("0.50")),
        ("5.", None, Decimal("5.00")),
        ("0.005", None, Decimal("0.01")),  # rounded half up to the fen
        ("  12.34\u3000", None, Decimal("12.34")),
    ],
)
def test_parse_amount_reads_cells_from_real_sheets(text, header_unit, expected):
    parsed = parse_amount(text, unit=header_unit)

    assert parsed == expected
    assert parsed.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("value", "header_unit", "expected"),
    [
        (12, None, Decimal("12.00")),
        (12, "万元", Decimal("120000.00")),
        (Decimal("1.005"), None, Decimal("1.01")),
        (Decimal("1.2"), "亿元", Decimal("120000000.00")),
        (0.1, None, Decimal("0.10")),
        (1234.5, "万元", Decimal("12345000.00")),
    ],
)
def test_parse_amount_reads_numbers_from_spreadsheet_readers(value, header_unit, expected):
    assert parse_amount(value, unit=header_unit) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "金额为空"),
        ("   ", "金额为空"),
        (None, "金额为空"),
        ("abc", "“abc”不是金额"),
        ("1.2.3", "“1.2.3”不是金额"),
        ("1,2345", "“1,2345”不是金额"),
        ("12e3", "“12e3”不是金额"),
        ("万元", "“万元”不是金额"),
        ("NaN", "“NaN”不是金额"),
        (True, "“True”不是金额"),
        (Decimal("NaN"), "“NaN”不是金额"),
        (Decimal("Infinity"), "“Infinity”不是金额"),
        (float("nan"), "“nan”不是金额"),
        (float("inf"), "“inf”不是金额"),
    ],
)
def test_parse_amount_refuses_what_is_not_an_amount(value, message):
    with pytest.raises(AmountParseError) as raised:
        parse_amount(value)

    assert str(raised.value) == message


def test_parse_amount_refuses_an_unknown_header_unit():
    with pytest.raises(AmountParseError) as raised:
        parse_amount("5", unit="美元")

    assert str(raised.value) == "不认识的金额单位“美元”"


def test_amount_parse_error_is_a_value_error():
    assert issubclass(AmountParseError, ValueError)


# --- scaling and formatting -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "factor"),
    [
        (None, 1),
        ("", 1),
        ("元", 1),
        (" 万元 ", 10_000),
        ("千元", 1_000),
        ("亿", 100_000_000),
        ("万亿元", 10**12),
    ],
)
def test_unit_factor(unit, factor):
    assert unit_factor(unit) == Decimal(factor)


def test_to_yuan_rounds_half_up_to_the_fen():
    assert to_yuan(Decimal("0.000125"), "万元") == Decimal("1.25")
    assert to_yuan(Decimal("0.0000125"), "万元") == Decimal("0.13")
    assert to_yuan(Decimal("-0.0000125"), "万元") == Decimal("-0.13")


def test_yuan_to_wan_and_yi_are_exact():
    assert yuan_to_wan(Decimal("12345.67")) == Decimal("1.234567")
    assert yuan_to_yi(Decimal("15962000000.00")) == Decimal("159.62")


@pytest.mark.parametrize(
    ("amount", "unit", "places", "expected"),
    [
        (Decimal("12345678.00"), "auto", 2, "1,234.57万元"),
        (Decimal("15962000000.00"), "auto", 2, "159.62亿元"),
        (Decimal("100000000.00"), "auto", 2, "1.00亿元"),
        (Decimal("99999999.99"), "auto", 2, "10,000.00万元"),
        (Decimal("-123456789.12"), "auto", 2, "-1.23亿元"),
        (Decimal("1234.5"), "元", 2, "1,234.50元"),
        (Decimal("12345678.00"), "万元", 0, "1,235万元"),
        (1, "万元", 4, "0.0001万元"),
        (Decimal("0"), "亿元", 2, "0.00亿元"),
        (None, "auto", 2, "—"),
    ],
)
def test_format_amount(amount, unit, places, expected):
    assert format_amount(amount, unit, places=places) == expected


def test_format_amount_with_many_places_shows_plain_digits():
    assert format_amount(Decimal("0.01"), "亿元", places=10) == "0.0000000001亿元"
    assert format_amount(Decimal("0"), "亿元", places=10) == "0.0000000000亿元"


@pytest.mark.parametrize("unit", [None, "元", "万元", "亿元", "千克"])
def test_a_columns_amount_parser_reads_as_parse_amount(unit):
    """`amount_parser(unit)` (an import's column of amounts) is parse_amount with the unit fixed: the same
    yuan, or the same refusal, for every kind of cell."""
    from duikou.core.money import AmountParseError, amount_parser

    cells = [
        "1200",
        "35.5",
        "0.005",
        "1,200",
        "１２３",
        "1.2亿",
        "-3.5",
        "abc",
        "",
        1.5,
        0.1,
        2,
        -7,
        1e20,
        float("nan"),
        float("inf"),
        True,
        Decimal("12.345"),
        None,
    ]
    parse = amount_parser(unit)
    for cell in cells:
        try:
            expected = parse_amount(cell, unit=unit)
        except AmountParseError as error:
            with pytest.raises(AmountParseError) as raised:
                parse(cell)
            assert str(raised.value) == str(error), cell
        else:
            assert parse(cell) == expected and str(parse(cell)) == str(expected), cell


@pytest.mark.parametrize("unit", [None, "元", "万元", "亿元", "万亿元", "千克"])
def test_a_whole_columns_plain_amounts_read_as_parse_amount(unit):
    """`plain_amounts_reader(unit)` reads the plain-number cells of a column at once — the same yuan as
    parse_amount — and leaves every other cell to be read one by one; a column of plain cells only, a
    mixed one, and one with a number too large for an amount."""
    from duikou.core.money import plain_amounts_reader

    unread = object()
    read = plain_amounts_reader(unit)
    # re's \d and Decimal take full-width digits too
    plain = ["1200", "35.5", "0.005", "174.85", "0", "１２３", "12345678901234567890"]
    others = ["1,200", "1.2亿", "-3.5", "abc", "", 1.5, 2, None, Decimal("12.345")]
    numbers = [1200.0, 35.5, 0.005, 174.85, 0.0, 0.1]  # a spreadsheet's
    for cells in (plain[:-1], plain, plain + others, others, numbers, [*numbers, float("nan")]):
        values = read(cells, unread)
        assert len(values) == len(cells)
        for cell, value in zip(cells, values, strict=True):
            if value is unread:
                continue
            assert type(cell) in (str, float) and value == parse_amount(cell, unit=unit), cell
            assert str(value) == str(parse_amount(cell, unit=unit)), cell
        assert all(value is unread for cell, value in zip(cells, values, strict=True) if cell in others)
        if unit != "千克" and cells in (plain[:-1], numbers):
            assert unread not in values  # every plain cell read here
