//! Browser flows of the statistics and assessment pages: the leader's dashboard and a chart bar
//! down to its events; the explorer (townships × months) and a count cell down to its events;
//! a township reading its scorecard; a department appealing a deduction that 编办 removes;
//! the admin editing a scheme (an error beside the field, then version 2) and closing a period.
//!
//! The demo events are reported in the demo's month (November 2025), which the tests open.

use super::{R, T};
use anyhow::{ensure, Context};
use fantoccini::Locator;
use tiaokuai_app::now_ms;
use tiaokuai_core::events::EventCmd;
use tiaokuai_core::stats::Period;

browser_test!(stats_dashboard_bar_drills_to_events, dashboard);
browser_test!(stats_explorer_cell_drills_to_events, explorer);
browser_test!(stats_township_reads_its_scorecard, township_scorecard);
browser_test!(stats_department_appeals_and_bianban_decides, appeal);
browser_test!(stats_admin_edits_scheme_and_closes_period, admin_scheme);

/// The demo event titled `title`, and the month it was reported in.
async fn event(t: &T, title: &str) -> anyhow::Result<(u64, String)> {
    let wanted = title.to_string();
    t.s.engine
        .with_state(move |s| {
            s.events
                .events
                .values()
                .find(|e| e.facts.title == wanted)
                .map(|e| (e.id, Period::month_of(e.created_ms).name))
        })
        .await?
        .with_context(|| format!("no demo event {title}"))
}

/// qingshan grades 住建's answer on 工地渣土未覆盖 不满意: 住建 loses points for it.
async fn unsatisfied(t: &T) -> anyhow::Result<(u64, String)> {
    let (id, month) = event(t, "工地渣土未覆盖").await?;
    let op =
        t.s.engine
            .principal_of("qingshan_op")
            .await?
            .context("qingshan_op")?;
    t.s.engine
        .act(
            &op,
            now_ms(),
            EventCmd::Evaluate {
                event: id,
                assignment: 1,
                level: 2,
                reason: "渣土仍未覆盖，群众再次投诉".into(),
            },
        )
        .await?;
    Ok((id, month))
}

async fn dashboard(t: &T) -> R {
    let (_, month) = event(t, "工地渣土未覆盖").await?;
    t.login("leader").await?;
    t.click("#link-dashboard").await?;
    t.expect_path("/stats/dashboard").await?;
    t.expect_text("nav.main-nav", "统计分析").await?;
    t.goto(&format!("/stats/dashboard?month={month}")).await?;
    t.expect_text("#dashboard-title", &month).await?;
    t.expect_text("#kpi-events", "事件数").await?;
    t.find("#trend-events circle.point").await?;
    t.find("#dashboard-map svg.county-map path.shaded").await?;
    t.shot("dashboard").await?;
    for card in ["card-rank-departments", "card-hot-categories"] {
        t.c.execute(
            &format!("document.getElementById('{card}').scrollIntoView()"),
            vec![],
        )
        .await?;
        t.shot(card).await?;
    }
    let n = t.count("#hot-categories a.bar-link").await?;
    ensure!(n >= 1, "no hot category bars");
    let bar = t.find("#rank-townships a.bar-link rect.bar").await?;
    bar.click().await?;
    t.expect_path("/stats/events").await?;
    t.find("#drill-table").await?;
    let links = t.count("#drill-table a[href^='/events/']").await?;
    ensure!(links >= 1, "the bar's events list is empty");
    t.shot("dashboard-drill").await?;
    t.click("#drill-table tbody tr a").await?;
    t.find("h1").await?;
    ensure!(t.path().await?.starts_with("/events/"), "not on an event");
    Ok(())
}

async fn explorer(t: &T) -> R {
    let (id, month) = event(t, "工地渣土未覆盖").await?;
    t.login("dispatcher").await?;
    t.click("nav.main-nav a[href='/stats']").await?;
    t.find("#stats-form").await?;
    t.c.find(Locator::Css("#f-rows option[value='township']"))
        .await?
        .click()
        .await?;
    t.c.find(Locator::Css("#f-cols option[value='month']"))
        .await?
        .click()
        .await?;
    t.fill("#f-period", &month).await?;
    t.click("#m-satisfaction_rate").await?;
    t.click("#stats-submit").await?;
    t.expect_text("#stats-table thead", &month).await?;
    t.expect_text("#stats-table tbody", "青山").await?;
    t.expect_text("#stats-table thead", "满意率").await?;
    t.shot("explorer").await?;
    t.click("#stats-table tbody a.cell").await?;
    t.expect_path("/stats/events").await?;
    t.expect_text("#drill-title", "事件数").await?;
    t.find(&format!("#ev-{id}")).await?;
    t.shot("explorer-drill").await?;
    t.click("#drill-back").await?;
    t.find("#stats-table").await?;
    ensure!(
        t.find("#stats-export")
            .await?
            .attr("href")
            .await?
            .unwrap_or_default()
            .starts_with("/stats/export.xlsx?"),
        "no export link"
    );
    Ok(())
}

