//! Browser flows of 准入: a department applies, a township gives its opinion, 编办 and 司法局
//! review, the county approves and the task appears in the (public) catalogue; a township
//! refuses a handed task that was not admitted with one click.

use super::{R, T};
use anyhow::{ensure, Context};

browser_test!(admission_from_application_to_the_catalogue, admission_flow);
browser_test!(township_refuses_a_task_that_was_not_admitted, refuse_flow);

const DAY: i64 = 86_400_000;

fn date_in(days: i64) -> String {
    tiaokuai_core::calendar::cst_date(tiaokuai_app::now_ms() + days * DAY).to_string()
}

async fn set_value(t: &T, css: &str, value: &str) -> R {
    let js = format!("document.querySelector('{css}').value = '{value}';");
    t.c.execute(&js, vec![]).await?;
    Ok(())
}

async fn as_user(t: &T, user: &str, page: &str) -> R {
    t.goto("/").await?;
    t.logout().await?;
    t.login(user).await?;
    t.goto(page).await
}

async fn admission_flow(t: &T) -> R {
    let title = "餐饮场所燃气安全入户排查";
    t.login("zhujian").await?;
    t.goto("/admission").await?;
    t.click("#new-application").await?;
    t.fill("#f-title", title).await?;
    t.fill("#f-content", "每季度对辖区餐饮场所开展燃气安全入户排查")
        .await?;
    set_value(t, "#f-start", &date_in(120)).await?;
    set_value(t, "#f-end", &date_in(480)).await?;
    t.fill("#f-funds", "每镇每年 2 万元").await?;
    t.click("#consult-370999001").await?;
    t.click("#consult-370999009").await?;
    // Without a legal basis: refused, naming the field, with the form kept.
    t.click("#submit-application").await?;
    t.expect_text("#form-error", "依据").await?;
    ensure!(
        t.find("#f-title").await?.prop("value").await?.as_deref() == Some(title),
        "the form was not kept"
    );
    t.fill("#f-basis", "《城镇燃气管理条例》第五条").await?;
    t.shot("admission-form").await?;
    t.click("#submit-application").await?;
    t.expect_text("#application-stage", "征求意见中").await?;
    let page = t.path().await?;
    ensure!(page.starts_with("/admission/"), "on {page}");
    t.expect_absent("#form-establishment")
        .await
        .context("the applicant cannot review")?;

    // Both consulted townships give their written opinions.
    as_user(t, "qingshan_op", &page).await?;
    t.fill("#f-text-opinion", "同意，请同步下放经费").await?;
    t.click("#btn-agree").await?;
    t.expect_text("#opinions", "同意").await?;
    t.expect_absent("#form-opinion").await?;
    as_user(t, "chengguan_op", &page).await?;
    t.click("#btn-agree").await?;
    t.expect_text("#application-stage", "编办审核中").await?;

    // 编办, then 司法局.
    as_user(t, "bianban", &page).await?;
    t.fill("#f-text-establishment", "权责匹配").await?;
    t.click("#btn-establishment").await?;
    t.expect_text("#application-stage", "司法局合法性审核中")
        .await?;
    as_user(t, "sifa", &page).await?;
    t.click("#btn-justice").await?;
    t.expect_text("#application-stage", "待县政府审批").await?;

    // The county approves with a document number.
    as_user(t, "leader", &page).await?;
    t.click("#btn-approve").await?;
    t.expect_text("#action-error", "批准文号").await?;
    t.fill("#f-document-no", "青政办发〔2026〕37号").await?;
    t.click("#btn-approve").await?;
    t.expect_text("#application-stage", "已准入").await?;
    t.expect_text("#document-no", "青政办发〔2026〕37号")
        .await?;
    t.goto("/admission/catalogue").await?;
    t.expect_text("#catalogue", title).await?;
    t.shot("catalogue").await?;

    // The catalogue is public.
    t.goto("/").await?;
    t.logout().await?;
    t.goto("/public").await?;
    t.click("#pub-admission-link").await?;
    t.expect_text("#catalogue", title).await?;
    Ok(())
}

async fn refuse_flow(t: &T) -> R {
    t.login("zhujian").await?;
    t.goto("/handovers").await?;
    t.click("#new-handover").await?;
    t.fill("#f-title", "在建工地扬尘每日拍照上报").await?;
    t.fill("#f-content", "请每日拍照上报辖区在建工地扬尘情况")
        .await?;
    set_value(t, "#f-deadline", &date_in(14)).await?;
    t.click("#town-370999001").await?;
    t.click("#submit-handover").await?;
    t.expect_text("#handover-not-admitted", "未经准入").await?;
    let page = t.path().await?;
    ensure!(page.starts_with("/handovers/"), "on {page}");

    as_user(t, "qingshan_op", "/handovers").await?;
    t.expect_text("#handovers", "在建工地扬尘").await?;
    t.goto(&page).await?;
    t.shot("handover").await?;
    t.click("#btn-refuse").await?;
    t.expect_text("#answers", "已拒收").await?;
    t.expect_absent("#btn-refuse").await?;
    // The refusal counts against 住建局.
    t.goto("/admission/catalogue").await?;
    t.expect_text("#refusals", "住建局").await?;
    // The township's admission pages work on a phone.
    t.c.set_window_size(390, 844).await?;
    for path in [
        "/handovers",
        page.as_str(),
        "/admission",
        "/admission/new",
        "/admission/catalogue",
    ] {
        super::home_flows::fits(t, path).await?;
    }
    t.c.set_window_size(1280, 900).await?;
    Ok(())
}
