"""A background task for the worker's tests: small, and importable by its path."""

from django_tasks import task


@task()
def greeting(name: str) -> str:
    return f"Hello, {name}"


@task()
def greeting_periodic() -> str:
    return "Hello, on schedule"
