//! Reading published list tables: title rows, one- or two-row (merged) headers, section rows,
//! several units per cell by any of their names. Every problem is collected with its sheet,
//! row and column; the result is all items or none.

use super::columns::{map_columns, normalise_header, required, Field};
use crate::org_io::RawTable;
use std::collections::{BTreeMap, HashMap};
use tiaokuai_core::error::{FieldReason, ImportReason, ListReason};
use tiaokuai_core::lists::{normalise_power_type, FlowType, Item, ListKind};
use tiaokuai_core::{CountyState, FieldError};

/// Items read from files, plus what the title rows said about the document.
#[derive(Debug, Default)]
pub struct ParsedLists {
    pub items: Vec<Item>,
    /// Where each item came from ("file sheet row N"), by item id.
    pub origin: HashMap<String, String>,
    pub document_no: Option<String>,
    pub effective_date: Option<String>,
}

const ALL_TOWNSHIPS: [&str; 7] = [
    "各乡镇(街道)",
    "各乡镇（街道）",
    "全部乡镇(街道)",
    "各镇街",
    "各乡镇",
    "乡镇(街道)",
    "全县各乡镇(街道)",
];
const ALL_VILLAGES: [&str; 4] = ["各村(社区)", "各村（社区）", "村(社区)", "各村"];

