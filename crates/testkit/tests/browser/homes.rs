//! Each role's home answers "what needs me", with the count in the menu; the field roles'
//! pages fit a 390 px phone without sideways scrolling and with thumb-sized buttons; an
//! adjustment its only reviewer filed says who else can review it.

use super::{R, T};
use anyhow::{ensure, Context};

browser_test!(home_of_each_role_answers_what_needs_me, homes);
browser_test!(phone_pages_of_field_roles_fit_390px, phone_pages);
browser_test!(review_desk_says_who_can_move_an_application, review_desk);
browser_test!(township_event_page_has_one_primary_action, township_page);

/// Elements wider than the viewport, for the failure message (empty when the page fits).
async fn overflow(t: &T) -> anyhow::Result<String> {
    let js = r#"
        const w = window.innerWidth;
        if (document.documentElement.scrollWidth <= w) { return ""; }
        const out = [];
        for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.right > w + 1 && getComputedStyle(el).position !== 'fixed') {
                out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                    (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') +
                    ' right=' + Math.round(r.right));
                if (out.length > 8) break;
            }
        }
        return 'scrollWidth ' + document.documentElement.scrollWidth + ' > ' + w + ': ' + out.join(', ');
    "#;
    Ok(t.c
        .execute(js, vec![])
        .await?
        .as_str()
        .unwrap_or_default()
        .to_string())
}

pub(super) async fn fits(t: &T, path: &str) -> R {
    t.goto(path).await?;
    t.find("main").await?;
    let o = overflow(t).await?;
    ensure!(o.is_empty(), "{path} overflows at 390 px: {o}");
    // Nor may a table squeeze its text into a column a character or two wide.
    let squeezed = t
        .c
        .execute(
            "const s = []; for (const td of document.querySelectorAll('main td')) { const r = td.getBoundingClientRect(); if (r.width > 0 && r.width < 48 && td.innerText.trim().length >= 6) { s.push(td.innerText.trim().slice(0, 20)); } } return s.slice(0, 5).join(' | ');",
            vec![],
        )
        .await?;
    let squeezed = squeezed.as_str().unwrap_or_default();
    ensure!(
        squeezed.is_empty(),
        "{path} squeezes cells at 390 px: {squeezed}"
    );
    Ok(())
}

/// The element is at least 44 px tall (a thumb's tap target).
async fn tappable(t: &T, css: &str) -> R {
    let (_, _, _, h) = t.find(css).await?.rectangle().await?;
    ensure!(h >= 44.0, "{css} is {h} px tall, under 44");
    Ok(())
}

async fn homes(t: &T) -> R {
    // (account, what the landing page must offer)
    let cases: [(&str, &str, &str); 9] = [
        ("dispatcher", "#todo", "待派单"),
        ("qingshan_op", "#todo-card", "待办"),
        ("zhujian", "#todo-card", "待办"),
        ("bianban", "#link-review", "清单审核"),
        ("sifa", "#link-review", "清单审核"),
        ("jiwei", "#link-discipline", "追责问责"),
        ("leader", "#link-dashboard", "领导看板"),
        ("admin", "#my-roles", "系统管理员"),
        ("grid_qs01", "#report-link", "上报问题"),
    ];
    for (user, css, text) in cases {
        // The grid worker's home is seen on a phone.
        let phone = user == "grid_qs01";
        if phone {
            t.c.set_window_size(390, 844).await?;
        }
        t.login(user).await?;
        t.expect_text(css, text).await.context(user)?;
        t.shot(&format!("home-{user}")).await?;
        // Every home also works on a phone.
        let home = t.path().await?;
        t.c.set_window_size(390, 844).await?;
        fits(t, &home).await.context(user)?;
        if !phone {
            t.c.set_window_size(1280, 900).await?;
        }
        t.logout().await?;
        if phone {
            t.c.set_window_size(1280, 900).await?;
        }
    }
    // The menu counts what waits at the desk, and the desk lists the same.
    t.login("dispatcher").await?;
    let n: usize = t
        .text("#nav-count")
        .await?
        .trim()
        .parse()
        .context("#nav-count")?;
    ensure!(n > 0, "no work counted for the dispatcher");
    let mut listed = 0;
    for li in
        t.c.find_all(fantoccini::Locator::Css("#todo li strong"))
            .await?
    {
        listed += li.text().await?.trim().parse::<usize>()?;
    }
    ensure!(listed == n, "the menu counts {n}, the home lists {listed}");
    t.logout().await?;
    // 司法局 has a desk of its own now.
    t.login("sifa").await?;
    t.click("#link-review").await?;
    t.expect_text("#desk-title", "清单审核").await?;
    t.logout().await
}

