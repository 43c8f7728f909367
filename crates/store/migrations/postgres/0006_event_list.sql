-- The event list (store::event_list): newest first within a county, per reader scope and
-- filter, a page at a time by id. Each index serves one term of the list's predicate in id
-- order, so a page reads about a page of index entries instead of the county's events.
create index events_list_status on events (county, status, id);
create index events_list_caller on events (county, caller_unit, id);
create index events_list_township on events (county, township, id);
create index events_list_village on events (county, village, id);
create index events_list_origin on events (county, origin_unit, id);
create index events_list_reporter on events (county, reporter, id);
create index assignments_list_receiver on assignments (county, receiver_unit, event_id);
create index assignments_list_sender on assignments (county, sender_unit, event_id);
create index assignments_list_dispatcher on assignments (county, dispatched_by, event_id);
-- (county, status, id) serves every query (county, status) served.
drop index events_status;
