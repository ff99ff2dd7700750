"""Voter excuse pages: the voter's form with the distance check and their request's status; the officers' desk
(any police unit) where identity is confirmed in person and the excuse issued."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.cache import never_cache

from backend.common.errors import DomainError
from backend.station.elections import clock
from backend.station.elections.selectors import (
    chile_date,
    election_open,
    excuse_desk,
    excuse_for_desk,
    polling_station_of,
    run_number,
    voter_excuse_of,
    voter_excuses_of,
)
from backend.station.elections.serializers import ExcuseConfirmSerializer, ExcuseFileSerializer
from backend.station.elections.services import voter_excuse_confirm, voter_excuse_file
from backend.station.models import EXCUSE_MINIMUM_METERS, VoterExcuseStatus

from ..page_config import base_config, url_pattern
from .forms import flat_errors
from .views import officer_required, verified_citizen_required

FORM_LABELS = {
    "location": gettext_noop("Where you are now"),
    "lat": gettext_noop("Latitude"),
    "lon": gettext_noop("Longitude"),
    "position_source": gettext_noop("Where you are now"),
    "contact_email": gettext_noop("Email for the excuse"),
}
NEXT_STEPS = {
    VoterExcuseStatus.PENDING: gettext_noop(
        "Go today, before 23:59, to any police unit with your identity card and this folio. "
        "An officer confirms who you are, and we email you the excuse."
    ),
    VoterExcuseStatus.ISSUED: gettext_noop("Your excuse was issued and emailed to you. You can also download it here."),
    VoterExcuseStatus.LAPSED: gettext_noop(
        "Nobody confirmed your identity on election day, so this request lapsed and no excuse was issued."
    ),
}


def _anchor(name: str) -> str:
    return {"location": "id_lat", "position_source": "id_lat"}.get(name, f"id_{name}")


@never_cache
@verified_citizen_required
def excuse_form(request):
    now = clock.now()
    try:
        election = election_open(now=now)
    except DomainError as error:
        return render(request, "station/elections/closed.html", {"reason": error.message}, status=200)
    existing = voter_excuses_of(voter=request.user).filter(election=election).first()
    if existing is not None:
        return redirect("dashboards:station-excuse", folio=existing.folio)
    try:
        station, station_error = polling_station_of(run=run_number(request.user.rut)), None
    except DomainError as error:
        station, station_error = None, error.message
    values = {"contact_email": request.user.email, "position_source": "map"}
    errors, distance = {}, None
    if request.method == "POST":
        values = request.POST.dict()
        serializer = ExcuseFileSerializer(data=values)
        if serializer.is_valid():
            try:
                excuse = voter_excuse_file(voter=request.user, now=now, **serializer.validated_data)
            except DomainError as error:
                errors = flat_errors({error.field or "non_field_errors": [error.message]})
                distance = error.extra.get("distance_meters")
            else:
                return redirect(f"{reverse('dashboards:station-excuse', kwargs={'folio': excuse.folio})}?nuevo=1")
        else:
            errors = flat_errors(serializer.errors)
    summary = [
        {"anchor": _anchor(name), "label": gettext(FORM_LABELS[name]) if name in FORM_LABELS else "", "message": text}
        for name, texts in errors.items()
        for text in texts
    ]
    return render(
        request,
        "station/elections/excuse_form.html",
        {
            "election": election,
            "station": station,
            "station_error": station_error,
            "values": values,
            "errors": errors,
            "summary": summary,
            "refused_distance": distance,
            "minimum_km": EXCUSE_MINIMUM_METERS // 1000,
            "config": {**base_config(request), "urls": {**base_config(request)["urls"], "check": _check_url()}},
        },
        status=400 if errors else 200,
    )


def _check_url() -> str:
    return url_pattern("station:elections:check")


@never_cache
@verified_citizen_required
def my_excuses(request):
    return render(request, "station/elections/my_excuses.html", {"excuses": voter_excuses_of(voter=request.user)})


@never_cache
@verified_citizen_required
def excuse_status(request, folio: str):
    try:
        excuse = voter_excuse_of(voter=request.user, folio=folio)
    except DomainError as error:
        raise Http404 from error
    return render(
        request,
        "station/elections/excuse_status.html",
        {"excuse": excuse, "next_step": NEXT_STEPS[excuse.status], "just_filed": request.GET.get("nuevo") == "1"},
    )


@never_cache
@officer_required
def desk(request):
    query = request.GET.get("q", "").strip()[:20]
    excuses = excuse_desk(now=clock.now(), query=query)
    if query and len(excuses) == 1:
        return redirect("dashboards:station-excuse-desk-detail", folio=excuses[0].folio)
    return render(request, "station/elections/desk.html", {"excuses": excuses, "query": query})


@never_cache
@officer_required
def desk_detail(request, folio: str):
    try:
        excuse = excuse_for_desk(folio=folio)
    except DomainError as error:
        raise Http404 from error
    errors = {}
    if request.method == "POST":
        serializer = ExcuseConfirmSerializer(data=request.POST)
        if serializer.is_valid():
            try:
                excuse = voter_excuse_confirm(
                    officer=request.user, folio=folio, now=clock.now(), **serializer.validated_data
                )
            except DomainError as error:
                errors = flat_errors({error.field or "non_field_errors": [error.message]})
            else:
                messages.success(
                    request,
                    gettext("Excuse {folio} issued. We email it to {email}.").format(
                        folio=excuse.document.folio, email=excuse.contact_email
                    ),
                )
                return redirect(request.path)
        else:
            errors = flat_errors(serializer.errors)
    return render(
        request,
        "station/elections/desk_detail.html",
        {"excuse": excuse, "errors": errors, "is_today": excuse.election.election_date == _today()},
        status=400 if errors else 200,
    )


def _today():
    return chile_date(clock.now())
