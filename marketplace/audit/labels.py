"""What people see for an audit action code in a history list (codes stay in the database
and logs). Features with a vocabulary of their own register its labels here."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

# Labels of the actions whose feature declares no vocabulary of its own. The listing
# lifecycle's ``listing.*`` labels come from ``listings.models.ACTIONS`` (registered there).
ACTION_LABELS = {
    "business.create": _l("Usaha ditambahkan"),
    "business.update": _l("Usaha diubah"),
    "community.signup": _l("Komunitas mendaftar"),
    "community.verify": _l("Komunitas diverifikasi"),
    "community.suspend": _l("Komunitas ditangguhkan"),
    "round.create": _l("Periode dibuat"),
    "round.update": _l("Periode diubah"),
    "round.schedule": _l("Periode dijadwalkan"),
    "round.publish_now": _l("Periode ditayangkan"),
    "auth.login": _l("Masuk"),
    "auth.login_failed": _l("Gagal masuk"),
    "auth.logout": _l("Keluar"),
    "auth.login_delayed": _l("Jeda masuk dimulai"),
    "auth.unlocked": _l("Jeda masuk dihapus staf"),
    "upload.rejected": _l("Foto ditolak"),
    "user.staff_set": _l("Akun staf diatur"),
}


_REGISTERED: dict[str, object] = {}


def register_labels(labels: Mapping[str, object]) -> None:
    """Add a feature's action code → (lazy) label pairs, from the feature's own declaration.

    Raises ValueError for a code ``ACTION_LABELS`` declares too (one place each)."""
    clash = set(labels) & set(ACTION_LABELS)
    if clash:
        raise ValueError(f"audit labels declared twice: {sorted(clash)}")
    _REGISTERED.update(labels)


def action_label(action: str) -> str:
    """The translated label of an audit action code; the code itself if it has none."""
    label = ACTION_LABELS.get(action) or _REGISTERED.get(action)
    return str(label) if label is not None else action
