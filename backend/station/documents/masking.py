"""What a document may show of a person's RUN to whoever holds it: the last three digits and the check digit."""


def run_mask(run: str) -> str:
    """``12345678-5`` → ``**.***.678-5``; a short RUN keeps the same shape."""
    number, _, check = run.partition("-")
    return f"**.***.{number[-3:]}-{check}"
