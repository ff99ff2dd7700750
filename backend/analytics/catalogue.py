"""The seeded offense-type catalogue and the alert categories each may be linked with."""

# (code, Spanish label, English label, group, compatible alert category codes)
OFFENSE_TYPES = [
    ("simple_theft", "Hurto simple", "Simple theft", "property", ["theft"]),
    (
        "vehicle_accessory_theft",
        "Robo de accesorios de vehículos",
        "Theft of vehicle accessories",
        "property",
        ["vehicle_theft", "theft", "suspicious_vehicle"],
    ),
    ("surprise_robbery", "Robo por sorpresa", "Surprise robbery", "violent", ["robbery_in_progress", "theft"]),
    ("fraud", "Estafa", "Fraud", "property", ["suspicious_person", "theft"]),
    ("found_property_theft", "Hurto de hallazgo", "Theft of found property", "property", ["theft"]),
    # An online complaint type of the Comisaría Virtual (backend/station/complaints/catalogue.py).
    ("aggravated_theft", "Hurto agravado", "Aggravated theft", "property", ["theft"]),
    (
        "robbery_with_violence",
        "Robo con violencia o intimidación",
        "Robbery with violence or intimidation",
        "violent",
        ["robbery_in_progress", "violence", "shots_fired", "vehicle_theft"],
    ),
    ("property_damage", "Daños", "Damage to property", "property", ["vandalism"]),
    # stray_dogs is the only animal-related alert category neighbours have.
    ("animal_cruelty", "Maltrato animal", "Animal cruelty", "animals", ["stray_dogs"]),
    ("embezzlement", "Apropiación indebida", "Embezzlement", "property", ["theft"]),
    ("violence", "Lesiones y violencia", "Violence", "violent", ["violence", "domestic_violence", "shots_fired"]),
    (
        "drugs",
        "Infracción a la ley de drogas",
        "Drugs",
        "drugs",
        ["drugs", "suspicious_person", "suspicious_vehicle"],
    ),
]


def offense_types_seed(offense_type_model, category_model) -> None:
    """Create or refresh the catalogue; takes the models so migrations can pass their historical ones."""
    categories = {category.code: category for category in category_model.objects.all()}
    for code, label_es, label_en, group, category_codes in OFFENSE_TYPES:
        offense_type, _ = offense_type_model.objects.update_or_create(
            code=code, defaults={"label_es": label_es, "label_en": label_en, "group": group}
        )
        offense_type.compatible_categories.set([categories[c] for c in category_codes if c in categories])
