"""Shares to a client's tablet: single use, a 10-minute window, the appointment's length, ended at once."""

from __future__ import annotations

import pytest

from ditmap.accounts.model import THERAPIST, Identity
from ditmap.accounts.shares import ShareError
from ditmap.accounts.signin import token_hash
from ditmap.services.permissions import Refused
from tests.clinic_support import PASSWORD, World, empty_map


@pytest.fixture
def w(store_db):
    w = World(store_db)
    w.accounts.add("ann", PASSWORD, {THERAPIST})
    w.accounts.add("bob", PASSWORD, {THERAPIST})
    w.map_id = w.store.create_map("K.", empty_map()).id
    w.records.set_owner(w.map_id, "ann")
    w.ann = Identity("ann", frozenset({THERAPIST}))
    return w


def test_a_link_is_redeemed_once_into_a_client_session(w):
    new = w.shares.create(w.ann, w.map_id)
    assert w.records.share(new.share.id).token_hash == token_hash(new.token)  # only the hash is kept
    assert new.token not in str(w.records.share(new.share.id)) and new.code.replace("-", "") not in str(
        w.records.share(new.share.id))
    client_token, _share = w.shares.redeem(token=new.token, address="10.0.0.20")
    live = w.accounts.live(client_token)
    assert live.identity.is_client and live.identity.share_map == w.map_id
    assert w.shares.current(w.ann, w.map_id)[0].state(w.clock.now) == "joined"  # the therapist sees it joined
    with pytest.raises(ShareError, match="not valid"):
        w.shares.redeem(token=new.token)
    with pytest.raises(ShareError):
        w.shares.redeem(code=new.code)


def test_the_short_code_works_typed_loosely(w):
    new = w.shares.create(w.ann, w.map_id)
    token, _ = w.shares.redeem(code=" " + new.code.lower().replace("-", " ") + " ")
    assert w.accounts.live(token).identity.share_map == w.map_id


def test_a_share_not_redeemed_in_ten_minutes_expires(w):
    new = w.shares.create(w.ann, w.map_id)
    w.clock.advance(minutes=10, seconds=1)
    with pytest.raises(ShareError, match="not valid"):
        w.shares.redeem(token=new.token)


def test_it_lasts_the_appointment_or_until_ended(w):
    new = w.shares.create(w.ann, w.map_id, minutes=60)
    token, _ = w.shares.redeem(token=new.token)
    w.clock.advance(minutes=59)
    assert w.accounts.live(token) is not None
    w.clock.advance(minutes=2)
    assert w.accounts.live(token) is None
    new = w.shares.create(w.ann, w.map_id)
    token, _ = w.shares.redeem(token=new.token)
    w.shares.end(w.ann, new.share.id)
    assert w.accounts.live(token) is None
    assert [r.action for r in w.records.audit_rows(map_id=w.map_id)][-1] == "share-end"


def test_only_the_owner_can_share_and_codes_are_throttled(w):
    with pytest.raises(Refused):
        w.shares.create(Identity("bob", frozenset({THERAPIST})), w.map_id)
    for _ in range(10):
        with pytest.raises(ShareError, match="not valid"):
            w.shares.redeem(code="AAAA-AAAA", address="10.0.0.30")
    new = w.shares.create(w.ann, w.map_id)
    with pytest.raises(ShareError, match="Too many"):
        w.shares.redeem(code=new.code, address="10.0.0.30")
    assert w.shares.redeem(code=new.code, address="10.0.0.31")


def test_no_token_or_code_reaches_the_audit_trail(w):
    new = w.shares.create(w.ann, w.map_id)
    w.shares.redeem(token=new.token)
    text = str(w.records.audit_rows())
    assert new.token not in text and new.code not in text and new.code.replace("-", "") not in text
