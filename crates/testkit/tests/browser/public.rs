//! The public page on a phone (390 px wide): the answer and the browse pages fit without
//! horizontal scrolling, and the first card for 井盖 names the unit that repairs them.

use super::{R, T};
use anyhow::ensure;

browser_test!(public_page_fits_a_phone_and_answers, public_phone);

/// Fails when the page is wider than the window (it would scroll sideways).
async fn fits(t: &T, what: &str) -> R {
    let v =
        t.c.execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await?;
    let (scroll, inner) = (v[0].as_u64().unwrap_or(0), v[1].as_u64().unwrap_or(0));
    ensure!(
        inner > 0 && inner <= 400,
        "{what}: the window is {inner} px wide, not a phone's"
    );
    ensure!(
        scroll <= inner,
        "{what}: the page is {scroll} px wide in a {inner} px window"
    );
    Ok(())
}

async fn public_phone(t: &T) -> R {
    t.c.set_window_size(390, 844).await?;
    let res = phone_pages(t).await;
    t.c.set_window_size(1280, 900).await?;
    res
}

async fn phone_pages(t: &T) -> R {
    t.goto("/public").await?;
    fits(t, "/public").await?;
    t.fill("#pq", "小区门口的井盖丢了，晚上很危险").await?;
    t.click("#public-search").await?;
    t.expect_text("#public-results .pub-card .primary-units", "住建局")
        .await?;
    t.expect_text("#public-results .pub-card .pub-name", "市政管网")
        .await?;
    t.find("#public-results mark").await?;
    fits(t, "answer for 井盖").await?;
    t.shot("public-phone-answer").await?;

    t.goto("/public?q=占道经营").await?;
    t.expect_text("#public-results .pub-card .primary-units", "综合执法局")
        .await?;
    fits(t, "answer for 占道经营").await?;

    t.click("#pub-browse-link").await?;
    t.find("#pub-domains a").await?;
    fits(t, "/public/browse").await?;
    t.click("#pub-domains li:first-child a").await?;
    t.find("#pub-items li a").await?;
    fits(t, "a domain").await?;
    t.shot("public-phone-browse").await?;
    t.click("#pub-items li:first-child a").await?;
    t.find(".pub-card .pub-answer").await?;
    fits(t, "an item's card").await
}
