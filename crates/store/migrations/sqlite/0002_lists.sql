-- Read models of the responsibility lists (derived from the log).
create table list_versions (
    county         text   not null,
    version        bigint not null,
    effective_date text   not null,
    document_no    text   not null,
    source         text   not null,
    published_ms   bigint not null,
    primary key (county, version)
);

-- One row per item per range of versions in which it read the same.
create table list_items (
    county       text   not null,
    item_id      text   not null,
    version_from bigint not null,
    version_to   bigint,
    kind         text   not null,
    number       text   not null,
    domain       text   not null,
    name         text   not null,
    primary_units    text not null,
    supporting_units text not null,
    data         text   not null,
    primary key (county, item_id, version_from)
);
create index list_items_open on list_items (county, version_to, kind);

create table list_adjustments (
    county     text   not null,
    id         bigint not null,
    status     text   not null,
    applicant  text   not null,
    unit       text   not null,
    kind       text   not null,
    item_id    text   not null,
    data       text   not null,
    seq        bigint not null,
    primary key (county, id)
);
