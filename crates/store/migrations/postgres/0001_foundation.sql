-- The log is the source of truth: one row per transition, one log per county.
create table log_entries (
    county    text    not null,
    seq       bigint  not null,
    at_ms     bigint  not null,
    actor     text    not null,
    role      text    not null,
    unit      text    not null,
    kind      text    not null,
    payload   text    not null,
    prev_hash bytea    not null,
    hash      bytea    not null,
    primary key (county, seq)
);
create index log_entries_kind on log_entries (county, kind);

-- Signed tree heads; verify checks every one of them.
create table log_checkpoints (
    county    text   not null,
    size      bigint not null,
    root      bytea   not null,
    at_ms     bigint not null,
    signature text   not null,
    key_id    text   not null,
    primary key (county, size)
);

-- Read models below are derived from the log; `tiaokuai rebuild` recomputes them.
create table units (
    county           text   not null,
    code             text   not null,
    kind             text   not null,
    parent           text,
    name             text   not null,
    short_name       text   not null,
    aliases          text   not null,
    owner_department text,
    township         text,
    seq              bigint not null,
    primary key (county, code)
);
create index units_parent on units (county, parent);

create table people (
    county        text    not null,
    username      text    not null,
    name          text    not null,
    phone         text    not null,
    unit          text    not null,
    active        bigint  not null,
    password_hash text,
    seq           bigint  not null,
    primary key (county, username)
);
create index people_unit on people (county, unit);

create table role_grants (
    county   text not null,
    username text not null,
    role     text not null,
    unit     text not null,
    primary key (county, username, role, unit)
);

create table grids (
    county   text   not null,
    code     text   not null,
    name     text   not null,
    kind     text   not null,
    village  text   not null,
    leader   text,
    workers  text   not null,
    geometry text   not null,
    min_lon  double precision not null,
    min_lat  double precision not null,
    max_lon  double precision not null,
    max_lat  double precision not null,
    seq      bigint not null,
    primary key (county, code)
);
create index grids_village on grids (county, village);

-- Login sessions are security state, not domain history, so they live outside the log.
create table sessions (
    id_hash    text   not null primary key,
    county     text   not null,
    username   text   not null,
    csrf       text   not null,
    created_ms bigint not null,
    expires_ms bigint not null
);

-- History cannot be rewritten from inside the database either.
create function tiaokuai_forbid_history_change() returns trigger language plpgsql as $$
begin
    raise exception 'tiaokuai: % on % is forbidden: the log is append-only', tg_op, tg_table_name;
end;
$$;
create trigger log_entries_append_only before update or delete on log_entries
    for each row execute function tiaokuai_forbid_history_change();
create trigger log_entries_no_truncate before truncate on log_entries
    for each statement execute function tiaokuai_forbid_history_change();
create trigger log_checkpoints_append_only before update or delete on log_checkpoints
    for each row execute function tiaokuai_forbid_history_change();
create trigger log_checkpoints_no_truncate before truncate on log_checkpoints
    for each statement execute function tiaokuai_forbid_history_change();
