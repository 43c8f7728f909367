//! The demo county's delegated powers in use: cases the townships handled under them over the
//! last weeks (two powers with none), the 点单 menu with one order under review, a finished
//! evaluation round, and one recall on its way through the list adjustment flow.

use crate::engine::Engine;
use crate::error::{AppError, Result};
use tiaokuai_core::access::Principal;
use tiaokuai_core::delegation::{receivers, Decision, DelegationCmd, MenuEntry};
use tiaokuai_core::events::{Channel, EventCmd, Grade, ItemRef, Location, NewEvent, Urgency};
use tiaokuai_core::lists::{ListKind, ReviewStage};
use tiaokuai_core::org::RoleKind;

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

/// Powers nobody used (the delegated list's own notes say so): the evaluation recalls them.
const UNUSED: [&str; 2] = ["畜禽品种", "地质灾害危险区"];

async fn who(engine: &Engine, username: &str) -> Result<Principal> {
    engine
        .principal_of(username)
        .await?
        .ok_or_else(|| AppError::Io(format!("demo account {username} is missing")))
}

/// One planned case: (item, version, township operator, lon, lat, title).
type Case = (String, u32, String, f64, f64, String);

fn plan(s: &tiaokuai_core::CountyState) -> Vec<Case> {
    let org = &s.org;
    let latest = s.lists.latest();
    // A township's operator (the demo accounts first) and a point in one of its grids.
    let op_of = |t: &str| -> Option<String> {
        let mut ops: Vec<&str> = org
            .people
            .values()
            .filter(|p| p.person.active)
            .filter(|p| {
                p.grants
                    .iter()
                    .any(|g| g.role == RoleKind::TownshipOperator && g.unit.starts_with(t))
            })
            .map(|p| p.person.username.as_str())
            .collect();
        ops.sort_by_key(|u| (u.starts_with("op_"), u.to_string()));
        ops.first().map(|u| u.to_string())
    };
    let spot = |t: &str| -> Option<(f64, f64)> {
        org.grids.values().find_map(|g| {
            (org.township_of(&g.village)?.code == t).then_some(())?;
            let (bb, _) = org.grid_shapes.get(&g.code)?;
            let round = |x: f64| (x * 1e6).round() / 1e6;
            Some((
                round((bb.min_lon + bb.max_lon) / 2.0),
                round((bb.min_lat + bb.max_lat) / 2.0),
            ))
        })
    };
    let mut out = Vec::new();
    let items = s
        .lists
        .items_at(latest)
        .filter(|i| i.kind == ListKind::Delegated);
    for (idx, i) in items.enumerate() {
        if UNUSED.iter().any(|u| i.name.contains(u)) {
            continue;
        }
        let towns: Vec<&str> = receivers(org, i).collect();
        // Some powers are used a lot, some little: 0–4 cases, a few with none at all besides
        // the two the list notes.
        let n = [3, 1, 4, 2, 0, 1, 2][idx % 7];
        for k in 0..n {
            let Some(t) = towns.get((idx * 3 + k) % towns.len().max(1)) else {
                continue;
            };
            let (Some(op), Some((lon, lat))) = (op_of(t), spot(t)) else {
                continue;
            };
            out.push((i.id.clone(), latest, op, lon, lat, i.name.clone()));
        }
    }
    out
}

fn case_report(title: &str, item: ItemRef, lon: f64, lat: f64) -> NewEvent {
    let subject = title
        .trim_start_matches('对')
        .trim_end_matches("的处罚")
        .trim_end_matches("的检查");
    NewEvent {
        channel: Channel::Manual,
        title: format!(
            "{}（赋权事项办件）",
            subject.chars().take(24).collect::<String>()
        ),
        description: format!("镇综合执法队巡查发现：{subject}。依据赋权事项立案处置。"),
        category: String::new(),
        urgency: Urgency::Normal,
        grade: Grade::Ordinary,
        request_type: None,
        item: Some(item),
        location: Location {
            lon,
            lat,
            address: String::new(),
            grid: None,
            village: None,
            township: None,
        },
        photos: vec![],
        hotline_no: None,
        hotline_due_ms: None,
        call: false,
    }
}

/// Plays the demo's delegated powers, `now_ms` being the demo's start.
pub async fn load(engine: &Engine, now_ms: i64) -> Result<()> {
    let cases = engine.with_state(plan).await?;
    for (k, (item, version, op, lon, lat, title)) in cases.into_iter().enumerate() {
        let op = who(engine, &op).await?;
        // Within the last three weeks: the demo's month holds them.
        let at = now_ms - (1 + (k as i64 * 7) % 19) * DAY;
        let e = engine
            .report_event(
                &op,
                at,
                case_report(&title, ItemRef { id: item, version }, lon, lat),
            )
            .await?;
        engine
            .act(
                &op,
                at + 3 * HOUR,
                EventCmd::SelfClose {
                    event: e,
                    note: "镇综合执法队依据赋权事项立案查处，已结案".into(),
                },
            )
            .await?;
    }
    menu_and_order(engine, now_ms).await?;
    round_and_recall(engine, now_ms).await
}

/// The ids of the delegated items whose names contain each of `names`.
async fn ids(engine: &Engine, kind: ListKind, names: &[&str]) -> Result<Vec<String>> {
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    engine
        .with_state(move |s| {
            let v = s.lists.latest();
            names
                .iter()
                .map(|n| {
                    s.lists
                        .items_at(v)
                        .find(|i| i.kind == kind && i.name.contains(n.as_str()))
                        .map(|i| i.id.clone())
                        .ok_or_else(|| AppError::Io(format!("demo item {n} is missing")))
                })
                .collect()
        })
        .await?
}

