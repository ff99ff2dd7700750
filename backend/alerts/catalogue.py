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
