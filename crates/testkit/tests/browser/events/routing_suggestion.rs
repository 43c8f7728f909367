//! Routing suggestions on the dispatch form: a township calls the county without citing a
//! list item; the dispatcher finds the suggested item pre-selected with its lead and
//! co-departments, and dispatches with one click. Before that, the report form suggests the
//! item while a grid worker types.

use super::{as_user, done, item, selected, submit, who, R, T};
use anyhow::ensure;
use tiaokuai_app::now_ms;

pub(super) async fn suggested_dispatch(t: &T) -> R {
    let dust = item(t, "建筑工地扬尘").await?;
    let problem = {
        let d = dust.clone();
        t.s.engine
            .with_state(move |s| s.lists.item_at(&d.id, d.version).map(|i| i.problem.clone()))
            .await?
            .unwrap_or_default()
    };
    let op = who(t, "qingshan_op").await?;
    let id = t
        .s
        .engine
        .report_event(
            &op,
            now_ms(),
            tiaokuai_testkit::township_call("建筑工地扬尘", &format!("{problem}，群众反映强烈。")),
        )
        .await?;

    // While a grid worker types, the report form suggests the item (script, debounced).
    t.login("grid_qs01").await?;
    t.goto("/events/new").await?;
    t.fill("#f-title", "建筑工地扬尘").await?;
    t.expect_text("#route-suggest label.suggested", "建筑工地扬尘")
        .await?;
    t.shot("report-suggested").await?;

    as_user(t, "dispatcher", &format!("/events/{id}")).await?;
    let value = format!("{}@{}", dust.id, dust.version);
    t.expect_text("#route-suggestions", "建筑工地扬尘").await?;
    ensure!(
        selected(
            t,
            &format!("#act-dispatch select[name=item] option[value='{value}']")
        )
        .await?,
        "the top suggestion is not pre-selected"
    );
    ensure!(
        selected(t, "#act-dispatch select[name=lead] option[value='D-ZJ']").await?,
        "the suggested item's lead is not pre-selected"
    );
    t.expect_absent("#act-dispatch label.override.needed")
        .await?;
    t.shot("dispatch-suggested").await?;
    // One click.
    submit(t, "#act-dispatch").await?;
    done(t, "派单").await?;
    t.expect_text("#event-status", "已派单").await?;
    t.expect_text("#hop-1", "青川县住房和城乡建设局").await?;
    t.expect_text("#hop-1", "建筑工地扬尘").await?;
    Ok(())
}
