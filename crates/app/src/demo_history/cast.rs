//! Who plays the history: the demo accounts where they fit, else staff of each unit found in
//! the organisation with a matching grant; where events happen (grids) and what they are about
//! (territorial list items).

use std::collections::BTreeMap;
use tiaokuai_core::events::{ItemRef, Party};
use tiaokuai_core::lists::ListKind;
use tiaokuai_core::org::{RoleKind, UnitKind};
use tiaokuai_core::CountyState;

/// Demo accounts preferred for their units, so the history shows up in their worklists.
const PREFERRED: [&str; 9] = [
    "qingshan_op",
    "chengguan_op",
    "dispatcher",
    "zhujian",
    "zhifa",
    "shichang",
    "huanbao",
    "paichusuo_qs",
    "grid_qs01",
];

pub(super) struct Spot {
    pub grid: String,
    pub village: String,
    pub township: String,
    pub lon: f64,
    pub lat: f64,
    pub place: String,
    pub worker: Option<Party>,
}

pub(super) struct ItemSpot {
    pub item: ItemRef,
    pub name: String,
    pub problem: String,
    pub category: String,
    pub lead: String,
    pub co: Vec<String>,
}

#[derive(Default)]
pub(super) struct Cast {
    pub dispatchers: Vec<Party>,
    pub bianban: Option<Party>,
    pub jiwei: Option<Party>,
    /// Township code → its command room operators.
    pub ops: BTreeMap<String, Vec<Party>>,
    /// Unit code → people holding a desk grant on it.
    pub handlers: BTreeMap<String, Vec<Party>>,
    /// Township code → grids in it.
    pub spots: BTreeMap<String, Vec<Spot>>,
    pub items: Vec<ItemSpot>,
    /// Township code → stationed units it may assign to (with someone to sign).
    pub stationed: BTreeMap<String, Vec<String>>,
    /// County departments with handlers (whistles, reassignments).
    pub departments: Vec<String>,
    /// The county command centre's unit code.
    pub centre: String,
}

