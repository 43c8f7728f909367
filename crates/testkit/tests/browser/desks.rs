//! Browser flows of the work desks: each role's desk shows its own rows and nobody else's, the
//! overdue board's 催办 / 督办 buttons record reminders, the 编办 and discipline desks list
//! disputes and accountability cases, the role switcher, and the live banner that appears on
//! the command desk when another dispatcher acts.
//!
//! The demo events are played when the demo county is loaded; the tests run later than their
//! deadlines, so every open hop past its deadline is red.

use super::{R, T};
use anyhow::{ensure, Context};
use fantoccini::Locator;
use std::time::{Duration, Instant};
use tiaokuai_app::{now_ms, Actor};
use tiaokuai_core::access::Principal;
use tiaokuai_core::events::{EventCmd, ReturnDecision};
use tiaokuai_core::org::{RoleGrant, RoleKind};

browser_test!(desk_each_role_sees_its_own_rows, own_rows);
browser_test!(desk_overdue_board_reminds_and_supervises, overdue_board);
browser_test!(desk_disputes_cases_and_escalations, disputes_and_cases);
browser_test!(desk_role_switcher, role_switcher);
browser_test!(desk_live_banner_when_another_dispatcher_acts, live_banner);

async fn who(t: &T, user: &str) -> anyhow::Result<Principal> {
    t.s.engine
        .principal_of(user)
        .await?
        .with_context(|| format!("no demo account {user}"))
}

/// The demo event titled `title`.
async fn event_id(t: &T, title: &str) -> anyhow::Result<u64> {
    let wanted = title.to_string();
    t.s.engine
        .with_state(move |s| {
            s.events
                .events
                .values()
                .find(|e| e.facts.title == wanted)
                .map(|e| e.id)
        })
        .await?
        .with_context(|| format!("no demo event {title}"))
}

/// The first open hop of event `id` received by `unit`.
async fn hop_of(t: &T, id: u64, unit: &str) -> anyhow::Result<u32> {
    let code = unit.to_string();
    t.s.engine
        .with_state(move |s| {
            s.events.event(id).and_then(|e| {
                e.live()
                    .find(|a| a.receiver_unit == code && a.status.is_open())
                    .map(|a| a.n)
            })
        })
        .await?
        .with_context(|| format!("event {id} has no open hop for {unit}"))
}

/// A screenshot of the whole page (the window is stretched to its height for the shot).
async fn full_shot(t: &T, label: &str) -> R {
    if std::env::var("TIAOKUAI_SCREENSHOTS").is_err() {
        return Ok(());
    }
    let h =
        t.c.execute("return document.documentElement.scrollHeight;", vec![])
            .await?
            .as_u64()
            .unwrap_or(900)
            .clamp(900, 6000);
    t.c.set_window_size(1280, h as u32 + 120).await?;
    let res = t.shot(label).await;
    t.c.set_window_size(1280, 900).await?;
    res
}

async fn expect_not_in(t: &T, css: &str, needle: &str) -> R {
    let text = t.text(css).await?;
    ensure!(!text.contains(needle), "{css} shows {needle:?}: {text:?}");
    Ok(())
}

