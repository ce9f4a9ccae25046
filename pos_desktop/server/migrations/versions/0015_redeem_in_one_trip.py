"""A redemption in one round trip on PostgreSQL: ``redeem_in_one_trip``

The function does, in one statement, what a redemption's transaction did in eight round
trips: claim the Idempotency-Key, check the ticket and the register's unknown-card limit,
lock the card, check it may pay, move its balance, append the activity and store the answer.
It only ever answers a redemption that succeeds; anything else (a replay, a refusal) undoes
its claim and returns nothing, and the server's Python path, which holds every rule and every
message, answers instead (``server.redemption_trip``). SQLite has no such function and always
takes the Python path.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# The rules it checks are the success conditions of ledger.redeem and
# domain.redemption.plan_redemption, which a differential test holds it to
# (tests/server/test_redemption_trip.py): redeemable is sent, not blocked, not voided; the
# amount comes first and the tip takes what is left of the balance.
_FUNCTION = """
CREATE FUNCTION redeem_in_one_trip(
    p_register uuid, p_key text, p_request_hash text, p_now timestamptz,
    p_ticket uuid, p_check_ticket boolean, p_attempts_limit integer, p_attempts_since timestamptz,
    p_card uuid, p_store uuid, p_number_hash text, p_currency text,
    p_amount bigint, p_tip bigint, p_activity uuid, p_employee uuid, p_answer text,
    OUT answer bytea, OUT debited bigint
) LANGUAGE plpgsql AS $$
DECLARE
    card gift_cards%ROWTYPE;
    covered bigint;
    left_after bigint;
BEGIN
    -- First, as the Python path does: a copy of the request waits here for this one.
    INSERT INTO idempotency_records
        (register_id, key, request_hash, status_code, response_body, sealed, created_at)
    VALUES (p_register, p_key, p_request_hash, 0, '', false, p_now)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF (p_check_ticket AND EXISTS (
        SELECT FROM card_loads
        WHERE register_id = p_register AND ticket_id = p_ticket AND state = 'pending'
    )) OR (
        SELECT count(*) FROM failed_attempts
        WHERE register_id = p_register AND kind = 'unknown_card' AND created_at > p_attempts_since
    ) >= greatest(p_attempts_limit, 1) THEN
        DELETE FROM idempotency_records WHERE register_id = p_register AND key = p_key;
        RETURN;
    END IF;
    SELECT * INTO card FROM gift_cards WHERE id = p_card AND store_id = p_store FOR UPDATE;
    IF NOT FOUND OR card.number_hash <> p_number_hash OR card.sent_at IS NULL OR card.blocked
        OR card.voided OR card.currency <> p_currency OR card.balance < p_amount THEN
        DELETE FROM idempotency_records WHERE register_id = p_register AND key = p_key;
        RETURN;
    END IF;
    covered := least(p_tip, card.balance - p_amount);
    debited := p_amount + covered;
    left_after := card.balance - debited;
    UPDATE gift_cards
    SET balance = left_after, version = card.version + 1,
        open_deductions = card.open_deductions + 1, last_activity_at = p_now
    WHERE id = p_card;
    INSERT INTO card_activities
        (id, card_id, seq, kind, amount, tip, delta, balance_after, employee_id, register_id,
         ticket_id, idempotency_key, created_at, previous_move_at)
    VALUES
        (p_activity, p_card, card.version + 1, 'redeem', p_amount, covered, -debited,
         left_after, p_employee, p_register, p_ticket, p_key, p_now, card.last_activity_at);
    answer := convert_to(format(p_answer, covered, left_after), 'UTF8');
    UPDATE idempotency_records SET status_code = 200, response_body = answer
    WHERE register_id = p_register AND key = p_key;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION redeem_in_one_trip")
