-- Personal data (个人信息保护法) lives here, outside the hash-chained log: a log payload holds a
-- salted commitment ("pd:v1:<hex sha256>") in place of each personal value, and this row holds
-- the value. Erasing a person deletes their rows in the transaction that appends the erasure;
-- the log still verifies. Not a read model: rebuild never clears it.
create table personal_data (
    county     text   not null,
    -- the token as it appears in the payload of log entry `seq`
    commitment text   not null,
    -- the username whose data this is
    subject    text   not null,
    -- where in the transition the value sits: person.name, person.phone, password_hash
    field      text   not null,
    -- hex of the random salt (16 bytes) hashed with the value
    salt       text   not null,
    value      text   not null,
    seq        bigint not null,
    primary key (county, commitment)
);
create index personal_data_subject on personal_data (county, subject);