async fn own_rows(t: &T) -> R {
    let lamp = event_id(t, "路灯损坏").await?;
    let fence = event_id(t, "施工围挡破损").await?;
    let green = event_id(t, "物业擅自占用绿地").await?;
    let dust = event_id(t, "建筑工地扬尘反复").await?;
    let slag = event_id(t, "工地渣土未覆盖").await?;

    // Township command room: the grid worker's draft, the hop to grade, its calls with the
    // overdue one first; the county-only pages are refused.
    t.login("qingshan_op").await?;
    t.click("nav.main-nav a[href='/desk']").await?;
    t.expect_path("/desk/township").await?;
    t.expect_text("#desk-title", "乡镇指挥室").await?;
    t.expect_text(&format!("#draft-{lamp}"), "路灯损坏").await?;
    t.expect_text(&format!("#eval-{slag}-1"), "住建局").await?;
    t.expect_text(&format!("#called-{fence}"), "施工围挡破损")
        .await?;
    t.expect_text(&format!("#called-{fence}"), "超期").await?;
    t.expect_text(
        "#called tbody.event-group:first-of-type tr.event-row",
        "超期",
    )
    .await
    .context("overdue calls come first")?;
    t.expect_text("#count-drafts", "1").await?;
    t.expect_absent("#desk-tabs").await?;
    full_shot(t, "township").await?;
    t.expect_forbidden("/desk/command", "#triage").await?;
    t.goto("/").await?;
    t.logout().await?;

    // Another township sees none of 青山's events.
    t.login("chengguan_op").await?;
    t.goto("/desk/township").await?;
    t.expect_text("#desk-title", "乡镇指挥室").await?;
    t.expect_absent(&format!("#draft-{lamp}")).await?;
    t.expect_absent(&format!("#called-{fence}")).await?;
    expect_not_in(t, "#desk", "路灯损坏").await?;
    expect_not_in(t, "#desk", "施工围挡破损").await?;
    t.goto("/").await?;
    t.logout().await?;

    // 住建局: its own hops, never 综合执法局's.
    t.login("zhujian").await?;
    t.goto("/desk").await?;
    t.expect_path("/desk/department").await?;
    t.expect_text(&format!("#working #hop-{fence}-1"), "施工围挡破损")
        .await?;
    t.expect_text(&format!("#working #hop-{fence}-1"), "超期")
        .await?;
    t.expect_text(&format!("#reported #hop-{slag}-1"), "工地渣土未覆盖")
        .await?;
    expect_not_in(t, "#desk", "物业擅自占用绿地").await?;
    full_shot(t, "department").await?;
    for path in [
        "/desk/command",
        "/desk/disputes",
        "/desk/discipline",
        "/desk/township",
    ] {
        t.expect_forbidden(path, "#desk-counts")
            .await
            .context(path)?;
    }
    t.goto("/").await?;
    t.logout().await?;

    // 综合执法局: its return request, and a co-department hop it signs with one click.
    t.login("zhifa").await?;
    t.goto("/desk/department").await?;
    t.expect_text(&format!("#returning #hop-{green}-1"), "物业擅自占用绿地")
        .await?;
    let n = hop_of(t, dust, "D-ZF").await?;
    let row = format!("#to-sign #hop-{dust}-{n}");
    t.expect_text(&row, "建筑工地扬尘反复").await?;
    expect_not_in(t, "#desk", "施工围挡破损").await?;
    t.click(&format!("{row} button.sign")).await?;
    t.expect_text("#desk-flash", "已签收").await?;
    t.expect_text(&format!("#working #hop-{dust}-{n}"), "已签收")
        .await?;
    t.expect_absent(&row).await?;
    t.goto("/").await?;
    t.logout().await?;

    // The command centre: triage with the cited item and its units, the return with its legal
    // basis, and the map with a point per open event linking to it.
    let water = event_id(t, "小区物业停水纠纷").await?;
    t.login("dispatcher").await?;
    t.goto("/desk").await?;
    t.expect_path("/desk/command").await?;
    let tr = format!("#triage-{water}");
    t.expect_text(&tr, "紧急").await?;
    t.expect_text(&format!("{tr} td.item"), "物业管理纠纷")
        .await?;
    t.expect_text(&format!("{tr} td.primary"), "住建局").await?;
    t.expect_text(&format!("#return-{green}-1"), "物业管理条例")
        .await?;
    t.expect_text(&format!("#hop-{fence}-1"), "超期").await?;
    let points =
        t.c.find_all(Locator::Css("#event-map svg a.event-point"))
            .await?;
    ensure!(points.len() >= 5, "map shows {} points", points.len());
    let red = t
        .count(&format!(
            "#event-map a.event-point.flag-red[data-event='{fence}']"
        ))
        .await?;
    ensure!(red == 1, "the overdue event is not a red point");
    let wait = t
        .count(&format!(
            "#event-map a.event-point.flag-wait[data-event='{water}']"
        ))
        .await?;
    ensure!(wait == 1, "the call waiting for dispatch is not marked");
    full_shot(t, "command").await?;
    t.c.find(Locator::Css(&format!(
        "#event-map a.event-point[data-event='{fence}']"
    )))
    .await?
    .find(Locator::Css("circle"))
    .await?
    .click()
    .await?;
    t.expect_path(&format!("/events/{fence}")).await?;
    t.goto("/").await?;
    t.logout().await?;

    // The leader's tables.
    t.login("leader").await?;
    t.goto("/desk").await?;
    t.expect_path("/desk/leader").await?;
    t.expect_text("#by-department", "住建局").await?;
    t.expect_text("#status-called", "1").await?;
    t.expect_text("#bounces", "综合执法局").await?;
    full_shot(t, "leader").await?;
    t.expect_forbidden("/desk/command", "#triage").await?;
    t.goto("/").await?;
    t.logout().await
}

