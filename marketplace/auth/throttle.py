"""Per-account login delay (#18 item 6): friction instead of a lock-out anyone can trigger.

The old account-wide limit (20 failures in 15 minutes → 429 for 15 minutes) let anyone who
knew a staff e-mail address lock that account out. Now, after ``LOGIN_DELAY_FREE_FAILURES``
failed logins for one e-mail address (from any address), each further attempt must wait
``LOGIN_DELAY_BASE_SECONDS × 2^(n − free)`` seconds after the last failure, capped at
``LOGIN_DELAY_MAX_SECONDS``. A guesser gets at most one try per cap (60 s: 1,440 a day, where a
strong password needs billions), while the owner is never shut out for longer than the cap.
Attempts inside the wait are answered without checking the password and do not count.
``LOGIN_DELAY_RESET_MINUTES`` without a failure, a successful login, or a staff unlock
(:func:`reset`, audited by the caller) start the count again.

The counts sit in the rate limiter's storage (memory per worker, Redis in production: shared by
every worker), keyed by the normalised e-mail whether or not an account has it, so the delay
says nothing about which accounts exist. Times come from the app's clock (``now``).
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from ..extensions import limiter


def _keys(email: str) -> tuple[str, str]:
    email = (email or "").strip().lower()
    return f"login-delay:n:{email}", f"login-delay:at:{email}"


def _setting(name: str, default: int) -> int:
    return int(current_app.config.get(name, default))


def _active() -> bool:
    return bool(limiter.enabled and current_app.config.get("RATELIMIT_ENABLED", True))


def _state(email: str, at: datetime) -> tuple[int, int]:
    """(failures counted, unix time of the last one); (0, 0) once the reset window passed."""
    count_key, at_key = _keys(email)
    storage = limiter.storage
    failures, last = storage.get(count_key), storage.get(at_key)
    window = _setting("LOGIN_DELAY_RESET_MINUTES", 15) * 60
    if not failures or at.timestamp() - last > window:
        return 0, 0
    # Two workers recording at once may add their clear-then-add of the time together: a
    # time in the future is read as now, so the wait never exceeds LOGIN_DELAY_MAX_SECONDS.
    return failures, min(last, int(at.timestamp()))


def wait_seconds(email: str, at: datetime) -> int:
    """Seconds (≥ 0, whole) before ``email`` may try a password again at ``at`` (aware)."""
    if not _active():
        return 0
    failures, last = _state(email, at)
    free = _setting("LOGIN_DELAY_FREE_FAILURES", 5)
    if failures < free:
        return 0
    delay = min(
        _setting("LOGIN_DELAY_BASE_SECONDS", 2) * 2 ** min(failures - free, 30),
        _setting("LOGIN_DELAY_MAX_SECONDS", 60),
    )
    return max(0, int(last + delay - at.timestamp() + 0.999))


def record_failure(email: str, at: datetime) -> int:
    """Count one failed password for ``email`` at ``at``; returns the failures counted."""
    if not _active():
        return 0
    count_key, at_key = _keys(email)
    storage = limiter.storage
    expiry = _setting("LOGIN_DELAY_RESET_MINUTES", 15) * 60 + 60
    failures, _last = _state(email, at)
    if failures == 0:
        storage.clear(count_key)
    storage.clear(at_key)
    storage.incr(at_key, expiry, amount=int(at.timestamp()))
    return storage.incr(count_key, expiry)


def reset(email: str) -> None:
    """Forget ``email``'s failures (a successful login, or a staff unlock)."""
    if not _active():
        return
    for key in _keys(email):
        limiter.storage.clear(key)
