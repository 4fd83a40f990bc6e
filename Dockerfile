# One build, two images: `web` (the app: web replicas, the worker and the one-shot migrate all run it) and
# `proxy` (nginx with the same build's collected static files). `docker build .` gives `web`.

FROM python:3.11-slim-bookworm AS app

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# Pango, HarfBuzz-subset (fast font subsetting) and CJK fonts are for the print edition (PDF);
# libpq comes with psycopg[binary].
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# With production settings (DEBUG=0): the hashed, compressed files and the manifest that {% static %}
# reads at run time. The key only lets the settings load; it signs nothing.
RUN DEBUG=0 SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

# media/ and var/ are for a single machine without a bucket or Redis (`docker run` of this image alone).
RUN useradd --create-home app && mkdir -p /app/media /app/var && chown -R app /app/media /app/var
USER app

EXPOSE 8000
# Migrations are not run here: with several replicas they would race. docker compose runs them once
# (service `migrate`); elsewhere run `python manage.py migrate` before starting new replicas.
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"]


# The proxy in front of the web replicas (deploy/nginx.conf.template): /static/ from this build's files.
FROM nginx:1.28-alpine AS proxy
COPY --from=app /app/staticfiles /srv/static
COPY deploy/nginx.conf.template /etc/nginx/templates/default.conf.template


FROM app AS web
