"""The store on the chain's cluster (deploy/local-cluster): registers talk to HAProxy, which
spreads them over two servers, which reach the primary through PgBouncer in transaction
pooling. The races a single server wins must be won across servers too."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import psycopg
import pytest

from pos_desktop.domain.errors import INSUFFICIENT_BALANCE_MESSAGE
from pos_desktop.server.config import ServerConfig
from pos_desktop.server.provisioning import FIRST_STORE_LOCK
from tests.fixtures.bursts import (
    ONE_DOLLAR,
    answered,
    describe,
    paying,
    post_all_at_once,
    post_until_killed,
)
from tests.fixtures.cluster import CARD_AMOUNT, Card, Cluster, local_cluster
from tests.fixtures.databases import assert_ledger_balances_at, libpq

# One test process runs the module: one cluster started, and its last test (which leaves
# server a down) runs last.
pytestmark = [pytest.mark.cluster, pytest.mark.postgres, pytest.mark.xdist_group("cluster")]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with local_cluster() as started:
        yield started


@pytest.fixture
def card(cluster: Cluster) -> Card:
    """A sent card holding 50.00 that no other test touches."""
    return cluster.cards.pop()


def redeemed_on(cluster: Cluster, card: Card) -> dict[str, int]:
    """How many redemptions of ``card`` each server logged."""
    return {name: cluster.server_log(name).count(f"redeem card={card.id}") for name in ("a", "b")}


def redeem_requests_on(cluster: Cluster) -> dict[str, int]:
    """How many redemption requests each server has answered, paid or refused."""
    line = '"route":"/api/v1/giftcards/{card_id}/redeem"'
    return {name: cluster.server_log(name).count(line) for name in ("a", "b")}


def test_cluster_200_redemptions_at_once_on_one_card_pay_exactly_its_balance(
    cluster: Cluster, card: Card
) -> None:
    """200 simultaneous 1.00 redemptions on 50.00, spread by HAProxy over both servers (each
    answers some): 50 pay, 150 get the seed's refusal, no 5xx."""
    answered_before = redeem_requests_on(cluster)
    keys = [uuid.uuid4().hex for _ in range(200)]

    answers = post_all_at_once(
        cluster, f"/giftcards/{card.id}/redeem", paying(card, ONE_DOLLAR), keys
    )

    responses = answered(answers)
    assert Counter(r.status_code for r in responses) == {200: 50, 409: 150}, describe(answers)
    refusals = {r.json()["error"]["message"] for r in responses if r.status_code == 409}
    assert refusals == {INSUFFICIENT_BALANCE_MESSAGE}
    paid = sorted(r.json()["balance_after"]["amount"] for r in responses if r.status_code == 200)
    assert paid == list(range(0, CARD_AMOUNT, 1_00)), "each payment saw the one before it"
    assert cluster.card(card.id)["balance"]["amount"] == 0
    answered_after = redeem_requests_on(cluster)
    assert all(answered_after[name] > answered_before[name] for name in "ab"), answered_after
    assert_ledger_balances_at(cluster.primary_url)


def test_cluster_50_copies_of_one_request_apply_once_across_both_servers(
    cluster: Cluster, card: Card
) -> None:
    """50 copies of one request (same key, same body) at once, on both servers: one
    redemption, and every copy gets its answer byte for byte."""
    key = uuid.uuid4().hex

    answers = post_all_at_once(
        cluster, f"/giftcards/{card.id}/redeem", paying(card, ONE_DOLLAR), [key] * 50
    )

    responses = answered(answers)
    assert {r.status_code for r in responses} == {200}, describe(answers)
    assert len({r.content for r in responses}) == 1
    assert cluster.card(card.id)["balance"]["amount"] == CARD_AMOUNT - 1_00
    assert sum(redeemed_on(cluster, card).values()) == 1


# WAL the primary had sent and the replica had not yet received when it measured its lag.
IN_TRANSIT_SECONDS = 0.2


def test_cluster_back_office_reads_the_replica_and_sees_redemptions_within_its_lag(
    cluster: Cluster, card: Card
) -> None:
    """Redemptions run on the primary while the Back Office's card list reads the replica:
    every page says it was read there and how far behind, and shows each redemption
    acknowledged before that (give or take WAL in transit), and none not yet asked for."""
    path = f"/giftcards/{card.id}/redeem"
    sent: list[float] = []
    acknowledged: list[float] = []
    statuses: list[int] = []

    def redeem() -> None:
        for _ in range(30):
            sent.append(time.monotonic())
            statuses.append(cluster.post(path, paying(card, ONE_DOLLAR)).status_code)
            acknowledged.append(time.monotonic())

    redeeming = threading.Thread(target=redeem)
    redeeming.start()
    pages = []
    while redeeming.is_alive():
        asked = time.monotonic()
        page = cluster.manager_get("/backoffice/giftcards")
        pages.append((asked, time.monotonic(), page))
    redeeming.join()

    assert set(statuses) == {200}
    assert len(pages) >= 5
    for asked, answered_at, page in pages:
        assert page.status_code == 200, page.text
        lag = page.json()["replica_lag_ms"]
        assert lag is not None, "read from the replica"
        listed = {item["id"]: item for item in page.json()["items"]}
        seen = (CARD_AMOUNT - listed[card.id]["balance"]["amount"]) // 1_00
        current_until = asked - lag / 1000 - IN_TRANSIT_SECONDS
        surely = sum(1 for at in acknowledged if at < current_until)
        at_most = sum(1 for at in sent if at < answered_at)
        assert surely <= seen <= at_most, (lag, surely, seen, at_most)


