//! A failing grade: it needs a reason, reopens the work as a rework hop and opens an
//! accountability case that the discipline inspector concludes.

use super::{act_as, as_user, dispatched, done, item, report, submit, R, T};
use anyhow::ensure;
use tiaokuai_core::events::EventCmd;

pub(super) async fn dissatisfied(t: &T) -> R {
    let dust = item(t, "建筑工地扬尘").await?;
    let id = dispatched(t, "工地扬尘整改不到位", &dust, &[]).await?;
    for cmd in [
        EventCmd::Sign {
            event: id,
            assignment: 1,
        },
        EventCmd::ReportBack {
            event: id,
            assignment: 1,
            report: report("施工单位"),
            note: String::new(),
        },
    ] {
        act_as(t, "zhujian", cmd).await?;
    }
    let page = format!("/events/{id}");

    // 不满意 needs a reason; then the work reopens as a rework hop and a case opens.
    t.login("qingshan_op").await?;
    t.goto(&page).await?;
    t.expect_text("#act-evaluate-1 .act-hint", "追责").await?;
    t.click("#act-evaluate-1 input[name=level][value='2']")
        .await?;
    submit(t, "#act-evaluate-1").await?;
    t.expect_text("#act-evaluate-1 .field-error", "须说明理由")
        .await?;
    t.expect_text("#event-status", "已反馈").await?;
    ensure!(
        t.find("#act-evaluate-1 input[name=level][value='2']")
            .await?
            .prop("checked")
            .await?
            .as_deref()
            == Some("true"),
        "the chosen grade was lost"
    );
    t.fill(
        "#act-evaluate-1 textarea[name=reason]",
        "复查发现现场仍未覆盖，扬尘依旧",
    )
    .await?;
    submit(t, "#act-evaluate-1").await?;
    done(t, "评价").await?;
    t.expect_text("#event-status", "重办").await?;
    t.expect_text("#hop-1 .hop-eval", "不满意").await?;
    t.expect_text("#hop-2 .ev-rework", "重办").await?;
    t.expect_text("#cases", "追责").await?;
    t.expect_text("#cases", "不满意").await?;
    t.shot("reopened").await?;

    // The discipline inspector sees the case on the event page and may conclude it.
    as_user(t, "jiwei", &page).await?;
    t.expect_text("#cases", "待纪检监察结论").await?;
    t.expect_text("#timeline", "评价").await?;
    t.fill(
        "#act-conclude_case-1 textarea[name=outcome]",
        "约谈住建局分管负责人，责令限期整改",
    )
    .await?;
    submit(t, "#act-conclude_case-1").await?;
    done(t, "追责结论").await?;
    t.expect_text("#cases", "约谈").await?;
    t.shot("case-concluded").await
}
