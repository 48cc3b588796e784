"""Money is Decimal yuan with two places from the database to the display filter.

One rounding rule (half-up) and one place that turns yuan into 万元 or 亿元 for display.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
WAN = Decimal(10_000)
YI = Decimal(100_000_000)

# The largest amount the ledger holds, defined once: the model fields, the forms, the API
# schema and the importer all take it from here. In fen it is 9,999,999,999,999,999,
# which fits a signed 64-bit integer (up to 9,223,372,036,854,775,807) on every database.
MAX_AMOUNT = Decimal("99999999999999.99")
MAX_DIGITS = 16  # digits of MAX_AMOUNT, two of them after the point
FEN_PER_YUAN = 100


def round_money(value: Decimal | int | str) -> Decimal:
    """Round to the fen, half-up. Refuses floats: they cannot hold money exactly."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    try:
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc


def to_fen(yuan: Decimal) -> int:
    """Yuan with at most two places → whole fen, exactly. Refuses floats and fractions of a
    fen rather than rounding them."""
    if isinstance(yuan, float):
        raise TypeError("money must not be a float")
    fen = Decimal(yuan) * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise ValueError(f"not a whole number of fen: {yuan!r}")
    return int(fen)


def from_fen(fen: int | Decimal) -> Decimal:
    """Whole fen → yuan with two places, exactly (no context rounding)."""
    return Decimal(int(fen)).scaleb(-2)


def to_wan(yuan: Decimal) -> Decimal:
    """Yuan → 万元 with two decimals, half-up (display only). A small negative amount that
    rounds to nothing is 0.00, not -0.00 (adding 0 drops the sign of a zero)."""
    return (Decimal(yuan) / WAN).quantize(CENT, rounding=ROUND_HALF_UP) + 0


def to_yi(yuan: Decimal) -> Decimal:
    return (Decimal(yuan) / YI).quantize(CENT, rounding=ROUND_HALF_UP) + 0


def format_wan(yuan: Decimal) -> str:
    """146547300.00 → '14654.73万元'."""
    return f"{to_wan(yuan)}万元"


def round_step(wan: Decimal) -> Decimal:
    """The round step a published text uses for an amount in 万元: hundreds of 万 from
    1000万 up (9537 → 9500余, 14654.73 → 14600余), tens from 100万, whole 万 below."""
    wan = abs(Decimal(wan))
    if wan >= 1000:
        return Decimal(100)
    if wan >= 100:
        return Decimal(10)
    return Decimal(1)


def published_wan(yuan: Decimal) -> tuple[Decimal, bool]:
    """A money figure the way a published text writes it: rounded down to a round figure
    in 万元, and whether the true figure is more than that (so the text adds 余).

    95,370,000.00 yuan → (Decimal('9500'), True), written 9500余万元.
    """
    wan = Decimal(yuan) / WAN
    step = round_step(wan)
    shown = (wan / step).to_integral_value(rounding=ROUND_DOWN) * step
    return shown, wan > shown


def format_published_wan(yuan: Decimal) -> str:
    shown, more = published_wan(yuan)
    return f"{shown}{'余' if more else ''}万元"
