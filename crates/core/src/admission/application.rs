//! An admission application (准入申请): what a department or township asks to hand townships,
//! with the powers, funds and staff that go with it (权随事转、人随事转、费随事转).

use crate::calendar::WorkCalendar;
use crate::error::{AdmissionReason as R, FieldError};
use crate::state::OrgState;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The fields an applicant fills in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Application {
    /// 事项名称.
    #[serde(default)]
    pub title: String,
    /// 事项内容.
    #[serde(default)]
    pub content: String,
    /// 依据 (laws, regulations, documents).
    #[serde(default)]
    pub basis: String,
    /// 进入时间 (YYYY-MM-DD).
    #[serde(default)]
    pub start_date: String,
    /// 期限: the last day (YYYY-MM-DD).
    #[serde(default)]
    pub end_date: String,
    /// A recurring task (常态化) rather than a one-off (阶段性).
    #[serde(default)]
    pub recurring: bool,
    /// 下放的相应权限.
    #[serde(default)]
    pub powers: String,
    /// 划拨的工作经费.
    #[serde(default)]
    pub funds: String,
    /// 人员/力量保障.
    #[serde(default)]
    pub staff: String,
    /// Supporting documents (titles or links), one each.
    #[serde(default)]
    pub attachments: Vec<String>,
    /// Townships consulted for their written opinion; empty: every township.
    #[serde(default)]
    pub consult: Vec<String>,
}

/// `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// The `n`-th working day after `d` (`d` itself when `n` is 0).
pub fn working_days_after(cal: &WorkCalendar, d: NaiveDate, n: u32) -> NaiveDate {
    let mut cur = d;
    let mut left = n;
    let mut guard = 0;
    while left > 0 && guard < 3660 {
        cur = cur.succ_opt().unwrap_or(cur);
        if cal.is_working_day(cur) {
            left -= 1;
        }
        guard += 1;
    }
    cur
}

impl Application {
    /// The trimmed form of the fields, with blank attachments left out.
    pub fn normalised(mut self) -> Self {
        for f in [
            &mut self.title,
            &mut self.content,
            &mut self.basis,
            &mut self.start_date,
            &mut self.end_date,
            &mut self.powers,
            &mut self.funds,
            &mut self.staff,
        ] {
            *f = f.trim().to_string();
        }
        self.attachments = self
            .attachments
            .into_iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect();
        self.consult.retain(|c| !c.trim().is_empty());
        self
    }

    /// Every problem with the fields, each naming its field. `today` is the filing date and
    /// `advance` the working days an application must come before the start.
    pub fn problems(
        &self,
        org: &OrgState,
        cal: &WorkCalendar,
        today: NaiveDate,
        advance: u32,
    ) -> Vec<FieldError> {
        let mut errs = vec![];
        for (field, v) in [
            ("title", &self.title),
            ("content", &self.content),
            ("basis", &self.basis),
        ] {
            if v.trim().is_empty() {
                errs.push(FieldError::new("", field, R::Required));
            }
        }
        let date = |field: &str, v: &str, errs: &mut Vec<FieldError>| {
            if v.trim().is_empty() {
                errs.push(FieldError::new("", field, R::Required));
                return None;
            }
            let d = parse_date(v);
            if d.is_none() {
                errs.push(FieldError::new("", field, R::BadDate { input: v.into() }));
            }
            d
        };
        let start = date("start_date", &self.start_date, &mut errs);
        let end = date("end_date", &self.end_date, &mut errs);
        if let Some(s) = start {
            let earliest = working_days_after(cal, today, advance);
            if s < earliest {
                errs.push(FieldError::new(
                    "",
                    "start_date",
                    R::TooLate {
                        days: advance,
                        earliest: earliest.to_string(),
                    },
                ));
            }
        }
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                errs.push(FieldError::new("", "end_date", R::EndBeforeStart));
            }
        }
        for t in &self.consult {
            if !org.unit(t).is_some_and(|u| u.kind.is_township()) {
                errs.push(FieldError::new(
                    "",
                    "consult",
                    R::NotATownship { unit: t.clone() },
                ));
            }
        }
        errs
    }
}
