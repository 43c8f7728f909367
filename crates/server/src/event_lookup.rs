//! The one place the event lists (the `/events` page, `GET /api/v1/events`) turn a listed id
//! into the event to render. Today every event is in memory; when closed events are evicted,
//! this lookup is where they are loaded back.

use tiaokuai_core::events::Event;
use tiaokuai_core::CountyState;

/// The event of a listed page, by id; `None`: not found (left out of the page).
pub(crate) fn listed_event(st: &CountyState, id: u64) -> Option<&Event> {
    st.events.event(id)
}
