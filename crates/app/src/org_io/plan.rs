//! Turning tables into transitions: row checks, reference resolution by code or by any of a
//! unit's names, and a dry run of the domain checks on a scratch copy of the state.

use super::columns::{find, TableKind};
use super::table::Table;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use tiaokuai_core::error::{FieldReason, ImportReason};
use tiaokuai_core::org::{Grid, GridKind, Person, RoleGrant, Unit, UnitKind};
use tiaokuai_core::Reason;
use tiaokuai_core::{CountyState, DomainError, FieldError, Transition};

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ImportSummary {
    pub units: usize,
    pub people: usize,
    pub grids: usize,
    /// Rows identical to what is already stored.
    pub unchanged: usize,
    /// Transitions that will be (or were) appended.
    pub transitions: usize,
}

struct Row<'a> {
    table: &'a Table,
    line: usize,
    cells: &'a [String],
    idx: Vec<Option<usize>>,
}

impl Row<'_> {
    fn get(&self, i: usize) -> String {
        self.idx
            .get(i)
            .copied()
            .flatten()
            .and_then(|c| self.cells.get(c))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    }
    fn loc(&self) -> String {
        self.table.location(self.line)
    }
    fn header(&self, i: usize) -> &'static str {
        self.table
            .kind
            .columns()
            .get(i)
            .map(|c| c.header)
            .unwrap_or("?")
    }
    fn err(&self, i: usize, reason: impl Into<Reason>) -> FieldError {
        FieldError::new(self.loc(), self.header(i), reason)
    }
}

