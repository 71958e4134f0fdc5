"""Transition tables and the one runner that answers both questions about them.

An app states its workflow as data — ``(status, action) -> (new status, role)`` — plus the
Vietnamese labels, and the guards that depend on the moment (deadlines, phases, checks). The
:class:`Runner` then answers, with the same code:

* ``options(actor, obj)`` — the actions this person may take now (the buttons a page shows,
  what an API lists), each allowed or not with the reason;
* ``ensure(actor, obj, action)`` — may this action run (the service), raising the same reason.

So a page never offers an action the service would refuse, and every refusal says why.
No app-specific knowledge lives here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from django.core.exceptions import PermissionDenied

from .errors import ServiceError

S = TypeVar("S")  # a status enum
A = TypeVar("A")  # an action enum
R = TypeVar("R")  # a role kind


class YesNo(Protocol):
    allowed: bool
    reason: str


@dataclass(frozen=True)
class Verdict:
    """Yes or no, with the Vietnamese reason; ``kind`` says what refused it."""

    allowed: bool
    reason: str = ""
    kind: str = ""  # "" (allowed), "status", "role", "guard"
    details: tuple[str, ...] = ()  # one line per problem, after the reason

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Verdict(True)


@dataclass(frozen=True)
class Transition(Generic[S, A, R]):
    source: S
    action: A
    target: S
    role: R


@dataclass(frozen=True)
class Option(Generic[A, S]):
    """One action a page may show: allowed now, or not with the reason."""

    action: A
    label: str
    target: S
    allowed: bool
    reason: str = ""
    details: tuple[str, ...] = ()

    @property
    def value(self) -> str:
        return str(getattr(self.action, "value", self.action))


class TransitionTable(Generic[S, A, R]):
    """``(status, action) -> (new status, role)`` with the Vietnamese names of each."""

    def __init__(
        self,
        transitions: Mapping[tuple[S, A], tuple[S, R]],
        *,
        status_labels: Mapping[S, str],
        action_labels: Mapping[A, str],
        role_names: Mapping[R, str],
    ) -> None:
        self.transitions: dict[tuple[S, A], Transition[S, A, R]] = {
            (source, action): Transition(source, action, target, role)
            for (source, action), (target, role) in transitions.items()
        }
        self.status_labels = dict(status_labels)
        self.action_labels = dict(action_labels)
        self.role_names = dict(role_names)
        missing: list[object] = [a for (_s, a) in transitions if a not in self.action_labels]
        missing += [s for (s, _a) in transitions if s not in self.status_labels]
        missing += [r for (_t, r) in transitions.values() if r not in self.role_names]
        if missing:
            raise ValueError(f"transition table without a Vietnamese label for {missing!r}")

    def find(self, status: S, action: A) -> Transition[S, A, R] | None:
        return self.transitions.get((status, action))

    def from_status(self, status: S) -> list[Transition[S, A, R]]:
        return [t for (source, _a), t in self.transitions.items() if source == status]

    def next_status(self, status: S, action: A) -> S | None:
        found = self.find(status, action)
        return found.target if found else None


Guard = Callable[[Any, Any], YesNo]


class Runner(Generic[S, A, R]):
    """Applies a table to rows: ``holds(actor, obj, role)`` says whether a person acts in that
    role for that row; ``guards[action](actor, obj)`` answers the moment-dependent rules."""

    def __init__(
        self,
        table: TransitionTable[S, A, R],
        *,
        status_of: Callable[[Any], S],
        holds: Callable[[Any, Any, R], bool],
        guards: Mapping[A, Guard] | None = None,
        status_refusals: Mapping[tuple[S, A], Callable[[Any], str]] | None = None,
    ) -> None:
        """``status_refusals`` may name a refusal better than "not in this status", per
        (status, action), from the row ("Giai đoạn … đã mở trước đó; dùng “Mở lại”")."""
        self.table = table
        self.status_of = status_of
        self.holds = holds
        self.guards: dict[A, Guard] = dict(guards or {})
        self.status_refusals = dict(status_refusals or {})

    def verdict(self, actor: Any, obj: Any, action: A) -> Verdict:
        status = self.status_of(obj)
        found = self.table.find(status, action)
        label = self.table.action_labels.get(action, str(action))
        if found is None:
            better = self.status_refusals.get((status, action))
            if better is not None:
                return Verdict(False, better(obj), "status")
            return Verdict(
                False,
                f"Không thể “{label}” khi đang ở trạng thái “{self.table.status_labels[status]}”.",
                "status",
            )
        if not self.holds(actor, obj, found.role):
            return Verdict(
                False, f"Chỉ {self.table.role_names[found.role]} được “{label}”.", "role"
            )
        guard = self.guards.get(action)
        if guard is not None:
            answer = guard(actor, obj)
            if not answer.allowed:
                return Verdict(False, answer.reason, "guard", tuple(getattr(answer, "details", ())))
            return Verdict(True, answer.reason)  # e.g. "còn hạn đến 15/11/2025"
        return ALLOWED

    def ensure(self, actor: Any, obj: Any, action: A) -> S:
        """The new status, or the refusal: ``PermissionDenied`` for a role the actor does not
        hold, ``ServiceError`` for a status or a moment that does not allow it."""
        verdict = self.verdict(actor, obj, action)
        if verdict.kind == "role":
            raise PermissionDenied(verdict.reason)
        if not verdict:
            raise ServiceError(
                [verdict.reason, *verdict.details] if verdict.details else verdict.reason
            )
        found = self.table.find(self.status_of(obj), action)
        assert found is not None
        return found.target

    def options(self, actor: Any, obj: Any) -> list[Option[A, S]]:
        """The actions from the current status whose role this person holds, allowed or not
        (with the reason). Actions of roles the person does not hold are not listed."""
        out: list[Option[A, S]] = []
        for t in self.table.from_status(self.status_of(obj)):
            if not self.holds(actor, obj, t.role):
                continue
            verdict = self.verdict(actor, obj, t.action)
            out.append(
                Option(
                    t.action,
                    self.table.action_labels[t.action],
                    t.target,
                    verdict.allowed,
                    verdict.reason,
                    verdict.details,
                )
            )
        return out

    def actions(self) -> Iterable[A]:
        seen: dict[A, None] = {}
        for _s, action in self.table.transitions:
            seen.setdefault(action, None)
        return list(seen)
