//! Browser flows of 赋权: a township orders a power from the menu and follows the list
//! adjustment it filed; 编办 reads the usage with the unused powers flagged and the round with
//! its recall.

use super::{R, T};
use anyhow::{ensure, Context};

browser_test!(township_orders_a_power_from_the_menu, order_flow);

async fn order_flow(t: &T) -> R {
    t.login("qingshan_op").await?;
    t.goto("/delegation/menu").await?;
    let card =
        t.c.execute(
            "return [...document.querySelectorAll('#menu article')]\
             .find(a => a.textContent.includes('露天烧烤')).id;",
            vec![],
        )
        .await?;
    let card = card
        .as_str()
        .context("no 露天烧烤 card on the menu")?
        .to_string();
    let form = format!("#{card} details.order form");
    // Too few staff: refused, naming why, nothing filed.
    t.fill(&format!("{form} input[name=staff]"), "1").await?;
    t.fill(
        &format!("{form} textarea[name=reason]"),
        "镇驻地夜市烧烤摊点多",
    )
    .await?;
    t.fill(
        &format!("{form} textarea[name=opinions]"),
        "县综合执法局：同意",
    )
    .await?;
    t.click(&format!("{form} button[type=submit]")).await?;
    t.expect_text("#menu-error", "2").await?;
    let form = format!("#{card} details.order form");
    t.fill(&format!("{form} input[name=staff]"), "3").await?;
    t.fill(
        &format!("{form} textarea[name=reason]"),
        "镇驻地夜市烧烤摊点多",
    )
    .await?;
    t.fill(
        &format!("{form} textarea[name=opinions]"),
        "县综合执法局：同意",
    )
    .await?;
    t.shot("delegation-order").await?;
    t.click(&format!("{form} button[type=submit]")).await?;
    let page = t.path().await?;
    ensure!(page.starts_with("/lists/adjustments/"), "on {page}");
    t.expect_text("body", "乡镇点单").await?;
    // The order is listed on the menu page with its status.
    t.goto("/delegation/menu").await?;
    t.expect_text("#orders", "待编办审核").await?;

    // 编办: usage with the unused powers flagged, the finished round with its recall.
    t.goto("/").await?;
    t.logout().await?;
    t.login("bianban").await?;
    t.goto("/delegation").await?;
    t.expect_text("#usage", "零办件").await?;
    t.shot("delegation-usage").await?;
    t.click("#rounds-link").await?;
    t.click("#round-1").await?;
    t.expect_text("#powers", "收回申请").await?;
    Ok(())
}