pub fn split_units(s: &str) -> Vec<String> {
    s.split(['、', '，', ',', ';', '；', '\n', '/'])
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

/// `2026-03-01`, `2026/3/1`, `2026.3.1`, `2026年3月1日` → `2026-03-01`.
pub fn parse_date(s: &str) -> Option<String> {
    let t = s
        .trim()
        .trim_end_matches(" 00:00:00")
        .replace(['年', '月', '/', '.'], "-")
        .replace('日', "");
    let parts: Vec<&str> = t.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let (y, m, d) = (
        y.trim().parse::<u32>().ok()?,
        m.trim().parse::<u32>().ok()?,
        d.trim().parse::<u32>().ok()?,
    );
    let out = format!("{y:04}-{m:02}-{d:02}");
    tiaokuai_core::lists::valid_date(&out).then_some(out)
}

/// Finds a 文号 like 青编发〔2026〕3号 in free text.
fn find_document_no(text: &str) -> Option<String> {
    let start = text.find('〔').or_else(|| text.find('['))?;
    let before: String = text[..start]
        .chars()
        .rev()
        .take_while(|c| !c.is_whitespace() && !"（(：:，,".contains(*c))
        .collect();
    let head: String = before.chars().rev().collect();
    let rest = &text[start..];
    let end = rest.find('号')? + '号'.len_utf8();
    Some(format!("{head}{}", &rest[..end]))
}

fn find_date(text: &str) -> Option<String> {
    let i = text.find('年')?;
    let start = text[..i]
        .char_indices()
        .rev()
        .take(4)
        .last()
        .map(|(p, _)| p)?;
    let end = text[i..].find('日').map(|j| i + j + '日'.len_utf8())?;
    parse_date(&text[start..end])
}

fn row_text(row: &[String]) -> String {
    row.iter()
        .filter(|c| !c.trim().is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" ")
}

struct Header {
    row: usize,
    data_start: usize,
    map: Vec<(Field, usize, String)>,
}

fn locate_header(kind: ListKind, grid: &[Vec<String>]) -> Option<Header> {
    for r in 0..grid.len().min(10) {
        let top: Vec<String> = grid[r].iter().map(|h| normalise_header(h)).collect();
        let map = map_columns(kind, &top);
        let has = |f: Field| map.iter().any(|(x, _, _)| *x == f);
        if !(has(Field::Name) && (has(Field::Number) || map.len() >= 3)) {
            continue;
        }
        // A second header row: it has labels where the first row's merged cells are empty,
        // and no item number of its own.
        let next: Vec<String> = grid
            .get(r + 1)
            .map(|x| x.iter().map(|h| normalise_header(h)).collect())
            .unwrap_or_default();
        let num_col = map
            .iter()
            .find(|(f, _, _)| *f == Field::Number)
            .map(|(_, c, _)| *c);
        let is_sub = !next.is_empty()
            && next.iter().any(|c| !c.is_empty())
            && num_col
                .map(|c| next.get(c).map(|v| v.is_empty()).unwrap_or(true))
                .unwrap_or(false)
            && next.iter().all(|c| {
                c.chars().count() <= 12 && !c.chars().all(|ch| ch.is_ascii_digit()) || c.is_empty()
            });
        if !is_sub {
            return Some(Header {
                row: r,
                data_start: r + 1,
                map,
            });
        }
        let width = top.len().max(next.len());
        let mut combined = Vec::with_capacity(width);
        let mut alt = Vec::with_capacity(width);
        let mut carry = String::new();
        for c in 0..width {
            let t = top.get(c).cloned().unwrap_or_default();
            let s = next.get(c).cloned().unwrap_or_default();
            if !t.is_empty() {
                carry = t.clone();
            }
            let parent = if t.is_empty() {
                carry.clone()
            } else {
                t.clone()
            };
            combined.push(if s.is_empty() {
                t.clone()
            } else {
                format!("{parent}{s}")
            });
            alt.push(if s.is_empty() { t } else { s });
        }
        let mut map = map_columns(kind, &combined);
        for (f, c, h) in map_columns(kind, &alt) {
            if !map.iter().any(|(x, col, _)| *x == f || *col == c) {
                map.push((f, c, h));
            }
        }
        return Some(Header {
            row: r,
            data_start: r + 2,
            map,
        });
    }
    None
}

/// Parses every sheet. `kind` overrides detection from titles and sheet names.
pub fn parse_lists(
    state: &CountyState,
    sheets: &[RawTable],
    kind: Option<ListKind>,
) -> Result<ParsedLists, Vec<FieldError>> {
    let mut out = ParsedLists::default();
    let mut errors: Vec<FieldError> = Vec::new();
    let mut first_row: HashMap<String, String> = HashMap::new();
    let townships: Vec<String> = state
        .org
        .units
        .values()
        .filter(|u| u.kind.is_township())
        .map(|u| u.code.clone())
        .collect();
    for (source, grid, cell_errors) in sheets {
        errors.extend(cell_errors.iter().cloned());
        if grid.iter().all(|r| r.iter().all(|c| c.trim().is_empty())) {
            errors.push(FieldError::new(source.clone(), "sheet", FieldReason::Empty));
            continue;
        }
        let title = grid
            .iter()
            .take(3)
            .map(|r| row_text(r))
            .collect::<Vec<_>>()
            .join(" ");
        let Some(kind) = kind
            .or_else(|| ListKind::detect(&title))
            .or_else(|| ListKind::detect(source))
        else {
            errors.push(FieldError::new(
                source.clone(),
                "sheet",
                ImportReason::UnknownListKind,
            ));
            continue;
        };
        let Some(h) = locate_header(kind, grid) else {
            errors.push(FieldError::new(
                source.clone(),
                "header",
                ImportReason::NoListHeader { kind },
            ));
            continue;
        };
        let title_rows = grid
            .iter()
            .take(h.row)
            .map(|r| row_text(r))
            .collect::<Vec<_>>()
            .join(" ");
        out.document_no = out.document_no.or_else(|| find_document_no(&title_rows));
        out.effective_date = out.effective_date.or_else(|| find_date(&title_rows));
        let col = |f: Field| {
            h.map
                .iter()
                .find(|(x, _, _)| *x == f)
                .map(|(_, c, name)| (*c, name.clone()))
        };
        let mut missing = false;
        for f in required(kind) {
            if col(*f).is_none() {
                missing = true;
                errors.push(FieldError::new(
                    format!("{source} row {}", h.row + 1),
                    super::columns::canonical_header(kind, *f),
                    ImportReason::ColumnMissing,
                ));
            }
        }
        if missing {
            continue;
        }
        let village_subkind = if source.contains("协助") {
            "协助"
        } else {
            "履职"
        };
        let mut section_domain = String::new();
        for (ri, row) in grid.iter().enumerate().skip(h.data_start) {
            let get = |f: Field| {
                col(f)
                    .and_then(|(c, _)| row.get(c))
                    .map(|s| s.trim().to_string())
                    .unwrap_or_default()
            };
            let filled = row.iter().filter(|c| !c.trim().is_empty()).count();
            if filled == 0 {
                continue;
            }
            let loc = format!("{source} row {}", ri + 1);
            let header_of = |f: Field| {
                col(f)
                    .map(|(_, n)| n)
                    .unwrap_or_else(|| super::columns::canonical_header(kind, f).to_string())
            };
            // A section row such as "一、自然资源领域" sets the domain of the rows below.
            if filled == 1 && get(Field::Name).is_empty() {
                section_domain = row_text(row)
                    .trim_start_matches(|c: char| {
                        "一二三四五六七八九十、.（()）0123456789 ".contains(c)
                    })
                    .trim_end_matches("领域")
                    .to_string();
                continue;
            }
            let mut row_errors = Vec::new();
            let mut number = get(Field::Number);
            let name = get(Field::Name);
            if number.is_empty() {
                row_errors.push(FieldError::new(
                    &loc,
                    header_of(Field::Number),
                    ListReason::NumberEmpty,
                ));
            }
            if name.is_empty() {
                row_errors.push(FieldError::new(
                    &loc,
                    header_of(Field::Name),
                    ListReason::NameEmpty,
                ));
            }
            let mut subkind = get(Field::Subkind);
            if kind == ListKind::Village {
                if subkind.is_empty() {
                    subkind = village_subkind.to_string();
                }
                if number.chars().all(|c| c.is_ascii_digit()) && !number.is_empty() {
                    number = format!("{subkind}-{number}");
                }
            }
            let mut units = |f: Field| -> Vec<String> {
                let mut codes = Vec::new();
                for n in split_units(&get(f)) {
                    if ALL_TOWNSHIPS.contains(&n.as_str()) {
                        codes.extend(townships.iter().cloned());
                    } else if ALL_VILLAGES.contains(&n.as_str()) {
                        continue;
                    } else if let Some(u) = state.org.resolve_unit(&n) {
                        codes.push(u.code.clone());
                    } else {
                        row_errors.push(FieldError::new(
                            &loc,
                            header_of(f),
                            unknown_unit(state, &n),
                        ));
                    }
                }
                let mut seen = std::collections::BTreeSet::new();
                codes.retain(|c| seen.insert(c.clone()));
                codes
            };
            let primary = units(Field::Primary);
            let supporting = units(Field::Supporting);
            let mut num = |f: Field| -> Option<f64> {
                let v = get(f);
                if v.is_empty() {
                    return None;
                }
                match v.parse::<f64>() {
                    Ok(x) if x >= 0.0 && x.is_finite() => Some(x),
                    _ => {
                        row_errors.push(FieldError::new(
                            &loc,
                            header_of(f),
                            FieldReason::NotANumber {
                                value: v.to_string(),
                            },
                        ));
                        None
                    }
                }
            };
            let limits = tiaokuai_core::lists::TimeLimits {
                sign_hours: num(Field::SignHours),
                respond_hours: num(Field::RespondHours),
                arrive_hours: num(Field::ArriveHours),
                complete_days: num(Field::CompleteDays),
            };
            let mut date = |f: Field| -> String {
                let v = get(f);
                if v.is_empty() {
                    return v;
                }
                parse_date(&v).unwrap_or_else(|| {
                    row_errors.push(FieldError::new(
                        &loc,
                        header_of(f),
                        FieldReason::NotADate {
                            value: v.to_string(),
                        },
                    ));
                    String::new()
                })
            };
            let delegated_on = date(Field::DelegatedOn);
            let transition_end = date(Field::TransitionEnd);
            let power_type = match get(Field::PowerType) {
                v if v.is_empty() => String::new(),
                v => normalise_power_type(&v).unwrap_or_else(|| {
                    row_errors.push(FieldError::new(
                        &loc,
                        header_of(Field::PowerType),
                        ImportReason::UnknownPowerType {
                            value: v.to_string(),
                        },
                    ));
                    String::new()
                }),
            };
            let flow = FlowType::parse(&get(Field::FlowType)).unwrap_or_else(|| {
                row_errors.push(FieldError::new(
                    &loc,
                    header_of(Field::FlowType),
                    ImportReason::FlowType,
                ));
                FlowType::default()
            });
            if kind == ListKind::Joint && !matches!(subkind.as_str(), "协同管理" | "协同办理")
            {
                row_errors.push(FieldError::new(
                    &loc,
                    header_of(Field::Subkind),
                    ImportReason::Subkind {
                        value: subkind.to_string(),
                    },
                ));
            }
            if !row_errors.is_empty() {
                errors.extend(row_errors);
                continue;
            }
            let id = Item::make_id(kind, &number);
            if let Some(first) = first_row.insert(id.clone(), loc.clone()) {
                errors.push(FieldError::new(
                    &loc,
                    header_of(Field::Number),
                    ImportReason::DuplicateNumber {
                        number: number.to_string(),
                        first,
                    },
                ));
                continue;
            }
            let domain = get(Field::Domain);
            let item = Item {
                id: id.clone(),
                kind,
                number,
                domain: if domain.is_empty() {
                    section_domain.clone()
                } else {
                    domain
                },
                name,
                primary,
                primary_duty: get(Field::PrimaryDuty),
                supporting,
                supporting_duty: get(Field::SupportingDuty),
                legal_basis: get(Field::LegalBasis),
                problem: get(Field::Problem),
                grid_handling: get(Field::GridHandling),
                township_handling: get(Field::TownshipHandling),
                department_enforcement: get(Field::DepartmentEnforcement),
                keywords: split_units(&get(Field::Keywords)),
                aliases: split_units(&get(Field::Aliases)),
                limits,
                flow,
                steps: get(Field::Steps)
                    .split(['→', '\n', '>'])
                    .map(|s| s.trim().trim_start_matches('-').trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
                power_type,
                division: get(Field::Division),
                guide: get(Field::Guide),
                accountability: get(Field::Accountability),
                subkind: if matches!(kind, ListKind::Joint | ListKind::Village) {
                    subkind
                } else {
                    String::new()
                },
                leader: get(Field::Leader),
                staff_a: get(Field::StaffA),
                staff_b: get(Field::StaffB),
                document: get(Field::Document),
                delegated_on,
                transition_end,
            };
            for e in state.item_problems(&item) {
                errors.push(FieldError::new(&loc, e.field, e.reason));
            }
            out.origin.insert(id, loc);
            out.items.push(item);
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Items per kind, for summaries.
pub fn count_by_kind(items: &[Item]) -> BTreeMap<ListKind, usize> {
    let mut m = BTreeMap::new();
    for i in items {
        *m.entry(i.kind).or_insert(0) += 1;
    }
    m
}

/// For confirmation before importing: per sheet, the kind detected and which column each
/// field was read from ("事项名称 ← 名称").
pub fn describe(sheets: &[RawTable], kind: Option<ListKind>) -> Vec<(String, String, String)> {
    sheets
        .iter()
        .filter(|(_, grid, _)| grid.iter().any(|r| r.iter().any(|c| !c.trim().is_empty())))
        .map(|(source, grid, _)| {
            let title = grid
                .iter()
                .take(3)
                .map(|r| row_text(r))
                .collect::<Vec<_>>()
                .join(" ");
            match kind
                .or_else(|| ListKind::detect(&title))
                .or_else(|| ListKind::detect(source))
            {
                None => (source.clone(), "?".to_string(), String::new()),
                Some(k) => {
                    let cols = locate_header(k, grid)
                        .map(|h| {
                            h.map
                                .iter()
                                .map(|(f, _, name)| {
                                    let canon = super::columns::canonical_header(k, *f);
                                    if canon == name {
                                        canon.to_string()
                                    } else {
                                        format!("{canon} ← {name}")
                                    }
                                })
                                .collect::<Vec<_>>()
                                .join("，")
                        })
                        .unwrap_or_default();
                    (source.clone(), k.label_zh().to_string(), cols)
                }
            }
        })
        .collect()
}

/// "unknown unit 'X'", with the closest units when some are alike.
pub fn unknown_unit(state: &CountyState, name: &str) -> FieldReason {
    let near: Vec<&str> = state
        .org
        .similar_units(name, 3)
        .into_iter()
        .map(|u| u.name.as_str())
        .collect();
    if near.is_empty() {
        FieldReason::UnknownUnit {
            unit: name.to_string(),
        }
    } else {
        FieldReason::UnknownUnitNear {
            unit: name.to_string(),
            near: near.join("、"),
        }
    }
}
