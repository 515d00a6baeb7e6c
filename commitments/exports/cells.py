"""How each kind of cell is written, in Python and in PostgreSQL's SQL, byte for byte alike.

Dates are ISO 8601, amounts plain numbers in pounds, booleans `true`/`false`; every non-empty
text cell is wrapped in double quotes, and text that a spreadsheet could run as a formula gets an
apostrophe (see `neutralise`). Numeric columns are never quoted or altered, so -2 stays -2. NULL
is an empty cell.
"""

import re
import string
from decimal import Decimal

# -- formulas ----------------------------------------------------------------------------------
#
# A spreadsheet runs a cell whose text starts with a formula character, often after trimming
# what precedes it, and readers trim different things. So the first character is looked for
# past any run of characters nobody sees: whitespace, controls (Cc), format characters (Cf:
# zero-width space, joiners, word joiner, byte-order mark…), separators (Zs, Zl, Zp), the other
# default-ignorable code points, the braille blank, and double quotes (a reader may take one
# for the start of a quoted field). The formula characters are = + - @ and the forms that look
# like them (fullwidth, small, superscript, subscript, heavy, Hebrew alternative plus; U+2212
# minus; hyphens U+2010-2012).
#
# Cells also start inside our text. A comma-separated file opened with ";" as the separator (the
# default in many European locales) or with tabs is split at every ";" or tab in a text cell,
# quotes or not (LibreOffice 7.4 does so unless the quoted cell happens to be a whole field), and
# a reader that loses track of the quotes starts a new row at a line break inside a cell. So the
# same test runs after every ";", tab, CR and LF of the text, and the apostrophe goes in right
# after that character: `x;=1+1` is written `x;'=1+1`.
#
# The rule is one regular expression that Python's `re` and PostgreSQL's regexp_replace read
# alike (SQL_WRITERS run it in the database), so both paths write the same bytes.


# Characters a reader may skip before it looks for a formula, as (first, last) code points.
INVISIBLE = (
    (0x0000, 0x0020), (0x0022, 0x0022), (0x007F, 0x00A0), (0x00AD, 0x00AD), (0x034F, 0x034F),
    (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F), (0x0890, 0x0891),
    (0x08E2, 0x08E2), (0x115F, 0x1160), (0x1680, 0x1680), (0x17B4, 0x17B5), (0x180B, 0x180F),
    (0x2000, 0x200F), (0x2028, 0x202F), (0x205F, 0x206F), (0x2800, 0x2800), (0x3000, 0x3000),
    (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFFB),
    (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)  # fmt: skip
# = + - @; fullwidth, small, superscript and subscript forms; minus sign; heavy plus and minus;
# hyphen, non-breaking hyphen, figure dash; Hebrew alternative plus sign.
FORMULA_CHARACTERS = "=+-@＝＋－＠﹦﹢﹣﹫⁼⁺⁻₌₊₋−➕➖‐‑‒\ufb29"
# Inside the text, a reader may start a cell right after each of these (after CR only when no
# LF follows, so that CRLF counts once).
CELL_BREAKS = ";\t\n\r"


def _escape(code: int) -> str:
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def _bracket(ranges) -> str:
    """A bracket expression of (first, last) code-point ranges, each character escaped: `re` and
    PostgreSQL both read \\uXXXX and \\UXXXXXXXX, inside brackets too."""
    return "[" + "".join(_escape(a) + ("-" + _escape(b) if b > a else "") for a, b in ranges) + "]"


def _of(characters: str) -> str:
    return _bracket((ord(c), ord(c)) for c in characters)


_FORMULA = f"{_bracket(INVISIBLE)}*{_of(FORMULA_CHARACTERS)}"
# Where an apostrophe goes (an empty match, so `sub` inserts it): at the start before a tab, CR,
# LF or a formula; right after a cell break before a formula.
FORMULA_AT = (
    f"^(?={_of(chr(9) + chr(10) + chr(13))}|{_FORMULA})"
    f"|(?:(?<={_of(CELL_BREAKS.replace(chr(13), ''))})|(?<={_escape(13)})(?!{_escape(10)}))"
    f"(?={_FORMULA})"
)
_formula_at = re.compile(FORMULA_AT)
_PLAIN_FIRST = frozenset(string.ascii_letters + string.digits)


def neutralise(text: str) -> str:
    """Text a spreadsheet will show, never run: an apostrophe goes before a formula character
    (past invisible characters) at the start and after every ";", tab and line break."""
    if _plain(text):
        return text
    return _formula_at.sub("'", text)


def _plain(text: str) -> bool:
    """The common case, told apart cheaply: a letter or digit first and no CELL_BREAKS."""
    return (
        text[:1] in _PLAIN_FIRST
        and ";" not in text
        and "\n" not in text
        and "\t" not in text
        and "\r" not in text
    )


def _text(value) -> str:
    """A text cell as the file has it: neutralised, in double quotes (inner ones doubled), so a
    reader never splits it at a comma; empty text is an empty cell."""
    text = value if isinstance(value, str) else str(value)
    if not _plain(text):
        if not text:
            return ""
        text = _formula_at.sub("'", text)
    if '"' in text:
        text = text.replace('"', '""')
    return f'"{text}"'


def _number(value) -> str:
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return str(value)


# How each kind of column is written, exactly as the file has it; numbers, dates and booleans
# are never quoted or touched by the formula rule.
FORMATTERS = {
    "text": _text,
    "url": _text,
    "date": lambda value: value.isoformat(),
    "boolean": lambda value: "true" if value else "false",
    "number": _number,
    "integer": _number,
}


def cell_writer(kind: str):
    """The function that writes a value of column `kind` as the file has it (None: empty)."""
    write = FORMATTERS[kind]
    return lambda value: "" if value is None else write(value)


# SQL that writes a cell the way FORMATTERS does (PostgreSQL); NULL is an empty cell. Text takes
# neutralise's shortcut and regular expression (dollar-quoted, so no setting changes how the
# backslashes are read), then _text's quotes.
SQL_NOT_PLAIN = "^[^A-Za-z0-9]|[" + CELL_BREAKS.encode("unicode_escape").decode() + "]"
SQL_TEXT = (
    "CASE WHEN {0} <> '' THEN '\"' || replace("
    "CASE WHEN {0} !~ $re$" + SQL_NOT_PLAIN + "$re$ THEN {0} "
    "ELSE regexp_replace({0}, $re$" + FORMULA_AT + "$re$, '''', 'g') END, "
    "'\"', '\"\"') || '\"' END"
)
SQL_NUMBER = "CASE WHEN {0} = trunc({0}) THEN trunc({0})::bigint::text ELSE {0}::text END"
SQL_BOOLEAN = "CASE WHEN {0} THEN 'true' WHEN NOT {0} THEN 'false' END"

# The SQL for each kind of column, as FORMATTERS writes it ({0} is the column's value).
SQL_WRITERS = {
    "text": SQL_TEXT,
    "url": SQL_TEXT,
    "date": "to_char({0}, 'YYYY-MM-DD')",
    "boolean": SQL_BOOLEAN,
    "number": SQL_NUMBER,
    "integer": "{0}::text",
}
