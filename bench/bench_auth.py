"""What authenticating one API request costs: our knox-based TokenAuthentication against DRF's plain tokens.

Each round authenticates ``--requests`` requests carrying random users' tokens (``Authorization: Token …``) with
each class in turn, in one process, on the benchmark database: DRF's ``TokenAuthentication`` (one indexed
lookup of the plain key), knox's own class (lookup by key prefix, SHA-512, and a sweep of all the user's
tokens), and ours (knox without the sweep, plus the password-fingerprint check). Usage::

    .venv/bin/python bench/bench_auth.py [--users 2000] [--tokens-per-user 3] [--requests 3000] [--rounds 5]
"""

import argparse
import os
import random
import statistics
import sys
import time
import uuid

os.environ.setdefault("BENCH_DATABASE", "vigia_bench_auth")
# DRF's authtoken app, the baseline, is not installed in the project any more; this settings module adds it.
os.environ["DJANGO_SETTINGS_MODULE"] = "_auth_settings"
from _django import BENCH_DATABASE, bulk_api_tokens, machine, setup_django  # noqa: E402


def make_users(users: int, tokens_per_user: int) -> tuple[list[str], list[str]]:
    import binascii

    from django.contrib.auth.hashers import make_password
    from rest_framework.authtoken.models import Token

    from backend.accounts.models import Role, User

    prefix = f"bench-auth-{uuid.uuid4().hex[:6]}"
    password = make_password(None)
    people = User.objects.bulk_create(
        [User(username=f"{prefix}-{index}", role=Role.NEIGHBOR, password=password) for index in range(users)]
    )
    plain = Token.objects.bulk_create(
        [Token(key=binascii.hexlify(os.urandom(20)).decode(), user=person) for person in people]
    )
    knox_tokens: list[str] = []
    for _ in range(tokens_per_user):  # several devices each, as knox's sweep reads them all
        knox_tokens = bulk_api_tokens(people)
    return [token.key for token in plain], knox_tokens


def per_request_microseconds(authenticator, keys: list[str], requests: int) -> float:
    from django.db import close_old_connections
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    factory = APIRequestFactory()
    chosen = random.Random(7).choices(keys, k=requests)
    prepared = [Request(factory.get("/api/alerts/", HTTP_AUTHORIZATION=f"Token {key}")) for key in chosen]
    close_old_connections()
    started = time.perf_counter()
    for request in prepared:
        user, _ = authenticator.authenticate(request)
        assert user.is_active
    return (time.perf_counter() - started) / requests * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=2_000)
    parser.add_argument("--tokens-per-user", type=int, default=3)
    parser.add_argument("--requests", type=int, default=3_000)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()

    setup_django(precincts=False)
    from knox.auth import TokenAuthentication as KnoxTokenAuthentication
    from rest_framework.authentication import TokenAuthentication as DrfTokenAuthentication

    from backend.accounts.authentication import TokenAuthentication

    plain, knox_tokens = make_users(arguments.users, arguments.tokens_per_user)
    classes = {
        "DRF TokenAuthentication (baseline)": (DrfTokenAuthentication(), plain),
        "knox TokenAuthentication": (KnoxTokenAuthentication(), knox_tokens),
        "ours (knox, no sweep, fingerprint)": (TokenAuthentication(), knox_tokens),
    }
    for authenticator, keys in classes.values():  # warm up: imports, connection, buffer cache
        per_request_microseconds(authenticator, keys, 300)
    samples: dict[str, list[float]] = {name: [] for name in classes}
    for _ in range(arguments.rounds):
        for name, (authenticator, keys) in classes.items():
            samples[name].append(per_request_microseconds(authenticator, keys, arguments.requests))

    print(f"{machine()}; database {BENCH_DATABASE}; load average {os.getloadavg()[0]:.1f}")
    print(
        f"{arguments.users} users x {arguments.tokens_per_user} knox tokens, "
        f"{arguments.requests} requests x {arguments.rounds} rounds"
    )
    baseline = statistics.median(samples["DRF TokenAuthentication (baseline)"])
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"  {name:38s} median {median:7.1f} µs/request  ({median / baseline:.2f}x baseline)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
