//! What happens to each generated event, drawn once from the seeded RNG: where, by which
//! channel, about which list item, and how it goes (late, graded, returned, reminded...).

use super::cast::Cast;
use rand::rngs::StdRng;
use rand::Rng;
use tiaokuai_core::events::{Channel, Grade, Location, NewEvent, Party, RequestType, Urgency};

pub(super) const MIN: i64 = 60_000;
pub(super) const HOUR: i64 = 60 * MIN;
pub(super) const DAY: i64 = 24 * HOUR;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Route {
    /// 自办结 by the township.
    SelfClose,
    /// 乡镇派单 to a stationed unit, graded and closed by the township.
    Assign(String),
    /// 吹哨: several departments at once.
    Whistle(Vec<String>),
    /// Called to the county and dispatched by the list.
    County,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Ret {
    None,
    /// Accepted: reassigned to this unit.
    Accept(String),
    Reject,
    /// Referred to 编办, who rules this unit primary.
    Dispute(String),
}

pub(super) struct Plan {
    pub id: u64,
    pub t0: i64,
    /// Time of the event's last step; each step comes after it.
    pub clock: i64,
    pub reporter: Party,
    pub op: Party,
    pub event: NewEvent,
    pub item: usize,
    pub route: Route,
    pub late_sign: bool,
    pub late_report: bool,
    /// The first grade of the lead hop (2 = 不满意 reopens it).
    pub level: u8,
    pub ret: Ret,
    pub remind: bool,
    pub conclude_case: bool,
    /// Steps after the report before the history stops (events still open).
    pub stop_after: Option<u32>,
    pub steps: u32,
    pub done: bool,
    /// Seed for picking people, stable per event.
    pub k: u64,
}

/// Uneven township weights: the first townships (by code) are the busiest.
const TOWN_WEIGHTS: [u32; 12] = [20, 15, 12, 10, 9, 8, 7, 6, 5, 4, 3, 2];

/// A report time in `[from, to)`, mostly in the daytime (China time).
fn when(rng: &mut StdRng, from: i64, to: i64) -> i64 {
    loop {
        let t = rng.gen_range(from..to);
        let hour = ((t + 8 * HOUR).rem_euclid(DAY)) / HOUR;
        let day = (t + 8 * HOUR).div_euclid(DAY);
        // 1970-01-01 was a Thursday: day % 7 == 2 or 3 are Saturday and Sunday.
        let weekend = matches!(day.rem_euclid(7), 2 | 3);
        let keep = match hour {
            8..=17 => 1.0,
            7 | 18..=21 => 0.45,
            _ => 0.06,
        } * if weekend { 0.55 } else { 1.0 };
        if rng.gen_bool(keep) {
            return t;
        }
    }
}

fn weighted<'a, T>(rng: &mut StdRng, v: &'a [(T, u32)]) -> &'a T {
    let total: u32 = v.iter().map(|(_, w)| *w).sum();
    let mut x = rng.gen_range(0..total.max(1));
    for (t, w) in v {
        if x < *w {
            return t;
        }
        x -= w;
    }
    &v[0].0
}