async fn overdue_board(t: &T) -> R {
    let fence = event_id(t, "施工围挡破损").await?;
    let row = format!("#overdue-board #hop-{fence}-1");
    t.login("dispatcher").await?;
    t.goto("/desk/command").await?;
    t.expect_text(&row, "超期").await?;
    let days: u32 = t
        .text(&format!("{row} td.overdue-days"))
        .await?
        .trim()
        .parse()?;
    ensure!(days >= 5, "overdue working days: {days}");
    let before: u32 = t
        .text(&format!("{row} td.reminders"))
        .await?
        .trim()
        .parse()?;
    t.click(&format!("{row} button.remind")).await?;
    t.expect_text("#desk-flash", "已催办").await?;
    t.expect_text(&format!("{row} td.reminders"), &(before + 1).to_string())
        .await?;
    t.click(&format!("{row} button.supervise")).await?;
    t.expect_text("#desk-flash", "已督办").await?;
    t.expect_text(&format!("{row} td.supervisions"), "1")
        .await?;
    full_shot(t, "overdue-board").await?;
    let (reminders, supervisions) =
        t.s.engine
            .with_state(move |s| {
                s.events
                    .event(fence)
                    .and_then(|e| e.assignment(1))
                    .map(|a| (a.reminders, a.supervisions))
            })
            .await?
            .context("hop vanished")?;
    ensure!(
        reminders == before + 1 && supervisions == 1,
        "recorded {reminders} reminders, {supervisions} supervisions"
    );
    t.goto("/").await?;
    t.logout().await?;

    // The township may remind (催办) on its own calls, not supervise.
    t.login("qingshan_op").await?;
    t.goto("/desk/township").await?;
    let trow = format!("#called-{fence} #hop-{fence}-1");
    t.expect_text(&format!("{trow} td.reminders"), &(before + 1).to_string())
        .await?;
    t.click(&format!("{trow} button.remind")).await?;
    t.expect_text("#desk-flash", "已催办").await?;
    t.expect_text(&format!("{trow} td.reminders"), &(before + 2).to_string())
        .await?;
    t.expect_absent(&format!("{trow} button.supervise")).await?;
    t.goto("/").await?;
    t.logout().await
}

async fn disputes_and_cases(t: &T) -> R {
    let now = now_ms();
    let green = event_id(t, "物业擅自占用绿地").await?;
    let slag = event_id(t, "工地渣土未覆盖").await?;
    let fence = event_id(t, "施工围挡破损").await?;
    let e = &t.s.engine;
    // The command centre refers the contested return to 编办; the township grades a hop 不满意,
    // which opens an accountability case; the scheduler escalates the long-overdue hop.
    e.act(
        &who(t, "dispatcher").await?,
        now,
        EventCmd::DecideReturn {
            event: green,
            assignment: 1,
            decision: ReturnDecision::Dispute {
                note: "退单理由有争议，提请编办裁定".into(),
            },
        },
    )
    .await?;
    e.act(
        &who(t, "qingshan_op").await?,
        now,
        EventCmd::Evaluate {
            event: slag,
            assignment: 1,
            level: 2,
            reason: "渣土仍未覆盖，群众再次投诉".into(),
        },
    )
    .await?;
    tiaokuai_app::events::scheduler::tick(e, now).await?;

    t.login("bianban").await?;
    t.goto("/desk").await?;
    t.expect_path("/desk/disputes").await?;
    let d = format!("#dispute-{green}");
    t.expect_text(&d, "物业擅自占用绿地").await?;
    t.expect_text(&d, "提请编办裁定").await?;
    t.expect_text(
        &format!("{d} table.returns"),
        "物业管理纠纷属住建局主体责任",
    )
    .await?;
    t.expect_text(&format!("{d} table.returns"), "《物业管理条例》第五条")
        .await?;
    t.expect_text(&format!("{d} dd.item"), "物业管理纠纷")
        .await?;
    t.expect_text(&format!("{d} .primary"), "住建局").await?;
    t.expect_text(&format!("{d} dd.contested"), "综合执法局")
        .await?;
    t.expect_text("#count-open", "1").await?;
    full_shot(t, "disputes").await?;
    t.click(&format!("{d} a.btn-link")).await?;
    t.expect_path(&format!("/events/{green}")).await?;
    t.expect_forbidden("/desk/discipline", "#open-cases")
        .await?;
    t.goto("/").await?;
    t.logout().await?;

    t.login("jiwei").await?;
    t.goto("/desk").await?;
    t.expect_path("/desk/discipline").await?;
    let c = format!("#open-cases #case-{slag}-1");
    t.expect_text(&c, "工地渣土未覆盖").await?;
    t.expect_text(&c, "住建局").await?;
    t.expect_text(&format!("#escalated #hop-{fence}-1"), "升级督办")
        .await?;
    full_shot(t, "discipline").await?;
    t.expect_forbidden("/desk/command", "#triage").await?;
    t.goto("/").await?;
    t.logout().await?;

    // The department sees the reopened work; the township sees it under 重办.
    t.login("qingshan_op").await?;
    t.goto("/desk/township").await?;
    t.expect_text("#reopened", "工地渣土未覆盖").await?;
    t.goto("/").await?;
    t.logout().await
}

