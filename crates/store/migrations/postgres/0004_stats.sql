-- Statistical facts of each event and hop (derived from the log with the event rows; rebuilt
-- by `tiaokuai rebuild`). The statistics cube and the assessment read these.
create table stat_events (
    county        text   not null,
    event_id      bigint not null,
    created_ms    bigint not null,
    category      text   not null,
    channel       text   not null,
    urgency       text   not null,
    origin_unit   text   not null,
    township      text,
    village       text,
    grid          text,
    item_id       text,
    lead_unit     text,
    status        text   not null,
    due_ms        bigint,
    closed_ms     bigint,
    close_wms     bigint,
    returns       bigint not null,
    reopens       bigint not null,
    disputes      bigint not null,
    whistles      bigint not null,
    escalated     bigint not null,
    level         bigint,
    primary key (county, event_id)
);
create index stat_events_created on stat_events (county, created_ms);

create table stat_hops (
    county          text   not null,
    event_id        bigint not null,
    n               bigint not null,
    role            text   not null,
    sender_unit     text   not null,
    receiver_unit   text   not null,
    status          text   not null,
    dispatched_ms   bigint not null,
    category        text   not null,
    channel         text   not null,
    urgency         text   not null,
    township        text,
    item_id         text,
    off_list        bigint not null,
    signed_ms       bigint,
    sign_due        bigint not null,
    responded_ms    bigint,
    respond_due     bigint,
    reported_ms     bigint,
    complete_due    bigint not null,
    sign_wms        bigint,
    respond_wms     bigint,
    report_wms      bigint,
    level           bigint,
    return_requests bigint not null,
    returned        bigint not null,
    disputed        bigint not null,
    rework          bigint not null,
    reminders       bigint not null,
    supervisions    bigint not null,
    escalated       bigint not null,
    primary key (county, event_id, n)
);
create index stat_hops_dispatched on stat_hops (county, dispatched_ms);

-- Which events changed since a log position (the statistics cache catches up by it).
create index events_seq on events (county, seq);
