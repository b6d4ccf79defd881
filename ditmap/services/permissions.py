"""The one permission check: may this identity do this action (on this map)?

Every page, route and CLI command asks `Gate.check(identity, action, map_id)` before acting; a refusal
raises `Refused` with a plain sentence and is written to the audit trail. The rule itself is `decide`,
a pure function of the identity, the action, the map's owner and whether the identity supervises that
owner, so the whole table is tested without a server.

Roles (issue 12):
- admin: accounts, supervisor assignments, the audit trail; no clinical content unless also a therapist;
- therapist: everything on their own maps (open, edit, comment, history, both exports, share, mark reviewed,
  the supervision pack) and new maps;
- supervisor: the maps of therapists assigned to them: list, open (private notes included), history,
  comment, mark reviewed and the supervision pack (issue 15); nothing else;
- client (a share): the one shared map, in the client view: open, edit, client exports; nothing else;
- personal mode (no accounts): the local therapist may do everything; a held client view is a client;
- the operator (the command line on the server, without `--as`): everything, recorded in the trail; whoever
  can run it can read the store file anyway, so the file's permissions are what protect it.
"""

from __future__ import annotations

import time
from enum import StrEnum

from ditmap.accounts.clinic_store import ClinicStore
from ditmap.accounts.model import ADMIN, SUPERVISOR, THERAPIST, Identity
from ditmap.audit import REFUSED, AuditEntry, safe_id


class Action(StrEnum):
    LIST = "list"
    CREATE = "create"
    OPEN = "open"
    EDIT = "edit"
    COMMENT = "comment"
    HISTORY = "history"
    EXPORT_CLINICIAN = "export-clinician"
    EXPORT_CLIENT = "export-client"
    SHARE = "share"
    REVIEW = "review"  # *Mark reviewed* (issue 15): the version reviewed, by whom, when
    EXPORT_SUPERVISION = "export-supervision"  # the supervision pack: an export for supervision, not a client
    AUDIT = "audit"
    ACCOUNTS = "accounts"


MAP_ACTIONS = frozenset({Action.LIST, Action.OPEN, Action.EDIT, Action.COMMENT, Action.HISTORY,
                         Action.EXPORT_CLINICIAN, Action.EXPORT_CLIENT, Action.SHARE, Action.REVIEW,
                         Action.EXPORT_SUPERVISION})
OWNER_ACTIONS = MAP_ACTIONS
SUPERVISOR_ACTIONS = frozenset({Action.LIST, Action.OPEN, Action.COMMENT, Action.HISTORY, Action.REVIEW,
                                Action.EXPORT_SUPERVISION})
"""Supervision reads, comments and signs off; the pack is its own export (pseudonymised, for the supervision
hour), so a supervisor gets it without the clinician exports of the whole record."""
CLIENT_ACTIONS = frozenset({Action.OPEN, Action.EDIT, Action.EXPORT_CLIENT})
ADMIN_ACTIONS = frozenset({Action.AUDIT, Action.ACCOUNTS})

NOT_YOURS = "This map is not open to you."


class Refused(PermissionError):
    """An action this identity may not do; the message says so plainly (and reveals nothing about others)."""


def decide(identity: Identity, action: Action, *, owner: str | None = None, supervised: bool = False) -> str | None:
    """None when allowed; otherwise the sentence to show. `owner` is the map's owner (None: unowned or no map);
    `supervised` is whether `identity` supervises that owner."""
    action = Action(action)
    if identity.is_client:
        if action not in CLIENT_ACTIONS:
            return {Action.HISTORY: "The history is for the therapist.",
                    Action.EXPORT_CLINICIAN: "Only the client version can be downloaded here."}.get(action,
                                                                                                 NOT_YOURS)
        return None  # the map itself is checked by the caller (share_map)
    if identity.personal or identity.operator:
        return None
    if action in ADMIN_ACTIONS:
        return None if ADMIN in identity.roles else "Only an administrator can do that."
    if action is Action.CREATE:
        return None if THERAPIST in identity.roles else "Only a therapist can start a new map."
    if THERAPIST in identity.roles and owner is not None and owner.lower() == identity.name.lower():
        return None
    if SUPERVISOR in identity.roles and supervised:
        if action in SUPERVISOR_ACTIONS:
            return None
        return ("Supervision is read-only: you can read the map and its history, comment, mark it reviewed "
                "and prepare the supervision pack.")
    return NOT_YOURS


class Gate:
    """`decide` over a clinic store (owners, assignments), recording every refusal in the audit trail.

    Who owns a map and who supervises whom is read from the store and kept for `ttl` seconds (a page's
    rerun asks many times; an ended assignment or a new owner takes effect within that time).
    """

    def __init__(self, clinic: ClinicStore | None, *, ttl: float = 2.0):
        self.clinic = clinic
        self.ttl = ttl
        self._known: dict[tuple[str, str], tuple[float, str | None, bool]] = {}

    def _relation(self, name: str, map_id: str) -> tuple[str | None, bool]:
        """(the map's owner, whether `name` supervises that owner), from the store or the last `ttl` seconds."""
        key = (name.lower(), map_id)
        now = time.monotonic()
        hit = self._known.get(key)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1], hit[2]
        assert self.clinic is not None
        owner = self.clinic.owner(map_id)
        supervised = owner is not None and self.clinic.supervises(name, owner)
        if len(self._known) > 4096:
            self._known.clear()
        self._known[key] = (now, owner, supervised)
        return owner, supervised

    def refusal(self, identity: Identity, action: Action, map_id: str | None = None) -> str | None:
        if identity.is_client:
            if map_id is not None and map_id != identity.share_map:
                return NOT_YOURS
            return decide(identity, action)
        if identity.personal or identity.operator or self.clinic is None:
            return decide(identity, action)
        owner, supervised = None, False
        if map_id is not None:
            owner, supervised = self._relation(identity.name, map_id)
        elif action in MAP_ACTIONS:  # no map named: e.g. "may I see the list at all"
            return None if identity.roles & {THERAPIST, SUPERVISOR} else NOT_YOURS
        return decide(identity, action, owner=owner, supervised=supervised)

    def allowed(self, identity: Identity, action: Action, map_id: str | None = None) -> bool:
        """A quiet question (e.g. whether to draw a button): not recorded."""
        return self.refusal(identity, action, map_id) is None

    def check(self, identity: Identity, action: Action, map_id: str | None = None) -> None:
        """Raise `Refused` (and record it) unless allowed."""
        why = self.refusal(identity, action, map_id)
        if why is None:
            return
        if self.clinic is not None:
            self.clinic.append_audit(AuditEntry(identity.name, identity.role_label(), "refused", REFUSED,
                                                map_id=safe_id(map_id), address=identity.address,
                                                detail=str(Action(action))))
        raise Refused(why)

    def visible(self, identity: Identity, map_ids: list[str]) -> list[str]:
        """The maps this identity may see in a list, in the given order."""
        if identity.is_client:
            return []
        if identity.personal or identity.operator or self.clinic is None:
            return list(map_ids)
        return [m for m in map_ids if self.refusal(identity, Action.LIST, m) is None]
