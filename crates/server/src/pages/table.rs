//! The one shared piece behind the tables people work with (events, lists, people, audit log):
//! the sort/paging query, column definitions, typed sort keys (numbers as numbers, 序号 like
//! `1.10` naturally, times as times), page links, sortable header links and the xlsx export of
//! the same filtered and sorted rows.

use crate::i18n::Lang;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook};
use serde::Deserialize;
use std::cmp::Ordering;

pub const DEFAULT_PER: usize = 50;
const MAX_PER: usize = 500;
/// The most rows an export writes.
pub const EXPORT_CAP: usize = 100_000;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Sort and paging parameters, read from the same query string as each page's own filters
/// (a second `Query` extractor; unknown keys are ignored both ways). Strings, so a mistyped
/// value falls back to the default instead of a 400.
#[derive(Deserialize, Default, Clone, Debug)]
pub struct TableQuery {
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub dir: String,
    #[serde(default)]
    pub page: String,
    #[serde(default)]
    pub per: String,
}

impl TableQuery {
    pub fn page(&self) -> usize {
        self.page.parse::<usize>().unwrap_or(1).max(1)
    }
    pub fn per(&self) -> usize {
        self.per
            .parse::<usize>()
            .unwrap_or(DEFAULT_PER)
            .clamp(1, MAX_PER)
    }
    /// The sort column if it is one of `cols` and sortable, else `default`.
    pub fn sorted(&self, cols: &[Col], default: (&'static str, bool)) -> Sorted {
        match cols.iter().find(|c| c.sortable && c.key == self.sort) {
            Some(c) => Sorted {
                key: c.key,
                desc: match self.dir.as_str() {
                    "desc" => true,
                    "asc" => false,
                    _ => c.desc_first,
                },
            },
            None => Sorted {
                key: default.0,
                desc: default.1,
            },
        }
    }
}

/// The sort in force: a column key (empty: the rows' own order) and its direction.
#[derive(Clone, Copy, Debug)]
pub struct Sorted {
    pub key: &'static str,
    pub desc: bool,
}

impl Sorted {
    /// `sort=…&dir=…&` for links (nothing for the rows' own order).
    pub fn qs(&self) -> String {
        if self.key.is_empty() {
            String::new()
        } else {
            format!(
                "sort={}&dir={}&",
                self.key,
                if self.desc { "desc" } else { "asc" }
            )
        }
    }
}

/// One column: its key in URLs, its heading in both languages, and how it behaves.
#[derive(Clone, Copy, Debug)]
pub struct Col {
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub sortable: bool,
    /// Right-aligned, written to xlsx as a number when it parses as one.
    pub num: bool,
    /// The first click sorts descending (times: newest first).
    pub desc_first: bool,
}

impl Col {
    pub const fn text(key: &'static str, zh: &'static str, en: &'static str) -> Col {
        Col {
            key,
            zh,
            en,
            sortable: true,
            num: false,
            desc_first: false,
        }
    }
    pub const fn time(key: &'static str, zh: &'static str, en: &'static str) -> Col {
        Col {
            desc_first: true,
            ..Col::text(key, zh, en)
        }
    }
    pub const fn num(key: &'static str, zh: &'static str, en: &'static str) -> Col {
        Col {
            num: true,
            ..Col::text(key, zh, en)
        }
    }
    pub const fn fixed(key: &'static str, zh: &'static str, en: &'static str) -> Col {
        Col {
            sortable: false,
            ..Col::text(key, zh, en)
        }
    }
    pub fn label(&self, l: Lang) -> &'static str {
        l.pick(self.zh, self.en)
    }
}

/// A typed sort key. Missing values sort last in either direction.
#[derive(Clone, Debug)]
pub enum Key {
    Int(i64),
    Text(String),
    /// Digit runs compare as numbers: `1.9` < `1.10` < `2`.
    Natural(String),
    Missing,
}

impl Key {
    pub fn opt_int(v: Option<i64>) -> Key {
        v.map(Key::Int).unwrap_or(Key::Missing)
    }
    pub fn text(s: &str) -> Key {
        if s.is_empty() {
            Key::Missing
        } else {
            Key::Text(s.to_string())
        }
    }
}

/// Compares digit runs by value and everything else by character.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let run = |it: &mut std::iter::Peekable<std::str::Chars>| {
                    let mut s = String::new();
                    while let Some(c) = it.peek().copied().filter(|c| c.is_ascii_digit()) {
                        s.push(c);
                        it.next();
                    }
                    s
                };
                let (p, q) = (run(&mut x), run(&mut y));
                let (p, q) = (p.trim_start_matches('0'), q.trim_start_matches('0'));
                let o = p.len().cmp(&q.len()).then_with(|| p.cmp(q));
                if o != Ordering::Equal {
                    return o;
                }
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(&d);
                }
                x.next();
                y.next();
            }
        }
    }
}

