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
COPY pyproject.toml README.md LICENSE ./
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
# The project's own wheel, by file: the versions are the ones built above.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-index --find-links=/wheels /wheels/ascolto-*.whl

RUN useradd --create-home --uid 10001 --user-group ascolto \
    && mkdir -p /data /app \
    && chown ascolto:ascolto /data /app

# ./config.toml is read from here if you mount one (e.g. -v ./config.toml:/app/config.toml:ro).
WORKDIR /app
USER 10001:10001
VOLUME ["/data"]

# Healthy while the bot's heartbeat is fresh and its database writable (`ascolto health`).
HEALTHCHECK --interval=60s --timeout=15s --start-period=90s --retries=3 \
    CMD ["ascolto", "health"]

# `docker stop` sends SIGTERM: the bot flushes every pending write, closes, exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["ascolto"]
CMD ["run"]
