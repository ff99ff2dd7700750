"""The seeded category catalogue: (code, Spanish label, English label, agency, priority; 1 = most urgent)."""

CATEGORIES = [
    ("robbery_in_progress", "Robo en curso", "Robbery in progress", "carabineros", 1),
    ("shots_fired", "Disparos", "Shots fired", "carabineros", 1),
    ("violence", "Agresión o riña", "Violence or fight", "carabineros", 1),
    ("domestic_violence", "Violencia intrafamiliar", "Domestic violence", "carabineros", 1),
    ("suspicious_person", "Persona sospechosa", "Suspicious person", "carabineros", 2),
    ("suspicious_vehicle", "Vehículo sospechoso", "Suspicious vehicle", "carabineros", 2),
    ("theft", "Hurto o robo sin violencia", "Theft", "carabineros", 2),
    ("vehicle_theft", "Robo de vehículo o accesorios", "Vehicle or vehicle-part theft", "carabineros", 2),
    ("drugs", "Drogas", "Drugs", "carabineros", 3),
    ("vandalism", "Daños o vandalismo", "Vandalism", "carabineros", 3),
    ("fire", "Incendio", "Fire", "bomberos", 1),
    ("medical", "Emergencia médica", "Medical emergency", "ambulance", 1),
    ("street_lighting", "Alumbrado público", "Street lighting", "municipality", 4),
    ("rubbish", "Basura", "Rubbish", "municipality", 4),
    ("stray_dogs", "Perros vagos", "Stray dogs", "municipality", 4),
]


def categories_seed(category_model) -> None:
    """Create or refresh the catalogue; takes the model so migrations can pass their historical one."""
    for code, label_es, label_en, agency, priority in CATEGORIES:
        category_model.objects.update_or_create(
            code=code, defaults={"label_es": label_es, "label_en": label_en, "agency": agency, "priority": priority}
        )


# The municipal categories open to Open311 GeoReport v2 on a fresh install (administrators change this in the admin):
# (code, description, keywords, group, service notice, [(attribute code, datatype, required, question, values)]).
OPEN311_SERVICES = [
    (
        "street_lighting",
        "Luminaria apagada, intermitente o dañada en la vía pública.",
        "alumbrado, luminaria, poste, luz",
        "municipal",
        "La municipalidad revisa los reportes de alumbrado en días hábiles.",
        [("pole_number", "string", False, "Número del poste, si se ve", [])],
    ),
    (
        "rubbish",
        "Basura o escombros acumulados en la vía pública, o microbasural.",
        "basura, microbasural, escombros",
        "municipal",
        "La municipalidad programa el retiro según la ruta de aseo.",
        [],
    ),
    (
        "stray_dogs",
        "Perros sin dueño que causan riesgo en la vía pública.",
        "perros, jauría, animales",
        "municipal",
        "La municipalidad deriva el reporte a su programa de tenencia responsable.",
        [
            (
                "dog_count",
                "singlevaluelist",
                True,
                "¿Cuántos perros hay?",
                [
                    {"key": "1", "name": "Uno"},
                    {"key": "2-4", "name": "De dos a cuatro"},
                    {"key": "5+", "name": "Cinco o más"},
                ],
            )
        ],
    ),
]


def open311_services_seed(category_model, service_model, attribute_model) -> None:
    """Open the municipal categories to Open311 with their questions; takes models so migrations can pass theirs."""
    for code, description, keywords, group, notice, attributes in OPEN311_SERVICES:
        category = category_model.objects.filter(code=code).first()
        if category is None:
            continue
        service, _ = service_model.objects.update_or_create(
            category=category,
            defaults={"is_open": True, "description": description, "keywords": keywords, "group": group,
                      "service_notice": notice},
        )  # fmt: skip
        for order, (attribute_code, datatype, required, question, values) in enumerate(attributes, start=1):
            attribute_model.objects.update_or_create(
                service=service,
                code=attribute_code,
                defaults={"datatype": datatype, "required": required, "description": question, "order": order,
                          "values": values},
            )  # fmt: skip