def test_cluster_restore_drill_brings_the_ledger_back_to_a_chosen_instant(
    cluster: Cluster, card: Card
) -> None:
    """Redemptions before and after an instant; the restore drill restores the start-up base
    backup plus the WAL archive to that instant in a new cluster: the ledger there balances
    and holds exactly what the primary held then."""
    path = f"/giftcards/{card.id}/redeem"
    for _ in range(5):
        assert cluster.post(path, paying(card, ONE_DOLLAR)).status_code == 200
    held_then = ledger_summary(cluster)
    instant = datetime.now(UTC)
    time.sleep(0.5)
    for _ in range(5):
        assert cluster.post(path, paying(card, ONE_DOLLAR)).status_code == 200
    archive_now(cluster)

    drill = cluster.restore_drill(instant)

    assert drill.returncode == 0, drill.stderr
    restored = dict(word.split("=", 1) for word in drill.stdout.split())
    assert restored["unbalanced_cards"] == "0"
    assert (restored["cards"], restored["activities"], restored["balances"]) == held_then
    assert ledger_summary(cluster) != held_then, "the primary moved on after the instant"


def test_cluster_restore_drill_that_cannot_start_its_cluster_says_why(cluster: Cluster) -> None:
    """The drill's PostgreSQL cannot start (its port is taken): the drill fails and shows the
    end of that cluster's log, PostgreSQL's own reason, for the folder may be gone by then."""
    with socket.socket() as taken:
        # The drill before may have left connections to this port in TIME_WAIT.
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        taken.bind(("127.0.0.1", cluster.spare_port))
        taken.listen()
        drill = cluster.restore_drill(datetime.now(UTC))
    assert drill.returncode == 1
    assert "the restored cluster did not start" in drill.stderr
    assert "Address already in use" in drill.stderr


def archive_now(cluster: Cluster) -> None:
    """Close the primary's current WAL segment and wait until the archiver has copied it:
    what was committed until now can then be restored."""
    with psycopg.connect(libpq(cluster.primary_url), autocommit=True) as primary:
        row = primary.execute("SELECT pg_walfile_name(pg_switch_wal())").fetchone()
        assert row is not None
        deadline = time.monotonic() + 30
        while True:
            archived = primary.execute("SELECT last_archived_wal FROM pg_stat_archiver").fetchone()
            if archived is not None and archived[0] is not None and archived[0] >= row[0]:
                return
            assert time.monotonic() < deadline, f"{row[0]} was not archived"
            time.sleep(0.1)


def ledger_summary(cluster: Cluster) -> tuple[str, str, str]:
    """Cards, activities and the sum of balances on the primary, as the drill prints them."""
    with psycopg.connect(libpq(cluster.primary_url)) as primary:
        row = primary.execute(
            "SELECT (SELECT count(*) FROM gift_cards), (SELECT count(*) FROM card_activities),"
            " (SELECT coalesce(sum(balance), 0) FROM gift_cards)"
        ).fetchone()
    assert row is not None
    cards, activities, balances = row
    return str(cards), str(activities), str(balances)


def test_cluster_pgbouncer_keeps_a_transactions_advisory_lock_until_it_ends(
    cluster: Cluster,
) -> None:
    """Through PgBouncer in transaction pooling, the lock first_store and create-store take
    (pg_advisory_xact_lock) holds another client out until the transaction that took it
    ends, and then lets it in: the one kind of advisory lock the server takes."""
    key = FIRST_STORE_LOCK
    url = libpq(cluster.database_url)
    with psycopg.connect(url) as holder, psycopg.connect(url, autocommit=True) as other:
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (key,))
        taken = other.execute("SELECT pg_try_advisory_xact_lock(%s)", (key,)).fetchone()
        assert taken == (False,)
        holder.commit()
        free = other.execute("SELECT pg_try_advisory_xact_lock(%s)", (key,)).fetchone()
        assert free == (True,)


def test_cluster_unknown_card_limit_counts_attempts_on_both_servers(cluster: Cluster) -> None:
    """Wrong numbers spread by HAProxy over both servers count toward one register limit: the
    request after the limit, even with the right number, is 429."""
    guessing = cluster.on_another_register("Till 2")  # the others' limits stay untouched
    first, second = cluster.cards.pop(), cluster.cards.pop()
    wrong = {"number": second.number, **ONE_DOLLAR}  # another card's number: unknown here
    limit = ServerConfig().unknown_card_limit

    refused = [guessing.post(f"/giftcards/{first.id}/redeem", wrong) for _ in range(limit)]
    over = guessing.post(f"/giftcards/{first.id}/redeem", paying(first, ONE_DOLLAR))

    assert [r.status_code for r in refused] == [404] * limit
    assert over.status_code == 429, over.text
    assert int(over.headers["Retry-After"]) > 0
    assert cluster.card(first.id)["balance"]["amount"] == CARD_AMOUNT


