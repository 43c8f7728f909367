//! The one place the event lists (the `/events` page, `GET /api/v1/events`) turn a listed id
//! into the event to render. Callers read with `Engine::with_events(&ids, …)`, which loads
//! listed events that were archived (see docs/history.md) back into memory first.

use tiaokuai_core::events::Event;
use tiaokuai_core::CountyState;

/// The event of a listed page, by id; `None`: not found (left out of the page).
pub(crate) fn listed_event(st: &CountyState, id: u64) -> Option<&Event> {
    st.events.event(id)
}
