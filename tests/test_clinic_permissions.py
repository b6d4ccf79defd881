"""Every role × every action, on its own and on others' maps, through the service layer (issue 12)."""

from __future__ import annotations

import pytest

from ditmap.accounts.model import ADMIN, SUPERVISOR, THERAPIST, Identity
from ditmap.operations import AddItem
from ditmap.services import maps
from ditmap.services.clinic import services
from ditmap.services.permissions import Action, Refused
from tests.clinic_support import PASSWORD, World, empty_map

A = Action
EVERY = list(Action)
OWNER = {A.LIST, A.OPEN, A.EDIT, A.COMMENT, A.HISTORY, A.EXPORT_CLINICIAN, A.EXPORT_CLIENT, A.SHARE, A.REVIEW,
         A.EXPORT_SUPERVISION}
SUPERVISING = {A.LIST, A.OPEN, A.COMMENT, A.HISTORY, A.REVIEW, A.EXPORT_SUPERVISION}
CLIENT_OWN = {A.OPEN, A.EDIT, A.EXPORT_CLIENT}

# who → (allowed on "ann's map", allowed on "bob's map", allowed without a map)
TABLE = {
    "admin": (set(), set(), {A.AUDIT, A.ACCOUNTS}),
    "admin-therapist ann": (OWNER, set(), {A.AUDIT, A.ACCOUNTS, A.CREATE, A.LIST}),
    "therapist bob": (set(), OWNER, {A.CREATE, A.LIST}),
    "supervisor of ann": (SUPERVISING, set(), {A.LIST}),
    "supervisor of nobody": (set(), set(), {A.LIST}),
    "client of ann's map": (CLIENT_OWN, set(), {A.EXPORT_CLIENT, A.OPEN, A.EDIT}),
    "personal-mode therapist": (OWNER, OWNER, set(EVERY)),
}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def clinic(request, tmp_path_factory):
    if request.param == "sqlite":
        w = World(tmp_path_factory.mktemp("perm") / "clinic.sqlite3")
    else:
        w = World(request.getfixturevalue("pg_cluster").new_database())
    w.accounts.add("root", PASSWORD, {ADMIN})
    w.accounts.add("ann", PASSWORD, {ADMIN, THERAPIST})
    w.accounts.add("bob", PASSWORD, {THERAPIST})
    w.accounts.add("sue", PASSWORD, {SUPERVISOR})
    w.accounts.add("sam", PASSWORD, {SUPERVISOR})
    w.accounts.assign("ann", "sue")
    ann_map = w.store.create_map("ann's", empty_map()).id
    bob_map = w.store.create_map("bob's", empty_map()).id
    w.records.set_owner(ann_map, "ann")
    w.records.set_owner(bob_map, "bob")
    who = {
        "admin": Identity("root", frozenset({ADMIN})),
        "admin-therapist ann": Identity("ann", frozenset({ADMIN, THERAPIST})),
        "therapist bob": Identity("bob", frozenset({THERAPIST})),
        "supervisor of ann": Identity("sue", frozenset({SUPERVISOR})),
        "supervisor of nobody": Identity("sam", frozenset({SUPERVISOR})),
        "client of ann's map": Identity.client(ann_map, share_id="s1"),
        "personal-mode therapist": Identity.local(),
    }
    return w, who, ann_map, bob_map


@pytest.mark.parametrize("who", list(TABLE))
@pytest.mark.parametrize("action", EVERY)
def test_every_role_and_action(clinic, who, action):
    w, identities, ann_map, bob_map = clinic
    identity = identities[who]
    on_ann, on_bob, without = TABLE[who]
    for map_id, allowed in ((ann_map, action in on_ann), (bob_map, action in on_bob), (None, action in without)):
        if map_id is not None and action in (A.AUDIT, A.ACCOUNTS, A.CREATE):
            continue  # not about a map
        if map_id is None and action not in (A.AUDIT, A.ACCOUNTS, A.CREATE, A.LIST) and not identity.is_client:
            continue  # map actions need a map (except for a client, whose map is the share's)
        before = len(w.records.audit_rows())
        if allowed:
            w.gate.check(identity, action, map_id)
            assert len(w.records.audit_rows()) == before
        else:
            with pytest.raises(Refused) as refused:
                w.gate.check(identity, action, map_id)
            assert str(refused.value).endswith(".") and "bob" not in str(refused.value)
            row = w.records.audit_rows()[-1]
            assert (row.action, row.outcome, row.detail, row.actor) == ("refused", "refused", str(action),
                                                                        identity.name)


def test_the_list_shows_only_what_each_may_see(clinic):
    w, who, ann_map, bob_map = clinic
    ids = lambda ident: {i.id for i in maps.list_maps(ident, w.store)}  # noqa: E731
    assert ids(who["therapist bob"]) == {bob_map}
    assert ids(who["admin-therapist ann"]) == {ann_map}
    assert ids(who["supervisor of ann"]) == {ann_map}
    assert ids(who["admin"]) == ids(who["client of ann's map"]) == ids(who["supervisor of nobody"]) == set()
    assert ids(who["personal-mode therapist"]) >= {ann_map, bob_map}


