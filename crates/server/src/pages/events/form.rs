//! Reading the event forms: every form posts `multipart/form-data` (several carry photos), so
//! one reader serves them all. Also the datetime-local fields, read as China Standard Time.

use axum::extract::Multipart;
use std::collections::BTreeMap;

/// At most this many photos per report or handling report.
pub const MAX_PHOTOS: usize = 9;

/// One uploaded file.
pub struct Upload {
    pub field: String,
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The fields of a posted form, in order, plus its files.
#[derive(Default)]
pub struct Fields {
    pub values: Vec<(String, String)>,
    pub files: Vec<Upload>,
    /// The body could not be read completely (too large, cut off...).
    pub broken: Option<String>,
}

impl Fields {
    pub async fn read(mut mp: Multipart) -> Fields {
        let mut f = Fields::default();
        loop {
            match mp.next_field().await {
                Ok(Some(field)) => {
                    let name = field.name().unwrap_or_default().to_string();
                    match field.file_name().map(str::to_string) {
                        Some(file) => match field.bytes().await {
                            Ok(b) if b.is_empty() => {}
                            Ok(b) => f.files.push(Upload {
                                field: name,
                                name: file,
                                bytes: b.to_vec(),
                            }),
                            Err(e) => {
                                f.broken = Some(e.body_text());
                                break;
                            }
                        },
                        None => match field.text().await {
                            Ok(t) => f.values.push((name, t)),
                            Err(e) => {
                                f.broken = Some(e.body_text());
                                break;
                            }
                        },
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    f.broken = Some(e.body_text());
                    break;
                }
            }
        }
        f
    }

    /// The first non-empty value of `name`, trimmed ("" if none).
    pub fn get(&self, name: &str) -> &str {
        self.values
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .find(|v| !v.is_empty())
            .unwrap_or("")
    }

    /// The value as typed (not trimmed), for re-showing multi-line text.
    pub fn raw(&self, name: &str) -> String {
        self.values
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .find(|v| !v.trim().is_empty())
            .unwrap_or("")
            .to_string()
    }

    /// Every non-empty value of `name` (multi-selects, checkbox groups), deduplicated.
    pub fn all(&self, name: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (k, v) in &self.values {
            let v = v.trim();
            if k == name && !v.is_empty() && !out.iter().any(|x| x == v) {
                out.push(v.to_string());
            }
        }
        out
    }

    pub fn has(&self, name: &str) -> bool {
        !self.get(name).is_empty()
    }

    pub fn files_of<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a Upload> + 'a {
        self.files.iter().filter(move |u| u.field == field)
    }

    /// Every value, for re-showing a form after an error (multi-values joined by newlines).
    pub fn kept(&self) -> BTreeMap<String, String> {
        let mut m: BTreeMap<String, String> = BTreeMap::new();
        for (k, v) in &self.values {
            if k == "csrf" {
                continue;
            }
            match m.get_mut(k) {
                Some(old) if !v.trim().is_empty() => {
                    if old.trim().is_empty() {
                        *old = v.clone();
                    } else {
                        old.push('\n');
                        old.push_str(v);
                    }
                }
                Some(_) => {}
                None => {
                    m.insert(k.clone(), v.clone());
                }
            }
        }
        m
    }
}

/// Photo hashes kept from an earlier attempt (hidden `photo_hash` fields), checked for shape.
pub fn kept_photos(f: &Fields) -> Vec<String> {
    f.all("photo_hash")
        .into_iter()
        .filter(|h| tiaokuai_core::events::check::valid_photo_hash(h))
        .collect()
}

/// Days from 1970-01-01 to a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = (if y >= 0 { y } else { y - 399 }) / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `2026-11-21T14:30` (or with a space, or with seconds) read in China Standard Time.
pub fn parse_cst(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, time) = s.split_once(['T', ' ']).unwrap_or((s, "00:00"));
    let mut d = date.split('-').map(|x| x.parse::<i64>().ok());
    let (y, mo, da) = (d.next()??, d.next()??, d.next()??);
    if d.next().is_some() || !(1..=12).contains(&mo) || !(1..=31).contains(&da) {
        return None;
    }
    let mut t = time.split(':').map(|x| x.parse::<i64>().ok());
    let (h, mi) = (t.next()??, t.next()??);
    let sec = match t.next() {
        Some(x) => x?,
        None => 0,
    };
    if !(0..24).contains(&h) || !(0..60).contains(&mi) || !(0..60).contains(&sec) {
        return None;
    }
    let days = days_from_civil(y, mo, da);
    Some(((days * 86_400 + h * 3600 + mi * 60 + sec) - 8 * 3600) * 1000)
}

/// The value for a `datetime-local` input: `2026-11-21T14:30`.
pub fn datetime_local(ms: i64) -> String {
    let t = tiaokuai_app::cst::format_ms(ms);
    t.get(..16).unwrap_or_default().replacen(' ', "T", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cst_times() {
        // 2026-02-13T08:00:00Z is 16:00 in China.
        assert_eq!(parse_cst("2026-02-13T16:00"), Some(1_770_969_600_000));
        assert_eq!(parse_cst("2026-02-13 16:00:00"), Some(1_770_969_600_000));
        assert_eq!(datetime_local(1_770_969_600_000), "2026-02-13T16:00");
        assert_eq!(parse_cst("2026-13-01T00:00"), None);
        assert_eq!(parse_cst("yesterday"), None);
        assert_eq!(parse_cst("2026-02-13T25:00"), None);
    }
}
