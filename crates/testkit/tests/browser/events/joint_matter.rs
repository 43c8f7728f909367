//! A joint matter: the lead and two co-departments; the lead cannot report back before its
//! co-departments have, and then grades them.

use super::{act_as, as_user, done, item, report, selected, submit, who, R, T};
use anyhow::ensure;
use fantoccini::Locator;
use tiaokuai_app::now_ms;
use tiaokuai_core::events::{Channel, EventCmd, Grade, Location, NewEvent, Urgency};

pub(super) async fn joint_matter(t: &T) -> R {
    let dust = item(t, "建筑工地扬尘").await?;
    let op = who(t, "qingshan_op").await?;
    let id =
        t.s.engine
            .report_event(
                &op,
                now_ms(),
                NewEvent {
                    channel: Channel::TownshipCall,
                    title: "安置房工地扬尘反复".into(),
                    description: "镇政府西侧安置房工地多次扬尘，需多部门联合处置。".into(),
                    category: "生态环境".into(),
                    urgency: Urgency::Normal,
                    grade: Grade::Major,
                    request_type: None,
                    item: Some(dust.clone()),
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
    let page = format!("/events/{id}");

    // The dispatch form names the item's lead and both co-departments.
    t.login("dispatcher").await?;
    t.goto(&page).await?;
    ensure!(
        selected(t, "#act-dispatch select[name=lead] option[value='D-ZJ']").await?,
        "D-ZJ is not prefilled as lead"
    );
    for unit in ["D-HB", "D-ZF"] {
        let css = format!("#act-dispatch input[name=co][value='{unit}']");
        ensure!(
            t.find(&css).await?.prop("checked").await?.as_deref() == Some("true"),
            "{unit} is not prefilled as co"
        );
    }
    submit(t, "#act-dispatch").await?;
    done(t, "派单").await?;
    ensure!(
        t.count("#hops article.hop").await? == 3,
        "expected a lead and two co hops"
    );
    t.expect_text("#hop-2", "协同").await?;
    t.expect_text("#hop-3", "协同").await?;

    // The lead signs, then cannot report back before both co-departments have.
    as_user(t, "zhujian", &page).await?;
    submit(t, "#act-sign-1").await?;
    done(t, "签收").await?;
    t.expect_text("#act-report_back-1 .act-notice", "协同单位尚未反馈")
        .await?;
    t.fill("#act-report_back-1 input[name=contacted]", "施工单位")
        .await?;
    t.fill(
        "#act-report_back-1 textarea[name=measures]",
        "联合执法，责令停工整改",
    )
    .await?;
    t.fill("#act-report_back-1 input[name=resolve_by]", "5个工作日内")
        .await?;
    submit(t, "#act-report_back-1").await?;
    t.expect_text("#act-report_back-1 .act-error", "协同单位尚未反馈")
        .await?;
    t.expect_text("#act-report_back-1 .act-error", "生态环境")
        .await?;
    t.expect_text("#event-status", "已签收").await?;
    let kept = t
        .find("#act-report_back-1 textarea[name=measures]")
        .await?
        .prop("value")
        .await?;
    ensure!(
        kept.as_deref() == Some("联合执法，责令停工整改"),
        "measures lost: {kept:?}"
    );
    t.shot("lead-refused").await?;

    // Once both co-departments have reported, the lead's report goes through, and the lead
    // grades its co-departments.
    for (user, n) in [("huanbao", 2), ("zhifa", 3)] {
        act_as(
            t,
            user,
            EventCmd::Sign {
                event: id,
                assignment: n,
            },
        )
        .await?;
        act_as(
            t,
            user,
            EventCmd::ReportBack {
                event: id,
                assignment: n,
                report: report("住建局现场负责人"),
                note: String::new(),
            },
        )
        .await?;
    }
    t.goto(&page).await?;
    t.expect_absent("#act-report_back-1 .act-notice").await?;
    t.fill("#act-report_back-1 input[name=contacted]", "施工单位")
        .await?;
    t.fill(
        "#act-report_back-1 textarea[name=measures]",
        "联合执法，责令停工整改",
    )
    .await?;
    t.fill("#act-report_back-1 input[name=resolve_by]", "5个工作日内")
        .await?;
    submit(t, "#act-report_back-1").await?;
    done(t, "办理反馈").await?;
    t.expect_text("#event-status", "已反馈").await?;
    ensure!(
        t.c.find_all(Locator::Css("form[id^='act-evaluate-']"))
            .await?
            .len()
            == 2,
        "the lead should grade both co-departments"
    );
    t.shot("joint-reported").await
}
