"""Demo accounts, zones and live alerts over the loaded South Precinct fixture; safe to run again."""

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from django.contrib.gis.geos import Point, Polygon
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import Agency, Role, User
from backend.accounts.services import user_password_set
from backend.alerts.community.services import zone_create
from backend.alerts.incidents.information import information_add
from backend.alerts.incidents.services import AlertInput, alert_create, alert_transition
from backend.alerts.models import Alert, AlertStatus, Zone
from backend.geo.models import Precinct, Prefecture
from backend.geo.services import address_register
from backend.station.models import ComunaPhase, Election, FallenOfficer, Registry, RegistryBatch
from backend.station.registries.services import registry_batch_import

DEMO_PASSWORD = "vigia-demo-2025"
SYNTHETIC_COMMAND = "load_synthetic_demo"
# Two years and the current month: the 52-week trends need the same weeks a year earlier, and YTD its prior year.
SYNTHETIC_MONTHS = 25
# Paso a Paso phases of the demo's comunas (the rest are in phase 2): the 2021 general permit and the phase rules.
DEMO_PHASES = {"13105": 1, "13131": 1}
REGISTRY_SAMPLES = Path(__file__).resolve().parents[3] / "fixtures" / "registries"
ERROR_NO_PRECINCTS = (
    "Load the precinct boundaries first: manage.py load_precincts fixtures/precincts/south_precinct.geojson"
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    role: str
    agency: str = ""
    phone: str = ""


ACCOUNTS = (
    DemoAccount("vecino", "Vicente", "Rojas", Role.NEIGHBOR, phone="+56 9 1234 5678"),
    DemoAccount("vecina", "Valentina", "Muñoz", Role.NEIGHBOR, phone="+56 9 8765 4321"),
    DemoAccount("despacho", "Daniela", "Soto", Role.DISPATCHER, phone="+56 2 2922 0000"),
    DemoAccount("mando", "Manuel", "Contreras", Role.COMMANDER),
    DemoAccount("bomberos", "Benjamín", "Fuentes", Role.AGENCY_OPERATOR, agency=Agency.BOMBEROS),
    DemoAccount("admin", "Ana", "Administradora", Role.ADMINISTRATOR),
    DemoAccount("comisaria", "Carla", "Pizarro", Role.STATION_OFFICER, phone="+56 2 2922 0100"),
)

# (idempotency key, reporter, category, precinct code, offset east/north in degrees, description, steps)
DEMO_ALERTS = (
    ("demo-1", "vecina", "robbery_in_progress", "13111", (0.0, 0.0), "Dos hombres forzando la puerta de un auto.", []),
    ("demo-2", "vecina", "suspicious_vehicle", "13111", (0.0008, 0.0005), "Auto gris sin patente dando vueltas.",
     [AlertStatus.ACKNOWLEDGED, AlertStatus.CONTACTED]),
    ("demo-3", "vecina", "violence", "13131", (0.002, -0.001), "Pelea frente al almacén.",
     [AlertStatus.ACKNOWLEDGED, AlertStatus.UNIT_DISPATCHED, AlertStatus.ON_SCENE]),
    ("demo-4", "vecina", "theft", "13105", (-0.002, 0.001), "Me robaron la bicicleta del antejardín.",
     [AlertStatus.ACKNOWLEDGED, AlertStatus.CONTACTED, AlertStatus.RESOLVED]),
    ("demo-5", "vecina", "fire", "13112", (0.001, 0.002), "Sale humo de una casa en la esquina.", []),
    ("demo-6", "vecino", "robbery_in_progress", "13111", (0.0004, -0.0003), "Veo a dos personas rompiendo un vidrio.",
     []),
)  # fmt: skip
DEMO_INFORMATION = ("demo-2", "vecino", "El auto ahora está estacionado frente a la plaza.")
STEP_NOTES = {
    AlertStatus.ACKNOWLEDGED: "Recibido en la central.",
    AlertStatus.CONTACTED: "Llamamos a la vecina; describe el vehículo.",
    AlertStatus.UNIT_DISPATCHED: "Radiopatrulla en camino.",
    AlertStatus.ON_SCENE: "Carabineros en el lugar.",
    AlertStatus.RESOLVED: "Procedimiento terminado.",
}
HOME_ZONE_RADIUS_METERS = 1_500

URLS = (
    ("/alerta/", "vecino", "alert button (PWA)"),
    ("/comunidad/", "vecino", "community map, zones and notifications"),
    ("/despacho/", "despacho, bomberos, admin", "dispatch console"),
    ("/mando/", "mando, admin", "commander dashboard (STOP pack)"),
    ("/comisaria/", "ClaveÚnica test RUN", "Comisaría Virtual: complaints, constancias, permits and the rest"),
    ("/comisaria/denuncia-anonima/", "anyone", "anonymous tip (no account)"),
    ("/comisaria/permisos/", "ClaveÚnica test RUN", "safe-conduct permit (55.555.555-5 is in quarantine)"),
    ("/comisaria/revision/", "comisaria, admin", "station officers' complaint review"),
    ("/comisaria/control/", "comisaria, admin", "checkpoint: scan a permit's QR"),
    ("/comisaria/excusa-electoral/", "ClaveÚnica test RUN", "voter excuse (a demo election is open today)"),
    ("/verificar/", "anyone", "check a complaint receipt or a constancia"),
    ("/admin/", "admin", "administration"),
)


def _anchor(precinct: Precinct) -> tuple[float, float]:
    """(lat, lon) of a point surely inside the precinct."""
    point = precinct.boundary.point_on_surface
    return point.y, point.x


class Command(BaseCommand):
    help = "Create demo accounts (one per role), zones and alerts at different steps, and the synthetic analytics."

    def add_arguments(self, parser):
        parser.add_argument("--skip-synthetic", action="store_true", help=f"do not run {SYNTHETIC_COMMAND}")

    def handle(self, *args, skip_synthetic: bool = False, **options):
        precincts = {precinct.code: precinct for precinct in Precinct.objects.all()}
        if not precincts:
            raise CommandError(ERROR_NO_PRECINCTS)
        with transaction.atomic():
            users = self._accounts(precincts)
            self._zones(users["vecino"], precincts)
            created = self._alerts(users, precincts)
            self._permit_phases(precincts)
        self.stdout.write(f"Demo alerts: {created} created, {len(DEMO_ALERTS) - created} already there.")
        self._registries()
        self._station_services(precincts)
        if not skip_synthetic and SYNTHETIC_COMMAND in get_commands():
            self.stdout.write(f"Loading synthetic analytics data ({SYNTHETIC_COMMAND} --months {SYNTHETIC_MONTHS})…")
            call_command(SYNTHETIC_COMMAND, months=SYNTHETIC_MONTHS, stdout=self.stdout)
        self._summary()

    def _accounts(self, precincts: dict[str, Precinct]) -> dict[str, User]:
        prefecture = Prefecture.objects.order_by("code").first()
        users = {}
        for account in ACCOUNTS:
            user, _ = User.objects.update_or_create(
                username=account.username,
                defaults={
                    "first_name": account.first_name,
                    "last_name": account.last_name,
                    "email": f"{account.username}@demo.vigia.cl",
                    "role": account.role,
                    "agency": account.agency,
                    "phone": account.phone,
                    "is_staff": account.role == Role.ADMINISTRATOR,
                    "is_superuser": account.role == Role.ADMINISTRATOR,
                    "prefecture": prefecture if account.role == Role.COMMANDER else None,
                },
            )
            user_password_set(user=user, password=DEMO_PASSWORD)
            if account.role in (Role.DISPATCHER, Role.AGENCY_OPERATOR, Role.COMMANDER, Role.STATION_OFFICER):
                user.precincts.set(precincts.values())
            users[account.username] = user
        return users

    def _zones(self, neighbor: User, precincts: dict[str, Precinct]) -> None:
        lat, lon = _anchor(precincts.get("13111") or next(iter(precincts.values())))
        address_register(user=neighbor, lat=lat, lon=lon)
        if Zone.objects.filter(member=neighbor).exists():
            return
        zone_create(
            member=neighbor, name="Casa", center=Point(lon, lat, srid=4326), radius_meters=HOME_ZONE_RADIUS_METERS
        )
        work_lat, work_lon = _anchor(precincts.get("13131") or next(iter(precincts.values())))
        half = 0.006
        box = Polygon.from_bbox((work_lon - half, work_lat - half, work_lon + half, work_lat + half))
        box.srid = 4326
        zone_create(member=neighbor, name="Trabajo", boundary=box)

    def _alerts(self, users: dict[str, User], precincts: dict[str, Precinct]) -> int:
        created = 0
        dispatcher = users["despacho"]
        for key, reporter_name, category, code, (east, north), description, steps in DEMO_ALERTS:
            reporter = users[reporter_name]
            if Alert.objects.filter(reporter=reporter, idempotency_key=key).exists():
                continue
            precinct = precincts.get(code) or next(iter(precincts.values()))
            lat, lon = _anchor(precinct)
            data = AlertInput(
                category=category, lat=lat + north, lon=lon + east, accuracy_meters=12.0, description=description
            )
            alert = alert_create(reporter=reporter, data=data, idempotency_key=key).alert
            actor = users["bomberos"] if alert.agency == Agency.BOMBEROS else dispatcher
            for status in steps:
                alert_transition(alert_id=alert.id, actor=actor, status=status, note=STEP_NOTES.get(status, ""))
            created += 1
        key, author_name, text = DEMO_INFORMATION
        alert = Alert.objects.filter(idempotency_key=key).first()
        if alert is not None and not alert.information.exists():
            information_add(alert_id=alert.id, author=users[author_name], text=text)
        return created

    def _permit_phases(self, precincts: dict[str, Precinct]) -> None:
        since = timezone.localdate() - dt.timedelta(days=7)
        for code, precinct in precincts.items():
            ComunaPhase.objects.update_or_create(
                precinct=precinct, defaults={"phase": DEMO_PHASES.get(code, 2), "since": since}
            )

    def _registries(self) -> None:
        """Today's batch of each registry: health and custody answers go stale after a day and then refuse (fail
        closed), so the demo's are written for today, with 55.555.555-5 in quarantine and 99.999.999-9 in custody."""
        today = timezone.localdate()
        files = {
            Registry.HEALTH: ("health.csv", "run,kind,valid_from,valid_until,reference\n"
                              f"55555555-5,positive_test,{today - dt.timedelta(days=2)},"
                              f"{today + dt.timedelta(days=12)},EPIVIGILA-DEMO-0001\n"),
            Registry.CUSTODY: ("custody.csv", "run,kind,valid_from,valid_until,reference\n"
                               f"99999999-9,night_confinement,{today - dt.timedelta(days=30)},,RIT-DEMO-2026\n"),
            Registry.CIVIL: ("civil.csv", (REGISTRY_SAMPLES / "civil.csv").read_text()),
            Registry.EMPLOYER: ("employer.json", (REGISTRY_SAMPLES / "employer.json").read_text()),
        }  # fmt: skip
        for registry, (name, text) in files.items():
            if RegistryBatch.objects.filter(registry=registry, is_current=True, effective_date=today).exists():
                continue
            registry_batch_import(
                registry=registry, stream=io.BytesIO(text.encode()), source=f"demo:{name}", effective_date=today
            )
        self.stdout.write(f"Registries: today's demo batches ({today}); re-run demo_setup tomorrow, or they go stale.")

    def _station_services(self, precincts: dict[str, Precinct]) -> None:
        """An election today (voter excuses open only on election day) over the sample polling registry, and one
        clearly fictional book in the condolence book, so every station page has something to show."""
        call_command("polling_registry_load", sample=True, stdout=self.stdout)
        today = timezone.localdate()
        Election.objects.get_or_create(election_date=today, defaults={"name": "Elección de demostración"})
        FallenOfficer.objects.get_or_create(
            slug="ejemplo-demostracion",
            defaults={
                "name": "Funcionario de ejemplo (demostración)",
                "rank": "Sargento Segundo",
                "unit": "Comisaría de ejemplo",
                "died_on": today - dt.timedelta(days=400),
                "biography": "Registro ficticio de la demostración: los libros reales los crea un administrador.",
                "precinct": precincts.get("13131") or next(iter(precincts.values())),
            },
        )

    def _summary(self) -> None:
        self.stdout.write(self.style.SUCCESS("\nDemo ready. Every demo account's password: " + DEMO_PASSWORD))
        for account in ACCOUNTS:
            self.stdout.write(f"  {account.username:<10} {Role(account.role).label}")
        self.stdout.write(
            "  ClaveÚnica (local test provider): 44.444.444-4, 55.555.555-5, 88.888.888-8 or 99.999.999-9"
        )
        self.stdout.write("\nOpen (log in at /accounts/login/):")
        for path, who, what in URLS:
            self.stdout.write(f"  {path:<13} {who:<26} {what}")