fn cmp_keys(a: &Key, b: &Key) -> Ordering {
    match (a, b) {
        (Key::Int(a), Key::Int(b)) => a.cmp(b),
        (Key::Natural(a), Key::Natural(b)) => natural_cmp(a, b),
        (Key::Text(a), Key::Text(b)) => a.cmp(b),
        (Key::Natural(a), Key::Text(b)) | (Key::Text(a), Key::Natural(b)) => natural_cmp(a, b),
        _ => Ordering::Equal,
    }
}

/// Sorts rows (stably) by `key(row, column)` in the direction asked; missing keys stay last.
pub fn sort_by<R>(rows: &mut [R], s: Sorted, key: impl Fn(&R, &str) -> Key) {
    if s.key.is_empty() {
        return;
    }
    rows.sort_by(|a, b| {
        let (ka, kb) = (key(a, s.key), key(b, s.key));
        match (&ka, &kb) {
            (Key::Missing, Key::Missing) => Ordering::Equal,
            (Key::Missing, _) => Ordering::Greater,
            (_, Key::Missing) => Ordering::Less,
            _ if s.desc => cmp_keys(&kb, &ka),
            _ => cmp_keys(&ka, &kb),
        }
    });
}

/// A sortable column heading: its link toggles the direction, its arrow shows the sort.
pub struct Header {
    pub key: &'static str,
    pub label: &'static str,
    /// Empty when the column does not sort.
    pub href: String,
    pub arrow: &'static str,
    /// `ascending` / `descending` / `none`, for `aria-sort`.
    pub aria: &'static str,
    pub num: bool,
}

/// The headings of `cols`; links go to `base?{filters}sort=…&dir=…` (page 1).
pub fn headers(cols: &[Col], l: Lang, base: &str, filters: &str, s: Sorted) -> Vec<Header> {
    cols.iter()
        .map(|c| {
            let current = c.key == s.key;
            let desc = if current { !s.desc } else { c.desc_first };
            Header {
                key: c.key,
                label: c.label(l),
                href: if c.sortable {
                    format!(
                        "{base}?{filters}sort={}&dir={}",
                        c.key,
                        if desc { "desc" } else { "asc" }
                    )
                } else {
                    String::new()
                },
                arrow: match (current, s.desc) {
                    (false, _) => "",
                    (true, false) => "▲",
                    (true, true) => "▼",
                },
                aria: match (current, s.desc) {
                    (false, _) => "none",
                    (true, false) => "ascending",
                    (true, true) => "descending",
                },
                num: c.num,
            }
        })
        .collect()
}

pub struct PageLink {
    pub n: usize,
    pub href: String,
    pub current: bool,
}

/// Where the rows of one page sit among all, with links to the others.
pub struct Pager {
    pub pages: usize,
    /// "共 N 条" / "N in all".
    pub total_text: String,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// The first, the last and those near the current page; a gap is a `0`.
    pub links: Vec<PageLink>,
}

/// The rows of the page asked for (the last one if it asked beyond), and the pager whose links
/// go to `base?{filters}{sort}page=N`. `unit` counts rows: 条 or 件.
pub fn paginate<R>(
    rows: Vec<R>,
    q: &TableQuery,
    base: &str,
    keep: &str,
    l: Lang,
    unit: &str,
) -> (Vec<R>, Pager) {
    let per = q.per();
    let total = rows.len();
    let pages = total.div_ceil(per).max(1);
    let page = q.page().min(pages);
    let per_qs = if per == DEFAULT_PER {
        String::new()
    } else {
        format!("per={per}&")
    };
    let href = |n: usize| format!("{base}?{keep}{per_qs}page={n}");
    let mut links = Vec::new();
    for n in 1..=pages {
        if n == 1 || n == pages || n.abs_diff(page) <= 2 {
            links.push(PageLink {
                n,
                href: href(n),
                current: n == page,
            });
        } else if links.last().is_some_and(|x: &PageLink| x.n != 0) {
            links.push(PageLink {
                n: 0,
                href: String::new(),
                current: false,
            });
        }
    }
    let rows: Vec<R> = rows.into_iter().skip((page - 1) * per).take(per).collect();
    let total_text = match l {
        Lang::Zh => format!("共 {total} {unit}"),
        Lang::En => format!("{total} in all"),
    };
    let pager = Pager {
        pages,
        total_text,
        prev: (page > 1).then(|| href(page - 1)),
        next: (page < pages).then(|| href(page + 1)),
        links,
    };
    (rows, pager)
}

