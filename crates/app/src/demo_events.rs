//! A few demo events in every stage of the workflow, played through the same use cases people
//! use, with times in the recent past so deadlines and flags are real.

use crate::engine::Engine;
use crate::error::{AppError, Result};
use tiaokuai_core::access::Principal;
use tiaokuai_core::events::{
    Channel, EventCmd, Grade, HandlingReport, ItemRef, Location, NewEvent, RequestType, Urgency,
};
use tiaokuai_core::lists::ListKind;

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

async fn who(engine: &Engine, username: &str) -> Result<Principal> {
    engine
        .principal_of(username)
        .await?
        .ok_or_else(|| AppError::Io(format!("demo account {username} is missing")))
}

/// The current item named `name` among territorial items.
async fn item(engine: &Engine, name: &str) -> Result<ItemRef> {
    engine
        .with_state(|s| {
            let v = s.lists.latest();
            s.lists
                .items_at(v)
                .find(|i| i.kind == ListKind::Territorial && i.name.contains(name))
                .map(|i| ItemRef {
                    id: i.id.clone(),
                    version: v,
                })
        })
        .await?
        .ok_or_else(|| AppError::Io(format!("demo item {name} is missing")))
}

fn report(title: &str, description: &str, lon: f64, lat: f64, call: bool) -> NewEvent {
    NewEvent {
        channel: if call {
            Channel::TownshipCall
        } else {
            Channel::GridReport
        },
        title: title.into(),
        description: description.into(),
        category: String::new(),
        urgency: Urgency::Normal,
        grade: Grade::Ordinary,
        request_type: None,
        item: None,
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
        call,
    }
}

fn handling(at_ms: i64) -> HandlingReport {
    HandlingReport {
        accepted_at_ms: at_ms,
        contacted: "村委会主任及施工单位负责人".into(),
        measures: "现场责令整改，洒水降尘并加装围挡，已复查".into(),
        resolve_by: "3个工作日内".into(),
        photos: vec![],
    }
}