async fn role_switcher(t: &T) -> R {
    let mut grants = who(t, "qingshan_leader").await?.grants;
    grants.push(RoleGrant {
        role: RoleKind::Leader,
        unit: "370999001".into(),
    });
    t.s.engine
        .set_roles(&Actor::system("test"), now_ms(), "qingshan_leader", grants)
        .await?;
    t.login("qingshan_leader").await?;
    t.goto("/desk").await?;
    t.expect_path("/desk/township").await?;
    t.expect_text("#desk-tabs", "领导总览").await?;
    t.click("#desk-tabs a[href='/desk/leader']").await?;
    t.expect_path("/desk/leader").await?;
    t.expect_text("#desk-tabs a[aria-current=page]", "领导总览")
        .await?;
    // A township leader's overview counts only the township's events.
    let total: usize = t.text("#count-total strong").await?.trim().parse()?;
    let (all, mine) =
        t.s.engine
            .with_state(|s| {
                let all = s.events.events.len();
                let mine = s
                    .events
                    .events
                    .values()
                    .filter(|e| e.caller_unit == "370999001")
                    .count();
                (all, mine)
            })
            .await?;
    ensure!(
        total >= mine && total <= all,
        "leader counts {total} of {all}"
    );
    full_shot(t, "switcher").await?;
    t.goto("/").await?;
    t.logout().await
}

/// Waits until `css` is displayed.
async fn expect_shown(t: &T, css: &str, secs: u64) -> R {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let shown = match t.c.find(Locator::Css(css)).await {
            Ok(e) => e.is_displayed().await.unwrap_or(false),
            Err(_) => false,
        };
        if shown {
            return Ok(());
        }
        ensure!(Instant::now() < deadline, "{css} did not appear");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn live_banner(t: &T) -> R {
    let water = event_id(t, "小区物业停水纠纷").await?;
    let item =
        t.s.engine
            .with_state(move |s| s.events.event(water).and_then(|e| e.item.clone()))
            .await?;
    t.login("dispatcher").await?;
    t.goto("/desk/command").await?;
    t.find(&format!("#triage-{water}")).await?;
    ensure!(
        !t.find("#live-banner").await?.is_displayed().await?,
        "banner shown before anything happened"
    );
    // Let the page's EventSource connect, then another dispatcher dispatches.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    t.s.engine
        .act(
            &who(t, "dispatcher2").await?,
            now_ms(),
            EventCmd::Dispatch {
                event: water,
                item,
                lead: "D-ZJ".into(),
                co: vec![],
                override_reason: None,
                note: String::new(),
                suggested: None,
            },
        )
        .await?;
    expect_shown(t, "#live-banner", 15).await?;
    t.expect_text("#live-banner", "有新动态").await?;
    t.expect_text("#live-count", "1").await?;
    t.shot("live-banner").await?;
    t.click("#live-refresh").await?;
    expect_gone(t, &format!("#triage-{water}")).await?;
    ensure!(
        !t.find("#live-banner").await?.is_displayed().await?,
        "banner still shown after the refresh"
    );

    // Entries on another township's events never reach a township desk.
    t.goto("/").await?;
    t.logout().await?;
    t.login("chengguan_op").await?;
    t.goto("/desk/township").await?;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let fence = event_id(t, "施工围挡破损").await?;
    t.s.engine
        .act(
            &who(t, "dispatcher2").await?,
            now_ms(),
            EventCmd::Remind {
                event: fence,
                assignment: 1,
                kind: tiaokuai_core::events::ReminderKind::Remind,
                note: String::new(),
            },
        )
        .await?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    ensure!(
        !t.find("#live-banner").await?.is_displayed().await?,
        "another township's entry reached 城关"
    );
    t.goto("/").await?;
    t.logout().await
}

/// Waits (up to 10 s) until `css` is gone, e.g. after a reload.
async fn expect_gone(t: &T, css: &str) -> R {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if t.count(css).await.unwrap_or(1) == 0 {
            return Ok(());
        }
        ensure!(Instant::now() < deadline, "{css} is still there");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
