//! Personal data (个人信息保护法): the log holds salted commitments, the vault holds the values,
//! and erasing a person deletes their name, phone and password hash from the database while
//! the log still verifies. Runs on SQLite, and on PostgreSQL when TIAOKUAI_TEST_PG_URL is set.

use serde_json::{json, Value};
use tiaokuai_app::{now_ms, Actor, Engine};
use tiaokuai_core::org::{Person, Unit, UnitKind, ERASED};
use tiaokuai_core::Transition;
use tiaokuai_log::{EntryHeader, Frontier, LogEntry};
use tiaokuai_store::{EventRows, Store};
use tiaokuai_testkit::{demo_engine, demo_server, fresh_db, test_signer, TestServer};

const NAME: &str = "蔺测试员";
const PHONE: &str = "13987654321";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Logs in; `None` when the server refuses.
async fn login(s: &TestServer, user: &str, password: &str) -> Option<(reqwest::Client, String)> {
    let c = client();
    let r = c
        .post(s.url("/api/v1/session"))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap();
    if r.status() != 200 {
        return None;
    }
    let v: Value = r.json().await.unwrap();
    Some((c, v["csrf"].as_str().unwrap().to_string()))
}

/// The state folded from the stored log by a fresh engine.
async fn folded_from_log(store: &Store, county: &str) -> tiaokuai_core::CountyState {
    let e = Engine::start(store.clone(), county, test_signer())
        .await
        .unwrap();
    e.full_state().await.unwrap()
}

async fn raw_payloads(store: &Store, county: &str, from: u64) -> Vec<String> {
    store
        .read_log(county, from, 100_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.payload)
        .collect()
}

#[tokio::test]
async fn sealed_log_folds_to_the_in_memory_state() {
    let (engine, _fx) = demo_engine().await.unwrap();
    let county = engine.county().to_string();
    let live = engine.full_state().await.unwrap();
    // The demo's people have phones and passwords: none of them is in the log.
    let someone = live.org.people.get("zhujian").unwrap();
    assert!(!someone.person.phone.is_empty());
    let payloads = raw_payloads(engine.store(), &county, 0).await;
    assert!(payloads.iter().all(|p| !p.contains(&someone.person.phone)
        && !p.contains(&someone.person.name)
        && !p.contains("$argon2id$")));
    assert!(engine.store().personal_data_count(&county).await.unwrap() > 0);
    assert_eq!(
        engine.store().check_personal_data(&county).await.unwrap(),
        vec![]
    );
    assert!(folded_from_log(engine.store(), &county).await == live);
}

