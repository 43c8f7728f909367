//! Pages and handlers render refusals from their `Reason`, never by reading error text: a
//! reworded message in the core must not silently change what a page shows.

use std::path::{Path, PathBuf};
use tiaokuai_core::Reason;

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let p = entry.expect("dir entry").path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The non-test code of a source file (unit tests may look at rendered text).
fn code(text: &str) -> &str {
    text.split("#[cfg(test)]").next().unwrap_or(text)
}

/// `(file, line number, line)` of every line of server code outside tests.
fn lines() -> Vec<(String, usize, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![];
    sources(&src, &mut files);
    assert!(files.len() > 20, "found {} files", files.len());
    let mut out = vec![];
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read source");
        let name = f.strip_prefix(&src).unwrap_or(&f).display().to_string();
        for (i, l) in code(&text).lines().enumerate() {
            out.push((name.clone(), i + 1, l.to_string()));
        }
    }
    out
}

const TESTS: [&str; 5] = [
    ".contains(",
    ".starts_with(",
    ".ends_with(",
    ".strip_prefix(",
    ".find(",
];

#[test]
fn no_code_inspects_the_text_of_an_error() {
    let texts = [
        "message.",
        "message().",
        ".en().",
        ".zh().",
        "to_string().",
        "body_text().",
    ];
    for (file, n, l) in lines() {
        for t in texts {
            for m in TESTS {
                let bad = format!("{t}{}", &m[1..]);
                assert!(
                    !l.contains(&bad),
                    "{file}:{n} inspects error text ({bad}): {l}"
                );
            }
        }
        let refusal = l.contains("Forbidden(") || l.contains("Conflict(") || l.contains("Invalid(");
        assert!(
            !(refusal && TESTS.iter().any(|m| l.contains(m))),
            "{file}:{n} inspects the text of a refusal: {l}"
        );
    }
}

/// A string literal that a page compares against is none of the catalogue's English texts.
#[test]
fn no_literal_matches_a_catalogue_text() {
    let texts: Vec<String> = Reason::samples().iter().map(|r| r.en()).collect();
    for (file, n, l) in lines() {
        for m in TESTS {
            let mut rest = l.as_str();
            while let Some(at) = rest.find(&format!("{m}\"")) {
                let lit = &rest[at + m.len() + 1..];
                let lit = lit.split('"').next().unwrap_or("");
                if lit.chars().count() >= 10 {
                    assert!(
                        !texts.iter().any(|t| t.contains(lit)),
                        "{file}:{n} matches the catalogue text \"{lit}\": {l}"
                    );
                }
                rest = &rest[at + m.len()..];
            }
        }
    }
}
