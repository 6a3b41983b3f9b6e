"""Objects the bulk path wrote, made persistent objects of the session as a flush leaves them.

``bulk.py`` inserts the rows with Core and loads what the database generated onto the objects;
this module then does what the rest of a flush does for them: each gets its identity key and
its values committed (``make_transient_to_detached``), joins the session's identity map (as
``add`` does), and is recorded as inserted by the current transaction, so a rollback expunges it
as it expunges the objects a flush inserted.

SQLAlchemy has public calls for the first two steps one object at a time; for a batch this uses
the private steps those calls are made of, the ones the unit of work itself uses — the mass form
of committing values, the identity map's ``add`` — where nothing listens to the session's attach
events (a listener there gets ``Session._update_impl``, which fires them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.state import InstanceState

from .._mapping import all_loaded

__all__ = ["attach"]

#: Whether ``session.add`` would find nothing new walking this object's relationships.
HoldsOnlyBatch = Callable[[Any, InstanceState[Any]], bool]


def attach(session: Session, instances: Sequence[Any], holds_only_batch: HoldsOnlyBatch) -> None:
    """Make the written ``instances`` persistent objects of ``session``, as ``add_all`` would.

    ``session.add`` also walks each object's relationships for related objects to add. Where
    ``holds_only_batch`` says the walk would find nothing new, the object goes straight into the
    identity map, the step ``add`` takes for every object it reaches.
    """
    states = [instance_state(instance) for instance in instances]
    _as_detached(instances, states)
    join = _joiner(session)
    for instance, state in zip(instances, states, strict=True):
        if holds_only_batch(instance, state):
            join(state)
        else:
            session.add(instance)
    _join_as_inserted(session, states)


def _as_detached(instances: Sequence[Any], states: list[InstanceState[Any]]) -> None:
    """``make_transient_to_detached`` of each instance, cheaper where every attribute is loaded.

    The function also expires the attributes that are not loaded, which needs two set
    differences per object; with nothing unloaded (the common case after ``RETURNING``), its
    other two steps are all there is to do: the identity key, then the values committed, for all
    such objects in one call (the mass form SQLAlchemy's loading uses).
    """
    loaded = []
    for instance, state in zip(instances, states, strict=True):
        if state.session_id or not all_loaded(state):
            make_transient_to_detached(instance)  # which also refuses an object already in a session
        else:
            state.key = state.mapper._identity_key_from_state(state)
            loaded.append((state, state.dict))
    InstanceState._commit_all_states(loaded)


def _joiner(session: Session) -> Callable[[InstanceState[Any]], None]:
    """What ``Session._update_impl`` does for a new detached object, without the attach events
    where nothing listens to them."""
    dispatch = session.dispatch
    if dispatch.before_attach or dispatch.after_attach or dispatch.detached_to_persistent:

        def join_with_events(state: InstanceState[Any]) -> None:
            state._orphaned_outside_of_session = False  # as Session._save_or_update_state does
            session._update_impl(state)

        return join_with_events
    session._autobegin_t()
    identity_map, hash_key = session.identity_map, session.hash_key

    def join(state: InstanceState[Any]) -> None:
        state._orphaned_outside_of_session = False
        identity_map.add(state)  # which refuses a key another object of the session holds
        state.session_id = hash_key

    return join


def _join_as_inserted(session: Session, states: list[InstanceState[Any]]) -> None:
    """Record the objects as inserted by the current transaction, as a flush does its INSERTs.

    Rolling back that transaction (or the SAVEPOINT they were written in) then treats them as
    it treats objects a flush inserted: expunged back to transient, their values kept and
    readable, their keys gone from the identity map. Joined as persistent objects without
    this, they would be expired and detached, and reading one would raise
    ``DetachedInstanceError``. SQLAlchemy has no public call for it: its flush fills the
    transaction's ``_new`` (``Session._register_altered``), and so does this.
    """
    transaction = session.get_nested_transaction() or session.get_transaction()
    if transaction is None:  # pragma: no cover - the inserts above began one
        return
    new = transaction._new
    for state in states:
        new[state] = True