/// Draws one event reported in `[from, to)`; `tail_from` starts the still-open tail.
pub(super) fn draw(
    rng: &mut StdRng,
    cast: &Cast,
    from: i64,
    to: i64,
    tail_from: i64,
) -> Option<Plan> {
    let towns: Vec<(&String, u32)> = cast
        .spots
        .keys()
        .enumerate()
        .map(|(i, t)| (t, TOWN_WEIGHTS.get(i).copied().unwrap_or(2)))
        .collect();
    let town = *weighted(rng, &towns);
    let spots = cast.spots.get(town)?;
    let spot = &spots[rng.gen_range(0..spots.len())];
    let ops = cast.ops.get(town)?;
    let k: u64 = rng.gen();
    let op = super::cast::pick(ops, k)?;
    let item_i = rng.gen_range(0..cast.items.len().max(1));
    let item = cast.items.get(item_i)?;
    let t0 = when(rng, from, to);
    let roll: f64 = rng.gen();
    // Channel: grid report 55%, township call 30%, hotline 15%.
    let (channel, reporter) = if roll < 0.55 && spot.worker.is_some() {
        (Channel::GridReport, spot.worker.clone()?)
    } else if roll < 0.85 || cast.dispatchers.is_empty() {
        (Channel::TownshipCall, op.clone())
    } else {
        (
            Channel::Hotline12345,
            super::cast::pick(&cast.dispatchers, k)?,
        )
    };
    let r: f64 = rng.gen();
    let route = match channel {
        Channel::GridReport if r < 0.19 => Route::SelfClose,
        Channel::GridReport if r < 0.25 => match cast.stationed.get(town) {
            Some(units) => Route::Assign(units[rng.gen_range(0..units.len())].clone()),
            None => Route::County,
        },
        Channel::TownshipCall if r < 0.06 && cast.departments.len() > 3 => {
            let mut units = vec![item.lead.clone()];
            while units.len() < 3 {
                let d = &cast.departments[rng.gen_range(0..cast.departments.len())];
                if !units.contains(d) {
                    units.push(d.clone());
                }
            }
            Route::Whistle(units)
        }
        _ => Route::County,
    };
    let urgent = rng.gen_bool(0.1);
    let level = match rng.gen_range(0..1000) {
        0..=44 => 2,
        45..=744 => 0,
        _ => 1,
    };
    let ret = if route == Route::County && rng.gen_bool(0.065) {
        let other = item
            .co
            .first()
            .cloned()
            .or_else(|| {
                let d = &cast.departments[rng.gen_range(0..cast.departments.len())];
                (d != &item.lead).then(|| d.clone())
            })
            .unwrap_or_default();
        match rng.gen_range(0..20) {
            _ if other.is_empty() => Ret::Reject,
            0..=7 => Ret::Accept(other),
            8..=14 => Ret::Reject,
            n => Ret::Dispute(if n % 2 == 0 { item.lead.clone() } else { other }),
        }
    } else {
        Ret::None
    };
    let late_sign = rng.gen_bool(0.04);
    let late_report = rng.gen_bool(0.07);
    let hotline = channel == Channel::Hotline12345;
    let title: String = format!("{}{}", spot.place, item.name)
        .chars()
        .take(60)
        .collect();
    let description = if item.problem.trim().is_empty() {
        format!(
            "{}发现“{}”相关问题，群众反映，请协调处置。",
            spot.place, item.name
        )
    } else {
        format!("{}：{}", spot.place, item.problem.trim())
    };
    let event = NewEvent {
        channel,
        title,
        description: description.chars().take(1000).collect(),
        category: item.category.clone(),
        urgency: if urgent {
            Urgency::Urgent
        } else {
            Urgency::Normal
        },
        grade: Grade::Ordinary,
        request_type: hotline.then(|| {
            if rng.gen_bool(0.5) {
                RequestType::Complaint
            } else {
                RequestType::Report
            }
        }),
        item: (channel != Channel::GridReport).then(|| item.item.clone()),
        location: Location {
            lon: spot.lon,
            lat: spot.lat,
            address: spot.place.clone(),
            grid: Some(spot.grid.clone()),
            village: Some(spot.village.clone()),
            township: Some(spot.township.clone()),
        },
        photos: vec![],
        hotline_no: hotline.then(|| format!("12345-{}", t0 / 1000 % 100_000_000)),
        hotline_due_ms: hotline.then_some(t0 + 7 * DAY),
        call: channel == Channel::TownshipCall,
    };
    let stop_after = (t0 >= tail_from && rng.gen_bool(0.6)).then(|| rng.gen_range(0..9));
    Some(Plan {
        id: 0,
        t0,
        clock: t0,
        reporter,
        op,
        event,
        item: item_i,
        route,
        late_sign,
        late_report,
        level,
        ret,
        remind: rng.gen_bool(0.6),
        conclude_case: rng.gen_bool(0.6),
        stop_after,
        steps: 0,
        done: false,
        k,
    })
}
