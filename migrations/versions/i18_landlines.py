"""businesses.whatsapp_landline: numbers saved before the WhatsApp field took only mobile
numbers (#18) that are landlines (021-7654321) or other non-mobile numbers are flagged for
their community to replace; the number itself is kept, never dropped

Revision ID: i18_landlines
Revises: i14_reminder_marks
Create Date: 2026-12-02 18:00:00

"""

import phonenumbers
import sqlalchemy as sa
from alembic import op

revision = "i18_landlines"
down_revision = "i14_reminder_marks"
branch_labels = None
depends_on = None

# As marketplace.inputs.WHATSAPP_TYPES (copied: a migration must not change with the app).
MOBILE = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def is_landline(e164: str | None) -> bool:
    """True for a stored number that parses but is not a mobile number; a number that does
    not parse at all is left unflagged (not ours to judge here)."""
    try:
        number = phonenumbers.parse(e164 or "", "ID")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) not in MOBILE


def upgrade():
    # Plain ADD/DROP COLUMN (SQLite has both): batch mode would rebuild the table under the
    # search view that reads it.
    op.add_column(
        "businesses",
        sa.Column("whatsapp_landline", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    businesses = sa.table(
        "businesses",
        sa.column("id", sa.Integer),
        sa.column("whatsapp", sa.String),
        sa.column("whatsapp_landline", sa.Boolean),
    )
    conn = op.get_bind()
    rows = conn.execute(sa.select(businesses.c.id, businesses.c.whatsapp)).all()
    flagged = [row.id for row in rows if is_landline(row.whatsapp)]
    for start in range(0, len(flagged), 500):
        conn.execute(
            businesses.update()
            .where(businesses.c.id.in_(flagged[start : start + 500]))
            .values(whatsapp_landline=True)
        )


def downgrade():
    op.drop_column("businesses", "whatsapp_landline")
