//! Writing a list version back out in the layout the importer reads: a title row, a document
//! line, one header row, units by full name.

use super::columns::{columns, Field};
use crate::error::{AppError, Result};
use std::path::Path;
use tiaokuai_core::lists::{Item, ListKind};
use tiaokuai_core::CountyState;

fn cell(state: &CountyState, i: &Item, f: Field) -> String {
    let names = |codes: &[String]| {
        codes
            .iter()
            .map(|c| {
                state
                    .org
                    .unit(c)
                    .map(|u| u.name.clone())
                    .unwrap_or_else(|| c.clone())
            })
            .collect::<Vec<_>>()
            .join("、")
    };
    let num = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    match f {
        Field::Number => i.number.clone(),
        Field::Domain => i.domain.clone(),
        Field::Name => i.name.clone(),
        Field::Primary => names(&i.primary),
        Field::PrimaryDuty => i.primary_duty.clone(),
        Field::Supporting => names(&i.supporting),
        Field::SupportingDuty => i.supporting_duty.clone(),
        Field::LegalBasis => i.legal_basis.clone(),
        Field::Problem => i.problem.clone(),
        Field::GridHandling => i.grid_handling.clone(),
        Field::TownshipHandling => i.township_handling.clone(),
        Field::DepartmentEnforcement => i.department_enforcement.clone(),
        Field::Keywords => i.keywords.join("、"),
        Field::Aliases => i.aliases.join("、"),
        Field::FlowType => i.flow.label_zh().to_string(),
        Field::Steps => i.steps.join("→"),
        Field::SignHours => num(i.limits.sign_hours),
        Field::RespondHours => num(i.limits.respond_hours),
        Field::ArriveHours => num(i.limits.arrive_hours),
        Field::CompleteDays => num(i.limits.complete_days),
        Field::PowerType => i.power_type.clone(),
        Field::Division => i.division.clone(),
        Field::Guide => i.guide.clone(),
        Field::Accountability => i.accountability.clone(),
        Field::Subkind => i.subkind.clone(),
        Field::Leader => i.leader.clone(),
        Field::StaffA => i.staff_a.clone(),
        Field::StaffB => i.staff_b.clone(),
        Field::Document => i.document.clone(),
        Field::DelegatedOn => i.delegated_on.clone(),
        Field::TransitionEnd => i.transition_end.clone(),
    }
}

/// Rows of one kind at a version: header then data.
pub fn table(state: &CountyState, version: u32, kind: ListKind) -> Vec<Vec<String>> {
    let cols = columns(kind);
    let mut rows = vec![cols
        .iter()
        .map(|(_, h, _)| h.to_string())
        .collect::<Vec<_>>()];
    let mut items: Vec<&Item> = state
        .lists
        .items_at(version)
        .filter(|i| i.kind == kind)
        .collect();
    items.sort_by_key(|i| natural(&i.number));
    for i in items {
        rows.push(cols.iter().map(|(f, _, _)| cell(state, i, *f)).collect());
    }
    rows
}

fn natural(s: &str) -> (String, u64, String) {
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    let prefix: String = s.chars().take_while(|c| !c.is_ascii_digit()).collect();
    (prefix, digits.parse().unwrap_or(u64::MAX), s.to_string())
}

fn title(state: &CountyState, version: u32, kind: ListKind) -> (String, String) {
    let county = state
        .org
        .units
        .values()
        .find(|u| u.kind == tiaokuai_core::org::UnitKind::County)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let meta = state.lists.meta(version);
    (
        format!("{county}{}（第{version}版）", kind.label_zh()),
        format!(
            "{} 生效日期：{}",
            meta.map(|m| m.document_no.as_str()).unwrap_or(""),
            meta.map(|m| m.effective_date.as_str()).unwrap_or("")
        ),
    )
}

pub fn export_xlsx(state: &CountyState, version: u32, path: &Path) -> Result<()> {
    let err = |e: rust_xlsxwriter::XlsxError| AppError::Io(e.to_string());
    let mut wb = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold().set_text_wrap();
    let wrap = rust_xlsxwriter::Format::new().set_text_wrap();
    for kind in ListKind::ALL {
        let rows = table(state, version, kind);
        if rows.len() <= 1 {
            continue;
        }
        let ws = wb.add_worksheet();
        ws.set_name(kind.label_zh().replace(['(', ')'], ""))
            .map_err(err)?;
        let (t, doc) = title(state, version, kind);
        ws.write_string_with_format(0, 0, &t, &bold).map_err(err)?;
        ws.write_string(1, 0, &doc).map_err(err)?;
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let f = if r == 0 { &bold } else { &wrap };
                ws.write_string_with_format(r as u32 + 2, c as u16, v, f)
                    .map_err(err)?;
            }
        }
        for c in 0..rows[0].len() {
            ws.set_column_width(c as u16, 16).map_err(err)?;
        }
    }
    wb.save(path)
        .map_err(|e| AppError::Io(format!("{}: {e}", path.display())))
}

pub fn export_csv(state: &CountyState, version: u32, kind: ListKind, path: &Path) -> Result<()> {
    let io = |e: std::io::Error| AppError::Io(format!("{}: {e}", path.display()));
    let mut buf: Vec<u8> = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(&mut buf);
        let (t, doc) = title(state, version, kind);
        w.write_record([t])
            .map_err(|e| AppError::Io(e.to_string()))?;
        w.write_record([doc])
            .map_err(|e| AppError::Io(e.to_string()))?;
        for row in table(state, version, kind) {
            w.write_record(&row)
                .map_err(|e| AppError::Io(e.to_string()))?;
        }
        w.flush().map_err(io)?;
    }
    std::fs::write(path, buf).map_err(io)
}

pub fn export_json(state: &CountyState, version: u32) -> serde_json::Value {
    let items: Vec<&Item> = state.lists.items_at(version).collect();
    serde_json::json!({ "version": state.lists.meta(version), "items": items })
}
