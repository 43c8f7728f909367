//! 乡镇派单 in the browser: the township command room assigns a grid report to its 派出所 from
//! its desk; the 派出所 finds it on its desk, signs, responds and reports back; the township
//! grades 满意 and closes, without the county.

use super::{as_user, done, submit, who, R, T};
use anyhow::ensure;
use tiaokuai_app::now_ms;
use tiaokuai_core::events::{Channel, Grade, Location, NewEvent, Urgency};

const PCS: &str = "D-GA-PCS-001";

pub(super) async fn township_assign(t: &T) -> R {
    let grid = who(t, "grid_qs01").await?;
    let title = "村民宅基地纠纷需民警调处";
    let id =
        t.s.engine
            .report_event(
                &grid,
                now_ms(),
                NewEvent {
                    channel: Channel::GridReport,
                    title: title.into(),
                    description: "两户村民因宅基地边界争吵，有肢体冲突苗头。".into(),
                    category: String::new(),
                    urgency: Urgency::Normal,
                    grade: Grade::Ordinary,
                    request_type: None,
                    item: None,
                    location: Location {
                        lon: 116.71,
                        lat: 36.61,
                        ..Default::default()
                    },
                    photos: vec![],
                    hotline_no: None,
                    hotline_due_ms: None,
                    call: false,
                },
            )
            .await?;
    let page = format!("/events/{id}");

    // The township desk offers the assignment beside the new report, with its stationed units
    // only (not 柳林镇's 派出所).
    t.login("qingshan_op").await?;
    t.goto("/desk/township").await?;
    let form = format!("#assign-{id}");
    t.find(&format!("{form} select[name=unit] option[value='{PCS}']"))
        .await?;
    ensure!(
        t.count(&format!("{form} option[value='D-GA-PCS-002']"))
            .await?
            == 0,
        "another township's 派出所 is offered"
    );
    t.shot("township-desk-assign").await?;
    t.find(&format!("{form} select[name=unit]"))
        .await?
        .select_by_value(PCS)
        .await?;
    t.click(&format!("{form} button[type=submit]")).await?;
    done(t, "派单至派驻机构/站所").await?;
    t.expect_text("#event-status", "已派单").await?;
    t.expect_text("#hop-1", "青山派出所").await?;
    t.expect_text("#hop-1", "乡镇派单").await?;
    // The township is the sender: it does not sign for the 派出所.
    t.expect_absent("#act-sign-1").await?;
    t.goto("/desk/township").await?;
    t.expect_text(&format!("#assigned-{id}"), title).await?;

    // The 派出所 sees it on its desk and works it like any department.
    as_user(t, "paichusuo_qs", "/desk/department").await?;
    t.expect_text(&format!("#hop-{id}-1"), title).await?;
    t.shot("police-desk").await?;
    t.goto(&page).await?;
    submit(t, "#act-sign-1").await?;
    done(t, "签收").await?;
    t.expect_text("#event-status", "已签收").await?;
    t.fill("#act-respond-1 input[name=contacted]", "纠纷双方")
        .await?;
    t.click("#act-respond-1 input[name=arrived]").await?;
    submit(t, "#act-respond-1").await?;
    done(t, "响应").await?;
    t.expect_text("#event-status", "处置中").await?;
    t.fill(
        "#act-report_back-1 input[name=contacted]",
        "纠纷双方及村调委会",
    )
    .await?;
    t.fill(
        "#act-report_back-1 textarea[name=measures]",
        "民警现场调解，双方签订调解协议",
    )
    .await?;
    t.fill("#act-report_back-1 input[name=resolve_by]", "当日")
        .await?;
    submit(t, "#act-report_back-1").await?;
    done(t, "办理反馈").await?;
    t.expect_text("#event-status", "已反馈").await?;
    // The county does not grade the township's hop.
    as_user(t, "dispatcher", &page).await?;
    t.expect_absent("#act-evaluate-1").await?;

    // The township grades 满意 and closes.
    as_user(t, "qingshan_op", &page).await?;
    t.click("#act-evaluate-1 input[name=level][value='0']")
        .await?;
    submit(t, "#act-evaluate-1").await?;
    done(t, "评价").await?;
    t.expect_text("#hop-1 .hop-eval", "满意").await?;
    t.fill("#act-close textarea[name=note]", "派出所调解完毕，双方满意")
        .await?;
    submit(t, "#act-close").await?;
    done(t, "办结归档").await?;
    t.expect_text("#event-status", "办结归档").await?;
    let timeline = t.text("#timeline").await?;
    for step in ["乡镇派单", "签收", "响应", "办理反馈", "评价", "办结归档"] {
        ensure!(timeline.contains(step), "timeline lacks {step}: {timeline}");
    }
    ensure!(
        !timeline.contains("一键呼叫"),
        "the county was called: {timeline}"
    );
    t.shot("township-assign-closed").await
}
