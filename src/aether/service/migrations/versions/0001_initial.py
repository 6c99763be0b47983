"""The first schema: service state, tenants, API keys, jobs and their events.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table("service_state",
                    sa.Column("key", sa.String(64), primary_key=True),
                    sa.Column("value", sa.String(256), nullable=False))
    op.create_table("tenants",
                    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
                    sa.Column("id", sa.String(40), nullable=False, unique=True),
                    sa.Column("name", sa.String(64), nullable=False, unique=True),
                    sa.Column("max_concurrent_gpus", sa.Integer, nullable=False),
                    sa.Column("max_gpu_hours_per_day", sa.Float, nullable=False),
                    sa.Column("max_jobs", sa.Integer, nullable=False),
                    sa.Column("requests_per_s", sa.Float, nullable=False),
                    sa.Column("burst", sa.Integer, nullable=False),
                    sa.Column("usage_day", sa.Integer, nullable=False),
                    sa.Column("gpu_s_used", sa.Float, nullable=False),
                    sa.Column("created_at", sa.Float, nullable=False))
    op.create_table("api_keys",
                    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
                    sa.Column("id", sa.String(40), nullable=False, unique=True),
                    sa.Column("tenant_seq", sa.Integer, sa.ForeignKey("tenants.seq", ondelete="CASCADE"),
                              nullable=False, index=True),
                    sa.Column("prefix", sa.String(32), nullable=False, unique=True),
                    sa.Column("digest", sa.String(64), nullable=False),
                    sa.Column("name", sa.String(64), nullable=False),
                    sa.Column("created_at", sa.Float, nullable=False),
                    sa.Column("expires_at", sa.Float, nullable=True),
                    sa.Column("revoked_at", sa.Float, nullable=True))
    op.create_table("jobs",
                    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
                    sa.Column("id", sa.String(40), nullable=False, unique=True),
                    sa.Column("tenant_seq", sa.Integer, sa.ForeignKey("tenants.seq", ondelete="CASCADE"),
                              nullable=False),
                    sa.Column("idempotency_key", sa.String(255), nullable=True),
                    sa.Column("request_digest", sa.String(64), nullable=False),
                    sa.Column("kind", sa.String(16), nullable=False),
                    sa.Column("spec", sa.JSON, nullable=False),
                    sa.Column("priority", sa.Integer, nullable=False),
                    sa.Column("gpus", sa.Integer, nullable=False),
                    sa.Column("mfu", sa.Float, nullable=False),
                    sa.Column("state", sa.String(16), nullable=False, index=True),
                    sa.Column("reason", sa.String(64), nullable=True),
                    sa.Column("ship", sa.String(64), nullable=True),
                    sa.Column("gateway", sa.String(64), nullable=True),
                    sa.Column("work_total", sa.Float, nullable=False),
                    sa.Column("work_done", sa.Float, nullable=False),
                    sa.Column("checkpoint_work", sa.Float, nullable=False),
                    sa.Column("checkpoint_every_work", sa.Float, nullable=False),
                    sa.Column("failure_rate_per_s", sa.Float, nullable=False),
                    sa.Column("restart_s", sa.Float, nullable=False),
                    sa.Column("submitted_t_s", sa.Float, nullable=False),
                    sa.Column("deadline_t_s", sa.Float, nullable=True),
                    sa.Column("resume_t_s", sa.Float, nullable=False),
                    sa.Column("started_t_s", sa.Float, nullable=True),
                    sa.Column("finished_t_s", sa.Float, nullable=True),
                    sa.Column("created_at", sa.Float, nullable=False),
                    sa.UniqueConstraint("tenant_seq", "idempotency_key"))
    op.create_index("ix_jobs_tenant_state", "jobs", ["tenant_seq", "state"])
    op.create_table("job_events",
                    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
                    sa.Column("job_seq", sa.Integer, sa.ForeignKey("jobs.seq", ondelete="CASCADE"),
                              nullable=False, index=True),
                    sa.Column("t_s", sa.Float, nullable=False),
                    sa.Column("at", sa.Float, nullable=False),
                    sa.Column("kind", sa.String(24), nullable=False),
                    sa.Column("state", sa.String(16), nullable=False),
                    sa.Column("detail", sa.JSON, nullable=False))


def downgrade() -> None:
    for table in ("job_events", "jobs", "api_keys", "tenants", "service_state"):
        op.drop_table(table)
