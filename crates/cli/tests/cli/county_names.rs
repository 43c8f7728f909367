//! A list workbook written with a county's own unit names: the usual variants resolve, an
//! unknown name gets the closest candidates, and `org alias` teaches a name once.

use super::common::tk;

#[test]
fn county_names_resolve_and_aliases_teach_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let (code, out) = tk(&["migrate"], d);
    assert_eq!(code, 0, "{out}");
    let mut args = vec!["org", "import"];
    let org: Vec<String> = ["units.csv", "people.csv", "grids.csv"]
        .iter()
        .map(|f| root.join("demo/org").join(f).display().to_string())
        .collect();
    args.extend(org.iter().map(|s| s.as_str()));
    let (code, out) = tk(&args, d);
    assert_eq!(code, 0, "{out}");

    let sheet = d.join("属地管理事项清单.csv");
    let write = |rows: &str| {
        std::fs::write(
            &sheet,
            format!("序号,事项名称,主体责任单位,主体责任,配合责任单位,配合责任\n{rows}"),
        )
        .unwrap()
    };
    write(
        "1,违法建设查处,县综合行政执法局,查处,县自然资源和规划局、县住房和城乡建设局,配合\n\
         2,危险化学品巡查,县应急管理局,巡查,县生态环境局,配合\n\
         3,文物保护巡查,县文广旅体局,巡查,,\n",
    );
    let path = sheet.display().to_string();
    let (code, out) = tk(&["lists", "import", &path, "--dry-run"], d);
    assert_ne!(code, 0, "{out}");
    assert!(
        out.contains("县文广旅体局")
            && out.contains("青川县文化和旅游局")
            && out.contains("青川县教育和体育局"),
        "the unknown name comes with the closest units:\n{out}"
    );
    assert!(
        !out.contains("'县综合行政执法局'") && !out.contains("'县生态环境局'"),
        "the county's usual names resolve:\n{out}"
    );
    let (code, out) = tk(&["org", "alias", "D-WL", "县文广旅体局"], d);
    assert_eq!(code, 0, "{out}");
    let (code, out) = tk(&["lists", "import", &path, "--dry-run"], d);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("would import 3 items"), "{out}");
    // The alias is taken now; another unit cannot have it.
    let (code, out) = tk(&["org", "alias", "D-JY", "县文广旅体局"], d);
    assert_ne!(code, 0);
    assert!(out.contains("already names unit D-WL"), "{out}");
}
