"""Web detection figures on requests the model and the rules were not built from.

Attacks: hand-written parameter values (``tests/logs/web_attacks.tsv``, from public
documentation and advisories: see its header). Normal requests: generated here, by code and
templates of their own (a shop's registration, login, search, cart and comment forms), with
Faker in locales the training generator does not use and a seed of its own, so neither the
values nor the request shapes are the training ones. Each value is URL-encoded into one
parameter of an nginx combined access line among ordinary ones, and the line goes through the
parser and the full scorer; a request counts as flagged when its label is not ``benign``.
libinjection alone is measured on the same values (SQLi or XSS verdict on the decoded value),
as the reference the targets name.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import libinjection
from faker import Faker

from classifiers.logs.evaluation import score_all
from classifiers.logs.risk import RiskPolicy
from classifiers.logs.scoring import LogScorer, ProbabilityModel
from classifiers.logs.taxonomy import BENIGN
from classifiers.parsing import ParseFailure, parse
from classifiers.web.decode import percent_encoded

WEB_ATTACKS = Path(__file__).resolve().parents[2] / "tests" / "logs" / "web_attacks.tsv"
#: Not the training generator's locales (classifiers.logs.payloads).
EVALUATION_LOCALES = ("es_MX", "pt_PT", "fr_CA", "de_AT", "en_GB", "sv_SE", "cs_CZ", "tr_TR")
EVALUATION_SEED = 2026
NORMAL = "normal"
_PAGES = (
    "/tienda/publico/registro.jsp",
    "/tienda/publico/entrar.jsp",
    "/tienda/publico/carrito.jsp",
    "/tienda/buscar.jsp",
    "/store/account/update.php",
    "/boutique/commande/valider.php",
    "/forum/reply.aspx",
    "/shop/checkout/address",
)
_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:124.0) Gecko/20100101 Firefox/124.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "Mozilla/5.0 (compatible; Konqueror/3.5; Linux) KHTML/3.5.8 (like Gecko)",
)


@dataclass(frozen=True)
class WebCase:
    """One request parameter value and what it is (an attack family, or ``normal``)."""

    family: str
    value: str


def read_web_attacks(path: Path = WEB_ATTACKS) -> list[WebCase]:
    """The hand-written attack values (``family<TAB>value``; ``#`` lines are comments)."""
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        family, _, value = line.partition("\t")
        cases.append(WebCase(family, value))
    return cases


def _form(fake: Faker, rng: random.Random) -> list[tuple[str, str]]:
    """The fields of one ordinary form submission."""
    kind = rng.randrange(5)
    if kind == 0:  # registration
        return [
            ("nombre", fake.first_name()),
            ("apellidos", fake.last_name()),
            ("email", fake.email()),
            ("direccion", fake.street_address()),
            ("ciudad", fake.city()),
            ("cp", fake.postcode()),
            ("telefono", fake.phone_number()),
        ]
    if kind == 1:  # login
        return [("login", fake.user_name()), ("pwd", fake.password()), ("remember", "on")]
    if kind == 2:  # search
        return [("q", fake.catch_phrase() if rng.random() < 0.5 else fake.word()), ("p", "2")]
    if kind == 3:  # cart
        return [
            ("id", fake.bothify("#####")),
            ("nombre", fake.company()),
            ("precio", str(fake.pyfloat(right_digits=2, positive=True, max_value=999))),
            ("cantidad", str(rng.randint(1, 9))),
            ("B1", rng.choice(("Añadir al carrito", "Confirmar", "OK"))),
        ]
    return [("autor", fake.name()), ("texto", fake.paragraph(nb_sentences=2))]


def normal_cases(count: int = 2000, seed: int = EVALUATION_SEED) -> list[list[tuple[str, str]]]:
    """``count`` ordinary form submissions (decoded name/value pairs), deterministic."""
    fake = Faker(list(EVALUATION_LOCALES))
    fake.seed_instance(seed)
    rng = random.Random(seed)
    return [_form(fake, rng) for _ in range(count)]


def access_line(params: Sequence[tuple[str, str]], rng: random.Random) -> str:
    """An nginx combined access line requesting a page with ``params`` (URL-encoded)."""
    space = "+" if rng.random() < 0.5 else "%20"
    query = "&".join(f"{name}={percent_encoded(value, space)}" for name, value in params)
    return (
        f"203.0.113.{rng.randint(1, 254)} - - [04/Dec/2026:10:{rng.randint(10, 59)}:00 +0000] "
        f'"GET {rng.choice(_PAGES)}?{query} HTTP/1.1" {rng.choice((200, 200, 302, 404))} '
        f'{rng.randint(200, 9000)} "-" "{rng.choice(_AGENTS)}"'
    )


def _libinjection(value: str) -> bool:
    """libinjection's verdict on one value: SQL injection or XSS."""
    sqli = libinjection.is_sql_injection(value)["is_sqli"]
    return bool(sqli or libinjection.is_xss(value)["is_xss"])


def web_evaluation(
    model: ProbabilityModel,
    policy: RiskPolicy | None = None,
    attacks: Sequence[WebCase] | None = None,
    normal_count: int = 2000,
) -> dict[str, Any]:
    """Per family: requests and the share flagged (recall; for normal requests the
    false-positive rate) by the full scorer, by its web evidence alone and by libinjection
    alone, with up to five lines the scorer got wrong."""
    rng = random.Random(EVALUATION_SEED)
    attack_cases = list(attacks if attacks is not None else read_web_attacks())
    cases: list[tuple[str, str, tuple[str, ...]]] = []  # family, line, values judged
    padding = normal_cases(len(attack_cases), EVALUATION_SEED + 1)
    for case, ordinary in zip(attack_cases, padding, strict=True):
        params = [*ordinary[:2], ("id", case.value)]
        rng.shuffle(params)
        cases.append((case.family, access_line(params, rng), (case.value,)))
    for params in normal_cases(normal_count):
        cases.append((NORMAL, access_line(params, rng), tuple(v for _, v in params)))
    events = []
    for _, line, _ in cases:
        event = parse(line)
        if isinstance(event, ParseFailure):
            raise ValueError(f"evaluation line did not parse: {event.reason}: {line}")
        events.append(event)
    scores = score_all(LogScorer(model, policy or RiskPolicy(), cache_size=0), events)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    missed: dict[str, list[str]] = defaultdict(list)
    for (family, line, values), event, score in zip(cases, events, scores, strict=True):
        flagged = score.label != BENIGN
        reference = any(_libinjection(value) for value in values)
        total = counts[family]
        total[0] += 1
        total[1] += flagged
        total[2] += reference
        total[3] += "web" in event["logwarden"]
        if flagged != (family != NORMAL) and len(missed[family]) < 5:
            missed[family].append(line)
    return {
        family: {
            "requests": n,
            "flagged": round(hits / n, 4),
            "evidence_flagged": round(evidence / n, 4),
            "libinjection_flagged": round(reference / n, 4),
            "errors": missed.get(family, []),
        }
        for family, (n, hits, reference, evidence) in sorted(counts.items())
    }
