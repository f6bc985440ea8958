# Ascolto in a container: build the wheels, then install them into a clean image.
#   docker build -t ascolto .
#   docker run -d --name ascolto --restart unless-stopped \
#       --env-file .env -v ascolto-data:/data ascolto
# (.env holds DISCORD_TOKEN=...; see the README.)

# --- build: the project's wheel and the wheels of everything it depends on ---
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
RUN pip wheel --wheel-dir /wheels .

# --- runtime: only the installed bot, no build tools, not root ---
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ASCOLTO_DATABASE__PATH=/data/ascolto.db

# Time zones come from the tzdata Python package, a dependency: no OS package needed.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-index --find-links=/wheels ascolto

RUN useradd --create-home --uid 10001 --user-group ascolto \
    && mkdir -p /data /app \
    && chown ascolto:ascolto /data /app

# ./config.toml is read from here if you mount one (e.g. -v ./config.toml:/app/config.toml:ro).
WORKDIR /app
USER ascolto
VOLUME ["/data"]

ENTRYPOINT ["ascolto"]
CMD ["run"]
