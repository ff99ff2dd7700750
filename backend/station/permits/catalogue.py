"""The permit types of 2020–21 (STATION.md §1, "Permits"), seeded as configuration rows that admin edits.

Sources: the 2020 types (medical 12 h, shopping 3 h at most twice a week, pet walk 30 min within two blocks,
outing with a disabled person 2 h, funeral 5 h, paying bills 3 h Monday to Saturday), the 2021 general permit
(2 h, two a week in phase 1, one a weekend in phase 2) and the collective permit employers requested for
their workers (Monday to Friday, or Saturday and Sunday). Phase 2 of the step-by-step plan was quarantine on
weekends only, so the 2020 types apply there on Saturday and Sunday.
"""

WEEKEND = [6, 7]
MONDAY_TO_SATURDAY = [1, 2, 3, 4, 5, 6]

# code: (name_es, name_en, description_es, description_en, fields, rules {phase: (quota, period, weekdays)})
PERMIT_TYPES = {
    "medical": (
        "Asistencia a establecimiento de salud",
        "Medical appointment",
        "Para ir a una consulta, examen o tratamiento. Dura 12 horas.",
        "To go to an appointment, test or treatment. Lasts 12 hours.",
        {"duration_minutes": 720, "earliest_start": "05:00", "latest_end": "23:59", "needs_reason": True,
         "ordering": 10},
        {1: (None, "week", []), 2: (None, "week", WEEKEND)},
    ),
    "shopping": (
        "Compra de insumos básicos",
        "Buying essentials",
        "Para comprar alimentos, remedios o artículos de aseo. Dura 3 horas, dos veces por semana.",
        "To buy food, medicine or cleaning supplies. Lasts 3 hours, twice a week.",
        {"duration_minutes": 180, "ordering": 20},
        {1: (2, "week", []), 2: (2, "week", WEEKEND)},
    ),
    "funeral": (
        "Funeral de un familiar",
        "Funeral of a relative",
        "Para asistir al funeral de un familiar directo. Dura 5 horas.",
        "To attend the funeral of a close relative. Lasts 5 hours.",
        {"duration_minutes": 300, "needs_reason": True, "ordering": 30},
        {1: (None, "week", []), 2: (None, "week", WEEKEND)},
    ),
    "pet_walk": (
        "Paseo de mascotas",
        "Walking a pet",
        "A dos cuadras de tu casa como máximo. Dura 30 minutos.",
        "No more than two blocks from home. Lasts 30 minutes.",
        {"duration_minutes": 30, "needs_destination": False, "ordering": 40},
        {1: (None, "week", []), 2: (None, "week", WEEKEND)},
    ),
    "disabled_outing": (
        "Salida con una persona con discapacidad",
        "Outing with a disabled person",
        "Para acompañar a una persona con discapacidad. Dura 2 horas.",
        "To go out with a disabled person. Lasts 2 hours.",
        {"duration_minutes": 120, "needs_destination": False, "ordering": 50},
        {1: (None, "week", []), 2: (None, "week", WEEKEND)},
    ),
    "bills": (
        "Pago de servicios básicos",
        "Paying bills",
        "Para pagar cuentas de luz, agua o gas. Dura 3 horas, de lunes a sábado.",
        "To pay electricity, water or gas bills. Lasts 3 hours, Monday to Saturday.",
        {"duration_minutes": 180, "weekdays": MONDAY_TO_SATURDAY, "ordering": 60},
        {1: (1, "week", []), 2: (1, "week", [6])},
    ),
    "general": (
        "Permiso general (2021)",
        "General permit (2021)",
        "Indica tu destino, no el motivo. Dura 2 horas: dos por semana en fase 1, uno el fin de semana en fase 2.",
        "Give your destination, not the reason. Lasts 2 hours: two a week in phase 1, one a weekend in phase 2.",
        {"duration_minutes": 120, "ordering": 5},
        {1: (2, "week", []), 2: (1, "weekend", WEEKEND)},
    ),
    "collective_workweek": (
        "Permiso colectivo de trabajo",
        "Collective work permit",
        "Lo pide el empleador para su lista de trabajadores. Vale de lunes a viernes.",
        "The employer requests it for its list of workers. Valid Monday to Friday.",
        {"window": "workweek", "duration_minutes": None, "is_collective": True, "needs_destination": False,
         "weekdays": [1, 2, 3, 4, 5], "effect_delay_minutes": 0, "ordering": 80},
        {1: (None, "week", []), 2: (None, "week", [])},
    ),
    "collective_weekend": (
        "Permiso colectivo de fin de semana",
        "Collective weekend permit",
        "Lo pide el empleador para su lista de trabajadores. Vale sábado y domingo.",
        "The employer requests it for its list of workers. Valid Saturday and Sunday.",
        {"window": "weekend", "duration_minutes": None, "is_collective": True, "needs_destination": False,
         "weekdays": WEEKEND, "effect_delay_minutes": 0, "ordering": 81},
        {1: (None, "week", []), 2: (None, "week", [])},
    ),
}  # fmt: skip


def permit_catalogue_seed(type_model, rule_model) -> None:
    """Create or refresh the seeded types and their rules (models passed in, so a migration can call it)."""
    for code, (name_es, name_en, description_es, description_en, options, rules) in PERMIT_TYPES.items():
        permit_type, _ = type_model.objects.update_or_create(
            code=code,
            defaults={"name_es": name_es, "name_en": name_en, "description_es": description_es,
                      "description_en": description_en, **options},
        )  # fmt: skip
        for phase, (quota, period, weekdays) in rules.items():
            rule_model.objects.update_or_create(
                permit_type=permit_type, phase=phase,
                defaults={"quota": quota, "quota_period": period, "weekdays": weekdays},
            )  # fmt: skip


def permit_catalogue_ensure() -> None:
    """Seed the catalogue when it is empty (after a flush, or on a fresh demo)."""
    from ..models import PermitRule, PermitType

    if not PermitType.objects.exists():
        permit_catalogue_seed(PermitType, PermitRule)