fn split_list(s: &str) -> Vec<String> {
    s.split(['、', '，', ',', ';', '；', '\n'])
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

/// Plans the import. `Err` lists every problem found; nothing should be written then.
pub fn plan_import(
    state: &CountyState,
    tables: &[Table],
) -> Result<(Vec<Transition>, ImportSummary), Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut rows: BTreeMap<u8, Vec<Row>> = BTreeMap::new();
    for t in tables {
        let idx: Vec<Option<usize>> = t
            .kind
            .columns()
            .iter()
            .map(|c| find(&t.headers, c))
            .collect();
        for (c, i) in t.kind.columns().iter().zip(&idx) {
            if c.required && i.is_none() {
                errors.push(FieldError::new(
                    t.location(t.header_row),
                    c.header,
                    ImportReason::ColumnMissing,
                ));
            }
        }
        let key = match t.kind {
            TableKind::Units => 0,
            TableKind::People => 1,
            TableKind::Grids => 2,
        };
        rows.entry(key)
            .or_default()
            .extend(t.rows.iter().map(|(line, cells)| Row {
                table: t,
                line: *line,
                cells,
                idx: idx.clone(),
            }));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut planned: Vec<(String, Transition)> = Vec::new();
    let mut summary = ImportSummary::default();

    // Units: parse, then order parents before children whatever the file order.
    let mut units: Vec<(String, Unit)> = Vec::new();
    let mut seen = HashMap::new();
    for r in rows.get(&0).map(|v| v.as_slice()).unwrap_or(&[]) {
        let mut row_errors = Vec::new();
        let code = r.get(0);
        let name = r.get(1);
        let kind = match UnitKind::parse(&r.get(4)) {
            Some(k) => Some(k),
            None => {
                row_errors.push(r.err(4, ImportReason::UnknownUnitKind { value: r.get(4) }));
                None
            }
        };
        if code.is_empty() {
            row_errors.push(r.err(0, FieldReason::CodeEmpty));
        } else if let Some(first) = seen.insert(code.clone(), r.line) {
            row_errors.push(r.err(
                0,
                ImportReason::DuplicateCode {
                    code: code.clone(),
                    first,
                },
            ));
        }
        if name.is_empty() {
            row_errors.push(r.err(1, FieldReason::Empty));
        }
        let short = r.get(2);
        if let (true, Some(k)) = (row_errors.is_empty(), kind) {
            units.push((
                r.loc(),
                Unit {
                    short_name: if short.is_empty() {
                        name.clone()
                    } else {
                        short
                    },
                    code,
                    name,
                    aliases: split_list(&r.get(3)),
                    kind: k,
                    parent: Some(r.get(5)).filter(|s| !s.is_empty()),
                    owner_department: Some(r.get(6)).filter(|s| !s.is_empty()),
                    township: Some(r.get(7)).filter(|s| !s.is_empty()),
                },
            ));
        }
        errors.extend(row_errors);
    }
    // Resolve references given by name (full, short or alias) to codes.
    let mut by_name: HashMap<String, String> = HashMap::new();
    for u in state.org.units.values() {
        for n in u.names() {
            by_name
                .entry(n.to_string())
                .or_insert_with(|| u.code.clone());
        }
    }
    for (_, u) in &units {
        for n in u.names() {
            by_name.insert(n.to_string(), u.code.clone());
        }
    }
    let file_codes: BTreeSet<String> = units.iter().map(|(_, u)| u.code.clone()).collect();
    let resolve = |s: &str| -> Option<String> {
        if file_codes.contains(s) || state.org.units.contains_key(s) {
            Some(s.to_string())
        } else {
            by_name.get(s).cloned()
        }
    };
    for (loc, u) in &mut units {
        for (field, val) in [
            ("上级编码", &mut u.parent),
            ("所属部门编码", &mut u.owner_department),
            ("所在乡镇编码", &mut u.township),
        ] {
            if let Some(v) = val.as_ref() {
                match resolve(v) {
                    Some(code) => *val = Some(code),
                    None => errors.push(FieldError::new(
                        loc.clone(),
                        field,
                        FieldReason::UnknownUnit {
                            unit: v.to_string(),
                        },
                    )),
                }
            }
        }
    }
    let mut placed: BTreeSet<String> = state.org.units.keys().cloned().collect();
    let mut pending = units;
    loop {
        let before = pending.len();
        let (ready, rest): (Vec<_>, Vec<_>) = pending.into_iter().partition(|(_, u)| {
            u.parent
                .as_ref()
                .map(|p| placed.contains(p))
                .unwrap_or(true)
        });
        for (loc, u) in ready {
            placed.insert(u.code.clone());
            planned.push((loc, Transition::UnitSaved { unit: u }));
        }
        pending = rest;
        if pending.is_empty() || pending.len() == before {
            break;
        }
    }
    // Whatever is left has a parent that never appears (or a cycle): the check names it.
    planned.extend(
        pending
            .into_iter()
            .map(|(loc, u)| (loc, Transition::UnitSaved { unit: u })),
    );

    // People, then their roles after grids are known to exist (roles only need units).
    let mut roles: Vec<(String, Transition)> = Vec::new();
    let mut seen = HashMap::new();
    for r in rows.get(&1).map(|v| v.as_slice()).unwrap_or(&[]) {
        let username = r.get(0);
        if let Some(first) = seen.insert(username.clone(), r.line) {
            errors.push(r.err(
                0,
                ImportReason::DuplicateUsername {
                    user: username.clone(),
                    first,
                },
            ));
            continue;
        }
        let unit_ref = r.get(3);
        let unit = resolve(&unit_ref).unwrap_or(unit_ref);
        planned.push((
            r.loc(),
            Transition::PersonSaved {
                person: Person {
                    username: username.clone(),
                    name: r.get(1),
                    phone: r.get(2),
                    unit,
                    active: true,
                },
            },
        ));
        let mut grants = Vec::new();
        for g in split_list(&r.get(4)) {
            match RoleGrant::parse(&g) {
                Ok(mut grant) => {
                    grant.unit = resolve(&grant.unit).unwrap_or(grant.unit);
                    grants.push(grant);
                }
                Err(e) => errors.push(r.err(4, e)),
            }
        }
        if r.idx.get(4).copied().flatten().is_some() {
            roles.push((r.loc(), Transition::RolesSet { username, grants }));
        }
    }
    let mut seen = HashMap::new();
    for r in rows.get(&2).map(|v| v.as_slice()).unwrap_or(&[]) {
        let code = r.get(0);
        if let Some(first) = seen.insert(code.clone(), r.line) {
            errors.push(r.err(
                0,
                ImportReason::DuplicateCode {
                    code: code.clone(),
                    first,
                },
            ));
            continue;
        }
        let Some(kind) = GridKind::parse(&r.get(2)) else {
            errors.push(r.err(2, ImportReason::UnknownGridKind { value: r.get(2) }));
            continue;
        };
        let village_ref = r.get(3);
        planned.push((
            r.loc(),
            Transition::GridSaved {
                grid: Grid {
                    code,
                    name: r.get(1),
                    kind,
                    village: resolve(&village_ref).unwrap_or(village_ref),
                    leader: Some(r.get(4)).filter(|s| !s.is_empty()),
                    workers: split_list(&r.get(5)),
                    geometry: r.get(6),
                },
            },
        ));
    }
    planned.extend(roles);

    // Dry-run every transition on a scratch state; collect every failure with its row.
    let mut scratch = state.clone();
    let mut out = Vec::new();
    for (loc, t) in planned {
        if unchanged(&scratch, &t) {
            summary.unchanged += 1;
            continue;
        }
        match scratch.check_and_apply(&t) {
            Ok(()) => {
                match &t {
                    Transition::UnitSaved { .. } => summary.units += 1,
                    Transition::PersonSaved { .. } => summary.people += 1,
                    Transition::GridSaved { .. } => summary.grids += 1,
                    _ => {}
                }
                out.push(t);
            }
            Err(DomainError::Invalid(errs)) => {
                let header_of = |f: &str| field_header(&t, f);
                errors.extend(
                    errs.into_iter()
                        .map(|e| FieldError::new(loc.clone(), header_of(&e.field), e.reason)),
                );
            }
            Err(e) => errors.extend(e.into_field_errors().into_iter().map(|f| FieldError {
                location: loc.clone(),
                ..f
            })),
        }
    }
    summary.transitions = out.len();
    if errors.is_empty() {
        Ok((out, summary))
    } else {
        Err(errors)
    }
}

fn unchanged(s: &CountyState, t: &Transition) -> bool {
    match t {
        Transition::UnitSaved { unit } => s.org.units.get(&unit.code) == Some(unit),
        Transition::PersonSaved { person } => {
            s.org.people.get(&person.username).map(|p| &p.person) == Some(person)
        }
        Transition::RolesSet { username, grants } => s
            .org
            .people
            .get(username)
            .map(|p| p.grants == grants.iter().cloned().collect::<BTreeSet<_>>())
            .unwrap_or(false),
        Transition::GridSaved { grid } => s.org.grids.get(&grid.code) == Some(grid),
        _ => false,
    }
}

/// Maps a domain field name back to the column header a person sees.
fn field_header(t: &Transition, field: &str) -> String {
    let h = match (t, field) {
        (Transition::UnitSaved { .. }, "code") => "编码",
        (Transition::UnitSaved { .. }, "name") => "名称",
        (Transition::UnitSaved { .. }, "short_name") => "简称",
        (Transition::UnitSaved { .. }, "kind") => "类型",
        (Transition::UnitSaved { .. }, "parent") => "上级编码",
        (Transition::UnitSaved { .. }, "owner_department") => "所属部门编码",
        (Transition::UnitSaved { .. }, "township") => "所在乡镇编码",
        (Transition::PersonSaved { .. }, "username") => "账号",
        (Transition::PersonSaved { .. }, "name") => "姓名",
        (Transition::PersonSaved { .. }, "phone") => "手机",
        (Transition::PersonSaved { .. }, "unit") => "所属单位编码",
        (Transition::RolesSet { .. }, _) => "角色",
        (Transition::GridSaved { .. }, "code") => "编码",
        (Transition::GridSaved { .. }, "name") => "名称",
        (Transition::GridSaved { .. }, "village") => "所属村社编码",
        (Transition::GridSaved { .. }, "workers") => "网格员账号",
        (Transition::GridSaved { .. }, "geometry") => "边界",
        _ => field,
    };
    h.to_string()
}
