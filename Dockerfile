FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Settings refuse to load without a secret key; collectstatic needs none, so it gets a
# throw-away one for this step only (the running container takes DJANGO_SECRET_KEY from .env).
RUN DJANGO_SECRET_KEY=build-only-not-used-at-runtime python manage.py collectstatic --no-input --verbosity 0

RUN useradd --create-home app
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
