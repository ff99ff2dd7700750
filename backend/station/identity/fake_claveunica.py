"""A local ClaveÚnica for the demo and the tests: the real protocol on loopback, with the four sandbox RUNs.

It serves what the state's integration manual describes, under the same paths:

* ``GET /openid/.well-known/openid-configuration`` and ``GET /openid/jwks``;
* ``GET /openid/authorize/``: a page to pick one of the test people (it checks client, redirect URI,
  ``response_type=code``, the scope and a ``state`` of at least 30 characters); picking one redirects
  back with a code that lives 5 minutes;
* ``POST /openid/token/`` (form-encoded, with the client secret, code, redirect URI and state): an access
  token and an RS256 ID token carrying the nonce;
* ``POST /openid/userinfo/`` with the Bearer token: ClaveÚnica's claim shape (GET is refused, as a
  reminder that the real service wants POST);
* ``GET /api/v1/accounts/app/logout?redirect=…``: ends the session and redirects.

Tests can make it misbehave (``misbehave``: ``"foreign_key"`` signs with a key it does not publish,
``"wrong_nonce"``, ``"wrong_audience"``) and read ``requests`` to see what the client sent.
Run it for the demo with ``manage.py claveunica_fake``. Standard library plus joserfc; no Django.
"""

from __future__ import annotations

import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

from joserfc import jwt
from joserfc.jwk import RSAKey

CODE_LIFETIME_SECONDS = 300
TOKEN_LIFETIME_SECONDS = 3600
MINIMUM_STATE_LENGTH = 30


@dataclass(frozen=True)
class TestPerson:
    numero: int
    dv: str
    nombres: tuple[str, ...]
    apellidos: tuple[str, ...]

    @property
    def run(self) -> str:
        return f"{self.numero}-{self.dv}"

    @property
    def display_run(self) -> str:
        digits = f"{self.numero:,}".replace(",", ".")
        return f"{digits}-{self.dv}"


# The sandbox accepts only these RUNs (integration manual); the names are made up.
TEST_PEOPLE = (
    TestPerson(44444444, "4", ("María", "José"), ("González", "Soto")),
    TestPerson(55555555, "5", ("Juan", "Pablo"), ("Muñoz", "Rojas")),
    TestPerson(88888888, "8", ("Camila",), ("Díaz", "Fuentes")),
    TestPerson(99999999, "9", ("Diego", "Andrés"), ("Silva", "Morales")),
)


@dataclass
class _Grant:
    person: TestPerson
    client_id: str
    redirect_uri: str
    nonce: str | None
    expires_at: float


