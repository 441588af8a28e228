# The practice exchange as one image: the app and its static files collected. By default it
# serves the pages with gunicorn (forum.wsgi); docker-compose.yml runs the same image a second
# time as `sockets`, with uvicorn (forum.asgi) for the live threads, beside PostgreSQL, Redis
# and a proxy that routes /ws/ there. See docs/deployment.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Static files are collected into the image and served by whitenoise. The key is a throwaway:
# collectstatic needs settings to load, and settings refuse to load without one.
RUN SECRET_KEY=collectstatic-only VAR_DIR=/tmp/build-var python manage.py collectstatic --noinput \
    && rm -rf /tmp/build-var \
    && useradd --system --no-create-home --home-dir /app exchange \
    && mkdir -p /app/var/media \
    && chown -R exchange /app/var

USER exchange

ENV VAR_DIR=/app/var \
    MEDIA_ROOT=/app/var/media \
    STATIC_ROOT=/app/staticfiles \
    WEB_CONCURRENCY=2 \
    FORWARDED_ALLOW_IPS=127.0.0.1

# 8000: gunicorn, as here; 8001: uvicorn, as `sockets` in docker-compose.yml.
EXPOSE 8000 8001

# gunicorn reads WEB_CONCURRENCY (worker processes) and FORWARDED_ALLOW_IPS (trusted proxies);
# four threads a worker (docs/deployment.md has the measurement). Its control socket would go
# under $HOME, which this user may not write: off.
CMD ["gunicorn", "forum.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", "--threads", "4", "--graceful-timeout", "10", "--no-control-socket"]
