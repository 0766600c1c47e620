"""The listing lifecycle's one vocabulary (``listings.models.ACTIONS``): every action has an
Indonesian label and verb with an English translation, every ``listing.*`` audit code the
code writes is declared, and the table, the decisions and the audit labels read from it."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from marketplace import audit
from marketplace.errors import InvalidTransition
from marketplace.listings.models import ACTIONS, STATUS_LABELS, ListingStatus
from marketplace.listings.state import REASON_REQUIRED, TRANSITIONS, action_verb, transition
from marketplace.moderation.models import REASON_REQUIRED as DECISION_REASON_REQUIRED
from marketplace.moderation.models import DecisionAction
from tests.builders import (
    make_business,
    make_listing,
    make_member,
    make_published_round,
    make_round,
)
from tests.language.conftest import compiled_catalogues  # noqa: F401 (.mo files current)

S = ListingStatus
ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "translations" / "en_ID" / "LC_MESSAGES" / "messages.po"
HISTORY_ONLY = [a for a in ACTIONS.values() if not a.is_transition]


@pytest.fixture(scope="module")
def english():
    with PO.open("rb") as fh:
        po = read_po(fh, locale="en_ID")
    return {m.id: m.string for m in po if m.id and m.string and not m.fuzzy}


def _source(lazy) -> str:
    return lazy._args[0]  # a flask_babel LazyString's msgid


@pytest.mark.parametrize("name", list(ACTIONS))
def test_every_action_has_a_label_and_a_verb_in_indonesian_and_english(app, english, name):
    action = ACTIONS[name]
    for text in (action.label, action.verb):
        msgid = _source(text)
        assert msgid.strip(), f"{name}: empty Indonesian text"
        assert english.get(msgid), f"{name}: {msgid!r} has no English in {PO.name}"
    with app.test_request_context():
        with force_locale("id"):
            assert audit.action_label(action.code) == _source(action.label)
            assert action_verb(name) == _source(action.verb)
        with force_locale("en_ID"):
            assert audit.action_label(action.code) == english[_source(action.label)]


@pytest.mark.parametrize("status", list(S))
def test_every_status_has_a_label_with_english(english, status):
    assert english.get(_source(STATUS_LABELS[status]))


def test_every_listing_audit_code_in_the_code_is_declared():
    written = set()
    for path in (ROOT / "marketplace").rglob("*.py"):
        written |= set(re.findall(r"[\"']listing\.(\w+)[\"']", path.read_text()))
    assert written and written <= set(ACTIONS), sorted(written - set(ACTIONS))


def test_the_table_and_the_decisions_read_from_the_declaration():
    assert set(TRANSITIONS) == {a.name for a in ACTIONS.values() if a.is_transition}
    assert REASON_REQUIRED == {"request_changes", "reject", "take_down"}
    decisions = ["approve", "request_changes", "reject", "take_down"]
    assert [d.value for d in DecisionAction] == decisions
    assert {d.value for d in DECISION_REASON_REQUIRED} == REASON_REQUIRED
    assert all(ACTIONS[d.value].who == "staff" for d in DecisionAction)
    assert not set(audit.ACTION_LABELS) & {a.code for a in ACTIONS.values()}  # one place each


@pytest.mark.parametrize("action", [a.name for a in HISTORY_ONLY])
@pytest.mark.parametrize("status", list(S))
def test_history_only_actions_never_move_a_listing(app, db, clock, action, status):
    business = make_business()
    listing = make_listing(status, business=business)
    with pytest.raises(InvalidTransition):
        transition(listing, action, actor=make_member(community=business.community), now=clock())
    assert listing.status == status and listing.version == 1


def test_a_copied_listing_shows_a_label_in_its_history_not_the_code(as_member, db, clock):
    business = make_business(community=as_member.user.community)
    past = make_listing(S.APPROVED, business=business, rnd=make_published_round())
    make_round()
    db.session.commit()
    r = as_member.post(f"/portal/produk/{past.id}/salin")
    page = as_member.get(r.headers["Location"]).get_data(as_text=True)
    assert "listing.copy" not in page and "listing.create" not in page
    assert "Disalin dari produk sebelumnya" in page
