from celery import shared_task


@shared_task
def health() -> dict:
    """A round trip through the broker and the database, for monitoring and the broker tests."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        ok = cursor.fetchone()[0] == 1
    return {"database": ok, "vendor": connection.vendor}