def test_cluster_one_open_code_per_card_and_each_mail_sent_once(cluster: Cluster) -> None:
    """Codes for one card asked for at once on both servers leave one open; every mail
    queued (the e-gift card's, each code's) is delivered once, though both servers' senders
    work the same outbox."""
    mails_before = len(list(cluster.outbox.glob("*.eml")))
    issued = cluster.manager_post(
        "/giftcards",
        {
            "amount": {"amount": 50_00},
            "buyer_email": "buyer@example.com",
            "recipient_email": "pat@example.com",
            "reason": "cluster test",
        },
    )
    assert issued.status_code == 201, issued.text
    card_id = issued.json()["id"]
    sent = cluster.manager_post(f"/giftcards/{card_id}/send", {"reason": "cluster test"})
    assert sent.status_code == 200, sent.text
    keys = [uuid.uuid4().hex for _ in range(6)]

    answers = post_all_at_once(
        cluster, f"/giftcards/{card_id}/deduction-codes", {"amount": {"amount": 5_00}}, keys
    )

    statuses = Counter(r.status_code for r in answered(answers))
    assert statuses[201] >= 1 and set(statuses) <= {201, 429}, describe(answers)
    with psycopg.connect(libpq(cluster.primary_url)) as primary:
        open_codes = primary.execute(
            "SELECT count(*) FROM deduction_challenges WHERE card_id = %s AND state = 'open'",
            (card_id,),
        ).fetchone()
        queued = primary.execute(
            "SELECT count(*) FROM mail_outbox WHERE card_id = %s", (card_id,)
        ).fetchone()
    assert open_codes == (1,)
    assert queued == (1 + statuses[201],), "the e-gift mail and one per code"
    deadline = time.monotonic() + 30
    while len(list(cluster.outbox.glob("*.eml"))) < mails_before + queued[0]:
        assert time.monotonic() < deadline, "the mail was not all delivered"
        time.sleep(0.2)
    time.sleep(2)  # time enough for a second delivery of any of them, were there one
    assert len(list(cluster.outbox.glob("*.eml"))) == mails_before + queued[0]


def test_cluster_metrics_are_scraped_from_each_server_not_through_haproxy(
    cluster: Cluster,
) -> None:
    """HAProxy refuses /metrics to whoever reaches the registers' address; each server
    answers it on its own port, counting the redemptions it served."""
    card = cluster.cards.pop()
    for _ in range(4):  # round robin: two on each server
        assert (
            cluster.post(f"/giftcards/{card.id}/redeem", paying(card, ONE_DOLLAR)).status_code
            == 200
        )
    through_haproxy = httpx.get(f"{cluster.base_url}/metrics", timeout=30)
    servers = cluster.addresses["POS_CLUSTER_SERVERS"].split()
    scraped = [httpx.get(f"{server}/metrics", timeout=30) for server in servers]

    assert through_haproxy.status_code == 403
    assert [r.status_code for r in scraped] == [200, 200]
    assert all('pos_value_moves_total{what="redeem"}' in r.text for r in scraped)


def test_cluster_server_killed_under_load_loses_and_doubles_nothing(
    cluster: Cluster, card: Card
) -> None:
    """Server a is SIGKILLed while redemptions run through HAProxy; the register retries
    every request with its key, and HAProxy sends the retries to server b. Each redemption
    applies once; every answer given before the kill is given again byte for byte.

    Last in the module: server a stays down."""
    keys = [uuid.uuid4().hex for _ in range(40)]
    path = f"/giftcards/{card.id}/redeem"
    body = paying(card, ONE_DOLLAR)

    before = post_until_killed(
        cluster, path, body, keys, kill_after=10, kill=lambda: cluster.kill_server("a")
    )
    after = [post_all_at_once(cluster, path, body, [key])[0] for key in keys]

    # A request the kill cut is either dropped or, when HAProxy had passed it on, its 502:
    # an unknown outcome either way, which the register asks again with the same key.
    given = [a for a in before if not isinstance(a, Exception) and a.status_code < 500]
    cut = [a for a in before if isinstance(a, Exception) or a.status_code >= 500]
    assert len(given) >= 10 and {r.status_code for r in given} == {200}, describe(before)
    assert {a.status_code for a in cut if not isinstance(a, Exception)} <= {502}, describe(before)
    again = answered(after)
    assert {r.status_code for r in again} == {200}, describe(after)
    for first, second in zip(before, again, strict=True):
        if first in given:
            assert second.content == first.content
    paid = sorted(r.json()["balance_after"]["amount"] for r in again)
    assert paid == list(range(CARD_AMOUNT - 40_00, CARD_AMOUNT, 1_00)), "each key paid once"
    assert cluster.card(card.id)["balance"]["amount"] == CARD_AMOUNT - 40_00
    assert_ledger_balances_at(cluster.primary_url)