@dataclass
class FakeClaveUnica:
    """The provider's state; ``serve()`` starts it on loopback in a thread, ``url`` is its base URL."""

    client_id: str = "vigia-test"
    client_secret: str = "vigia-test-secret"
    host: str = "127.0.0.1"
    port: int = 0
    misbehave: str | None = None
    requests: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.signing_key = RSAKey.generate_key(2048, parameters={"kid": f"fake-{secrets.token_hex(4)}"})
        self.foreign_key = RSAKey.generate_key(2048, parameters={"kid": self.signing_key.kid})
        self.lock = threading.Lock()
        self.grants: dict[str, _Grant] = {}
        self.access_tokens: dict[str, tuple[TestPerson, float]] = {}
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def issuer(self) -> str:
        return f"{self.url}/openid"

    def reset(self) -> None:
        with self.lock:
            self.misbehave = None
            self.requests.clear()

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize/",
            "token_endpoint": f"{self.issuer}/token/",
            "userinfo_endpoint": f"{self.issuer}/userinfo/",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.url}/api/v1/accounts/app/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "run", "name"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "claims_supported": ["sub", "RolUnico", "name"],
        }

    def jwks(self) -> dict:
        return {"keys": [{**self.signing_key.as_dict(private=False), "alg": "RS256", "use": "sig"}]}

    def userinfo(self, person: TestPerson) -> dict:
        return {
            "sub": str(person.numero % 10_000_000),
            "RolUnico": {"DV": person.dv, "numero": person.numero, "tipo": "RUN"},
            "name": {"apellidos": list(person.apellidos), "nombres": list(person.nombres)},
        }

    # The protocol

    def authorize_error(self, query: dict) -> str | None:
        if query.get("client_id") != self.client_id:
            return "unknown client_id"
        if query.get("response_type") != "code":
            return "response_type must be code"
        if not {"openid", "run"} <= set(query.get("scope", "").split()):
            return "scope must include openid and run"
        if len(query.get("state", "")) < MINIMUM_STATE_LENGTH:
            return f"state must have at least {MINIMUM_STATE_LENGTH} characters"
        redirect = urlparse(query.get("redirect_uri", ""))
        if redirect.scheme not in ("http", "https") or redirect.query:
            return "redirect_uri must be absolute and carry no query string"
        return None

    def grant(self, query: dict, numero: int) -> str:
        person = next(person for person in TEST_PEOPLE if person.numero == numero)
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.grants[code] = _Grant(
                person,
                query["client_id"],
                query["redirect_uri"],
                query.get("nonce"),
                time.time() + CODE_LIFETIME_SECONDS,
            )
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"

    def token(self, form: dict) -> tuple[int, dict]:
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return 401, {"error": "invalid_client"}
        with self.lock:
            grant = self.grants.pop(form.get("code", ""), None)
        if grant is None or grant.expires_at < time.time():
            return 400, {"error": "invalid_grant"}
        if grant.redirect_uri != form.get("redirect_uri") or grant.client_id != form.get("client_id"):
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri does not match"}
        if not form.get("state"):
            return 400, {"error": "invalid_request", "error_description": "state is required"}
        access_token = secrets.token_urlsafe(32)
        with self.lock:
            self.access_tokens[access_token] = (grant.person, time.time() + TOKEN_LIFETIME_SECONDS)
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": self.userinfo(grant.person)["sub"],
            "aud": "someone-else" if self.misbehave == "wrong_audience" else self.client_id,
            "iat": now,
            "exp": now + TOKEN_LIFETIME_SECONDS,
            "auth_time": now,
        }
        if grant.nonce is not None:
            claims["nonce"] = "not-your-nonce" if self.misbehave == "wrong_nonce" else grant.nonce
        key = self.foreign_key if self.misbehave == "foreign_key" else self.signing_key
        id_token = jwt.encode({"alg": "RS256", "kid": key.kid, "typ": "JWT"}, claims, key)
        return 200, {
            "access_token": access_token,
            "token_type": "bearer",
            "expires_in": TOKEN_LIFETIME_SECONDS,
            "id_token": id_token,
        }

    def person_for_bearer(self, authorization: str) -> TestPerson | None:
        if not authorization.lower().startswith("bearer "):
            return None
        with self.lock:
            entry = self.access_tokens.get(authorization[7:].strip())
        if entry is None or entry[1] < time.time():
            return None
        return entry[0]

    # Serving

    def serve(self) -> FakeClaveUnica:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _record(self, body: bytes = b"") -> tuple[str, dict]:
                parsed = urlparse(self.path)
                with provider.lock:
                    provider.requests.append(
                        {"method": self.command, "path": parsed.path, "headers": dict(self.headers), "body": body}
                    )
                return parsed.path, {key: values[0] for key, values in parse_qs(parsed.query).items()}

            def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def _json(self, status: int, payload: dict) -> None:
                self._send(status, json.dumps(payload).encode(), "application/json")

            def _redirect(self, location: str) -> None:
                self._send(302, b"", "text/plain", {"Location": location})

            def do_GET(self):  # noqa: N802 - http.server's naming
                path, query = self._record()
                if path == "/openid/.well-known/openid-configuration":
                    return self._json(200, provider.discovery())
                if path == "/openid/jwks":
                    return self._json(200, provider.jwks())
                if path == "/openid/authorize/":
                    error = provider.authorize_error(query)
                    if error:
                        return self._send(400, error.encode(), "text/plain; charset=utf-8")
                    return self._send(200, _picker_page(query).encode(), "text/html; charset=utf-8")
                if path == "/api/v1/accounts/app/logout":
                    return self._redirect(query.get("redirect") or "/")
                if path == "/openid/userinfo/":
                    return self._json(405, {"error": "use POST"})
                return self._json(404, {"error": "not found"})

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path, _ = self._record(body)
                form = {key: values[0] for key, values in parse_qs(body.decode()).items()}
                if path == "/openid/authorize/":
                    error = provider.authorize_error(form)
                    if error or not form.get("run", "").isdigit():
                        return self._send(400, (error or "pick a person").encode(), "text/plain; charset=utf-8")
                    numero = int(form["run"])
                    if numero not in {person.numero for person in TEST_PEOPLE}:
                        return self._send(400, b"only the test RUNs", "text/plain; charset=utf-8")
                    return self._redirect(provider.grant(form, numero))
                if path == "/openid/token/":
                    return self._json(*provider.token(form))
                if path == "/openid/userinfo/":
                    person = provider.person_for_bearer(self.headers.get("Authorization", ""))
                    if person is None:
                        return self._json(401, {"error": "invalid_token"})
                    return self._json(200, provider.userinfo(person))
                return self._json(404, {"error": "not found"})

        self.server = ThreadingHTTPServer((self.host, self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def close(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def _picker_page(query: dict) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">'
        for name, value in query.items()
        if name in ("client_id", "response_type", "scope", "redirect_uri", "state", "nonce")
    )
    buttons = "".join(
        f'<li><button type="submit" name="run" value="{person.numero}">'
        f"{html.escape(' '.join(person.nombres + person.apellidos))} · RUN {person.display_run}</button></li>"
        for person in TEST_PEOPLE
    )
    return (
        '<!doctype html><html lang="es"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>ClaveÚnica de prueba</title>"
        "<style>body{font-family:sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}"
        "button{display:block;width:100%;min-height:44px;margin:.5rem 0;font-size:1rem}"
        "ul{list-style:none;padding:0}</style></head><body>"
        "<h1>ClaveÚnica de prueba</h1>"
        "<p>Este es un ClaveÚnica local para la demostración. Elige a una persona de prueba.</p>"
        f'<form method="post" action="/openid/authorize/">{hidden}<ul>{buttons}</ul></form>'
        "</body></html>"
    )
