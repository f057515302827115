FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# WeasyPrint (the case chronology PDF) draws with Pango and needs a font.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only FIELD_ENCRYPTION_KEYS=cGVlci1zdXBwb3J0LWJ1aWxkLW9ubHkta2V5LTAwMDA= \
    python manage.py collectstatic --noinput
RUN useradd --create-home peersupport
USER peersupport
EXPOSE 8000
# The same server and flags as docker-compose.yml's web service (README, Performance).
CMD ["uvicorn", "peersupport.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--no-proxy-headers", \
     "--ws-per-message-deflate", "false", "--ws-max-size", "65536", "--lifespan", "off", "--no-access-log"]
