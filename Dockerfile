FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only FIELD_ENCRYPTION_KEYS=cGVlci1zdXBwb3J0LWJ1aWxkLW9ubHkta2V5LTAwMDA= \
    python manage.py collectstatic --noinput
RUN useradd --create-home peersupport
USER peersupport
EXPOSE 8000
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "peersupport.asgi:application"]
