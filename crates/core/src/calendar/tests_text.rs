//! Text in and out: CST times, office hours, limits and the holiday CSV.

use super::*;
use crate::{DomainError, FieldError};

fn at(s: &str) -> i64 {
    parse_cst(s).unwrap()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn calendar_cst_text() {
    assert_eq!(format_cst(at("2026-02-13 16:00")), "2026-02-13T16:00+08:00");
    assert_eq!(at("2026-02-13T16:00+08:00"), at("2026-02-13T16:00"));
    assert_eq!(at("2026-02-13T08:00Z"), at("2026-02-13T16:00"));
    assert_eq!(at("2026-02-13T16:00:30") - at("2026-02-13T16:00"), 30_000);
    assert_eq!(at("2026-02-13"), at("2026-02-13T00:00"));
    assert_eq!(at("2026-02-13T16:00"), 1_770_969_600_000);
    assert_eq!(
        format_cst(at("2026-02-13T16:00:30")),
        "2026-02-13T16:00:30+08:00"
    );
    assert_eq!(cst_date(at("2026-02-13T23:59")), date("2026-02-13"));
    assert_eq!(cst_date(at("2026-02-14T00:00")), date("2026-02-14"));
    for bad in [
        "",
        "2026-02-30T10:00",
        "2026-02-13T25:00",
        "tomorrow",
        "2026-02-13T16",
        "今天",
    ] {
        assert!(parse_cst(bad).is_err(), "{bad}");
    }
}

#[test]
fn calendar_office_hours_and_limits() {
    let d = OfficeHours::default();
    assert_eq!(d.to_string(), "08:30-12:00,13:30-17:30");
    assert_eq!(OfficeHours::parse("08:30-12:00,13:30-17:30").unwrap(), d);
    assert_eq!(
        OfficeHours::parse(" 8:30 - 12:00 ， 13:30–17:30 ").unwrap(),
        d
    );
    assert_eq!(d.minutes_per_day(), 450);
    assert!(d.validate().is_ok());
    for bad in [
        "",
        "08:30",
        "12:00-08:30",
        "08:30-12:00,11:00-17:30",
        "08:61-09:00",
        "23:00-24:01",
    ] {
        assert!(OfficeHours::parse(bad).is_err(), "{bad}");
    }
    assert!(OfficeHours::parse("00:00-24:00").is_ok());
    assert_eq!(Limit::parse("30m"), Ok(Limit::WorkingMinutes(30)));
    assert_eq!(Limit::parse("2h"), Ok(Limit::WorkingMinutes(120)));
    assert_eq!(Limit::parse("5d"), Ok(Limit::WorkingDays(5)));
    assert_eq!(Limit::parse(" 30CM "), Ok(Limit::ClockMinutes(30)));
    for bad in [
        "",
        "5",
        "d",
        "-5d",
        "5 weeks",
        "99999999999d",
        "4294967295h",
    ] {
        assert!(Limit::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(Limit::WorkingMinutes(30).label_zh(), "30 工作分钟");
    assert_eq!(Limit::WorkingDays(5).label_zh(), "5 个工作日");
    assert_eq!(Limit::ClockMinutes(30).label_zh(), "30 分钟");
    for l in [
        Limit::WorkingMinutes(7),
        Limit::WorkingDays(3),
        Limit::ClockMinutes(9),
    ] {
        assert_eq!(Limit::parse(&l.to_string()), Ok(l));
        let json = serde_json::to_string(&l).unwrap();
        assert_eq!(serde_json::from_str::<Limit>(&json).unwrap(), l);
    }
    let json = serde_json::to_string(&Limit::WorkingDays(5)).unwrap();
    assert_eq!(json, r#"{"unit":"working_days","n":5}"#);
}

#[test]
fn calendar_csv_kinds_source_and_merging() {
    let text =
        "\u{feff}date,kind,name,source\n2027-02-06,休,春节,国办发明电\n2027/2/7,班,春节调休,\n\
                2027年2月8日,上班,x,\n2027-02-09,假,y,\n,,\n2027-02-10,Holiday,z,\n";
    let days = WorkCalendar::parse_csv(text).unwrap();
    let kinds: Vec<DayKind> = days.iter().map(|d| d.kind).collect();
    use DayKind::{Holiday as H, Workday as W};
    assert_eq!(kinds, vec![H, W, W, H, H]);
    assert_eq!(days[1].date, date("2027-02-07"));
    let merged = builtin().with_days(days);
    assert_eq!(merged.years_covered(), vec![2025, 2026, 2027]);
    assert!(!merged.is_working_day(date("2027-02-09")));
    // Later entries for a date win.
    let one = |k| SpecialDay {
        date: date("2026-02-16"),
        kind: k,
        name: String::new(),
    };
    let c = WorkCalendar::new([one(H), one(W)], OfficeHours::default());
    assert!(c.is_working_day(date("2026-02-16")));
    assert!(builtin()
        .with_days([one(W)])
        .is_working_day(date("2026-02-16")));
    assert_eq!(WorkCalendar::parse_csv("date,kind,name\n").unwrap(), vec![]);
}

#[test]
fn calendar_csv_errors_name_row_and_field() {
    let text = "date,kind,name\n2026-02-14,workday,ok\n2026-02-30,holiday,bad date\n\
                2026-03-01,weekend,bad kind\n\n2026-02-14,holiday,twice\n\"2026-03-02\",\"休\",\"two\nlines\"\nnope,,\n";
    let Err(DomainError::Invalid(errors)) = WorkCalendar::parse_csv(text) else {
        panic!("expected errors");
    };
    let at: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| (e.location.as_str(), e.field.as_str()))
        .collect();
    assert_eq!(
        at,
        vec![
            ("row 3", "date"),
            ("row 4", "kind"),
            ("row 6", "date"),
            ("row 8", "date"),
            ("row 8", "kind"),
        ],
        "{errors:?}"
    );
    assert!(errors[0].message().contains("2026-02-30"), "{errors:?}");
    assert!(errors[2].message().contains("row 2"), "{errors:?}");
    let Err(DomainError::Invalid(e)) = WorkCalendar::parse_csv("day,type\n2026-01-01,holiday\n")
    else {
        panic!("expected a header error");
    };
    assert_eq!(e[0], FieldError::new("row 1", "date", e[0].reason.clone()));
    assert!(WorkCalendar::parse_csv("").is_err());
    let crlf = "date,kind,name\r\n\r\n2026-02-30,holiday,x\r\n";
    let Err(DomainError::Invalid(e)) = WorkCalendar::parse_csv(crlf) else {
        panic!("expected a date error");
    };
    assert_eq!(
        (e[0].location.as_str(), e[0].field.as_str()),
        ("row 3", "date")
    );
}
