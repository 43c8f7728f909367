//! Browser checks of the tables (issue #13 item 5): a click on a column heading sorts, and at
//! 390 px the pages do not scroll sideways.

use super::{R, T};
use anyhow::{ensure, Context};
use fantoccini::Locator;

browser_test!(tables_headers_sort_lists_and_events, header_sort);
browser_test!(tables_fit_a_phone_width, phone_width);

/// The texts of the cells of column `n` (1-based) of `table`.
async fn column(t: &T, table: &str, n: usize) -> anyhow::Result<Vec<String>> {
    let mut out = vec![];
    for td in
        t.c.find_all(Locator::Css(&format!("{table} tbody tr td:nth-child({n})")))
            .await?
    {
        out.push(td.text().await?.trim().to_string());
    }
    Ok(out)
}

/// `1.10` after `1.9`: the digit runs as numbers.
fn natural_key(s: &str) -> Vec<(u64, String)> {
    let mut v = vec![];
    for part in s.split_inclusive(|c: char| !c.is_ascii_digit()) {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        let rest: String = part.chars().skip(digits.len()).collect();
        v.push((digits.parse().unwrap_or(0), rest));
    }
    v
}

async fn header_sort(t: &T) -> R {
    t.login("bianban").await?;
    t.goto("/lists?kind=territorial").await?;
    // Descending by 序号, then back ascending.
    t.click("#list-table th[data-col=number] a.sort").await?;
    t.expect_text("#list-table th[data-col=number]", "▼")
        .await?;
    let desc = column(t, "#list-table", 1).await?;
    let mut want = desc.clone();
    want.sort_by_key(|x| std::cmp::Reverse(natural_key(x)));
    ensure!(desc == want, "序号 not descending: {desc:?}");
    t.click("#list-table th[data-col=number] a.sort").await?;
    t.expect_text("#list-table th[data-col=number]", "▲")
        .await?;
    let asc = column(t, "#list-table", 1).await?;
    let mut want = asc.clone();
    want.sort_by_key(|x| natural_key(x));
    ensure!(asc == want, "序号 not ascending: {asc:?}");
    ensure!(asc.len() == 50, "a page of 50, got {}", asc.len());
    t.shot("lists-sorted").await?;
    t.goto("/").await?;
    t.logout().await?;

    t.login("dispatcher").await?;
    t.goto("/events").await?;
    t.click("#event-table th[data-col=due] a.sort").await?;
    t.expect_text("#event-table th[data-col=due]", "▲").await?;
    let mut due = vec![];
    for td in
        t.c.find_all(Locator::Css("#event-table td.due-cell"))
            .await?
    {
        due.push(td.attr("data-due").await?.unwrap_or_default());
    }
    let known: Vec<i64> = due
        .iter()
        .take_while(|x| !x.is_empty())
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    ensure!(!known.is_empty(), "no deadlines: {due:?}");
    ensure!(
        known.windows(2).all(|w| w[0] <= w[1]),
        "not by deadline: {known:?}"
    );
    ensure!(due[known.len()..].iter().all(|x| x.is_empty()), "{due:?}");
    t.shot("events-by-urgency").await?;
    // The export link keeps the sort.
    let href = t
        .find("#events-export")
        .await?
        .attr("href")
        .await?
        .unwrap_or_default();
    ensure!(href.contains("sort=due&dir=asc"), "{href}");
    Ok(())
}

async fn phone_width(t: &T) -> R {
    t.c.set_window_size(390, 844).await?;
    for (user, pages) in [
        ("dispatcher", &["/events", "/lists"][..]),
        ("admin", &["/admin/people", "/audit/log"][..]),
    ] {
        t.login(user).await?;
        for page in pages {
            t.goto(page).await?;
            t.find("table.data").await.context(*page)?;
            let fits =
                t.c.execute(
                    "return [document.documentElement.scrollWidth, window.innerWidth];",
                    vec![],
                )
                .await?;
            let w = fits.as_array().cloned().unwrap_or_default();
            let (sw, iw) = (
                w.first().and_then(|x| x.as_i64()).unwrap_or(-1),
                w.get(1).and_then(|x| x.as_i64()).unwrap_or(0),
            );
            ensure!(sw <= iw, "{page} scrolls sideways at 390 px: {sw} > {iw}");
            t.shot(&format!("phone{}", page.replace('/', "-"))).await?;
        }
        t.goto("/").await?;
        t.logout().await?;
    }
    t.c.set_window_size(1280, 900).await?;
    Ok(())
}
