-- Read models of the event workflow (derived from the log; rebuilt by `tiaokuai rebuild`).
create table events (
    county        text   not null,
    id            bigint not null,
    no            text   not null,
    status        text   not null,
    channel       text   not null,
    urgency       text   not null,
    grade         text   not null,
    request_type  text,
    title         text   not null,
    category      text   not null,
    item_id       text,
    item_version  bigint,
    caller_unit   text   not null,
    origin_unit   text   not null,
    township      text,
    village       text,
    grid          text,
    lon           double precision not null,
    lat           double precision not null,
    reporter      text   not null,
    created_ms    bigint not null,
    called_ms     bigint,
    closed_ms     bigint,
    returns       bigint not null,
    reopens       bigint not null,
    seq           bigint not null,
    primary key (county, id)
);
create index events_status on events (county, status);
create index events_caller on events (county, caller_unit, created_ms);
create index events_created on events (county, created_ms);

-- One row per hop (sender unit -> receiver unit).
create table assignments (
    county          text   not null,
    event_id        bigint not null,
    n               bigint not null,
    parent          bigint,
    role            text   not null,
    sender_unit     text   not null,
    receiver_unit   text   not null,
    status          text   not null,
    item_id         text,
    item_version    bigint,
    override_reason text,
    dispatched_by   text   not null,
    dispatched_ms   bigint not null,
    signed_ms       bigint,
    responded_ms    bigint,
    arrived_ms      bigint,
    reported_ms     bigint,
    sign_due        bigint not null,
    return_due      bigint not null,
    respond_due     bigint,
    arrive_due      bigint,
    complete_due    bigint not null,
    returns         bigint not null,
    extensions      bigint not null,
    level           bigint,
    level_label     text,
    passed          bigint,
    evaluated_by    text,
    evaluated_ms    bigint,
    rework          bigint not null,
    reminders       bigint not null,
    supervisions    bigint not null,
    escalated       bigint not null,
    seq             bigint not null,
    primary key (county, event_id, n)
);
create index assignments_receiver on assignments (county, receiver_unit, status);
create index assignments_sender on assignments (county, sender_unit, status);

create table accountability_cases (
    county        text   not null,
    event_id      bigint not null,
    n             bigint not null,
    unit          text   not null,
    opened_ms     bigint not null,
    reason        text   not null,
    outcome       text,
    concluded_by  text,
    concluded_ms  bigint,
    primary key (county, event_id, n)
);

create table public_feedback (
    county    text   not null,
    event_id  bigint not null,
    level     bigint not null,
    label     text   not null,
    comment   text   not null,
    by_user   text   not null,
    at_ms     bigint not null,
    primary key (county, event_id)
);

-- The working calendar's special days (holidays and 调休 working days).
create table calendar_days (
    county  text not null,
    day     text not null,
    kind    text not null,
    name    text not null,
    primary key (county, day)
);

-- Photos and other evidence, content-addressed: the log refers to them by SHA-256.
create table blobs (
    hash       text   not null primary key,
    mime       text   not null,
    size       bigint not null,
    bytes      bytea   not null,
    created_ms bigint not null
);

-- Evidence is part of the record: never changed or removed.
create trigger blobs_append_only before update or delete on blobs
    for each row execute function tiaokuai_forbid_history_change();
create trigger blobs_no_truncate before truncate on blobs
    for each statement execute function tiaokuai_forbid_history_change();
