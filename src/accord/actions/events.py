"""What happens to an action item that others react to (``core.events``; the notices are
planned in ``notify/reactions.py``). Emitted by the action services inside their
transaction."""

import dataclasses
import datetime as dt

from accord.actions.models import ActionItem, DueDateProposal, Export
from accord.org.models import Person


@dataclasses.dataclass(frozen=True)
class ActionCreated:
    action: ActionItem


@dataclasses.dataclass(frozen=True)
class CommitmentChanged:
    """The item's due date or owner changed: what was planned for the old one no longer holds."""

    action: ActionItem


@dataclasses.dataclass(frozen=True)
class ActionClosed:
    """The item became done or cancelled (``action.status`` says which)."""

    action: ActionItem


@dataclasses.dataclass(frozen=True)
class ActionReplanned:
    """A new due date with its reason; ``proposed_by`` when it accepts the owner's proposal,
    ``actor`` who re-planned or accepted."""

    action: ActionItem
    old_due: dt.date
    reason: str
    proposed_by: Person | None = None
    actor: Person | None = None


@dataclasses.dataclass(frozen=True)
class ActionEscalated:
    action: ActionItem
    actor: Person
    note: str


@dataclasses.dataclass(frozen=True)
class DueDateProposed:
    proposal: DueDateProposal


@dataclasses.dataclass(frozen=True)
class DueProposalDeclined:
    proposal: DueDateProposal


@dataclasses.dataclass(frozen=True)
class ActionSigned:
    """The owner signed the item of approved minutes (S-POST-3)."""

    action: ActionItem


@dataclasses.dataclass(frozen=True)
class ExportFinished:
    """A prepared spreadsheet is ready to download, or failed (``export.status`` says which)."""

    export: Export
