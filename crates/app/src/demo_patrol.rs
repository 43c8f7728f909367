//! Three months of demo patrols (日巡查): every grid's workers patrol it by the rules, with
//! misses; 青山镇's grids more faithfully than the rest, so the boards show both coverage and
//! grids not patrolled in time. Some patrols find something; most findings become events.
//! Deterministic for a seed; few points per patrol so the demo starts fast.

use crate::engine::{Actor, Engine};
use crate::error::Result;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tiaokuai_core::events::{Channel, EventCmd, Location, NewEvent, Party};
use tiaokuai_core::org::RoleKind;
use tiaokuai_core::patrol::{Dropped, GridClass, PatrolCmd, Point};
use tiaokuai_core::Transition;

const DAY: i64 = 86_400_000;
const MIN: i64 = 60_000;
/// Jobs in flight at once.
const IN_FLIGHT: usize = 2048;
/// The township patrolled by the rules (the demo's main township).
const FAITHFUL: &str = "青山镇";

const FINDINGS: [(&str, &str); 6] = [
    ("市容环境", "道路旁垃圾堆放未清运"),
    ("市容环境", "占道经营，摊位摆放至人行道"),
    ("安全生产", "沿街商铺门前电动车充电飞线"),
    ("公共设施", "路灯损坏，夜间无照明"),
    ("生态环境", "河道漂浮垃圾"),
    ("矛盾纠纷", "邻里因排水问题发生争执"),
];

struct GridPlan {
    code: String,
    village: String,
    faithful: bool,
    every: u32,
    worker: Party,
    bbox: (f64, f64, f64, f64),
}

/// Generates the patrols; returns how many were recorded and how many the rules refused.
pub async fn generate(
    engine: &Engine,
    now_ms: i64,
    months: u32,
    seed: u64,
) -> Result<(usize, usize)> {
    let grids: Vec<GridPlan> = engine
        .with_state(|s| {
            s.org
                .grids
                .values()
                .filter_map(|g| {
                    let w = g.workers.first().or(g.leader.as_ref())?;
                    let rec = s.org.people.get(w)?;
                    let grant = rec.grants.iter().find(|x| x.role == RoleKind::GridWorker)?;
                    let (b, _) = s.org.grid_shapes.get(&g.code)?;
                    let town = s.org.township_of(&g.village)?;
                    Some(GridPlan {
                        code: g.code.clone(),
                        village: g.village.clone(),
                        faithful: town.name == FAITHFUL || town.short_name == FAITHFUL,
                        every: s.patrol.rules.days(GridClass::of(&s.org, g)),
                        worker: Party {
                            username: w.clone(),
                            role: RoleKind::GridWorker,
                            unit: grant.unit.clone(),
                        },
                        bbox: (b.min_lon, b.min_lat, b.max_lon, b.max_lat),
                    })
                })
                .collect()
        })
        .await?;
    let mut rng = StdRng::seed_from_u64(seed);
    let from = now_ms - i64::from(months) * 30 * DAY;
    // Day starts (CST midnight) from `from` to yesterday.
    let first_day = (from + 8 * 3_600_000) / DAY * DAY - 8 * 3_600_000;
    let mut jobs: Vec<(Actor, i64, Vec<Transition>)> = vec![];
    let mut busy: std::collections::BTreeMap<String, i64> = Default::default();
    let mut day = first_day;
    let mut n = 0usize;
    while day + DAY < now_ms {
        for g in &grids {
            // Faithful grids: by the rule, one day in twelve missed; the rest about fortnightly.
            let p = if g.faithful {
                11.0 / 12.0 / f64::from(g.every)
            } else {
                1.0 / 14.0
            };
            if !rng.gen_bool(p.min(1.0)) {
                continue;
            }
            let start = day + (8 * 60 + rng.gen_range(0..540)) * MIN;
            let end = start + rng.gen_range(35..95) * MIN;
            if end >= now_ms - 30 * MIN {
                continue;
            }
            // One patrol at a time per worker.
            let free = busy.get(&g.worker.username).copied().unwrap_or(0);
            if start <= free {
                continue;
            }
            busy.insert(g.worker.username.clone(), end);
            n += 1;
            jobs.push(patrol(&mut rng, g, n, start, end));
        }
        day += DAY;
    }
    let (mut recorded, mut refused) = (0, 0);
    let mut it = jobs.into_iter().peekable();
    while it.peek().is_some() {
        let mut waits = vec![];
        for (actor, at, ts) in it.by_ref().take(IN_FLIGHT) {
            waits.push(engine.enqueue(&actor, at, ts).await?);
        }
        for w in waits {
            match w.await {
                Ok(Ok(_)) => recorded += 1,
                Ok(Err(e)) => {
                    refused += 1;
                    tracing::warn!(error = %e, "demo patrol refused");
                }
                Err(_) => refused += 1,
            }
        }
    }
    Ok((recorded, refused))
}

