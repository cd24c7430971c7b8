"""Background work of the joint referral meetings, run by `joinedup worker`: each
locality's next meeting made from its schedule, with its agenda kept current (hourly,
settings.JOINEDUP_PERIODIC_TASKS["meeting_schedule"]). The work is in services."""

from django_tasks import task


@task()
def meetings_schedule() -> dict:
    """Make each active series' next meeting if it is not there yet, and bring the
    agendas of the next meetings up to date."""
    from joinedup.meetings import services

    return {"meetings_made": services.meetings_schedule()}