fn micro(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn party(username: &str, role: RoleKind, unit: &str) -> Party {
    Party {
        username: username.to_string(),
        role,
        unit: unit.to_string(),
    }
}

fn prefer_demo(v: &mut [Party]) {
    v.sort_by_key(|p| {
        (
            !PREFERRED.contains(&p.username.as_str()),
            p.username.clone(),
        )
    });
}

impl Cast {
    pub fn of(s: &CountyState) -> Cast {
        let org = &s.org;
        let mut c = Cast::default();
        for p in org.people.values().filter(|p| p.person.active) {
            let name = p.person.username.as_str();
            for g in &p.grants {
                let who = party(name, g.role, &g.unit);
                match g.role {
                    RoleKind::CountyDispatcher => {
                        c.centre = g.unit.clone();
                        c.dispatchers.push(who);
                    }
                    RoleKind::EstablishmentReviewer => {
                        c.bianban.get_or_insert(who);
                    }
                    RoleKind::DisciplineInspector => {
                        c.jiwei.get_or_insert(who);
                    }
                    RoleKind::TownshipOperator => {
                        if let Some(t) = org.township_of(&g.unit) {
                            c.ops.entry(t.code.clone()).or_default().push(who);
                        }
                    }
                    RoleKind::DepartmentHandler => {
                        c.handlers.entry(g.unit.clone()).or_default().push(who);
                    }
                    _ => {}
                }
            }
        }
        prefer_demo(&mut c.dispatchers);
        c.ops.values_mut().for_each(|v| prefer_demo(v));
        c.handlers.values_mut().for_each(|v| prefer_demo(v));
        for g in org.grids.values() {
            let Some(t) = org.township_of(&g.village) else {
                continue;
            };
            let Some((bb, _)) = org.grid_shapes.get(&g.code) else {
                continue;
            };
            let worker = g.workers.iter().find_map(|w| {
                let p = org.people.get(w).filter(|p| p.person.active)?;
                p.grants
                    .iter()
                    .find(|gr| gr.role == RoleKind::GridWorker)
                    .map(|gr| party(w, gr.role, &gr.unit))
            });
            let place = org
                .unit(&g.village)
                .map(|v| v.name.clone())
                .unwrap_or_default();
            c.spots.entry(t.code.clone()).or_default().push(Spot {
                grid: g.code.clone(),
                village: g.village.clone(),
                township: t.code.clone(),
                // GPS precision; short decimals also survive the log's JSON exactly.
                lon: micro((bb.min_lon + bb.max_lon) / 2.0),
                lat: micro((bb.min_lat + bb.max_lat) / 2.0),
                place,
                worker,
            });
        }
        // Only townships someone can operate.
        let ops = &c.ops;
        c.spots.retain(|t, v| ops.contains_key(t) && !v.is_empty());
        let receivable = |u: &str| {
            org.unit(u).is_some_and(|x| {
                matches!(
                    x.kind,
                    UnitKind::Department | UnitKind::Division | UnitKind::StationedUnit
                )
            })
        };
        c.departments = org
            .units
            .values()
            .filter(|u| u.kind == UnitKind::Department && c.handlers.contains_key(&u.code))
            .map(|u| u.code.clone())
            .collect();
        let latest = s.lists.latest();
        for i in s.lists.items_at(latest) {
            if i.kind != ListKind::Territorial {
                continue;
            }
            let Some(lead) = i.primary.first() else {
                continue;
            };
            if !receivable(lead) || c.handler(org, lead, 0).is_none() {
                continue;
            }
            let co: Vec<String> = i
                .supporting
                .iter()
                .filter(|u| *u != lead && receivable(u) && c.handler(org, u, 0).is_some())
                .take(2)
                .cloned()
                .collect();
            let category = s
                .categories
                .suggest(&i.name)
                .map(|c| c.code.clone())
                .unwrap_or_else(|| "X99001".to_string());
            c.items.push(ItemSpot {
                item: ItemRef {
                    id: i.id.clone(),
                    version: latest,
                },
                name: i.name.clone(),
                problem: i.problem.clone(),
                category,
                lead: lead.clone(),
                co,
            });
        }
        for t in c.spots.keys() {
            let units: Vec<String> = tiaokuai_core::events::township::assignable_units(org, t)
                .into_iter()
                .filter(|u| c.handlers.contains_key(&u.code))
                .map(|u| u.code.clone())
                .collect();
            if !units.is_empty() {
                c.stationed.insert(t.clone(), units);
            }
        }
        c
    }

    /// A handler of `unit` (or of a unit above it), picked by `k`.
    pub fn handler(
        &self,
        org: &tiaokuai_core::state::OrgState,
        unit: &str,
        k: u64,
    ) -> Option<Party> {
        let mut u = Some(unit.to_string());
        while let Some(code) = u {
            if let Some(v) = self.handlers.get(&code).filter(|v| !v.is_empty()) {
                return pick(v, k);
            }
            u = org.unit(&code).and_then(|x| x.parent.clone());
        }
        None
    }

    /// Someone who speaks for `unit` as the sender of a hop: the township's command room,
    /// the command centre, or a department's handler.
    pub fn sender(&self, s: &CountyState, unit: &str, k: u64) -> Option<Party> {
        if unit == self.centre {
            return pick(&self.dispatchers, k);
        }
        if let Some(v) = self.ops.get(unit) {
            return pick(v, k);
        }
        self.handler(&s.org, unit, k)
    }
}

/// The demo account when there is one (first), else one of the others by `k`.
pub(super) fn pick(v: &[Party], k: u64) -> Option<Party> {
    let first = v.first()?;
    if PREFERRED.contains(&first.username.as_str()) && !k.is_multiple_of(3) {
        return Some(first.clone());
    }
    v.get((k % v.len() as u64) as usize).cloned()
}