#[tokio::test]
async fn erasure_deletes_the_data_and_the_log_still_verifies() {
    let s = demo_server().await.unwrap();
    let store = s.engine.store().clone();
    let county = s.engine.county().to_string();
    let (admin, csrf) = login(&s, "admin", "tiaokuai2026").await.unwrap();
    let before = store.log_size(&county).await.unwrap();
    let r = admin
        .post(s.url("/api/v1/people"))
        .header("x-csrf-token", &csrf)
        .json(
            &json!({"username": "erasee", "name": NAME, "phone": PHONE, "unit": "D-ZJ",
                      "password": "longenough1", "roles": ["department_handler@D-ZJ"]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let (erasee, erasee_csrf) = login(&s, "erasee", "longenough1").await.unwrap();

    // Auditors read the raw log: commitments only, for the new entries.
    let entries: Value = admin
        .get(s.url(&format!("/api/v1/log/entries?from={before}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = entries.to_string();
    assert!(text.contains("org.person.password") && text.contains("pd:v1:"));
    assert!(!text.contains(PHONE) && !text.contains(NAME) && !text.contains("$argon2id$"));

    // Denials: not an administrator; no CSRF token; the username not typed again.
    let r = erasee
        .post(s.url("/api/v1/people/erasee/erase"))
        .header("x-csrf-token", &erasee_csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = erasee
        .post(s.url("/admin/people/erasee/erase"))
        .form(&[("csrf", erasee_csrf.as_str()), ("confirm", "erasee")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = admin
        .post(s.url("/admin/people/erasee/erase"))
        .form(&[("csrf", "wrong"), ("confirm", "erasee")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = admin
        .post(s.url("/admin/people/erasee/erase"))
        .form(&[("csrf", csrf.as_str()), ("confirm", "someone")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(store.personal_data_count(&county).await.unwrap() > 0);
    let size = store.log_size(&county).await.unwrap();
    assert!(login(&s, "erasee", "longenough1").await.is_some());

    // The confirmation page, then the erasure.
    let page = admin
        .get(s.url("/admin/people/erasee/erase"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(NAME) && page.contains("erase-form"), "{page}");
    let r = admin
        .post(s.url("/admin/people/erasee/erase"))
        .form(&[("csrf", csrf.as_str()), ("confirm", "erasee")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(store.log_size(&county).await.unwrap(), size + 1);

    // The account is closed, its session ended, and the pages show 已删除.
    assert!(login(&s, "erasee", "longenough1").await.is_none());
    let r = erasee.get(s.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let list = admin
        .get(s.url("/admin/people?q=erasee"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains(ERASED) && !list.contains(NAME), "{list}");
    let page = admin
        .get(s.url("/admin/people/erasee/erase"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("erase-done") && !page.contains(NAME));
    let r = admin
        .post(s.url("/api/v1/people/erasee/erase"))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409, "erasing twice");

    // History still verifies; the vault matches its commitments; rebuild equals live.
    let report = tiaokuai_app::verify::verify_county(&store, &county, &test_signer().verifier())
        .await
        .unwrap();
    assert!(report.ok(), "{:?}", report.problem);
    assert_eq!(store.check_personal_data(&county).await.unwrap(), vec![]);
    let live = s.engine.full_state().await.unwrap();
    assert_eq!(live.org.people["erasee"].person.phone, ERASED);
    assert!(folded_from_log(&store, &county).await == live);
    let dumped = store.dump_read_models(&county).await.unwrap();
    store.rebuild_read_models(&county).await.unwrap();
    assert_eq!(store.dump_read_models(&county).await.unwrap(), dumped);

    // The bytes are gone from the database.
    if s.fixture.url.starts_with("sqlite:") {
        let mut bytes = std::fs::read(s.fixture.dir.path().join("test.db")).unwrap();
        if let Ok(wal) = std::fs::read(s.fixture.dir.path().join("test.db-wal")) {
            bytes.extend(wal);
        }
        for needle in [PHONE, NAME] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle} is still in the SQLite files"
            );
        }
    } else {
        for (table, col) in [
            (
                "people",
                "name || ' ' || phone || ' ' || coalesce(password_hash, '')",
            ),
            ("personal_data", "value"),
            ("log_entries", "payload"),
        ] {
            let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "select count(*) from {table} where county = $1 and ({col} like $2 or {col} like $3)"
            )))
            .bind(&county)
            .bind(format!("%{PHONE}%"))
            .bind(format!("%{NAME}%"))
            .fetch_one(store.pool())
            .await
            .unwrap();
            assert_eq!(n, 0, "{table} still holds the erased data");
        }
    }
}

/// A log written before personal data was sealed: plaintext in the payloads.
async fn old_style_log(store: &Store, county: &str) {
    let unit = Unit {
        code: "C".into(),
        name: "测试市".into(),
        short_name: "测试市".into(),
        aliases: vec![],
        kind: UnitKind::City,
        parent: None,
        owner_department: None,
        township: None,
    };
    let person = Person {
        username: "old".into(),
        name: NAME.into(),
        phone: PHONE.into(),
        unit: "C".into(),
        active: true,
    };
    let hash = tiaokuai_app::auth::hash_password("longenough1").unwrap();
    let ts = [
        Transition::UnitSaved { unit },
        Transition::PersonSaved { person },
        Transition::PasswordSet {
            username: "old".into(),
            password_hash: hash,
        },
    ];
    let mut prev = [0u8; 32];
    let mut frontier = Frontier::new();
    let mut batch = Vec::new();
    for (seq, t) in ts.into_iter().enumerate() {
        let header = EntryHeader {
            county: county.into(),
            seq: seq as u64,
            at_ms: 1_763_700_000_000 + seq as i64,
            actor: "system:cli".into(),
            role: String::new(),
            unit: String::new(),
            kind: t.kind().to_string(),
        };
        let e = LogEntry::seal(header, t.to_payload(), prev);
        prev = e.hash;
        frontier.push(e.hash);
        batch.push((e, t));
    }
    let mut w = store.begin_write(county).await.unwrap();
    w.append_many(&batch, &EventRows::default()).await.unwrap();
    let cp = test_signer().sign(county, 3, frontier.root(), 1_763_700_000_002);
    w.save_checkpoint(&cp).await.unwrap();
    w.commit().await.unwrap();
}

#[tokio::test]
async fn reseal_moves_an_old_logs_personal_data_into_the_vault() {
    let (old, _fx1) = fresh_db().await.unwrap();
    let (new, _fx2) = fresh_db().await.unwrap();
    old_style_log(&old, "370999").await;
    assert!(raw_payloads(&old, "370999", 0)
        .await
        .iter()
        .any(|p| p.contains(PHONE)));
    let verifier = test_signer().verifier();
    let r = tiaokuai_app::personal::reseal(&old, &new, "370999", &verifier, test_signer())
        .await
        .unwrap();
    assert_eq!((r.entries, r.sealed_values), (3, 3));
    let payloads = raw_payloads(&new, "370999", 0).await;
    assert!(payloads
        .iter()
        .all(|p| !p.contains(PHONE) && !p.contains(NAME) && !p.contains("$argon2id$")));
    assert_eq!(new.check_personal_data("370999").await.unwrap(), vec![]);
    // A vault value changed behind the log's back no longer matches its commitment.
    sqlx::query("update personal_data set value = '13900000000' where field = 'person.phone'")
        .execute(new.pool())
        .await
        .unwrap();
    let problems = new.check_personal_data("370999").await.unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].subject, "old");
    assert!(problems[0]
        .to_string()
        .contains("does not match its commitment"));
    // The re-sealed log keeps who did what when.
    let entries = new.read_log("370999", 0, 10).await.unwrap();
    assert_eq!(entries[1].header.actor, "system:cli");
    assert_eq!(entries[1].header.at_ms, 1_763_700_000_001);
    // The person can be erased in the new database.
    let engine = Engine::start(new.clone(), "370999", test_signer())
        .await
        .unwrap();
    engine
        .erase_person(&Actor::system("test"), now_ms(), "old")
        .await
        .unwrap();
    assert_eq!(new.personal_data_count("370999").await.unwrap(), 0);
    // Denial: the target already holds a log.
    let again =
        tiaokuai_app::personal::reseal(&old, &new, "370999", &verifier, test_signer()).await;
    assert!(again
        .unwrap_err()
        .to_string()
        .contains("already holds a log"));
}

/// The contact text (与谁沟通) of a report back, decoded.
fn contacted(t: &Transition) -> Option<String> {
    match t {
        Transition::Event {
            cmd: tiaokuai_core::events::EventCmd::ReportBack { report, .. },
            ..
        } => Some(report.contacted.clone()),
        _ => None,
    }
}

#[tokio::test]
async fn erasure_forgets_the_contact_text_of_the_persons_reports() {
    let (engine, _fx) = demo_engine().await.unwrap();
    let county = engine.county().to_string();
    let store = engine.store().clone();
    let log = store.read_log(&county, 0, 100_000).await.unwrap();
    let reports: Vec<_> = log
        .iter()
        .filter(|e| e.header.kind == "event.report_back")
        .cloned()
        .collect();
    let decoded = store.transitions(&county, &reports).await.unwrap();
    let first = &reports[0];
    let text = contacted(&decoded[0]).unwrap();
    assert!(text != ERASED && !text.is_empty());
    assert!(
        first.payload.contains("\"contacted\":\"pd:v1:"),
        "{}",
        first.payload
    );
    let author = first.header.actor.clone();
    let other = reports
        .iter()
        .zip(&decoded)
        .find(|(e, _)| e.header.actor != author)
        .map(|(e, t)| (e.clone(), contacted(t).unwrap()));

    engine
        .erase_person(&Actor::system("test"), now_ms(), &author)
        .await
        .unwrap();
    let after = store.transitions(&county, &reports[..1]).await.unwrap();
    assert_eq!(contacted(&after[0]).unwrap(), ERASED);
    if let Some((e, text)) = other {
        let t = store.transitions(&county, &[e]).await.unwrap();
        assert_eq!(contacted(&t[0]).unwrap(), text, "another person's report");
    }
    // The live state forgot it too (the event's timeline and pages read from it).
    let live = engine.full_state().await.unwrap();
    assert!(folded_from_log(&store, &county).await == live);
    let event = live
        .events
        .events
        .values()
        .find(|ev| ev.history.contains(&first.header.seq))
        .map(|ev| ev.id)
        .unwrap();
    let timeline = engine.event_timeline(event).await.unwrap();
    let step = timeline.iter().find(|x| x.seq == first.header.seq).unwrap();
    assert!(format!("{:?}", step.cmd).contains(ERASED));
    assert!(!format!("{:?}", step.cmd).contains(&text));
    let dumped = store.dump_read_models(&county).await.unwrap();
    store.rebuild_read_models(&county).await.unwrap();
    assert_eq!(store.dump_read_models(&county).await.unwrap(), dumped);
}
