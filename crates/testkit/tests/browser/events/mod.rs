//! Browser flows of the event workflow (乡呼县应): a grid worker reports on a phone, the
//! township calls the county, the command centre dispatches by the list, the department signs,
//! responds and reports back, the township grades and closes; the timeline and the proof.
//! Also returns and disputes with 编办's ruling, extensions, a failing grade that reopens the
//! work, a joint matter where the lead waits for its co-departments, and 乡镇派单 to a stationed
//! 派出所.

mod department_requests;
mod failed_grade;
mod gps_report;
mod joint_matter;
mod routing_suggestion;
mod township_assign;
mod whole_loop;

use super::{R, T};
use anyhow::Context;
use department_requests::{extension, return_dispute_ruling};
use failed_grade::dissatisfied;
use gps_report::gps_report;
use joint_matter::joint_matter;
use routing_suggestion::suggested_dispatch;
use tiaokuai_app::now_ms;
use tiaokuai_core::access::Principal;
use tiaokuai_core::events::{
    Channel, EventCmd, Grade, HandlingReport, ItemRef, Location, NewEvent, Urgency,
};
use tiaokuai_core::lists::ListKind;
use township_assign::township_assign;
use whole_loop::whole_loop;

browser_test!(event_loop_from_phone_report_to_archive, whole_loop);
browser_test!(event_report_located_by_gps, gps_report);
browser_test!(event_return_dispute_and_ruling, return_dispute_ruling);
browser_test!(event_extension_is_approved, extension);
browser_test!(event_dissatisfied_grade_reopens, dissatisfied);
browser_test!(event_joint_matter_lead_waits_for_co, joint_matter);
browser_test!(event_township_assigns_its_police_station, township_assign);
browser_test!(event_dispatch_takes_the_suggested_item, suggested_dispatch);

/// A 1×1 PNG.
const PNG: [u8; 67] = [
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

fn photo(t: &T, name: &str) -> anyhow::Result<String> {
    let path = t.s.fixture.dir.path().join(name);
    std::fs::write(&path, PNG)?;
    Ok(path.display().to_string())
}

async fn who(t: &T, user: &str) -> anyhow::Result<Principal> {
    t.s.engine
        .principal_of(user)
        .await?
        .with_context(|| format!("no demo account {user}"))
}

/// The current territorial item whose name contains `name`.
async fn item(t: &T, name: &str) -> anyhow::Result<ItemRef> {
    let name = name.to_string();
    t.s.engine
        .with_state(move |s| {
            let v = s.lists.latest();
            s.lists
                .items_at(v)
                .find(|i| i.kind == ListKind::Territorial && i.name.contains(&name))
                .map(|i| ItemRef {
                    id: i.id.clone(),
                    version: v,
                })
        })
        .await?
        .context("demo item missing")
}

/// A township call citing `it`, dispatched to 住建局 (plus `co`), set up through the engine;
/// returns the event id.
async fn dispatched(t: &T, title: &str, it: &ItemRef, co: &[&str]) -> anyhow::Result<u64> {
    let op = who(t, "qingshan_op").await?;
    let disp = who(t, "dispatcher").await?;
    let id =
        t.s.engine
            .report_event(
                &op,
                now_ms(),
                NewEvent {
                    channel: Channel::TownshipCall,
                    title: title.into(),
                    description: format!("{title}，群众反映强烈。"),
                    category: String::new(),
                    urgency: Urgency::Normal,
                    grade: Grade::Ordinary,
                    request_type: None,
                    item: Some(it.clone()),
                    location: Location {
                        lon: 116.71,
                        lat: 36.61,
                        ..Default::default()
                    },
                    photos: vec![],
                    hotline_no: None,
                    hotline_due_ms: None,
                    call: true,
                },
            )
            .await?;
    t.s.engine
        .act(
            &disp,
            now_ms(),
            EventCmd::Dispatch {
                event: id,
                item: Some(it.clone()),
                lead: "D-ZJ".into(),
                co: co.iter().map(|c| c.to_string()).collect(),
                override_reason: None,
                note: String::new(),
                suggested: None,
            },
        )
        .await?;
    Ok(id)
}

async fn act_as(t: &T, user: &str, cmd: EventCmd) -> R {
    let p = who(t, user).await?;
    t.s.engine.act(&p, now_ms(), cmd).await?;
    Ok(())
}

fn report(contacted: &str) -> HandlingReport {
    HandlingReport {
        accepted_at_ms: now_ms() - 60_000,
        contacted: contacted.into(),
        measures: "现场处置完毕".into(),
        resolve_by: "当日".into(),
        photos: vec![],
    }
}

/// Submits a form by its first submit button.
async fn submit(t: &T, form: &str) -> R {
    t.click(&format!("{form} button[type=submit]")).await
}

/// Waits for the notice that `what` was done (the page after the redirect).
async fn done(t: &T, what: &str) -> R {
    t.expect_text("#event-notice", &format!("{what}：已完成"))
        .await
        .with_context(|| format!("after {what}"))
}

async fn as_user(t: &T, user: &str, page: &str) -> R {
    t.goto("/").await?;
    if t.path().await? != "/login" {
        t.logout().await?;
    }
    t.login(user).await?;
    t.goto(page).await
}

async fn selected(t: &T, css: &str) -> anyhow::Result<bool> {
    Ok(t.find(css).await?.prop("selected").await?.as_deref() == Some("true"))
}
