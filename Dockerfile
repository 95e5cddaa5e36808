# One image for the web app (gunicorn, default command) and the export worker (celery).
#   docker build -t bureau-reports .
#   web:    docker run ... bureau-reports
#   worker: docker run ... bureau-reports celery -A bureau worker -l info -Q bureau
# Configuration comes from the environment (bureau/settings.py): DATABASE_URL, REDIS_URL,
# SECRET_KEY, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS. See docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive

# LibreOffice (headless .docx -> PDF previews), poppler (PDF -> PNG) and the CJK fonts the
# GB/T 9704 layout names (the same script the tests use).
COPY scripts/install_fonts.sh /tmp/install_fonts.sh
RUN apt-get update \
 && apt-get install -y --no-install-recommends libreoffice-writer-nogui poppler-utils fontconfig ca-certificates \
 && bash /tmp/install_fonts.sh \
 && rm -rf /var/lib/apt/lists/* /tmp/install_fonts.sh

WORKDIR /app

# Dependencies first, so code changes do not reinstall them. The project itself is not a package
# (pyproject: packages = []): installing "." installs only its dependencies.
COPY pyproject.toml ./
RUN pip install . \
 && rm -rf build *.egg-info

COPY . .
RUN SECRET_KEY=collectstatic-only DEBUG=0 python manage.py collectstatic --noinput \
 && useradd --system --create-home --home-dir /home/bureau --uid 10001 --user-group bureau

# LibreOffice writes its profile under $HOME.
USER bureau
ENV HOME=/home/bureau
EXPOSE 8000

# gunicorn reads its worker count from WEB_CONCURRENCY.
ENV WEB_CONCURRENCY=3
CMD ["gunicorn", "bureau.wsgi", "--bind", "0.0.0.0:8000", "--timeout", "120", "--access-logfile", "-"]
