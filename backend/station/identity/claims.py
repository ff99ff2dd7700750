"""ClaveÚnica's userinfo, as the state's integration manual describes it (plain Python, no Django models).

``{"sub": "1234567", "RolUnico": {"DV": "9", "numero": 12345678, "tipo": "RUN"},
"name": {"apellidos": ["…"], "nombres": ["…"]}}``: the person is the RUN (numero plus DV), never
``sub``; names come as arrays; there is no email.
"""

from dataclasses import dataclass

from backend.accounts.rut import InvalidRut, normalize_rut

ERROR_NO_RUN = "ClaveÚnica sent no RUN (RolUnico.numero and DV)."
ERROR_BAD_RUN = "ClaveÚnica sent a RUN whose check digit does not match."
ERROR_NOT_A_RUN = "ClaveÚnica identified someone without a RUN (RolUnico.tipo is not RUN)."


class InvalidClaims(ValueError):
    pass


@dataclass(frozen=True)
class ClaveUnicaPerson:
    run: str
    first_names: str
    last_names: str
    subject: str


def _names(value) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return " ".join(str(part).strip() for part in value if str(part).strip())
    return ""


def person_from_claims(claims: dict) -> ClaveUnicaPerson:
    rol = claims.get("RolUnico") if isinstance(claims, dict) else None
    if not isinstance(rol, dict) or rol.get("numero") in (None, "") or rol.get("DV") in (None, ""):
        raise InvalidClaims(ERROR_NO_RUN)
    if str(rol.get("tipo", "RUN")).upper() != "RUN":
        raise InvalidClaims(ERROR_NOT_A_RUN)
    try:
        run = normalize_rut(f"{int(rol['numero'])}-{str(rol['DV']).strip()}")
    except (InvalidRut, TypeError, ValueError) as error:
        raise InvalidClaims(ERROR_BAD_RUN) from error
    name = claims.get("name") if isinstance(claims.get("name"), dict) else {}
    return ClaveUnicaPerson(
        run=run,
        first_names=_names(name.get("nombres")),
        last_names=_names(name.get("apellidos")),
        subject=str(claims.get("sub", "")),
    )
