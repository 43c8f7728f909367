//! The report form's GPS button on a phone. Headless Chromium has no position of its own, so
//! the test stands in for the device: first one that refuses (the form asks for a tap on the
//! map instead), then one inside 青山's first grid, whose point the server resolves to that
//! grid, village and township.

use super::{R, T};
use anyhow::ensure;

/// Replaces `navigator.geolocation` on the open page with one that answers `outcome`.
async fn fake_position(t: &T, outcome: &str) -> R {
    let js = format!(
        "navigator.geolocation.getCurrentPosition = function (ok, fail) {{ {outcome} }}; return true;"
    );
    t.c.execute(&js, vec![]).await?;
    Ok(())
}

pub(super) async fn gps_report(t: &T) -> R {
    t.c.set_window_size(390, 844).await?;
    t.login("grid_qs01").await?;
    t.goto("/events/new").await?;
    t.expect_text("#report-title", "上报问题").await?;

    fake_position(
        t,
        "setTimeout(function () { fail({ code: 1, message: 'User denied Geolocation' }); }, 10);",
    )
    .await?;
    t.click("#gps-btn").await?;
    t.expect_text("#loc-text", "定位失败").await?;
    let lon = t
        .find("#lon")
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    ensure!(lon.is_empty(), "a refused position set a point: {lon:?}");

    fake_position(
        t,
        "setTimeout(function () { ok({ coords: { longitude: 116.71, latitude: 36.61, accuracy: 8.4 } }); }, 10);",
    )
    .await?;
    t.click("#gps-btn").await?;
    t.expect_text("#loc-text", "GPS 精度约 8 米").await?;
    let lon = t
        .find("#lon")
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    let lat = t
        .find("#lat")
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    ensure!(
        lon.starts_with("116.71") && lat.starts_with("36.61"),
        "GPS point in the form: {lon:?}, {lat:?}"
    );
    t.shot("report-gps").await?;

    t.fill("#f-title", "村口路灯不亮").await?;
    t.fill(
        "#f-description",
        "王家庄村口三盏路灯连续两晚不亮，行人夜间出行不便。",
    )
    .await?;
    t.click("#report-submit").await?;
    t.expect_text("#desk-flash", "上报成功").await?;
    t.click("#reports tbody tr:first-child a").await?;
    t.expect_text("#event-status", "已上报").await?;
    // The server placed the point in the worker's grid, village and township.
    t.expect_text("#place", "青山镇王家庄村第1网格").await?;
    t.expect_text("#place", "王家庄村").await?;
    t.c.set_window_size(1280, 900).await?;
    Ok(())
}
