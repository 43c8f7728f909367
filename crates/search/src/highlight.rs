//! Highlighting: marks query words in a name or a short snippet with
//! `<mark>` and HTML-escapes everything else. Matching is on characters
//! (case-insensitive), so a query character `桥` is marked inside `桥梁`.

use std::collections::HashMap;

/// Appends `s` to `out` with `& < > " '` escaped.
pub(crate) fn escape_into(s: impl IntoIterator<Item = char>, out: &mut String) {
    for c in s {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// HTML-escapes `s`.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(s.chars(), &mut out);
    out
}

fn lower_char(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Query terms prepared for matching: lower-cased characters, indexed by
/// their first character.
pub(crate) struct Matcher {
    terms: Vec<Vec<char>>,
    by_first: HashMap<char, Vec<usize>>,
}

/// One occurrence of a term: character range and term index.
#[derive(Clone, Copy, Debug)]
struct Occurrence {
    start: usize,
    end: usize,
    term: usize,
}

impl Matcher {
    /// Prepares `terms` (empty strings are ignored).
    pub fn new(terms: &[String]) -> Matcher {
        let mut m = Matcher {
            terms: Vec::new(),
            by_first: HashMap::new(),
        };
        for t in terms {
            let chars: Vec<char> = t.chars().map(lower_char).collect();
            if let Some(&first) = chars.first() {
                m.by_first.entry(first).or_default().push(m.terms.len());
                m.terms.push(chars);
            }
        }
        m
    }

    fn occurrences(&self, chars: &[char]) -> Vec<Occurrence> {
        let lower: Vec<char> = chars.iter().copied().map(lower_char).collect();
        let mut out = Vec::new();
        for (i, c) in lower.iter().enumerate() {
            let Some(cands) = self.by_first.get(c) else {
                continue;
            };
            for &ti in cands {
                let t = &self.terms[ti];
                if lower.get(i..i + t.len()) == Some(t.as_slice()) {
                    out.push(Occurrence {
                        start: i,
                        end: i + t.len(),
                        term: ti,
                    });
                }
            }
        }
        out
    }

    /// `text` escaped, with every match wrapped in `<mark>`.
    pub fn mark(&self, text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let occ = self.occurrences(&chars);
        render(&chars, 0, chars.len(), &occ)
    }

    /// A snippet of at most `max_chars` characters (ellipses included) from
    /// the text that matches the query best, with matches marked.
    pub fn snippet(&self, texts: &[&str], max_chars: usize) -> String {
        let max_chars = max_chars.max(3);
        let mut best: Option<(usize, Vec<char>, Vec<Occurrence>)> = None;
        for text in texts {
            let chars: Vec<char> = text.chars().collect();
            let occ = self.occurrences(&chars);
            let score = self.weight(&occ);
            let better = match &best {
                None => !chars.is_empty(),
                Some((s, _, _)) => score > *s,
            };
            if better {
                best = Some((score, chars, occ));
            }
        }
        let Some((_, chars, occ)) = best else {
            return String::new();
        };
        let n = chars.len();
        if n <= max_chars {
            return render(&chars, 0, n, &occ);
        }
        // Pick the window start that covers the most (and longest) distinct terms.
        let mut start = 0usize;
        let mut best_w = 0usize;
        for o in &occ {
            let s = o.start.saturating_sub(8).min(n - max_chars);
            let inside: Vec<Occurrence> = occ
                .iter()
                .copied()
                .filter(|x| x.start >= s && x.end <= s + max_chars)
                .collect();
            let w = self.weight(&inside);
            if w > best_w {
                best_w = w;
                start = s;
            }
        }
        let lead = start > 0;
        let mut len = max_chars - usize::from(lead);
        let trail = start + len < n;
        if trail {
            len -= 1;
        }
        let mut out = String::new();
        if lead {
            out.push('…');
        }
        out.push_str(&render(&chars, start, start + len, &occ));
        if trail {
            out.push('…');
        }
        out
    }

    /// Sum of the lengths of the distinct terms found.
    fn weight(&self, occ: &[Occurrence]) -> usize {
        let mut seen: Vec<usize> = occ.iter().map(|o| o.term).collect();
        seen.sort_unstable();
        seen.dedup();
        seen.iter().map(|&t| self.terms[t].len()).sum()
    }
}

/// Renders `chars[from..to]`, escaped, with the (merged, clipped) occurrences marked.
fn render(chars: &[char], from: usize, to: usize, occ: &[Occurrence]) -> String {
    let mut ranges: Vec<(usize, usize)> = occ
        .iter()
        .map(|o| (o.start.max(from), o.end.min(to)))
        .filter(|(s, e)| s < e)
        .collect();
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut out = String::new();
    let mut pos = from;
    for (s, e) in merged {
        escape_into(chars[pos..s].iter().copied(), &mut out);
        out.push_str("<mark>");
        escape_into(chars[s..e].iter().copied(), &mut out);
        out.push_str("</mark>");
        pos = e;
    }
    escape_into(chars[pos..to].iter().copied(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_and_escapes() {
        let m = Matcher::new(&["油烟".to_string(), "<b>".to_string()]);
        assert_eq!(
            m.mark("餐饮油烟<b>扰民"),
            "餐饮<mark>油烟&lt;b&gt;</mark>扰民"
        );
        assert_eq!(m.mark("a&b"), "a&amp;b");
    }

    #[test]
    fn snippet_is_short_and_centred() {
        let text = format!("{}油烟{}", "甲".repeat(100), "乙".repeat(100));
        let m = Matcher::new(&["油烟".to_string()]);
        let s = m.snippet(&["无关", &text], 80);
        assert!(s.contains("<mark>油烟</mark>"));
        let plain = s.replace("<mark>", "").replace("</mark>", "");
        assert_eq!(plain.chars().count(), 80);
        assert!(plain.starts_with('…') && plain.ends_with('…'));
    }
}
