"""Web request evidence: decoded request values judged by libinjection and a small rule set.

The log model read raw URLs and learned "an unusual value means an attack" (17-21% of normal
requests alerted on real traffic). Payloads are judged here instead, precisely and after
decoding; the model keeps judging the rest of the line (see :mod:`classifiers.web.view`).
"""
