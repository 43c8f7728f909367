//! Grid patrol on a 390 px phone: a grid worker starts a patrol of their grid, the track kept
//! on the phone (as when offline) goes out when the page loads, a finding is reported as an
//! event, the patrol ends; the township's weekly analysis shows the finding.

use super::{R, T};
use anyhow::ensure;

browser_test!(grid_worker_patrols_on_a_phone_and_the_week_shows_it, patrol);

async fn fits(t: &T) -> R {
    let w =
        t.c.execute(
            "return document.documentElement.scrollWidth - window.innerWidth;",
            vec![],
        )
        .await?;
    ensure!(w.as_i64().unwrap_or(1) <= 0, "the page is {w} px too wide");
    Ok(())
}

async fn patrol(t: &T) -> R {
    t.c.set_window_size(390, 844).await?;
    t.login("grid_qs01").await?;
    t.click("#patrol-link").await?;
    t.expect_text("h1", "网格巡查").await?;
    fits(t).await?;
    t.click("#start-370999001001-01").await?;
    t.expect_text("#patrol-flash", "巡查已开始").await?;
    let id = t
        .find("#patrol-open")
        .await?
        .attr("data-patrol")
        .await?
        .unwrap_or_default();
    ensure!(!id.is_empty(), "no open patrol id");
    // Points kept on the phone while offline, as the script stores them; reloading sends them.
    let js = r#"
        const id = arguments[0]; const now = Date.now();
        const pts = [0, 1, 2].map(i => ({t: now + i * 1000, lon: 116.711 + i * 0.001, lat: 36.61}));
        pts.push(pts[1]);
        localStorage.setItem('tiaokuai.patrol.' + id, JSON.stringify({next: 1, open: pts, batches: []}));
        return true;
    "#;
    t.c.execute(js, vec![serde_json::json!(id)]).await?;
    t.goto("/patrol").await?;
    t.expect_text("#sync-status", "轨迹已全部上传").await?;
    t.goto("/patrol").await?;
    t.expect_text("#patrol-points", "3").await?;
    fits(t).await?;
    // A finding, reported as an event at once (the box is ticked).
    t.fill("#finding-description", "村口垃圾堆放未清运").await?;
    t.click("#finding-submit").await?;
    t.expect_text("#patrol-flash", "已上报为事件").await?;
    t.expect_text("#findings", "已上报事件").await?;
    t.shot("patrol-phone").await?;
    t.click("#end-patrol").await?;
    t.expect_text("#patrol-flash", "巡查已结束").await?;
    t.logout().await?;

    // The township's week shows it.
    t.c.set_window_size(1280, 900).await?;
    t.login("qingshan_op").await?;
    t.goto("/patrol/weekly").await?;
    t.expect_text("#finding-count", "1").await?;
    t.expect_text("#week-findings", "村口垃圾堆放未清运")
        .await?;
    t.shot("patrol-weekly").await?;
    t.goto("/desk").await?;
    t.expect_text("#patrol-overdue", "巡查看板").await?;
    Ok(())
}
