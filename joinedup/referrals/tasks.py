"""Background tasks of referrals, run by `joinedup worker`: the closed loop's notices,
and the hourly check for referrals in limbo and people bouncing (DESIGN §6). The work
is in referrals.services; these only call it."""

from django_tasks import task


@task()
def transition_notices_send(referral_id: int, action: str) -> int:
    """Tell whom it concerns about a transition (queued by services._apply on commit)."""
    from joinedup.referrals import services

    return services.transition_notify(referral_id=referral_id, action=action)


@task()
def escalations_check() -> dict:
    """Flag limbo, escalate bouncing, tell the service lead and the referrer once
    (queued hourly by the worker: settings.JOINEDUP_PERIODIC_TASKS)."""
    from joinedup.referrals import services

    report = services.escalations_check()
    return {
        "limbo_flagged": report.limbo_flagged,
        "limbo_cleared": report.limbo_cleared,
        "bouncing": report.bouncing,
    }