async fn menu_and_order(engine: &Engine, now_ms: i64) -> Result<()> {
    let bb = who(engine, "bianban").await?;
    let delegated = ids(
        engine,
        ListKind::Delegated,
        &[
            "擅自设置户外广告设施",
            "超标排放油烟",
            "露天烧烤",
            "禁渔区",
            "河道管理范围内采砂",
        ],
    )
    .await?;
    let mut entries: Vec<MenuEntry> = delegated
        .into_iter()
        .map(|item_id| MenuEntry {
            item_id,
            conditions: "配备持行政执法证人员，完成县级部门组织的业务培训".into(),
            min_staff: 2,
        })
        .collect();
    let powers = engine
        .with_state(|s| {
            let v = s.lists.latest();
            s.lists
                .items_at(v)
                .filter(|i| i.kind == ListKind::Power && i.power_type == "行政检查")
                .take(2)
                .map(|i| i.id.clone())
                .collect::<Vec<_>>()
        })
        .await?;
    entries.extend(powers.into_iter().map(|item_id| MenuEntry {
        item_id,
        conditions: "明确检查人员，纳入镇街年度检查计划".into(),
        min_staff: 1,
    }));
    let first = entries.first().map(|e| e.item_id.clone());
    engine
        .delegation_step(&bb, now_ms - 40 * DAY, DelegationCmd::SetMenu { entries })
        .await?;
    // 青山镇 orders 户外广告 (delegated to the four subdistricts only); 编办 is reviewing it.
    if let Some(item) = first {
        let op = who(engine, "qingshan_op").await?;
        let unit = op.unit.clone();
        let t = engine
            .with_state(move |s| s.org.township_of(&unit).map(|u| u.code.clone()))
            .await?
            .unwrap_or_default();
        engine
            .order_power(
                &op,
                now_ms - 5 * DAY,
                &t,
                &item,
                3,
                "3人持行政执法证，已参加县综合执法局培训",
                "镇驻地沿街商户多，户外广告设置需就近监管",
                "县综合执法局：同意青山镇承接",
            )
            .await?;
    }
    Ok(())
}

async fn round_and_recall(engine: &Engine, now_ms: i64) -> Result<()> {
    let bb = who(engine, "bianban").await?;
    let bb2 = who(engine, "bianban2").await?;
    let step = |cmd: DelegationCmd, at: i64| {
        let bb = bb.clone();
        async move { engine.delegation_step(&bb, at, cmd).await }
    };
    let t0 = now_ms - 30 * DAY;
    step(
        DelegationCmd::OpenRound {
            title: "2026年度赋权事项运行评估".into(),
            method: "办件数据分析、案卷评查、镇街座谈和部门意见征询".into(),
            from: "2025-07-01".into(),
            to: "2026-10-31".into(),
        },
        t0,
    )
    .await?;
    let round = engine.delegation_book().await?.rounds.len() as u64;
    let unused = ids(engine, ListKind::Delegated, &UNUSED).await?;
    let kept = ids(
        engine,
        ListKind::Delegated,
        &["摆摊设点", "随意倾倒", "露天焚烧秸秆"],
    )
    .await?;
    for (k, item_id) in kept.into_iter().enumerate() {
        step(
            DelegationCmd::RecordResult {
                round,
                item_id,
                township: String::new(),
                decision: Decision::Keep,
                reason: "办件量稳定，镇街承接良好".into(),
                evidence: "评估期内办件数据；案卷评查合格".into(),
            },
            t0 + (k as i64 + 1) * DAY,
        )
        .await?;
    }
    let reasons = [
        "评估期内无实际办件，镇街缺乏畜禽品种鉴定能力",
        "专业性强，承接镇缺乏地质灾害评估专业人员",
    ];
    for (k, item_id) in unused.iter().enumerate() {
        step(
            DelegationCmd::RecordResult {
                round,
                item_id: item_id.clone(),
                township: String::new(),
                decision: if k == 0 {
                    Decision::Recall
                } else {
                    Decision::Adjust
                },
                reason: reasons[k].into(),
                evidence: "评估期内办件量为零；镇街座谈记录".into(),
            },
            t0 + 5 * DAY,
        )
        .await?;
    }
    step(DelegationCmd::CloseRound { round }, t0 + 10 * DAY).await?;
    // The recall of the first unused power, reviewed by the second 编办 reviewer, now with 司法局.
    let Some(item) = unused.first() else {
        return Ok(());
    };
    let (towns, dept) = engine
        .with_state({
            let item = item.clone();
            move |s| {
                let it = s.lists.item_at(&item, s.lists.latest());
                (
                    it.map(|i| receivers(&s.org, i).map(String::from).collect::<Vec<_>>())
                        .unwrap_or_default(),
                    it.and_then(|i| i.primary.first().cloned())
                        .unwrap_or_default(),
                )
            }
        })
        .await?;
    let adj = engine
        .recall_power(&bb, t0 + 12 * DAY, round, item, &towns, &dept, "2027-01-01")
        .await?;
    engine
        .review_adjustment(
            &bb2,
            t0 + 14 * DAY,
            adj,
            ReviewStage::Establishment,
            true,
            "同意收回，报司法局合法性审核",
        )
        .await?;
    Ok(())
}
