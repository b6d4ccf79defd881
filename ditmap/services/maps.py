"""Map use cases that every face shares, each taking the acting identity: list, create, open, edit,
export, and supervision's (the caseload, *Mark reviewed*, the role a comment carries). Each asks the gate
first (a refusal raises `Refused` and is recorded) and records what was done in the audit trail (clinic
mode): ids, versions and format names only, never the map's content.
"""

from __future__ import annotations

from ditmap.accounts.model import SUPERVISOR, THERAPIST, Identity
from ditmap.audit import REFUSED
from ditmap.caseload import MapSummary
from ditmap.model import DitMap
from ditmap.operations import AddItem, Operation, UpdateItem
from ditmap.services.clinic import CLINIC, services
from ditmap.services.permissions import Action
from ditmap.store.base import Applied, MapInfo, Review, Store
from ditmap.vocab import Role

SUPERVISION_PACK = "supervision-pdf"


def action_for(op: Operation) -> Action:
    """A comment (adding or resolving one) is COMMENT; every other operation is EDIT."""
    if isinstance(op, (AddItem, UpdateItem)) and op.kind == "comment":
        return Action.COMMENT
    return Action.EDIT


def list_maps(identity: Identity, store: Store, **kwargs: bool) -> list[MapInfo]:
    """The saved maps this identity may see (a client sees none: they have their one map)."""
    infos = store.list_maps(**kwargs)
    visible = set(services(store).gate.visible(identity, [i.id for i in infos]))
    return [i for i in infos if i.id in visible]


def create_map(identity: Identity, store: Store, name: str, m: DitMap, *, how: str = "new") -> MapInfo:
    """A new map owned by the creating therapist (in clinic mode)."""
    clinic = services(store)
    clinic.gate.check(identity, Action.CREATE)
    info = store.create_map(name, m, author=identity.name)
    if clinic.mode() == CLINIC and clinic.records is not None and not identity.personal:
        clinic.records.set_owner(info.id, identity.name)
    clinic.record(identity, "create", map_id=info.id, detail=how)
    return info


def open_map(identity: Identity, store: Store, map_id: str) -> None:
    """Check and record one opening of a map (call once per opening, not per poll)."""
    clinic = services(store)
    clinic.gate.check(identity, Action.OPEN, map_id)
    clinic.record(identity, "open", map_id=map_id)


def record(identity: Identity, store: Store, action: str, map_id: str) -> None:
    """Record a change to a map's place in the list (rename, archive, delete …), after it was checked."""
    services(store).record(identity, action, map_id=map_id)


def record_refusal(identity: Identity, store: Store, action: Action, map_id: str, *, why: str) -> None:
    """Record an action refused outside the gate (e.g. the acting session ended before it arrived)."""
    services(store).record(identity, "refused", map_id=map_id, detail=f"{Action(action)} ({why})"[:80],
                           outcome=REFUSED)


def check(identity: Identity, store: Store, action: Action, map_id: str | None = None) -> None:
    services(store).gate.check(identity, action, map_id)


def allowed(identity: Identity, store: Store, action: Action, map_id: str | None = None) -> bool:
    return services(store).gate.allowed(identity, action, map_id)


def apply(identity: Identity, store: Store, map_id: str, op: Operation, *, base_version: int,
          author: str = "") -> Applied:
    """Apply one operation as `identity` (EDIT, or COMMENT for comments); recorded with its version."""
    clinic = services(store)
    action = action_for(op)
    clinic.gate.check(identity, action, map_id)
    applied = store.apply(map_id, op, base_version=base_version, author=author or identity.name)
    clinic.record(identity, str(action), map_id=map_id, detail=f"version {applied.version} ({op.op})")
    return applied


def step(identity: Identity, store: Store, map_id: str, *, redo: bool = False, author: str = "") -> Applied | None:
    """Undo or redo the map's last edit (an edit like any other)."""
    clinic = services(store)
    clinic.gate.check(identity, Action.EDIT, map_id)
    applied = (store.redo if redo else store.undo)(map_id, author=author or identity.name)
    if applied is not None:
        detail = f"version {applied.version} ({'redo' if redo else 'undo'})"
        clinic.record(identity, "edit", map_id=map_id, detail=detail)
    return applied


def export_action(fmt: str, *, client: bool) -> Action:
    """The permission an export needs: the client version, the supervision pack, or a clinician export."""
    if client:
        return Action.EXPORT_CLIENT
    return Action.EXPORT_SUPERVISION if fmt == SUPERVISION_PACK else Action.EXPORT_CLINICIAN


def export(identity: Identity, store: Store, map_id: str, fmt: str, *, client: bool,
           version: int | None = None) -> None:
    """Check and record one export (format, clinician or client version, and the map's version when the
    caller knows it) before its bytes are made."""
    clinic = services(store)
    clinic.gate.check(identity, export_action(fmt, client=client), map_id)
    detail = f"{fmt[:20]} {'client' if client else 'clinician'}"
    if version is not None:
        detail += f" version {int(version)}"
    clinic.record(identity, "export", map_id=map_id, detail=detail)


# --- supervision (issue 15) ---------------------------------------------------------------------------

def author_role(identity: Identity, store: Store, map_id: str | None = None) -> Role:
    """The role a comment or an edit by `identity` carries on `map_id`: "client" for a client; "supervisor" for
    someone who supervises and may not edit this map (reviewing it), or who only supervises; else "therapist"
    (an owner, the local therapist of personal mode, the operator)."""
    if identity.is_client:
        return "client"
    if SUPERVISOR not in identity.roles or identity.personal or identity.operator:
        return "therapist"
    if map_id is not None:
        return "therapist" if allowed(identity, store, Action.EDIT, map_id) else "supervisor"
    return "therapist" if THERAPIST in identity.roles else "supervisor"


def caseload(identity: Identity, store: Store) -> list[tuple[MapInfo, MapSummary]]:
    """The caseload's maps with their summaries: only those `identity` may list (a supervisor their
    supervisees', a therapist their own, the local therapist of personal mode all). A client has none."""
    clinic = services(store)
    clinic.gate.check(identity, Action.LIST)
    summaries = store.summaries()
    visible = set(clinic.gate.visible(identity, [i.id for i, _ in summaries]))
    return [(i, s) for i, s in summaries if i.id in visible]


def review_to_compare(identity: Identity, store: Store, map_id: str) -> Review | None:
    """The review a supervision pack counts changes from by default: the acting account's own latest review
    (a supervisor's "changes since my last review", as on the Changes page); for anyone who has not reviewed
    the map themselves (its therapist preparing for supervision, the operator, personal mode) its latest
    review by anyone. None when it was never reviewed."""
    latest = lambda rs: max(rs, key=lambda r: (r.version, r.at)) if rs else None  # noqa: E731
    reviews = store.reviews(map_id)
    mine = [] if identity.personal or identity.operator else \
        [r for r in reviews if r.reviewer.lower() == identity.name.lower()]
    return latest(mine) or latest(reviews)


def mark_reviewed(identity: Identity, store: Store, map_id: str, *, reviewer: str,
                  version: int | None = None) -> Review:
    """*Mark reviewed*: the version reviewed, by whom (`reviewer`: the account's name in clinic mode), when;
    kept in the map's history (not as a version) and in the audit trail. Changes since a review count from it."""
    clinic = services(store)
    clinic.gate.check(identity, Action.REVIEW, map_id)
    review = store.record_review(map_id, reviewer=reviewer, version=version)
    clinic.record(identity, "review", map_id=map_id, detail=f"version {review.version}")
    return review
