//! Browser flows of the responsibility lists: an adjustment from application to publication,
//! and the public query page.

use super::{R, T};
use anyhow::{ensure, Context};

browser_test!(adjustment_from_application_to_publication, adjustment_flow);
browser_test!(public_query_page_answers_without_login, public_query);

async fn adjustment_flow(t: &T) -> R {
    // A department applies to add 市场监管局 as a supporting unit of the property item.
    t.login("zhujian").await?;
    t.goto("/lists?kind=territorial&q=物业管理纠纷").await?;
    t.click("#list-table tbody tr:first-child a").await?;
    t.expect_text("#item-name", "物业").await?;
    t.shot("item").await?;
    t.click("#apply-link").await?;
    let supporting = t
        .find("#f-supporting")
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    t.fill("#f-supporting", &format!("{supporting}、市场监管局"))
        .await?;
    t.fill(
        "#f-reason",
        "物业服务收费纠纷增多，需市场监管部门配合价格监督",
    )
    .await?;
    t.fill("#f-basis", "《物业管理条例》第四十一条").await?;
    t.fill("#f-opinions", "市场监管局：同意承担配合责任")
        .await?;
    t.shot("adjustment-form").await?;
    t.click("#adj-submit").await?;
    t.expect_text("#adj-status", "待编办审核").await?;
    let page = t.path().await?;
    ensure!(page.starts_with("/lists/adjustments/"), "on {page}");
    t.expect_text("#adj-diff", "市场监管").await?;
    t.expect_absent("#btn-establishment")
        .await
        .context("the applicant cannot review")?;
    t.goto("/").await?;
    t.logout().await?;

    // 编办 sees it on the home page, sends it back with a reason; the applicant revises.
    t.login("bianban").await?;
    t.expect_text("#todo", "待编办审核").await?;
    t.goto(&page).await?;
    t.fill(
        "#form-establishment textarea[name=comment]",
        "请补充价格监督的具体职责",
    )
    .await?;
    t.click("#btn-establishment-back").await?;
    t.expect_text("#adj-status", "已退回修改").await?;
    t.goto("/").await?;
    t.logout().await?;
    t.login("zhujian").await?;
    t.goto(&page).await?;
    t.click("#resubmit-link").await?;
    t.fill(
        "textarea[name=supporting_duty]",
        "市场监管局负责物业服务收费价格监督；各乡镇(街道)组织调解",
    )
    .await?;
    t.click("#adj-submit").await?;
    t.expect_text("#adj-status", "待编办审核").await?;
    t.expect_text("#adj-steps", "修改后重新提交").await?;
    t.goto("/").await?;
    t.logout().await?;

    for (user, button, next) in [
        ("bianban", "#btn-establishment", "待司法审核"),
        ("sifa", "#btn-justice", "待县政府批准"),
    ] {
        t.login(user).await?;
        t.goto(&page).await?;
        t.click(button).await.context(user)?;
        t.expect_text("#adj-status", next).await.context(user)?;
        t.shot(&format!("adjustment-{user}")).await?;
        t.goto("/").await?;
        t.logout().await?;
    }

    t.login("leader").await?;
    t.goto(&page).await?;
    t.fill(
        "#form-approve input[name=document_no]",
        "青政办发〔2026〕31号",
    )
    .await?;
    t.click("#btn-approve").await?;
    t.expect_text("#adj-status", "已批准待发布").await?;
    t.goto("/").await?;
    t.logout().await?;

    t.login("bianban").await?;
    t.goto(&page).await?;
    t.click("#btn-publish").await?;
    t.expect_text("#adj-status", "已发布").await?;
    t.shot("adjustment-published").await?;
    t.click("#published-diff").await?;
    t.expect_text("#diff", "变更").await?;
    t.shot("diff").await?;
    t.goto("/lists/versions").await?;
    t.expect_text("#versions", "v2").await?;
    t.goto("/").await?;
    t.logout().await
}

async fn public_query(t: &T) -> R {
    t.goto("/public/lists").await?;
    t.fill("#pq", "楼下饭店的油烟太大了，熏得没法开窗").await?;
    t.click("#public-search").await?;
    t.expect_text("#public-results", "油烟").await?;
    t.find("#public-results mark").await?;
    t.shot("public").await
}