/// Plays the demo events, `now_ms` being the demo's start.
pub async fn load(engine: &Engine, now_ms: i64) -> Result<()> {
    let grid = who(engine, "grid_qs01").await?;
    let op = who(engine, "qingshan_op").await?;
    let disp = who(engine, "dispatcher").await?;
    let zj = who(engine, "zhujian").await?;
    let zf = who(engine, "zhifa").await?;
    let hb = who(engine, "huanbao").await?;
    let dust = item(engine, "建筑工地扬尘").await?;
    let property = item(engine, "物业管理纠纷").await?;
    let (lon, lat) = (116.71, 36.61);
    let t0 = now_ms - 12 * DAY;
    let dispatch = |event: u64, item: &ItemRef, lead: &str, co: &[&str]| EventCmd::Dispatch {
        event,
        item: Some(item.clone()),
        lead: lead.into(),
        co: co.iter().map(|c| c.to_string()).collect(),
        override_reason: None,
        note: String::new(),
        suggested: None,
    };

    // 1. A full loop, closed.
    let e = engine
        .report_event(
            &grid,
            t0,
            report(
                "工地夜间施工扬尘",
                "王家庄村东侧工地夜间土方作业，未洒水未覆盖，扬尘严重。",
                lon,
                lat,
                false,
            ),
        )
        .await?;
    engine
        .act(
            &op,
            t0 + HOUR,
            EventCmd::Call {
                event: e,
                item: Some(dust.clone()),
                note: "镇级无执法权，呼叫县级".into(),
            },
        )
        .await?;
    engine
        .act(&disp, t0 + 2 * HOUR, dispatch(e, &dust, "D-ZJ", &[]))
        .await?;
    engine
        .act(
            &zj,
            t0 + 2 * HOUR + 600_000,
            EventCmd::Sign {
                event: e,
                assignment: 1,
            },
        )
        .await?;
    engine
        .act(
            &zj,
            t0 + 3 * HOUR,
            EventCmd::Respond {
                event: e,
                assignment: 1,
                contacted: "施工单位项目经理".into(),
                arrived: true,
                note: String::new(),
            },
        )
        .await?;
    engine
        .act(
            &zj,
            t0 + DAY,
            EventCmd::ReportBack {
                event: e,
                assignment: 1,
                report: handling(t0 + 2 * HOUR),
                note: String::new(),
            },
        )
        .await?;
    engine
        .act(
            &op,
            t0 + DAY + HOUR,
            EventCmd::Evaluate {
                event: e,
                assignment: 1,
                level: 0,
                reason: String::new(),
            },
        )
        .await?;
    engine
        .act(
            &op,
            t0 + DAY + 2 * HOUR,
            EventCmd::Close {
                event: e,
                note: "已复查".into(),
            },
        )
        .await?;

    // 2. A joint matter in progress: lead 住建局 with 生态环境 and 综合执法.
    let t1 = now_ms - 2 * DAY;
    let mut ev = report(
        "建筑工地扬尘反复",
        "青山镇政府西侧安置房工地多次扬尘，群众反映强烈。",
        lon,
        lat,
        true,
    );
    ev.item = Some(dust.clone());
    let e = engine.report_event(&op, t1, ev).await?;
    engine
        .act(
            &disp,
            t1 + HOUR,
            dispatch(e, &dust, "D-ZJ", &["D-HB", "D-ZF"]),
        )
        .await?;
    engine
        .act(
            &zj,
            t1 + 2 * HOUR,
            EventCmd::Sign {
                event: e,
                assignment: 1,
            },
        )
        .await?;
    engine
        .act(
            &hb,
            t1 + 2 * HOUR,
            EventCmd::Sign {
                event: e,
                assignment: 2,
            },
        )
        .await?;
    engine
        .act(
            &hb,
            t1 + 3 * HOUR,
            EventCmd::Respond {
                event: e,
                assignment: 2,
                contacted: "工地负责人".into(),
                arrived: true,
                note: String::new(),
            },
        )
        .await?;
    engine
        .act(
            &zj,
            t1 + 3 * HOUR,
            EventCmd::Respond {
                event: e,
                assignment: 1,
                contacted: "施工单位".into(),
                arrived: true,
                note: String::new(),
            },
        )
        .await?;

    // 3. Waiting for the county to dispatch.
    let t2 = now_ms - 3 * HOUR;
    let mut ev = report(
        "小区物业停水纠纷",
        "青山镇幸福小区物业以欠费为由停水，居民与物业冲突。",
        lon,
        lat,
        true,
    );
    ev.urgency = Urgency::Urgent;
    ev.request_type = Some(RequestType::Complaint);
    ev.item = Some(property.clone());
    engine.report_event(&op, t2, ev).await?;

    // 4. Overdue: dispatched long ago, signed, never reported.
    let t3 = now_ms - 10 * DAY;
    let e = engine
        .report_event(
            &op,
            t3,
            report(
                "施工围挡破损",
                "镇区主干道施工围挡倒伏，影响通行。",
                lon,
                lat,
                true,
            ),
        )
        .await?;
    engine
        .act(&disp, t3 + HOUR, dispatch(e, &dust, "D-ZJ", &[]))
        .await?;
    engine
        .act(
            &zj,
            t3 + 2 * HOUR,
            EventCmd::Sign {
                event: e,
                assignment: 1,
            },
        )
        .await?;

    // 5. Resolved, waiting for the township's grade.
    let t4 = now_ms - DAY;
    let e = engine
        .report_event(
            &op,
            t4,
            report(
                "工地渣土未覆盖",
                "幸福路工地渣土堆放未覆盖。",
                lon,
                lat,
                true,
            ),
        )
        .await?;
    engine
        .act(&disp, t4 + HOUR, dispatch(e, &dust, "D-ZJ", &[]))
        .await?;
    engine
        .act(
            &zj,
            t4 + 2 * HOUR,
            EventCmd::Sign {
                event: e,
                assignment: 1,
            },
        )
        .await?;
    engine
        .act(
            &zj,
            t4 + 3 * HOUR,
            EventCmd::ReportBack {
                event: e,
                assignment: 1,
                report: handling(t4 + 2 * HOUR),
                note: String::new(),
            },
        )
        .await?;

    // 6. A return request waiting for the dispatcher.
    let t5 = now_ms - 4 * HOUR;
    let e = engine
        .report_event(
            &op,
            t5,
            report(
                "物业擅自占用绿地",
                "小区物业将绿地改为停车场。",
                lon,
                lat,
                true,
            ),
        )
        .await?;
    engine
        .act(
            &disp,
            t5 + HOUR,
            EventCmd::Dispatch {
                event: e,
                item: Some(property),
                lead: "D-ZF".into(),
                co: vec![],
                override_reason: Some("涉及违法占用绿地，先派综合执法".into()),
                note: String::new(),
                suggested: None,
            },
        )
        .await?;
    engine
        .act(
            &zf,
            t5 + 2 * HOUR,
            EventCmd::RequestReturn {
                event: e,
                assignment: 1,
                reason: "物业管理纠纷属住建局主体责任".into(),
                legal_basis: "《物业管理条例》第五条；属地管理事项清单第20项".into(),
            },
        )
        .await?;

    // 7. A grid worker's draft waiting for the township.
    engine
        .report_event(
            &grid,
            now_ms - HOUR,
            report("路灯损坏", "王家庄村主路三盏路灯不亮。", lon, lat, false),
        )
        .await?;

    // 8. 乡镇派单: 青山镇 assigned a grid report to its 派出所, which is handling it.
    let pcs = who(engine, "paichusuo_qs").await?;
    let t7 = now_ms - 3 * HOUR;
    let e = engine
        .report_event(
            &grid,
            t7,
            report(
                "村民宅基地边界纠纷",
                "王家庄村两户村民因宅基地边界发生争吵，有肢体冲突苗头。",
                lon,
                lat,
                false,
            ),
        )
        .await?;
    engine
        .act(
            &op,
            t7 + 600_000,
            EventCmd::Assign {
                event: e,
                unit: "D-GA-PCS-001".into(),
                item: None,
                note: "请派出所到场调处，防止矛盾激化".into(),
            },
        )
        .await?;
    engine
        .act(
            &pcs,
            t7 + 1_200_000,
            EventCmd::Sign {
                event: e,
                assignment: 1,
            },
        )
        .await?;
    engine
        .act(
            &pcs,
            t7 + HOUR,
            EventCmd::Respond {
                event: e,
                assignment: 1,
                contacted: "纠纷双方及村调委会".into(),
                arrived: true,
                note: "民警已到场，正在调解".into(),
            },
        )
        .await?;
    Ok(())
}
