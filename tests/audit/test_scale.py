"""Verification of a long log is quick, and reads it a batch at a time."""

import time
import tracemalloc

from joinedup.audit.selectors import audit_verify
from tests.audit.chains import bulk_chain

EVENTS = 10_000


def peak_memory_of(function) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_ten_thousand_events_are_verified_quickly(db, capsys):
    head = bulk_chain(EVENTS)

    started = time.perf_counter()
    result = audit_verify()
    seconds = time.perf_counter() - started

    with capsys.disabled():
        print(f"\naudit verify: {EVENTS} events in {seconds:.2f} s ({EVENTS / seconds:,.0f}/s)")
    assert (result.intact, result.checked, result.head_hash) == (True, EVENTS, head)
    # Generous, for a shared and noisy machine: a few hundred microseconds per event.
    assert seconds < 10


def test_verification_memory_follows_the_batch_size_not_the_length_of_the_log(db):
    # Fewer events than above: tracing every allocation makes Python several times slower.
    events = 2_000
    bulk_chain(events)

    in_small_batches = peak_memory_of(lambda: audit_verify(batch_size=100))
    all_at_once = peak_memory_of(lambda: audit_verify(batch_size=events))

    assert in_small_batches * 4 < all_at_once