async fn township_scorecard(t: &T) -> R {
    let (_, month) = event(t, "工地渣土未覆盖").await?;
    t.login("qingshan_op").await?;
    t.click("#link-scorecard").await?;
    t.expect_text("#results-title", "乡镇").await?;
    // The demo's events are in an earlier month: go back to it.
    t.goto(&format!("/assessment/town-monthly/{month}")).await?;
    t.expect_text("#ranking", "青山").await?;
    let href = t
        .find("#ranking a[href*='/assessment/town-monthly/']")
        .await?
        .attr("href")
        .await?
        .unwrap_or_default();
    t.goto(&href).await?;
    t.expect_text("#results-title", "青山").await?;
    t.find(".unit-card table.tree").await?;
    t.expect_text(".unit-card", "计分说明").await?;
    t.shot("township-scorecard").await?;
    Ok(())
}

async fn appeal(t: &T) -> R {
    let (id, month) = unsatisfied(t).await?;
    let card = format!("/assessment/dept-monthly/{month}/D-ZJ");
    t.login("zhujian").await?;
    t.goto(&card).await?;
    let score = t.text(".unit-card .score").await?;
    // The 不满意 grade costs points under a satisfaction indicator; appeal that line's event.
    let span = t
        .find(&format!("span.ev[id^='ev-D-ZJ-sat'][id$='-{id}']"))
        .await?;
    let ev = format!("#{}", span.attr("id").await?.unwrap_or_default());
    t.shot("department-scorecard").await?;
    t.fill(
        &format!("{ev} input[name=reason]"),
        "已按期办结，属重复投诉",
    )
    .await?;
    t.click(&format!("{ev} button[type=submit]")).await?;
    t.expect_text("#assessment-flash", "申诉已提交").await?;
    t.expect_text(&ev, "已申诉").await?;
    t.goto("/").await?;
    t.logout().await?;

    t.login("bianban").await?;
    t.goto(&format!("/assessment/dept-monthly/{month}")).await?;
    t.expect_text("#pending-appeals", "重复投诉").await?;
    t.shot("pending-appeal").await?;
    t.fill(
        "#pending-appeals form.decide input[name=note]",
        "核实属实，撤销扣分",
    )
    .await?;
    t.click("#pending-appeals form.decide button[type=submit]")
        .await?;
    t.expect_text("#assessment-flash", "已裁定").await?;
    t.expect_text("#decided-appeals", "撤销扣分").await?;
    t.goto("/").await?;
    t.logout().await?;

    t.login("zhujian").await?;
    t.goto(&card).await?;
    // The removed deduction no longer lists the event; the decision is on the page.
    t.expect_text("#decided-appeals", "撤销扣分").await?;
    t.expect_absent(&ev).await?;
    let after = t.text(".unit-card .score").await?;
    ensure!(after != score, "score unchanged after the appeal: {after}");
    t.shot("after-appeal").await?;
    Ok(())
}

async fn admin_scheme(t: &T) -> R {
    let (_, month) = event(t, "工地渣土未覆盖").await?;
    t.login("admin").await?;
    t.click("nav.main-nav a[href='/assessment']").await?;
    t.click("#scheme-town-monthly a.edit-scheme").await?;
    t.expect_text("#scheme-version", "1").await?;
    let json = t
        .find("#scheme-json")
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    t.fill("#scheme-json", "{ \"id\": ").await?;
    t.click("#scheme-save").await?;
    t.expect_text("#scheme-errors", "JSON").await?;
    t.expect_text("#scheme-version", "1").await?;
    // A rate scored per event: named by the indicator and field.
    let bad = json.replacen(
        "\"type\": \"proportional\"",
        "\"type\": \"per_event\", \"per\": 1",
        1,
    );
    ensure!(bad != json, "no proportional rule in {json}");
    t.fill("#scheme-json", &bad).await?;
    t.click("#scheme-save").await?;
    t.expect_text("#scheme-errors", "指标 closure · rule")
        .await?;
    t.shot("scheme-error").await?;
    t.expect_text("#scheme-version", "1").await?;
    let good = json.replacen("\"name\": \"", "\"name\": \"（修订）", 1);
    t.fill("#scheme-json", &good).await?;
    t.click("#scheme-save").await?;
    t.expect_text("#scheme-saved", "已保存").await?;
    t.expect_text("#scheme-version", "2").await?;
    t.shot("scheme-saved").await?;

    t.goto(&format!("/assessment/town-monthly/{month}")).await?;
    t.click("#close-period").await?;
    t.expect_text("#closed-banner", "日志条目").await?;
    t.expect_absent("#close-period").await?;
    t.expect_absent("form.appeal").await?;
    t.shot("closed").await?;
    t.goto(&format!("/assessment/town-monthly/{month}/report"))
        .await?;
    t.expect_text("#report-title", "情况通报").await?;
    t.shot("report").await?;
    Ok(())
}
