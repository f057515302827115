# The production image: runtime dependencies only (requirements.prod.lock, no test tools), the PostgreSQL
# client for the restore drill, and no secrets (.dockerignore keeps .env out; settings come at run time).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# The PostgreSQL client for the restore drill; WeasyPrint (the case chronology PDF) draws with Pango and needs a font.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends \
        postgresql-client libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.prod.lock .
RUN pip install --no-cache-dir -r requirements.prod.lock
COPY . .
# collectstatic needs production settings; throwaway keys made here, used for nothing else.
RUN DJANGO_DEBUG=false \
    DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    FIELD_ENCRYPTION_KEYS="$(python -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')" \
    python manage.py collectstatic --noinput
RUN useradd --create-home peersupport
USER peersupport
EXPOSE 8000
# The same server and flags as docker-compose.yml's web service (docs/performance.md).
CMD ["uvicorn", "peersupport.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--no-proxy-headers", \
     "--ws-per-message-deflate", "false", "--ws-max-size", "65536", "--lifespan", "off", "--no-access-log"]
