"""RUNs as integers: the number without its check digit, which is verified once, on the way in.

Registries hold millions of RUNs; an integer column indexes in a third of the space of ``12345678-5`` text.
Plain Python, no Django.
"""

MAX_RUN = 99_999_999


class InvalidRun(ValueError):
    pass


def run_check_digit(number: int) -> str:
    """The modulo-11 check digit of a RUN number (``12345678`` → ``5``)."""
    total, factor = 0, 2
    while number:
        total += (number % 10) * factor
        number //= 10
        factor = 2 if factor == 7 else factor + 1
    digit = 11 - total % 11
    return {10: "K", 11: "0"}.get(digit, str(digit))


def run_parse(text: str) -> int:
    """``12.345.678-5`` (or ``123456785``) → ``12345678``; InvalidRun if it is malformed or its digit is wrong."""
    compact = (text or "").strip().replace(".", "").replace("-", "").replace(" ", "").upper()
    if len(compact) < 2 or not compact[:-1].isdigit():
        raise InvalidRun(text)
    number, check = int(compact[:-1]), compact[-1]
    if not 0 < number <= MAX_RUN or run_check_digit(number) != check:
        raise InvalidRun(text)
    return number


def run_format(number: int) -> str:
    """``12345678`` → ``12345678-5``, the canonical form the accounts use."""
    return f"{number}-{run_check_digit(number)}"
