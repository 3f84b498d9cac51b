"""The two state machines of destruction, as pure functions (no database, no storage).

A list (RODA: disposal confirmation)::

    draft ──opinion──▶ draft ──approve──▶ approved ──execute──▶ executing ──finish──▶ executed
      │                                      │                      ▲  │
      └──────────────reject──────────────────┴──▶ rejected           └──┘ execute (resume)

An item (one whole dossier on a list)::

    pending ──start──▶ destroying ──finish──▶ destroyed
       └──withhold──▶ withheld

Each function takes the current state, the action and who acts (with the people who
already acted on the list) and returns the new state, or raises :class:`DisposalError`
(a ``Refused``) saying why.  The persistence code in ``proposal`` and ``execution``
calls them before it writes anything, so the rules live here and only here: which
state allows which step, and separation of duties — the drafter, each council member
and the approver are different people, and those who authorised a list (council,
approver) do not execute it; the drafter (the agency archive) does or another archivist.
Names compare without case.  The council quorum is checked in ``proposal`` (it needs
the configured number, ``Settings.disposal_council_quorum``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from luutru.disposal.common import DisposalError, refuse, same_person
from luutru.records.finding_codes.disposal import (
    DISPOSAL_BAD_TRANSITION,
    DISPOSAL_FOUR_EYES,
    DISPOSAL_NOT_APPROVED,
    DISPOSAL_NOT_DRAFT,
    DISPOSAL_SEPARATION_OF_DUTIES,
)
from luutru.records.status import DisposalItemState as ItemState
from luutru.records.status import DisposalListStatus as ListStatus

#: States in which a list still holds its dossiers (a dossier may be on one open list only).
OPEN_STATES = (ListStatus.DRAFT, ListStatus.APPROVED, ListStatus.EXECUTING)


class ListAction(str, enum.Enum):
    OPINION = "opinion"
    APPROVE = "approve"
    REJECT = "reject"
    EXECUTE = "execute"  # start, or resume an interrupted run
    FINISH = "finish"


class ItemAction(str, enum.Enum):
    START = "start"
    WITHHOLD = "withhold"
    FINISH = "finish"


@dataclass(frozen=True)
class Parties:
    """Who already acted on a list, in which capacity."""

    drafted_by: str
    council: tuple[str, ...] = field(default=())
    decided_by: str | None = None

    def capacities_of(self, actor: str) -> list[str]:
        out = ["drafter"] if same_person(actor, self.drafted_by) else []
        if any(same_person(actor, m) for m in self.council):
            out.append("council member")
        if same_person(actor, self.decided_by):
            out.append("approver")
        return out


def _separation(list_id: str, actor: str, capacity: str, held: list[str]) -> DisposalError:
    vi = {"drafter": "người lập danh mục", "council member": "thành viên hội đồng", "approver": "người phê duyệt",
          "executor": "người thực hiện hủy"}
    return refuse(DISPOSAL_SEPARATION_OF_DUTIES,
                  f"{actor} đã là {', '.join(vi[h] for h in held)} của danh mục {list_id} nên không được làm "
                  f"{vi[capacity]}. Sửa: một người khác phải làm việc này.",
                  f"{actor} already acted on list {list_id} as {', '.join(held)} and so may not act as {capacity}. "
                  "Fix: another person must do it.", details={"capacity": capacity, "held": held})


def _not_draft(list_id: str, state: ListStatus, what_en: str) -> DisposalError:
    return refuse(DISPOSAL_NOT_DRAFT, f"Danh mục {list_id} đang ở trạng thái {state.value}.",
                  f"List {list_id} is {state.value}; {what_en}.")


def opinion(list_id: str, state: ListStatus, actor: str, parties: Parties) -> ListStatus:
    """A council member's opinion: drafts only, never by the drafter or the approver."""
    if state is not ListStatus.DRAFT:
        raise _not_draft(list_id, state, "opinions are recorded on drafts only")
    held = [c for c in parties.capacities_of(actor) if c != "council member"]
    if held:
        raise _separation(list_id, actor, "council member", held)
    return ListStatus.DRAFT


