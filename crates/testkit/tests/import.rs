use std::io::Write;
use tiaokuai_app::{now_ms, Actor, AppError};
use tiaokuai_core::DomainError;
use tiaokuai_testkit::demo_engine;

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::File::create(&p)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    p
}

fn errors(e: AppError) -> Vec<String> {
    match e {
        AppError::Domain(DomainError::Invalid(v)) => v.iter().map(|e| e.to_string()).collect(),
        other => panic!("expected validation errors, got {other}"),
    }
}

#[tokio::test]
async fn bad_rows_are_all_reported_and_nothing_is_written() {
    let (engine, fx) = demo_engine().await.unwrap();
    let size = engine.tree_head().await.0;
    // A title row above the header, as published tables have.
    let units = write(
        fx.dir.path(),
        "units.csv",
        "青川县新增单位表,,,,,,,\n编码,名称,简称,别名,类型,上级编码,所属部门编码,所在乡镇编码\n\
         X-1,新单位,新,,部门,370999,,\n\
         X-1,重复单位,重,,部门,370999,,\n\
         X-2,未知上级,未,,部门,NOPE,,\n\
         X-3,坏类型,坏,,银河,370999,,\n\
         X-4,,空,,部门,370999,,\n",
    );
    let grids = write(
        fx.dir.path(),
        "grids.csv",
        "编码,名称,类型,所属村社编码,网格长账号,网格员账号,边界\n\
         G-1,坏网格,综合,370999001001,,,\"{\"\"type\"\":\"\"Polygon\"\",\"\"coordinates\"\":[[[117,36],[117.1,36],[117.1,36.1]]]}\"\n\
         G-2,无村网格,综合,NOPE,,,\"{\"\"type\"\":\"\"Point\"\",\"\"coordinates\"\":[1,2]}\"\n",
    );
    let err = engine
        .import_org(
            &Actor::system("t"),
            now_ms(),
            &[units.as_path(), grids.as_path()],
            false,
        )
        .await
        .unwrap_err();
    let errs = errors(err);
    let all = errs.join("\n");
    assert!(
        all.contains("units.csv row 4, 编码: duplicate code 'X-1' (first used on row 3)"),
        "{all}"
    );
    assert!(
        all.contains("units.csv row 5, 上级编码: unknown unit 'NOPE'"),
        "{all}"
    );
    assert!(
        all.contains("units.csv row 6, 类型: unknown unit type '银河'"),
        "{all}"
    );
    assert!(all.contains("units.csv row 7, 名称: is empty"), "{all}");
    assert!(all.contains("grids.csv row 2, 边界:"), "{all}");
    assert!(
        all.contains("grids.csv row 3, 所属村社编码: unknown unit 'NOPE'"),
        "{all}"
    );
    assert_eq!(engine.tree_head().await.0, size, "nothing may be written");
}

#[tokio::test]
async fn missing_columns_and_empty_sheets_are_named() {
    let (engine, fx) = demo_engine().await.unwrap();
    let people = write(fx.dir.path(), "people.csv", "账号,姓名\nzhang,张三\n");
    let empty = write(fx.dir.path(), "empty.csv", "");
    let err = engine
        .import_org(
            &Actor::system("t"),
            now_ms(),
            &[people.as_path(), empty.as_path()],
            false,
        )
        .await
        .unwrap_err();
    let all = errors(err).join("\n");
    assert!(all.contains("empty.csv, sheet: is empty"), "{all}");
    let err = engine
        .import_org(&Actor::system("t"), now_ms(), &[people.as_path()], false)
        .await
        .unwrap_err();
    let all = errors(err).join("\n");
    assert!(
        all.contains("people.csv row 1, 所属单位编码: required column is missing"),
        "{all}"
    );
}

#[tokio::test]
async fn units_can_be_named_by_short_name_or_alias_and_dry_run_writes_nothing() {
    let (engine, fx) = demo_engine().await.unwrap();
    let size = engine.tree_head().await.0;
    let units = write(
        fx.dir.path(),
        "units.csv",
        "编码,名称,简称,别名,类型,上级编码,所属部门编码,所在乡镇编码\nD-ZJ-99,住建局测试股,测试股,,科室,县住建局,,\n",
    );
    let s = engine
        .import_org(&Actor::system("t"), now_ms(), &[units.as_path()], true)
        .await
        .unwrap();
    assert_eq!(s.units, 1);
    assert_eq!(engine.tree_head().await.0, size);
    engine
        .import_org(&Actor::system("t"), now_ms(), &[units.as_path()], false)
        .await
        .unwrap();
    let parent = engine
        .with_state(|s| s.org.units["D-ZJ-99"].parent.clone())
        .await
        .unwrap();
    assert_eq!(parent.as_deref(), Some("D-ZJ"));
}

#[tokio::test]
async fn export_then_import_round_trips() {
    let (engine, fx) = demo_engine().await.unwrap();
    let state = engine.with_state(|s| s.clone()).await.unwrap();
    let xlsx = fx.dir.path().join("org.xlsx");
    tiaokuai_app::org_io::export_xlsx(&state, &xlsx).unwrap();
    // Into a fresh database: the organisation must come back identical.
    let (store2, _fx2) = tiaokuai_testkit::fresh_db().await.unwrap();
    let e2 = tiaokuai_app::Engine::start(store2, "370999", tiaokuai_testkit::test_signer())
        .await
        .unwrap();
    e2.import_org(&Actor::system("t"), now_ms(), &[xlsx.as_path()], false)
        .await
        .unwrap();
    let org2 = e2.with_state(|s| s.org.clone()).await.unwrap();
    assert_eq!(org2.units, state.org.units);
    assert_eq!(org2.grids, state.org.grids);
    let people = |o: &tiaokuai_core::state::OrgState| {
        o.people
            .values()
            .map(|p| (p.person.clone(), p.grants.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(people(&org2), people(&state.org));
    // Re-importing the same file changes nothing.
    let again = e2
        .import_org(&Actor::system("t"), now_ms(), &[xlsx.as_path()], false)
        .await
        .unwrap();
    assert_eq!(again.transitions, 0);
    // And CSV export of one table re-imports too.
    let csv = fx.dir.path().join("units.csv");
    tiaokuai_app::org_io::export_csv(&state, tiaokuai_app::org_io::TableKind::Units, &csv).unwrap();
    let s = e2
        .import_org(&Actor::system("t"), now_ms(), &[csv.as_path()], true)
        .await
        .unwrap();
    assert_eq!(s.transitions, 0);
}
