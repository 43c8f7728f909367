//! Browser flows of the settings pages: the administrator loads next year's holidays from a CSV,
//! checks a due time and changes a time limit; a department handler reads both pages without
//! any form.

use super::{R, T};
use anyhow::{ensure, Context};
use fantoccini::Locator;

browser_test!(settings_admin_edits_handler_reads, settings_flow);

const CSV_2027: &str = "date,kind,name\n\
2027-01-01,holiday,元旦\n\
2027-02-06,holiday,春节\n\
2027-02-07,holiday,春节\n\
2027-02-08,holiday,春节\n\
2027-02-09,holiday,春节\n\
2027-02-10,holiday,春节\n\
2027-02-11,holiday,春节\n\
2027-02-12,holiday,春节\n\
2027-02-20,workday,春节调休上班\n";

async fn settings_flow(t: &T) -> R {
    t.login("admin").await?;
    t.goto("/admin/people").await?;
    t.click("#admin-settings-links a[href='/settings/calendar']")
        .await?;
    t.expect_text("#calendar-title", "工作日历").await?;
    t.shot("calendar").await?;

    // Upload the 2027 notice: preview first, then confirm.
    let csv = t.s.fixture.dir.path().join("holidays_2027.csv");
    std::fs::write(&csv, CSV_2027)?;
    t.find("#calendar-file")
        .await?
        .send_keys(&csv.display().to_string())
        .await?;
    t.click("#calendar-upload").await?;
    t.expect_text("#calendar-preview", "春节调休上班").await?;
    t.shot("calendar-preview").await?;
    t.click("#calendar-confirm").await?;
    t.expect_text("#settings-notice", "已导入 9").await?;
    t.expect_text("#calendar-title", "2027").await?;
    t.expect_text("td.cal-holiday[data-date='2027-02-11']", "春节")
        .await
        .context("the 2027 holiday is marked in the month grid")?;
    t.expect_text("td.cal-workday[data-date='2027-02-20']", "班")
        .await?;
    t.shot("calendar-2027").await?;

    // The due-time calculator: New Year's Day 2027 is off, then the weekend.
    t.fill("#due-from", "2026-12-31T09:00").await?;
    t.fill("#due-limit", "1d").await?;
    t.click("#due-submit").await?;
    t.expect_text("#due-result", "2027-01-04 17:30").await?;
    t.shot("calendar-due").await?;

    // Workflow settings: a longer completion limit for normal events.
    t.click(".settings-tabs a[href='/settings/workflow']")
        .await?;
    t.expect_text("#workflow-limits", "5 个工作日").await?;
    t.fill("#f-normal_complete", "7d").await?;
    t.click("#workflow-submit").await?;
    t.expect_text("#settings-notice", "已保存").await?;
    t.expect_text("#workflow-limits", "7 个工作日").await?;
    t.shot("workflow").await?;
    t.c.execute(
        "document.getElementById('workflow-form').scrollIntoView();",
        vec![],
    )
    .await?;
    t.shot("workflow-form").await?;
    t.logout().await?;

    // A department handler reads both pages, with no forms.
    t.login("zhujian").await?;
    ensure!(
        t.text("nav.main-nav").await?.contains("日历与时限"),
        "the handler's navigation lacks the settings"
    );
    t.goto("/settings/calendar?year=2027").await?;
    t.expect_text("td.cal-holiday[data-date='2027-02-11']", "春节")
        .await?;
    t.expect_text("#settings-readonly", "系统管理员").await?;
    let posts =
        t.c.find_all(Locator::Css("form[method=post][action^='/settings']"))
            .await?
            .len();
    ensure!(
        posts == 0,
        "{posts} change forms on the handler's calendar page"
    );
    t.expect_absent("#calendar-file").await?;
    t.goto("/settings/workflow").await?;
    t.expect_text("#workflow-limits", "7 个工作日").await?;
    t.expect_absent("#workflow-form").await?;
    t.expect_absent("#item-form").await?;
    let posts =
        t.c.find_all(Locator::Css("form[method=post][action^='/settings']"))
            .await?
            .len();
    ensure!(
        posts == 0,
        "{posts} change forms on the handler's workflow page"
    );
    t.shot("workflow-readonly").await
}
