-- Uploaded files waiting for confirmation: a list import is checked and shown first, then
-- confirmed, possibly on another server behind the same load balancer. A row is deleted on
-- confirmation, and expired rows whenever a new file is staged.
create table staged_uploads (
    token      text   not null primary key,
    owner      text   not null,
    file_name  text   not null,
    bytes      bytea  not null,
    created_ms bigint not null,
    expires_ms bigint not null
);
create index staged_uploads_expiry on staged_uploads (expires_ms);
