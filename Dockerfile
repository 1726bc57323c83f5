# syntax=docker/dockerfile:1
# logwarden worker image: `docker build -t logwarden:0.1.0 .` (see helm/logwarden/README.md).
#
# Two stages: the build stage has compilers and builds every wheel, and the mypyc-compiled
# parser, into a virtual environment; the runtime stage copies only that environment onto a
# clean slim base.
# Only the core (serving) dependencies are installed: ONNX Runtime + tokenizers, no torch.
# The shipped quantised models are package data of `classifiers`, so `pip install .`
# bakes them into the image.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/logwarden
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY requirements/serve.lock ./requirements/
COPY stream ./stream
COPY classifiers ./classifiers
COPY connectors ./connectors
# The dependencies exactly as locked (hashes checked), then the project itself without
# resolving anything again. LOGWARDEN_COMPILE_PARSER=1: setup.py compiles the parser with mypyc
# (docs/benchmarks.md); the last check runs outside /src so that it imports the installed
# package, not these sources.
RUN /opt/logwarden/bin/pip install --upgrade pip \
    && /opt/logwarden/bin/pip install --require-hashes -r requirements/serve.lock \
    && LOGWARDEN_COMPILE_PARSER=1 /opt/logwarden/bin/pip install --no-deps . \
    && /opt/logwarden/bin/python -m compileall -q /opt/logwarden/lib \
    && /opt/logwarden/bin/logwarden --help > /dev/null \
    && cd / && /opt/logwarden/bin/python -c "from classifiers.parsing import parser_build as b; assert b() == 'mypyc', b()"

FROM ${PYTHON_IMAGE} AS runtime
LABEL org.opencontainers.image.title="logwarden" \
      org.opencontainers.image.description="Streaming log analysis worker: Kafka -> Faust -> SLM classifier -> Elasticsearch" \
      org.opencontainers.image.licenses="Apache-2.0"
# Fixed non-root identity; the Helm chart's securityContext uses the same numbers.
ARG UID=10001
ARG GID=10001
RUN groupadd --system --gid "${GID}" logwarden \
    && useradd --system --uid "${UID}" --gid "${GID}" --no-create-home \
        --home-dir /var/lib/logwarden --shell /usr/sbin/nologin logwarden \
    && install -d -o "${UID}" -g "${GID}" -m 0750 /var/lib/logwarden
COPY --from=build /opt/logwarden /opt/logwarden
# Bytecode is compiled at build time: the root filesystem is read-only in the cluster.
ENV PATH=/opt/logwarden/bin:${PATH} \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HF_HUB_OFFLINE=1 \
    LOGWARDEN_STATE_DIR=/var/lib/logwarden \
    LOGWARDEN_OUTPUT_FILE=/var/lib/logwarden/alerts.ndjson
WORKDIR /var/lib/logwarden
USER ${UID}:${GID}
EXPOSE 6066
# No HEALTHCHECK: Kubernetes probes /livez and /readyz on the web port.
ENTRYPOINT ["logwarden"]
CMD ["run"]