def test_edits_and_comments_go_through_the_check(clinic):
    w, who, ann_map, _ = clinic
    person = AddItem(kind="person", item={"id": "p-mum", "alias": "Mum", "role": "mother"})
    comment = AddItem(kind="comment", item={"id": "c-1", "anchor_kind": "person", "anchor": "p-mum",
                                            "text": "ok", "author": "sue"})
    with pytest.raises(Refused):
        maps.apply(who["supervisor of ann"], w.store, ann_map, person, base_version=w.store.version(ann_map))
    with pytest.raises(Refused):
        maps.apply(who["therapist bob"], w.store, ann_map, person, base_version=w.store.version(ann_map))
    applied = maps.apply(who["admin-therapist ann"], w.store, ann_map, person, base_version=w.store.version(ann_map))
    assert applied.version == w.store.version(ann_map)
    commented = maps.apply(who["supervisor of ann"], w.store, ann_map, comment, base_version=applied.version)
    assert commented.version == applied.version + 1
    with pytest.raises(Refused):
        maps.apply(who["therapist bob"], w.store, ann_map, comment, base_version=commented.version)
    assert [r.actor for r in w.records.audit_rows(map_id=ann_map) if r.action == "comment"] == ["sue"]
    row = [r for r in w.records.audit_rows(map_id=ann_map) if r.action == "edit"][-1]
    assert row.actor == "ann" and row.detail.startswith(f"version {applied.version}")
    assert "Mum" not in str(w.records.audit_rows())


def test_new_maps_belong_to_their_therapist(clinic):
    w, who, _, _ = clinic
    info = maps.create_map(who["therapist bob"], services(w.store).store, "new", empty_map())
    assert w.records.owner(info.id) == "bob"
    with pytest.raises(Refused):
        maps.create_map(who["supervisor of ann"], w.store, "nope", empty_map())


# --- supervision (issue 15) through the same check ------------------------------------------------------

def test_the_caseload_lists_what_each_may_list(clinic):
    w, who, ann_map, bob_map = clinic
    ids = lambda ident: {i.id for i, _ in maps.caseload(ident, w.store)}  # noqa: E731
    assert ids(who["supervisor of ann"]) == ids(who["admin-therapist ann"]) == {ann_map}
    assert bob_map in ids(who["therapist bob"]) and ann_map not in ids(who["therapist bob"])  # (and his new map)
    assert ids(who["supervisor of nobody"]) == set()
    assert ids(who["personal-mode therapist"]) >= {ann_map, bob_map}
    for nobody in ("admin", "client of ann's map"):
        with pytest.raises(Refused):
            maps.caseload(who[nobody], w.store)


def test_mark_reviewed_is_checked_and_kept_in_history_and_the_audit_trail(clinic):
    w, who, ann_map, bob_map = clinic
    v = w.store.version(ann_map)
    review = maps.mark_reviewed(who["supervisor of ann"], w.store, ann_map, reviewer="sue")
    assert (review.version, review.reviewer) == (v, "sue") and w.store.version(ann_map) == v  # not a version
    assert w.store.reviews(ann_map)[-1] == review
    row = w.records.audit_rows(map_id=ann_map)[-1]
    assert (row.actor, row.role, row.action, row.outcome, row.detail) == ("sue", "supervisor", "review", "ok",
                                                                         f"version {v}")
    for nobody, map_id in (("supervisor of ann", bob_map), ("therapist bob", ann_map),
                           ("client of ann's map", ann_map)):
        with pytest.raises(Refused):
            maps.mark_reviewed(who[nobody], w.store, map_id, reviewer=who[nobody].name)
    assert [r.reviewer for r in w.store.reviews(bob_map)] == []


def test_the_supervision_pack_is_an_export_a_supervisor_may_make(clinic):
    w, who, ann_map, bob_map = clinic
    maps.export(who["supervisor of ann"], w.store, ann_map, maps.SUPERVISION_PACK, client=False)
    row = w.records.audit_rows(map_id=ann_map)[-1]
    assert (row.actor, row.action, row.detail) == ("sue", "export", "supervision-pdf clinician")
    with pytest.raises(Refused):  # other clinician exports stay the therapist's
        maps.export(who["supervisor of ann"], w.store, ann_map, "pdf", client=False)
    with pytest.raises(Refused):
        maps.export(who["supervisor of ann"], w.store, bob_map, maps.SUPERVISION_PACK, client=False)
    with pytest.raises(Refused):
        maps.export(who["client of ann's map"], w.store, ann_map, maps.SUPERVISION_PACK, client=False)


def test_the_role_a_comment_carries(clinic):
    w, who, ann_map, bob_map = clinic
    role = lambda name, map_id=None: maps.author_role(who[name], w.store, map_id)  # noqa: E731
    assert role("supervisor of ann", ann_map) == role("supervisor of ann") == "supervisor"
    assert role("admin-therapist ann", ann_map) == role("therapist bob", bob_map) == "therapist"
    assert role("personal-mode therapist", ann_map) == "therapist"
    assert role("client of ann's map", ann_map) == "client"
    both = Identity("ann", frozenset({THERAPIST, SUPERVISOR}))  # supervising others, owning her own map
    assert maps.author_role(both, w.store, ann_map) == "therapist" and maps.author_role(both, w.store) == "therapist"