async fn phone_pages(t: &T) -> R {
    t.c.set_window_size(390, 844).await?;
    // A grid worker: home, the report form, the report itself, the list and their account.
    t.login("grid_qs01").await?;
    fits(t, "/desk/grid").await?;
    tappable(t, "#report-link").await?;
    fits(t, "/events/new").await?;
    tappable(t, "#report-submit").await?;
    let e =
        t.s.engine
            .with_state(|st| {
                st.events
                    .events
                    .values()
                    .rev()
                    .find(|e| e.reporter == "grid_qs01")
                    .map(|e| e.id)
            })
            .await?
            .context("no report by grid_qs01 in the demo history")?;
    fits(t, &format!("/events/{e}")).await?;
    fits(t, "/events").await?;
    fits(t, "/account").await?;
    t.shot("grid-home-phone").await?;
    t.logout().await?;

    // A stationed-unit handler and a county department's handler at their desks.
    for user in ["paichusuo_qs", "zhujian"] {
        t.login(user).await?;
        fits(t, "/desk").await.context(user)?;
        // The desk's one-click buttons and links are thumb-sized.
        for css in ["#desk a.btn-link", "#desk button.sign"] {
            if t.count(css).await? > 0 {
                tappable(t, css).await.context(user)?;
            }
        }
        if user == "zhujian" {
            ensure!(
                t.count("#desk a.btn-link").await? > 0,
                "住建局's desk lists no work"
            );
        }
        fits(t, "/events").await.context(user)?;
        let first =
            t.c.find_all(fantoccini::Locator::Css("#desk a[href^='/events/']"))
                .await?;
        if let Some(a) = first.first() {
            let href = a.attr("href").await?.unwrap_or_default();
            fits(t, &href).await.context(user)?;
        }
        t.shot(&format!("desk-phone-{user}")).await?;
        t.logout().await?;
    }
    t.c.set_window_size(1280, 900).await?;
    Ok(())
}

async fn review_desk(t: &T) -> R {
    // 编办 itself applies for a change: it may not review its own application, and the page
    // names the colleague who can.
    t.login("bianban").await?;
    t.goto("/lists?kind=territorial&q=物业管理纠纷").await?;
    t.click("#list-table tbody tr:first-child a").await?;
    t.click("#apply-link").await?;
    // An unknown unit is named beside its field, in Chinese, and nothing is filed.
    t.fill("#f-supporting", "住房和城乡建设局、市场监督局X")
        .await?;
    t.fill("#f-reason", "编办根据职责争议裁定提出调整").await?;
    t.fill("#f-basis", "职责争议裁定书").await?;
    t.click("#adj-submit").await?;
    t.expect_text("#err-supporting", "找不到单位「市场监督局X」")
        .await?;
    t.shot("adjustment-field-errors").await?;
    // The bureau's full name without the county prefix is accepted; the opinions of the units
    // involved are required, said beside that field in Chinese.
    t.fill("#f-supporting", "住房和城乡建设局、市场监管局")
        .await?;
    t.click("#adj-submit").await?;
    let msg = t.text("#err-opinions").await?;
    ensure!(
        msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "opinions error not in Chinese: {msg:?}"
    );
    t.fill("#f-opinions", "住建局、市场监管局：同意").await?;
    t.click("#adj-submit").await?;
    t.expect_text("#adj-status", "待编办审核").await?;
    t.expect_text("#adj-waiting", "您是申请人").await?;
    t.expect_text("#adj-waiting", "bianban2").await?;
    let page = t.path().await?;
    t.goto("/desk/review").await?;
    t.expect_text("#review-others", "bianban2").await?;
    t.shot("review-desk-applicant").await?;
    t.logout().await?;

    t.login("bianban2").await?;
    t.goto("/desk/review").await?;
    t.expect_text("#review-mine", "物业").await?;
    t.shot("review-desk").await?;
    t.goto(&page).await?;
    t.click("#btn-establishment").await?;
    t.expect_text("#adj-status", "待司法审核").await?;
    t.logout().await?;

    t.login("sifa").await?;
    t.goto("/desk/review").await?;
    t.expect_text("#review-mine", "物业").await?;
    t.logout().await
}

async fn township_page(t: &T) -> R {
    let op =
        t.s.engine
            .principal_of("qingshan_op")
            .await?
            .context("qingshan_op")?;
    let mut ev = tiaokuai_testkit::township_call(
        "王家庄村路灯不亮",
        "王家庄村主路路灯连续多日不亮，夜间出行不便。",
    );
    ev.call = false;
    let id =
        t.s.engine
            .report_event(&op, tiaokuai_app::now_ms(), ev)
            .await?;
    t.login("qingshan_op").await?;
    t.goto(&format!("/events/{id}")).await?;
    // One open form with the main button; the other steps are folded under their names.
    let open = t.count("#actions > form.act-form").await?;
    ensure!(open == 1, "{open} open action forms");
    ensure!(
        t.count("#actions details.alt-action").await? >= 1,
        "no folded actions"
    );
    t.shot("township-event").await?;
    // Without a list item the call needs a reason, said beside the field.
    t.click("#act-call button[type=submit]").await?;
    t.expect_text("#act-call .field-error[data-field=note]", "理由")
        .await?;
    // Searching for an item makes the call cite it.
    t.fill("#dispatch-q", "路灯").await?;
    t.click("#item-search-form button[type=submit]").await?;
    let cited = t
        .c
        .execute(
            "const s = document.querySelector('#act-call select[name=item]'); return s.options[s.selectedIndex].text;",
            vec![],
        )
        .await?;
    let cited = cited.as_str().unwrap_or_default().to_string();
    let top = t.text("#item-hits li:first-child a").await?;
    ensure!(
        cited.contains(top.trim()),
        "the call cites {cited:?}, the search's top hit is {top:?}"
    );
    // The whistle's units are a searchable list, not a 100-row select.
    if t.count("#act-whistle").await? > 0 {
        t.fill("#act-whistle .unit-filter", "住房").await?;
        let shown = t
            .c
            .execute(
                "return Array.from(document.querySelectorAll('#act-whistle .unit-list label')).filter(l => !l.hidden && l.offsetParent !== null).length;",
                vec![],
            )
            .await?;
        let shown = shown.as_u64().unwrap_or(0);
        ensure!((1..=3).contains(&shown), "{shown} units shown for 住房");
        t.shot("whistle-picker").await?;
    }
    t.logout().await
}
