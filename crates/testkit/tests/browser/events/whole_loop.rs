//! The whole loop: a phone report, the township's call, dispatch by the list, the department's
//! sign, response and report back, grading and closing; then the timeline and the proof.

use super::{as_user, done, item, photo, selected, submit, R, T};
use anyhow::{ensure, Context};
use tiaokuai_app::events::timeline::{verify_bundle, ProofBundle};

pub(super) async fn whole_loop(t: &T) -> R {
    // A grid worker on a phone.
    t.c.set_window_size(390, 844).await?;
    t.login("grid_qs01").await?;
    t.goto("/events").await?;
    t.click("#new-event").await?;
    t.expect_text("#report-title", "上报问题").await?;
    t.shot("report-phone").await?;

    // Submitting without a title or a place shows both errors beside their fields, keeping
    // what was typed.
    t.fill(
        "#f-description",
        "王家庄村东侧工地夜间土方作业，未洒水未覆盖，扬尘严重。",
    )
    .await?;
    t.click("#report-submit").await?;
    t.expect_text("#err-title", "请填写标题").await?;
    t.expect_text("#err-location", "地图").await?;
    let kept = t.find("#f-description").await?.prop("value").await?;
    ensure!(
        kept.as_deref().unwrap_or_default().contains("土方作业"),
        "description lost: {kept:?}"
    );
    t.shot("report-errors").await?;

    t.fill("#f-title", "工地夜间施工扬尘").await?;
    t.find("#f-photos")
        .await?
        .send_keys(&photo(t, "dust.png")?)
        .await?;
    // A tap on the worker's own grid sets the point.
    t.click("#pick-map path[data-code='370999001001-01']")
        .await?;
    t.expect_text("#loc-text", "36.").await?;
    let lon = t
        .find("#lon")
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    ensure!(lon.starts_with("116."), "longitude after the tap: {lon:?}");
    // The list item from the search.
    t.fill("#item-q", "扬尘").await?;
    t.click("#item-search").await?;
    let dust = item(t, "建筑工地扬尘").await?;
    let radio = format!("#item-results input[value='{}@{}']", dust.id, dust.version);
    t.click(&radio).await?;
    t.shot("report-filled").await?;
    t.click("#report-submit").await?;
    // Back on the worker's home with a receipt, the report listed as 已上报, never 草稿.
    t.expect_text("#desk-flash", "上报成功").await?;
    t.expect_text("#desk-flash", "青山镇").await?;
    t.expect_text("#reports", "工地夜间施工扬尘").await?;
    ensure!(
        !t.text("#reports").await?.contains("草稿"),
        "a submitted report reads 草稿"
    );
    t.shot("reported-receipt-phone").await?;
    t.click("#reports tbody tr:first-child a").await?;
    t.expect_text("#event-status", "已上报").await?;
    let page = t.path().await?;
    ensure!(page.starts_with("/events/"), "after reporting: {page}");
    t.expect_text("#place", "王家庄").await?;
    t.expect_text("#item", "建筑工地扬尘").await?;
    ensure!(
        t.count("#event-photos img").await? == 1,
        "the photo is not shown"
    );
    t.shot("reported-phone").await?;
    t.goto("/events?mine=1").await?;
    t.expect_text("#event-table", "工地夜间施工扬尘").await?;
    t.logout().await?;
    t.c.set_window_size(1280, 900).await?;

    // The township calls the county.
    t.login("qingshan_op").await?;
    t.goto(&page).await?;
    t.fill("#act-call input[name=note]", "镇级无执法权，呼叫县级")
        .await?;
    ensure!(
        selected(
            t,
            &format!("#act-call option[value='{}@{}']", dust.id, dust.version)
        )
        .await?,
        "the call form does not cite the reported item"
    );
    submit(t, "#act-call").await?;
    done(t, "一键呼叫县级").await?;
    t.expect_text("#event-status", "已呼叫").await?;

    // The command centre dispatches by the list: 住建局 leads; this time without co-departments.
    as_user(t, "dispatcher", &page).await?;
    ensure!(
        selected(t, "#act-dispatch select[name=lead] option[value='D-ZJ']").await?,
        "dispatch lead not prefilled from the item"
    );
    for co in ["D-HB", "D-ZF"] {
        let css = format!("#act-dispatch input[name=co][value='{co}']");
        if t.find(&css).await?.prop("checked").await?.as_deref() == Some("true") {
            t.click(&css).await?;
        }
    }
    // Another lead than the list's makes the reason required, the list's own does not.
    let lead = t.find("#act-dispatch select[name=lead]").await?;
    lead.select_by_value("D-ZF").await?;
    t.find("#act-dispatch label.override.needed").await?;
    lead.select_by_value("D-ZJ").await?;
    t.expect_absent("#act-dispatch label.override.needed")
        .await?;
    t.shot("dispatch-form").await?;
    submit(t, "#act-dispatch").await?;
    done(t, "派单").await?;
    t.expect_text("#event-status", "已派单").await?;
    t.expect_text("#hop-1", "青川县住房和城乡建设局").await?;
    t.expect_text("#hop-1", "建筑工地扬尘").await?;

    // 住建局 signs, responds and reports back with the four elements and a photo.
    as_user(t, "zhujian", &page).await?;
    submit(t, "#act-sign-1").await?;
    done(t, "签收").await?;
    t.fill("#act-respond-1 input[name=contacted]", "施工单位项目经理")
        .await?;
    t.click("#act-respond-1 input[name=arrived]").await?;
    submit(t, "#act-respond-1").await?;
    done(t, "响应").await?;
    t.expect_text("#event-status", "处置中").await?;
    t.fill(
        "#act-report_back-1 input[name=contacted]",
        "施工单位项目经理、村委会",
    )
    .await?;
    t.fill(
        "#act-report_back-1 textarea[name=measures]",
        "责令停止夜间土方作业，洒水降尘并加装围挡",
    )
    .await?;
    t.fill("#act-report_back-1 input[name=resolve_by]", "3个工作日内")
        .await?;
    t.find("#act-report_back-1 input[name=photos]")
        .await?
        .send_keys(&photo(t, "after.png")?)
        .await?;
    t.shot("report-back-form").await?;
    submit(t, "#act-report_back-1").await?;
    done(t, "办理反馈").await?;
    t.expect_text("#event-status", "已反馈").await?;
    t.expect_text("#hop-1 .hop-report", "洒水降尘").await?;
    t.expect_text("#hop-1 .hop-report", "3个工作日内").await?;

    // The township grades 满意 and closes.
    as_user(t, "qingshan_op", &page).await?;
    t.click("#act-evaluate-1 input[name=level][value='0']")
        .await?;
    submit(t, "#act-evaluate-1").await?;
    done(t, "评价").await?;
    t.expect_text("#hop-1 .hop-eval", "满意").await?;
    t.fill("#act-close textarea[name=note]", "已复查，群众满意")
        .await?;
    submit(t, "#act-close").await?;
    done(t, "办结归档").await?;
    t.expect_text("#event-status", "办结归档").await?;
    t.expect_absent("#act-close").await?;

    // The timeline shows every step from the log, each with its entry hash.
    let timeline = t.text("#timeline").await?;
    for step in [
        "上报事件",
        "一键呼叫县级",
        "派单",
        "签收",
        "响应",
        "办理反馈",
        "评价",
        "办结归档",
    ] {
        ensure!(timeline.contains(step), "timeline lacks {step}: {timeline}");
    }
    let rows = t.count("#timeline tbody tr").await?;
    ensure!(rows == 8, "{rows} timeline rows, expected 8");
    ensure!(
        t.count("#timeline tbody a[href^='/api/v1/log/proof/inclusion?seq=']")
            .await?
            == 8,
        "an entry lacks its proof link"
    );
    t.shot("closed").await?;

    // The proof downloads with the session and checks offline.
    let href = t
        .find("#proof-link")
        .await?
        .attr("href")
        .await?
        .unwrap_or_default();
    ensure!(href == format!("{page}/proof"), "proof link {href}");
    let cookie = t.c.get_named_cookie("tk_session").await?;
    let res = reqwest::Client::new()
        .get(t.s.url(&href))
        .header("cookie", format!("tk_session={}", cookie.value()))
        .send()
        .await?;
    ensure!(res.status().is_success(), "proof: {}", res.status());
    let disposition = res
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    ensure!(
        disposition.starts_with("attachment"),
        "proof is not a download: {disposition:?}"
    );
    let bundle: ProofBundle = res.json().await.context("the proof does not parse")?;
    let n = verify_bundle(&bundle).map_err(anyhow::Error::msg)?;
    ensure!(n == 8, "the proof covers {n} entries, expected 8");
    // Without a session it is not handed out.
    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?
        .get(t.s.url(&href))
        .send()
        .await?;
    ensure!(
        anon.status().is_redirection(),
        "proof without login: {}",
        anon.status()
    );
    Ok(())
}
