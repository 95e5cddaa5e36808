"""The pure core: plain data in, plain data or bytes out. Imports nothing from Django or Celery."""
