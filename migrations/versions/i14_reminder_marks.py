"""reminders (#14): round_reminder_marks, the staff's "terkirim" marks on WhatsApp reminders

Revision ID: i14_reminder_marks
Revises: i14_reminder_once
Create Date: 2026-12-02 18:00:00

"""

import sqlalchemy as sa
from alembic import op

import marketplace.db

revision = "i14_reminder_marks"
down_revision = "i14_reminder_once"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "round_reminder_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", marketplace.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_round_reminder_marks_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_round_reminder_marks_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"], ["users.id"], name=op.f("fk_round_reminder_marks_sent_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_reminder_marks")),
        sa.UniqueConstraint(
            "round_id",
            "event",
            "community_id",
            name=op.f("uq_round_reminder_marks_round_id"),
        ),
    )
    with op.batch_alter_table("round_reminder_marks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_round_reminder_marks_community_id"), ["community_id"], unique=False
        )


def downgrade():
    op.drop_table("round_reminder_marks")
