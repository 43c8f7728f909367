//! Browser flows of the event workflow (乡呼县应): a grid worker reports on a phone, the
//! township calls the county, the command centre dispatches by the list, the department signs,
//! responds and reports back, the township grades and closes; the timeline and the proof.
//! Also returns and disputes with 编办's ruling, extensions, a failing grade that reopens the
//! work, and a joint matter where the lead waits for its co-departments.

use super::{R, T};
use anyhow::{ensure, Context};
use fantoccini::Locator;
use tiaokuai_app::events::timeline::{verify_bundle, ProofBundle};
use tiaokuai_app::now_ms;
use tiaokuai_core::access::Principal;
use tiaokuai_core::events::{
    Channel, EventCmd, Grade, HandlingReport, ItemRef, Location, NewEvent, Urgency,
};
use tiaokuai_core::lists::ListKind;

browser_test!(event_loop_from_phone_report_to_archive, whole_loop);
browser_test!(event_return_dispute_and_ruling, return_dispute_ruling);
browser_test!(event_extension_is_approved, extension);
browser_test!(event_dissatisfied_grade_reopens, dissatisfied);
browser_test!(event_joint_matter_lead_waits_for_co, joint_matter);

/// A 1×1 PNG.
const PNG: [u8; 67] = [
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

fn photo(t: &T, name: &str) -> anyhow::Result<String> {
    let path = t.s.fixture.dir.path().join(name);
    std::fs::write(&path, PNG)?;
    Ok(path.display().to_string())
}

async fn who(t: &T, user: &str) -> anyhow::Result<Principal> {
    t.s.engine
        .principal_of(user)
        .await?
        .with_context(|| format!("no demo account {user}"))
}

/// The current territorial item whose name contains `name`.
async fn item(t: &T, name: &str) -> anyhow::Result<ItemRef> {
    let name = name.to_string();
    t.s.engine
        .with_state(move |s| {
            let v = s.lists.latest();
            s.lists
                .items_at(v)
                .find(|i| i.kind == ListKind::Territorial && i.name.contains(&name))
                .map(|i| ItemRef {
                    id: i.id.clone(),
                    version: v,
                })
        })
        .await?
        .context("demo item missing")
}

/// A township call citing `it`, dispatched to 住建局 (plus `co`), set up through the engine;
/// returns the event id.
async fn dispatched(t: &T, title: &str, it: &ItemRef, co: &[&str]) -> anyhow::Result<u64> {
    let op = who(t, "qingshan_op").await?;
    let disp = who(t, "dispatcher").await?;
    let id =
        t.s.engine
            .report_event(
                &op,
                now_ms(),
                NewEvent {
                    channel: Channel::TownshipCall,
                    title: title.into(),
                    description: format!("{title}，群众反映强烈。"),
                    category: String::new(),
                    urgency: Urgency::Normal,
                    grade: Grade::Ordinary,
                    request_type: None,
                    item: Some(it.clone()),
                    location: Location {
                        lon: 116.71,
                        lat: 36.61,
                        ..Default::default()
                    },
                    photos: vec![],
                    hotline_no: None,
                    hotline_due_ms: None,
                    call: true,
                },
            )
            .await?;
    t.s.engine
        .act(
            &disp,
            now_ms(),
            EventCmd::Dispatch {
                event: id,
                item: Some(it.clone()),
                lead: "D-ZJ".into(),
                co: co.iter().map(|c| c.to_string()).collect(),
                override_reason: None,
                note: String::new(),
            },
        )
        .await?;
    Ok(id)
}

async fn act_as(t: &T, user: &str, cmd: EventCmd) -> R {
    let p = who(t, user).await?;
    t.s.engine.act(&p, now_ms(), cmd).await?;
    Ok(())
}

fn report(contacted: &str) -> HandlingReport {
    HandlingReport {
        accepted_at_ms: now_ms() - 60_000,
        contacted: contacted.into(),
        measures: "现场处置完毕".into(),
        resolve_by: "当日".into(),
        photos: vec![],
    }
}

/// Submits a form by its first submit button.
async fn submit(t: &T, form: &str) -> R {
    t.click(&format!("{form} button[type=submit]")).await
}

/// Waits for the notice that `what` was done (the page after the redirect).
async fn done(t: &T, what: &str) -> R {
    t.expect_text("#event-notice", &format!("{what}：已完成"))
        .await
        .with_context(|| format!("after {what}"))
}

async fn as_user(t: &T, user: &str, page: &str) -> R {
    t.goto("/").await?;
    if t.path().await? != "/login" {
        t.logout().await?;
    }
    t.login(user).await?;
    t.goto(page).await
}

async fn selected(t: &T, css: &str) -> anyhow::Result<bool> {
    Ok(t.find(css).await?.prop("selected").await?.as_deref() == Some("true"))
}

async fn whole_loop(t: &T) -> R {
    // A grid worker on a phone.
    t.c.set_window_size(390, 844).await?;
    t.login("grid_qs01").await?;
    t.goto("/events").await?;
    t.click("#new-event").await?;
    t.expect_text("#report-title", "上报问题").await?;
    t.shot("report-phone").await?;

    // Submitting without a title or a place shows both errors beside their fields, keeping
    // what was typed.
    t.fill(
        "#f-description",
        "王家庄村东侧工地夜间土方作业，未洒水未覆盖，扬尘严重。",
    )
    .await?;
    t.click("#report-submit").await?;
    t.expect_text("#err-title", "请填写标题").await?;
    t.expect_text("#err-location", "地图").await?;
    let kept = t.find("#f-description").await?.prop("value").await?;
    ensure!(
        kept.as_deref().unwrap_or_default().contains("土方作业"),
        "description lost: {kept:?}"
    );
    t.shot("report-errors").await?;

    t.fill("#f-title", "工地夜间施工扬尘").await?;
    t.find("#f-photos")
        .await?
        .send_keys(&photo(t, "dust.png")?)
        .await?;
    // A tap on the worker's own grid sets the point.
    t.click("#pick-map path[data-code='370999001001-01']")
        .await?;
    t.expect_text("#loc-text", "36.").await?;
    let lon = t
        .find("#lon")
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    ensure!(lon.starts_with("116."), "longitude after the tap: {lon:?}");
    // The list item from the search.
    t.fill("#item-q", "扬尘").await?;
    t.click("#item-search").await?;
    let dust = item(t, "建筑工地扬尘").await?;
    let radio = format!("#item-results input[value='{}@{}']", dust.id, dust.version);
    t.click(&radio).await?;
    t.shot("report-filled").await?;
    t.click("#report-submit").await?;
    t.expect_text("#event-status", "草稿").await?;
    let page = t.path().await?;
    ensure!(page.starts_with("/events/"), "after reporting: {page}");
    t.expect_text("#place", "王家庄").await?;
    t.expect_text("#item", "建筑工地扬尘").await?;
    ensure!(
        t.count("#event-photos img").await? == 1,
        "the photo is not shown"
    );
    t.shot("reported-phone").await?;
    t.goto("/events?mine=1").await?;
    t.expect_text("#event-table", "工地夜间施工扬尘").await?;
    t.logout().await?;
    t.c.set_window_size(1280, 900).await?;

    // The township calls the county.
    t.login("qingshan_op").await?;
    t.goto(&page).await?;
    t.fill("#act-call input[name=note]", "镇级无执法权，呼叫县级")
        .await?;
    ensure!(
        selected(
            t,
            &format!("#act-call option[value='{}@{}']", dust.id, dust.version)
        )
        .await?,
        "the call form does not cite the reported item"
    );
    submit(t, "#act-call").await?;
    done(t, "一键呼叫县级").await?;
    t.expect_text("#event-status", "已呼叫").await?;

    // The command centre dispatches by the list: 住建局 leads; this time without co-departments.
    as_user(t, "dispatcher", &page).await?;
    ensure!(
        selected(t, "#act-dispatch select[name=lead] option[value='D-ZJ']").await?,
        "dispatch lead not prefilled from the item"
    );
    for co in ["D-HB", "D-ZF"] {
        let css = format!("#act-dispatch select[name=co] option[value='{co}']");
        if selected(t, &css).await? {
            t.click(&css).await?;
        }
    }
    // Another lead than the list's makes the reason required, the list's own does not.
    let lead = t.find("#act-dispatch select[name=lead]").await?;
    lead.select_by_value("D-ZF").await?;
    t.find("#act-dispatch label.override.needed").await?;
    lead.select_by_value("D-ZJ").await?;
    t.expect_absent("#act-dispatch label.override.needed")
        .await?;
    t.shot("dispatch-form").await?;
    submit(t, "#act-dispatch").await?;
    done(t, "派单").await?;
    t.expect_text("#event-status", "已派单").await?;
    t.expect_text("#hop-1", "青川县住房和城乡建设局").await?;
    t.expect_text("#hop-1", "建筑工地扬尘").await?;

    // 住建局 signs, responds and reports back with the four elements and a photo.
    as_user(t, "zhujian", &page).await?;
    submit(t, "#act-sign-1").await?;
    done(t, "签收").await?;
    t.fill("#act-respond-1 input[name=contacted]", "施工单位项目经理")
        .await?;
    t.click("#act-respond-1 input[name=arrived]").await?;
    submit(t, "#act-respond-1").await?;
    done(t, "响应").await?;
    t.expect_text("#event-status", "处置中").await?;
    t.fill(
        "#act-report_back-1 input[name=contacted]",
        "施工单位项目经理、村委会",
    )
    .await?;
    t.fill(
        "#act-report_back-1 textarea[name=measures]",
        "责令停止夜间土方作业，洒水降尘并加装围挡",
    )
    .await?;
    t.fill("#act-report_back-1 input[name=resolve_by]", "3个工作日内")
        .await?;
    t.find("#act-report_back-1 input[name=photos]")
        .await?
        .send_keys(&photo(t, "after.png")?)
        .await?;
    t.shot("report-back-form").await?;
    submit(t, "#act-report_back-1").await?;
    done(t, "办理反馈").await?;
    t.expect_text("#event-status", "已反馈").await?;
    t.expect_text("#hop-1 .hop-report", "洒水降尘").await?;
    t.expect_text("#hop-1 .hop-report", "3个工作日内").await?;

    // The township grades 满意 and closes.
    as_user(t, "qingshan_op", &page).await?;
    t.click("#act-evaluate-1 input[name=level][value='0']")
        .await?;
    submit(t, "#act-evaluate-1").await?;
    done(t, "评价").await?;
    t.expect_text("#hop-1 .hop-eval", "满意").await?;
    t.fill("#act-close textarea[name=note]", "已复查，群众满意")
        .await?;
    submit(t, "#act-close").await?;
    done(t, "办结归档").await?;
    t.expect_text("#event-status", "办结归档").await?;
    t.expect_absent("#act-close").await?;

    // The timeline shows every step from the log, each with its entry hash.
    let timeline = t.text("#timeline").await?;
    for step in [
        "上报事件",
        "一键呼叫县级",
        "派单",
        "签收",
        "响应",
        "办理反馈",
        "评价",
        "办结归档",
    ] {
        ensure!(timeline.contains(step), "timeline lacks {step}: {timeline}");
    }
    let rows = t.count("#timeline tbody tr").await?;
    ensure!(rows == 8, "{rows} timeline rows, expected 8");
    ensure!(
        t.count("#timeline tbody a[href^='/api/v1/log/proof/inclusion?seq=']")
            .await?
            == 8,
        "an entry lacks its proof link"
    );
    t.shot("closed").await?;

    // The proof downloads with the session and checks offline.
    let href = t
        .find("#proof-link")
        .await?
        .attr("href")
        .await?
        .unwrap_or_default();
    ensure!(href == format!("{page}/proof"), "proof link {href}");
    let cookie = t.c.get_named_cookie("tk_session").await?;
    let res = reqwest::Client::new()
        .get(t.s.url(&href))
        .header("cookie", format!("tk_session={}", cookie.value()))
        .send()
        .await?;
    ensure!(res.status().is_success(), "proof: {}", res.status());
    let disposition = res
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    ensure!(
        disposition.starts_with("attachment"),
        "proof is not a download: {disposition:?}"
    );
    let bundle: ProofBundle = res.json().await.context("the proof does not parse")?;
    let n = verify_bundle(&bundle).map_err(anyhow::Error::msg)?;
    ensure!(n == 8, "the proof covers {n} entries, expected 8");
    // Without a session it is not handed out.
    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?
        .get(t.s.url(&href))
        .send()
        .await?;
    ensure!(
        anon.status().is_redirection(),
        "proof without login: {}",
        anon.status()
    );
    Ok(())
}

async fn return_dispute_ruling(t: &T) -> R {
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

async fn extension(t: &T) -> R {
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

async fn dissatisfied(t: &T) -> R {
    let dust = item(t, "建筑工地扬尘").await?;
    let id = dispatched(t, "工地扬尘整改不到位", &dust, &[]).await?;
    for cmd in [
        EventCmd::Sign {
            event: id,
            assignment: 1,
        },
        EventCmd::ReportBack {
            event: id,
            assignment: 1,
            report: report("施工单位"),
            note: String::new(),
        },
    ] {
        act_as(t, "zhujian", cmd).await?;
    }
    let page = format!("/events/{id}");

    // 不满意 needs a reason; then the work reopens as a rework hop and a case opens.
    t.login("qingshan_op").await?;
    t.goto(&page).await?;
    t.expect_text("#act-evaluate-1 .act-hint", "追责").await?;
    t.click("#act-evaluate-1 input[name=level][value='2']")
        .await?;
    submit(t, "#act-evaluate-1").await?;
    t.expect_text("#act-evaluate-1 .field-error", "须说明理由")
        .await?;
    t.expect_text("#event-status", "已反馈").await?;
    ensure!(
        t.find("#act-evaluate-1 input[name=level][value='2']")
            .await?
            .prop("checked")
            .await?
            .as_deref()
            == Some("true"),
        "the chosen grade was lost"
    );
    t.fill(
        "#act-evaluate-1 textarea[name=reason]",
        "复查发现现场仍未覆盖，扬尘依旧",
    )
    .await?;
    submit(t, "#act-evaluate-1").await?;
    done(t, "评价").await?;
    t.expect_text("#event-status", "重办").await?;
    t.expect_text("#hop-1 .hop-eval", "不满意").await?;
    t.expect_text("#hop-2 .ev-rework", "重办").await?;
    t.expect_text("#cases", "追责").await?;
    t.expect_text("#cases", "不满意").await?;
    t.shot("reopened").await?;

    // The discipline inspector sees the case on the event page and may conclude it.
    as_user(t, "jiwei", &page).await?;
    t.expect_text("#cases", "待纪检监察结论").await?;
    t.expect_text("#timeline", "评价").await?;
    t.fill(
        "#act-conclude_case-1 textarea[name=outcome]",
        "约谈住建局分管负责人，责令限期整改",
    )
    .await?;
    submit(t, "#act-conclude_case-1").await?;
    done(t, "追责结论").await?;
    t.expect_text("#cases", "约谈").await?;
    t.shot("case-concluded").await
}

async fn joint_matter(t: &T) -> R {
    let dust = item(t, "建筑工地扬尘").await?;
    let op = who(t, "qingshan_op").await?;
    let id =
        t.s.engine
            .report_event(
                &op,
                now_ms(),
                NewEvent {
                    channel: Channel::TownshipCall,
                    title: "安置房工地扬尘反复".into(),
                    description: "镇政府西侧安置房工地多次扬尘，需多部门联合处置。".into(),
                    category: "生态环境".into(),
                    urgency: Urgency::Normal,
                    grade: Grade::Major,
                    request_type: None,
                    item: Some(dust.clone()),
                    location: Location {
                        lon: 116.71,
                        lat: 36.61,
                        ..Default::default()
                    },
                    photos: vec![],
                    hotline_no: None,
                    hotline_due_ms: None,
                    call: true,
                },
            )
            .await?;
    let page = format!("/events/{id}");

    // The dispatch form names the item's lead and both co-departments.
    t.login("dispatcher").await?;
    t.goto(&page).await?;
    for (sel, unit) in [("lead", "D-ZJ"), ("co", "D-HB"), ("co", "D-ZF")] {
        ensure!(
            selected(
                t,
                &format!("#act-dispatch select[name={sel}] option[value='{unit}']")
            )
            .await?,
            "{unit} is not prefilled as {sel}"
        );
    }
    submit(t, "#act-dispatch").await?;
    done(t, "派单").await?;
    ensure!(
        t.count("#hops article.hop").await? == 3,
        "expected a lead and two co hops"
    );
    t.expect_text("#hop-2", "协同").await?;
    t.expect_text("#hop-3", "协同").await?;

    // The lead signs, then cannot report back before both co-departments have.
    as_user(t, "zhujian", &page).await?;
    submit(t, "#act-sign-1").await?;
    done(t, "签收").await?;
    t.expect_text("#act-report_back-1 .act-notice", "协同单位尚未反馈")
        .await?;
    t.fill("#act-report_back-1 input[name=contacted]", "施工单位")
        .await?;
    t.fill(
        "#act-report_back-1 textarea[name=measures]",
        "联合执法，责令停工整改",
    )
    .await?;
    t.fill("#act-report_back-1 input[name=resolve_by]", "5个工作日内")
        .await?;
    submit(t, "#act-report_back-1").await?;
    t.expect_text("#act-report_back-1 .act-error", "协同单位尚未反馈")
        .await?;
    t.expect_text("#act-report_back-1 .act-error", "生态环境")
        .await?;
    t.expect_text("#event-status", "已签收").await?;
    let kept = t
        .find("#act-report_back-1 textarea[name=measures]")
        .await?
        .prop("value")
        .await?;
    ensure!(
        kept.as_deref() == Some("联合执法，责令停工整改"),
        "measures lost: {kept:?}"
    );
    t.shot("lead-refused").await?;

    // Once both co-departments have reported, the lead's report goes through, and the lead
    // grades its co-departments.
    for (user, n) in [("huanbao", 2), ("zhifa", 3)] {
        act_as(
            t,
            user,
            EventCmd::Sign {
                event: id,
                assignment: n,
            },
        )
        .await?;
        act_as(
            t,
            user,
            EventCmd::ReportBack {
                event: id,
                assignment: n,
                report: report("住建局现场负责人"),
                note: String::new(),
            },
        )
        .await?;
    }
    t.goto(&page).await?;
    t.expect_absent("#act-report_back-1 .act-notice").await?;
    t.fill("#act-report_back-1 input[name=contacted]", "施工单位")
        .await?;
    t.fill(
        "#act-report_back-1 textarea[name=measures]",
        "联合执法，责令停工整改",
    )
    .await?;
    t.fill("#act-report_back-1 input[name=resolve_by]", "5个工作日内")
        .await?;
    submit(t, "#act-report_back-1").await?;
    done(t, "办理反馈").await?;
    t.expect_text("#event-status", "已反馈").await?;
    ensure!(
        t.c.find_all(Locator::Css("form[id^='act-evaluate-']"))
            .await?
            .len()
            == 2,
        "the lead should grade both co-departments"
    );
    t.shot("joint-reported").await
}
