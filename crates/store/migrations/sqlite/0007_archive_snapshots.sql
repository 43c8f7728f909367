-- Settled events that left the server's memory (see docs/history.md). Derived from the log
-- like every read model: one row per archived version of an event, keyed by the log position
-- of its last change, so a replay from any snapshot finds the version it needs.
create table event_archive (
    county   text   not null,
    event_id bigint not null,
    seq      bigint not null,
    -- zstd-compressed JSON of the event with its accountability cases, 回访 and photos
    body     blob  not null,
    primary key (county, event_id, seq)
);

-- Photos of archived events, so fetching a photo still asks who may read its events.
create table event_archive_photos (
    county   text   not null,
    hash     text   not null,
    event_id bigint not null,
    primary key (county, hash, event_id)
);

-- Snapshots of the folded state at a log position, signed with the log key together with the
-- root of the log at that position. A server starts from the newest one it can check and
-- replays only the entries after it.
create table state_snapshots (
    county     text   not null,
    size       bigint not null,
    format     bigint not null,
    root       blob  not null,
    key_id     text   not null,
    body_hash  blob  not null,
    signature  text   not null,
    created_ms bigint not null,
    -- zstd-compressed JSON of the folded state and the Merkle pyramid
    body       blob  not null,
    primary key (county, size)
);
