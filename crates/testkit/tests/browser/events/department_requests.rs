//! What a department may ask of the command centre: to return the work (contested, then ruled
//! on by 编办) and to extend its deadline.

use super::{act_as, as_user, dispatched, done, item, submit, R, T};
use anyhow::{ensure, Context};
use tiaokuai_core::events::EventCmd;

pub(super) async fn return_dispute_ruling(t: &T) -> R {
    let dust = item(t, "建筑工地扬尘").await?;
    let id = dispatched(t, "工地围挡占道", &dust, &[]).await?;
    let page = format!("/events/{id}");

    // 住建局 asks to return it; the legal basis is required and what was typed stays.
    t.login("zhujian").await?;
    t.goto(&page).await?;
    t.fill(
        "#act-request_return-1 textarea[name=reason]",
        "占道属于市容管理，由综合执法局负责",
    )
    .await?;
    submit(t, "#act-request_return-1").await?;
    t.expect_text("#act-request_return-1 .field-error", "必须填写")
        .await?;
    let kept = t
        .find("#act-request_return-1 textarea[name=reason]")
        .await?
        .prop("value")
        .await?;
    ensure!(
        kept.as_deref().unwrap_or_default().contains("综合执法局"),
        "reason lost: {kept:?}"
    );
    t.fill(
        "#act-request_return-1 textarea[name=legal_basis]",
        "《城市市容和环境卫生管理条例》第十四条",
    )
    .await?;
    submit(t, "#act-request_return-1").await?;
    done(t, "申请退单").await?;
    t.expect_text("#event-status", "退单申请").await?;
    t.expect_text("#hop-1 .hop-return", "第十四条").await?;

    // The command centre finds it contested and refers it to 编办.
    as_user(t, "dispatcher", &page).await?;
    t.click("#act-decide_return-1 input[name=decision][value=dispute]")
        .await?;
    t.fill(
        "#act-decide_return-1 textarea[name=note]",
        "两部门职责交叉，提请编办裁定",
    )
    .await?;
    submit(t, "#act-decide_return-1").await?;
    done(t, "审核退单").await?;
    t.expect_text("#event-status", "争议待裁定").await?;
    t.expect_text("#disputes", "等待编办裁定").await?;

    // 编办 rules: 综合执法局 is primary, and the list is to be adjusted.
    as_user(t, "bianban", &page).await?;
    t.find("#act-rule select[name=primary]")
        .await?
        .select_by_value("D-ZF")
        .await?;
    t.fill(
        "#act-rule textarea[name=reasoning]",
        "依据三定规定，占道经营和设施占道由综合行政执法局负责，住建局配合",
    )
    .await?;
    t.click("#act-rule input[name=open_adjustment]").await?;
    t.shot("ruling-form").await?;
    submit(t, "#act-rule").await?;
    done(t, "职责争议裁定").await?;
    t.expect_text("#disputes", "青川县综合行政执法局").await?;
    t.expect_text("#disputes", "三定规定").await?;
    t.expect_text("#hop-2", "青川县综合行政执法局").await?;
    t.expect_text("#hop-1", "已转交").await?;
    t.expect_text("#adjustment-link", "清单调整申请").await?;
    t.expect_text("#timeline", "编办裁定").await?;
    t.shot("ruled").await?;
    t.click("#adjustment-link").await?;
    t.expect_text("#adj-title", "#").await
}

pub(super) async fn extension(t: &T) -> R {
    let dust = item(t, "建筑工地扬尘").await?;
    let id = dispatched(t, "工地降尘设施不足", &dust, &[]).await?;
    act_as(
        t,
        "zhujian",
        EventCmd::Sign {
            event: id,
            assignment: 1,
        },
    )
    .await?;
    let due = |t: &T| {
        let engine = t.s.engine.clone();
        async move {
            engine
                .with_state(move |s| {
                    s.events
                        .event(id)
                        .and_then(|e| e.assignment(1))
                        .map(|a| a.deadlines.complete)
                })
                .await
        }
    };
    let before = due(t).await?.context("no hop")?;
    let page = format!("/events/{id}");

    t.login("zhujian").await?;
    t.goto(&page).await?;
    t.fill("#act-request_extension-1 input[name=days]", "2")
        .await?;
    t.fill(
        "#act-request_extension-1 textarea[name=reason]",
        "需等待施工单位采购喷淋设备",
    )
    .await?;
    submit(t, "#act-request_extension-1").await?;
    done(t, "申请延期").await?;
    t.expect_text("#event-status", "延期申请").await?;
    t.expect_text("#hop-1 .hop-extension", "待审批").await?;

    as_user(t, "dispatcher", &page).await?;
    t.expect_text("#act-decide_extension-1", "喷淋设备").await?;
    t.fill("#act-decide_extension-1 input[name=note]", "同意延期")
        .await?;
    t.click("#act-decide_extension-1 button[value=approve]")
        .await?;
    done(t, "审批延期").await?;
    t.expect_text("#hop-1 .hop-extension", "已批准").await?;
    t.expect_text("#timeline", "批准延期").await?;
    let after = due(t).await?.context("no hop")?;
    ensure!(
        after > before,
        "the completion deadline did not move: {before} → {after}"
    );
    t.shot("extension-approved").await
}
