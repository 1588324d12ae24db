"""durable bot inbox, binding attempts

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bot_inbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("platform", sa.String(length=10), nullable=False),
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("leased_by", sa.String(length=80), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("send_attempts", sa.Integer(), nullable=False),
        sa.Column("sent_via", sa.String(length=10), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bot_inbox")),
        sa.UniqueConstraint("platform", "event_id", name=op.f("uq_bot_inbox_platform")),
    )
    op.create_index("ix_bot_inbox_due", "bot_inbox", ["state", "next_attempt_at"])
    op.create_index(op.f("ix_bot_inbox_received_at"), "bot_inbox", ["received_at"])
    op.create_table(
        "bot_bind_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("platform", sa.String(length=10), nullable=False),
        sa.Column("platform_user_id", sa.String(length=80), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bot_bind_attempts")),
    )
    for column in ("at", "platform_user_id", "code_hash"):
        op.create_index(op.f(f"ix_bot_bind_attempts_{column}"), "bot_bind_attempts", [column])
    # The inbox's unique (platform, event_id) replaces the list of seen deliveries.
    op.drop_table("bot_seen_events")
    _mask_logged_codes()


def _mask_logged_codes() -> None:
    """Binding codes were logged as typed before (even by bound staff); they are never kept now."""
    import re

    alphabet = "A-HJ-NP-Z2-9ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＳＴＵＶＷＸＹＺ２３４５６７８９"
    code = re.compile(rf"(?<![A-Z0-9])(?:[{alphabet}]\s*){{8}}(?![A-Z0-9])", re.IGNORECASE)
    log = sa.table("bot_query_log", sa.column("id", sa.Integer), sa.column("text", sa.Text))
    connection = op.get_bind()
    for row_id, text in connection.execute(sa.select(log.c.id, log.c.text)).all():
        masked = code.sub("［綁定碼］", text or "")
        if masked != text:
            connection.execute(log.update().where(log.c.id == row_id).values(text=masked))


def downgrade() -> None:
    op.create_table(
        "bot_seen_events",
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_bot_seen_events")),
    )
    op.create_index(op.f("ix_bot_seen_events_at"), "bot_seen_events", ["at"])
    op.drop_table("bot_bind_attempts")
    op.drop_table("bot_inbox")