def approve(list_id: str, state: ListStatus, actor: str, parties: Parties) -> ListStatus:
    """Approval: a draft only; four eyes (never the drafter) and never a council member."""
    if state is not ListStatus.DRAFT:
        raise _not_draft(list_id, state, "only a draft can be approved")
    if same_person(actor, parties.drafted_by):
        raise refuse(DISPOSAL_FOUR_EYES,
                     f"{actor} đã lập danh mục {list_id} nên không được phê duyệt nó. Người có thẩm quyền khác "
                     "phải phê duyệt.",
                     f"{actor} drafted list {list_id} and so may not approve it; another competent person must.")
    held = parties.capacities_of(actor)
    if held:
        raise _separation(list_id, actor, "approver", held)
    return ListStatus.APPROVED


def reject(list_id: str, state: ListStatus, actor: str, parties: Parties) -> ListStatus:
    """Rejection: a draft or an approved list not yet executing; never by the drafter.

    Only the drafter is excluded: a rejection destroys nothing, and a council member or
    approver who stops a list they doubt must be able to.
    """
    if state not in (ListStatus.DRAFT, ListStatus.APPROVED):
        raise _not_draft(list_id, state, "it can no longer be rejected")
    if same_person(actor, parties.drafted_by):
        raise refuse(DISPOSAL_FOUR_EYES, f"{actor} đã lập danh mục {list_id} nên không được quyết định về nó.",
                     f"{actor} drafted list {list_id} and so may not decide on it.")
    return ListStatus.REJECTED


def execute(list_id: str, state: ListStatus, actor: str, parties: Parties) -> ListStatus:
    """Start or resume destruction: approved lists only, never by a council member or the approver.

    The agency archive that drafted the list carries it out (the procedure gives both
    to it); those who authorised it — council and approver — do not execute it.
    """
    if state not in (ListStatus.APPROVED, ListStatus.EXECUTING):
        raise refuse(DISPOSAL_NOT_APPROVED,
                     f"Danh mục {list_id} đang ở trạng thái {state.value}: chỉ hủy theo danh mục đã được phê duyệt.",
                     f"List {list_id} is {state.value}: only an approved list can be executed.")
    held = [c for c in parties.capacities_of(actor) if c != "drafter"]
    if held:
        raise _separation(list_id, actor, "executor", held)
    return ListStatus.EXECUTING


def finish(list_id: str, state: ListStatus) -> ListStatus:
    """Every dossier done and the list's own steps finished."""
    if state is not ListStatus.EXECUTING:
        raise _bad(f"list {list_id}", state.value, ListAction.FINISH.value)
    return ListStatus.EXECUTED


def _bad(what: str, state: str, action: str) -> DisposalError:
    return refuse(DISPOSAL_BAD_TRANSITION, f"Không thể '{action}' khi {what} ở trạng thái {state}.",
                  f"Cannot '{action}' {what} in state {state}.", details={"state": state, "action": action})


ITEM_TRANSITIONS: dict[tuple[ItemState, ItemAction], ItemState] = {
    (ItemState.PENDING, ItemAction.START): ItemState.DESTROYING,
    (ItemState.PENDING, ItemAction.WITHHOLD): ItemState.WITHHELD,
    (ItemState.DESTROYING, ItemAction.FINISH): ItemState.DESTROYED,
}


def item(code: str, state: ItemState, action: ItemAction) -> ItemState:
    """The next state of one dossier on a list; destroyed and withheld are final."""
    new = ITEM_TRANSITIONS.get((ItemState(state), action))
    if new is None:
        raise _bad(f"dossier {code}", ItemState(state).value, action.value)
    return new


def item_done(state: ItemState) -> bool:
    """Nothing left to do for this dossier (destroyed, or withheld at the last check)."""
    return ItemState(state) in (ItemState.DESTROYED, ItemState.WITHHELD)
