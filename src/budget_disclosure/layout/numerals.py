"""Chinese ordinal prefixes: 一、二、… 三十一、 as printed before the 类 rows."""

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    if not 0 < n < 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "十" if tens == 1 else _DIGITS[tens] + "十"
    return head + (_DIGITS[ones] if ones else "")


def ordinal_label(n: int, text: str) -> str:
    return f"{chinese_number(n)}、{text}"
