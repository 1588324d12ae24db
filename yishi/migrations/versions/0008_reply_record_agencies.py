"""reply records: the agency as written when unknown, and co-agencies

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 17:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reply_records") as batch:
        batch.add_column(sa.Column("agency_raw", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("co_agencies", sa.String(length=400), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reply_records") as batch:
        batch.drop_column("co_agencies")
        batch.drop_column("agency_raw")