fn patrol(
    rng: &mut StdRng,
    g: &GridPlan,
    n: usize,
    start: i64,
    end: i64,
) -> (Actor, i64, Vec<Transition>) {
    let by = g.worker.clone();
    let t = |at: i64, cmd: PatrolCmd| Transition::Patrol {
        at_ms: at,
        by: by.clone(),
        cmd,
    };
    let id = format!("demo-{n}");
    let (x0, y0, x1, y1) = g.bbox;
    let mut lon = x0 + (x1 - x0) * rng.gen_range(0.3..0.7);
    let mut lat = y0 + (y1 - y0) * rng.gen_range(0.3..0.7);
    let k = 8;
    let points: Vec<Point> = (0..k)
        .map(|i| {
            lon = (lon + (x1 - x0) * rng.gen_range(-0.08..0.08)).clamp(x0, x1);
            lat = (lat + (y1 - y0) * rng.gen_range(-0.08..0.08)).clamp(y0, y1);
            Point {
                t: start + (end - start) * i / k,
                lon,
                lat,
                acc: Some(10.0),
            }
        })
        .collect();
    let mut ts = vec![
        t(
            start,
            PatrolCmd::Start {
                id: id.clone(),
                grid: g.code.clone(),
                started_ms: start,
            },
        ),
        t(
            end,
            PatrolCmd::Points {
                patrol: id.clone(),
                batch: "b1".into(),
                points,
                dropped: Dropped::default(),
            },
        ),
    ];
    if rng.gen_bool(0.12) {
        let (category, text) = FINDINGS[rng.gen_range(0..FINDINGS.len())];
        let at = start + (end - start) / 2;
        ts.push(t(
            end,
            PatrolCmd::Finding {
                patrol: id.clone(),
                id: "f1".into(),
                category: category.into(),
                description: text.into(),
                lon,
                lat,
                found_ms: at,
                photos: vec![],
            },
        ));
        if rng.gen_bool(0.85) {
            ts.push(Transition::Event {
                at_ms: end,
                by: by.clone(),
                cmd: EventCmd::Report {
                    event: NewEvent {
                        channel: Channel::GridReport,
                        title: text.into(),
                        description: format!("【巡查发现】{text}"),
                        category: category.into(),
                        urgency: Default::default(),
                        grade: Default::default(),
                        request_type: None,
                        item: None,
                        location: Location {
                            lon,
                            lat,
                            address: String::new(),
                            grid: Some(g.code.clone()),
                            village: Some(g.village.clone()),
                            township: None,
                        },
                        photos: vec![],
                        hotline_no: None,
                        hotline_due_ms: None,
                        call: false,
                    },
                },
            });
            ts.push(t(
                end,
                PatrolCmd::FindingReported {
                    patrol: id.clone(),
                    finding: "f1".into(),
                },
            ));
        }
    }
    ts.push(t(
        end,
        PatrolCmd::End {
            patrol: id,
            ended_ms: end,
            note: String::new(),
        },
    ));
    let actor = Actor {
        username: by.username.clone(),
        role: by.role.as_str().into(),
        unit: by.unit.clone(),
    };
    (actor, end, ts)
}