/// `k=v&` for each non-empty value, URL-encoded: the filters a link keeps.
pub fn keep(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}&", crate::session::url_encode(v)))
        .collect()
}

/// RFC 5987 `attr-char` percent-encoding, for `filename*=UTF-8''…`.
fn rfc5987(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `attachment` with an ASCII fallback name and the real (Chinese) one per RFC 5987.
pub fn disposition(ascii: &str, name: &str) -> String {
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        rfc5987(name)
    )
}

/// The rows of a table as a one-sheet workbook: headers (bold, frozen) in the reader's
/// language, then each row's cells; numeric columns stay numbers.
pub fn xlsx(sheet: &str, cols: &[Col], l: Lang, rows: &[Vec<String>]) -> Result<Vec<u8>, String> {
    let xe = |e: rust_xlsxwriter::XlsxError| format!("xlsx: {e}");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).map_err(xe)?;
    let bold = Format::new().set_bold();
    for (c, col) in cols.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, col.label(l), &bold)
            .map_err(xe)?;
    }
    for (r, row) in rows.iter().take(EXPORT_CAP).enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let num = cols.get(c).is_some_and(|x| x.num);
            match cell.parse::<f64>() {
                Ok(n) if num => ws.write_number(r, c as u16, n).map_err(xe)?,
                _ => ws.write_string(r, c as u16, cell).map_err(xe)?,
            };
        }
    }
    ws.set_freeze_panes(1, 0).map_err(xe)?;
    ws.autofit();
    wb.save_to_buffer().map_err(xe)
}

/// The workbook as a download named `{zh or en name}-{date}.xlsx`.
pub fn xlsx_response(
    l: Lang,
    name: (&str, &str),
    cols: &[Col],
    rows: &[Vec<String>],
) -> Result<Response, crate::error::PageError> {
    let bytes = xlsx(l.pick("数据", "data"), cols, l, rows).map_err(|e| {
        tracing::error!(error = %e, "xlsx export failed");
        crate::error::PageError {
            status: axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            message: l.t("err.internal").to_string(),
            lang: l,
        }
    })?;
    let date = tiaokuai_app::cst::date_of(tiaokuai_app::now_ms());
    let ascii = format!("{}-{date}.xlsx", name.1);
    let real = format!(
        "{}-{date}.xlsx",
        if l == Lang::Zh { name.0 } else { name.1 }
    );
    Ok((
        [
            ("content-type", XLSX.to_string()),
            ("content-disposition", disposition(&ascii, &real)),
            ("cache-control", "no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// A `YYYY-MM-DD` range as `[from, to)` milliseconds; either end may be open.
pub fn day_range(from: &str, to: &str) -> (Option<i64>, Option<i64>) {
    (
        tiaokuai_app::cst::day_start_ms(from),
        tiaokuai_app::cst::day_start_ms(to).map(|t| t + 86_400_000),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_sort_naturally() {
        let mut v = vec!["1.10", "1.9", "2", "10", "1.2.3", "1"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["1", "1.2.3", "1.9", "1.10", "2", "10"]);
    }

    #[test]
    fn missing_keys_stay_last() {
        let mut v = vec![None, Some(3), Some(1)];
        for desc in [false, true] {
            sort_by(&mut v, Sorted { key: "k", desc }, |r, _| Key::opt_int(*r));
            assert_eq!(v[2], None);
        }
        assert_eq!(v[0], Some(3));
    }

    #[test]
    fn pages_and_gaps() {
        let q = TableQuery {
            page: "5".into(),
            ..Default::default()
        };
        let (rows, p) = paginate((0..463).collect(), &q, "/lists", "", Lang::Zh, "条");
        assert_eq!((rows.len(), rows[0], p.pages), (50, 200, 10));
        assert_eq!(p.total_text, "共 463 条");
        let ns: Vec<usize> = p.links.iter().map(|x| x.n).collect();
        assert_eq!(ns, [1, 0, 3, 4, 5, 6, 7, 0, 10]);
    }

    #[test]
    fn chinese_file_names() {
        assert_eq!(
            disposition("lists.xlsx", "清单.xlsx"),
            "attachment; filename=\"lists.xlsx\"; filename*=UTF-8''%E6%B8%85%E5%8D%95.xlsx"
        );
    }
}
