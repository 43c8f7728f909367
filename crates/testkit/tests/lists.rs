use serde_json::{json, Value};
use tiaokuai_app::lists::ImportOptions;
use tiaokuai_app::{now_ms, Actor, AppError};
use tiaokuai_core::access::Principal;
use tiaokuai_core::lists::{AdjustmentKind, AdjustmentStatus, ListKind, ReviewStage};
use tiaokuai_core::DomainError;
use tiaokuai_testkit::{demo_engine, demo_server};

pub(crate) fn demo_list(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../demo/lists")
        .join(name)
}

async fn principal(e: &tiaokuai_app::Engine, u: &str) -> Principal {
    e.principal_of(u).await.unwrap().unwrap()
}

#[tokio::test]
async fn the_demo_catalogue_is_complete() {
    let (e, _fx) = demo_engine().await.unwrap();
    let c = e
        .with_state(|s| {
            let v = s.lists.latest();
            ListKind::ALL.map(|k| s.lists.count_at(v, Some(k)))
        })
        .await
        .unwrap();
    let [territorial, power, boundary, joint, delegated, village] = c;
    assert!(
        territorial >= 80
            && power >= 200
            && joint >= 20
            && delegated >= 30
            && boundary >= 15
            && village >= 60,
        "{c:?}"
    );
    let domains = e
        .with_state(|s| {
            s.lists
                .items_at(1)
                .filter(|i| i.kind == ListKind::Territorial)
                .map(|i| i.domain.clone())
                .collect::<std::collections::BTreeSet<_>>()
        })
        .await
        .unwrap();
    assert!(domains.len() >= 10, "{domains:?}");
}

#[tokio::test]
async fn a_bad_workbook_lists_every_error_and_imports_nothing() {
    let (e, _fx) = demo_engine().await.unwrap();
    let size = e.tree_head().await.0;
    let bad = demo_list("bad/属地管理事项_错误示例.xlsx");
    let err = e
        .import_lists(
            &Actor::system("t"),
            now_ms(),
            &[bad.as_path()],
            &ImportOptions::default(),
        )
        .await
        .unwrap_err();
    let AppError::Domain(DomainError::Invalid(errs)) = err else {
        panic!("expected validation errors")
    };
    let all = errs
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(all.contains("unknown unit '宇宙管理局'"), "{all}");
    assert!(all.contains("duplicate item number"), "{all}");
    assert!(all.contains("the item name is empty"), "{all}");
    assert!(all.contains("'五天' is not a number"), "{all}");
    assert!(all.contains("formula error"), "{all}");
    assert!(all.contains(" row "), "every error names its row: {all}");
    assert_eq!(e.tree_head().await.0, size);
}

#[tokio::test]
async fn export_then_import_round_trips_a_version() {
    let (e, fx) = demo_engine().await.unwrap();
    let state = e.with_state(|s| s.clone()).await.unwrap();
    let out = fx.dir.path().join("lists-v1.xlsx");
    tiaokuai_app::lists::export::export_xlsx(&state, 1, &out).unwrap();
    // Re-importing the export into the same catalogue changes nothing.
    let s = e
        .import_lists(
            &Actor::system("t"),
            now_ms(),
            &[out.as_path()],
            &ImportOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        (s.added_or_changed, s.removed, s.version),
        (0, 0, None),
        "{s:?}"
    );
    assert_eq!(
        s.per_kind.values().sum::<usize>(),
        state.lists.count_at(1, None)
    );
    // CSV of one kind too.
    let csv = fx.dir.path().join("t.csv");
    tiaokuai_app::lists::export::export_csv(&state, 1, ListKind::Territorial, &csv).unwrap();
    let opts = ImportOptions {
        kind: Some(ListKind::Territorial),
        dry_run: true,
        ..Default::default()
    };
    let s = e
        .import_lists(&Actor::system("t"), now_ms(), &[csv.as_path()], &opts)
        .await
        .unwrap();
    assert_eq!((s.added_or_changed, s.removed), (0, 0));
}

#[tokio::test]
async fn chinese_search_finds_the_right_items_first() {
    let s = demo_server().await.unwrap();
    let c = reqwest::Client::new();
    // 欠薪 may rightly lead with the territorial item or the 欠薪治理 joint matter.
    for (q, expect) in [
        ("油烟", &["油烟"][..]),
        ("违建", &["违法建设"]),
        ("欠薪", &["拖欠农民工工资", "欠薪治理"]),
        ("占道经营", &["占道经营"]),
    ] {
        let hits: Value = c
            .get(s.url(&format!("/api/v1/lists/search?q={q}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let first = hits[0]["name"].as_str().unwrap_or_default().to_string();
        assert!(
            expect.iter().any(|x| first.contains(x)),
            "{q}: first hit {first}"
        );
        assert!(hits[0]["name_html"].as_str().unwrap().contains("<mark>") || q == "违建");
    }
    // The public page answers without login.
    let page = c
        .get(s.url("/public/lists?q=楼下饭店油烟太大"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("生态环境") || html.contains("综合执法"),
        "{html}"
    );
}

#[tokio::test]
async fn adjustment_flow_apply_review_approve_publish() {
    let (e, _fx) = demo_engine().await.unwrap();
    let zhujian = principal(&e, "zhujian").await;
    let bianban = principal(&e, "bianban").await;
    let sifa = principal(&e, "sifa").await;
    let leader = principal(&e, "leader").await;
    let item = e
        .with_state(|s| {
            s.lists
                .items_at(1)
                .find(|i| i.kind == ListKind::Territorial && i.name.contains("物业"))
                .cloned()
        })
        .await
        .unwrap()
        .unwrap();
    let mut proposed = item.clone();
    proposed.supporting.push("D-SJ".into());
    // Changing the parties needs the opinions of the units involved.
    let err = e
        .file_adjustment(
            &zhujian,
            now_ms(),
            AdjustmentKind::ChangeParties,
            &item.id,
            Some(proposed.clone()),
            "物业收费纠纷增多",
            "《物业管理条例》",
            "",
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("opinions"), "{err}");
    let id = e
        .file_adjustment(
            &zhujian,
            now_ms(),
            AdjustmentKind::ChangeParties,
            &item.id,
            Some(proposed.clone()),
            "物业收费纠纷增多",
            "《物业管理条例》",
            "市场监管局：同意",
        )
        .await
        .unwrap();
    // Wrong role, wrong order, own application: refused, nothing changes.
    assert!(matches!(
        e.review_adjustment(&sifa, now_ms(), id, ReviewStage::Justice, true, "")
            .await,
        Err(AppError::Domain(DomainError::Conflict(_)))
    ));
    assert!(matches!(
        e.review_adjustment(&zhujian, now_ms(), id, ReviewStage::Establishment, true, "")
            .await,
        Err(AppError::Domain(DomainError::Forbidden(_)))
    ));
    assert!(matches!(
        e.approve_adjustment(&zhujian, now_ms(), id, "x", "2026-12-01")
            .await,
        Err(AppError::Domain(DomainError::Forbidden(_)))
    ));
    // 编办 sends it back; the applicant resubmits; then it passes every stage.
    assert!(
        e.review_adjustment(
            &bianban,
            now_ms(),
            id,
            ReviewStage::Establishment,
            false,
            ""
        )
        .await
        .is_err(),
        "a reason is required to send back"
    );
    e.review_adjustment(
        &bianban,
        now_ms(),
        id,
        ReviewStage::Establishment,
        false,
        "请补充配合职责",
    )
    .await
    .unwrap();
    let mut app = e
        .with_state(|s| s.adjustments[&id].app.clone())
        .await
        .unwrap();
    proposed
        .supporting_duty
        .push_str("；市场监管局负责物业服务收费价格监督。");
    app.proposed = Some(proposed.clone());
    e.resubmit_adjustment(&zhujian, now_ms(), app)
        .await
        .unwrap();
    e.review_adjustment(
        &bianban,
        now_ms(),
        id,
        ReviewStage::Establishment,
        true,
        "同意",
    )
    .await
    .unwrap();
    e.review_adjustment(&sifa, now_ms(), id, ReviewStage::Justice, true, "合法")
        .await
        .unwrap();
    assert!(e
        .approve_adjustment(&leader, now_ms(), id, "", "2026-12-01")
        .await
        .is_err());
    e.approve_adjustment(&leader, now_ms(), id, "青政办发〔2026〕31号", "2026-12-01")
        .await
        .unwrap();
    let v = e.publish_adjustment(&bianban, now_ms(), id).await.unwrap();
    assert_eq!(v, 2);
    // Publishing twice is refused: a published version cannot be edited.
    assert!(e.publish_adjustment(&bianban, now_ms(), id).await.is_err());
    let (status, diff, old, new) = e
        .with_state(|s| {
            (
                s.adjustments[&id].status,
                s.lists.diff(1, 2),
                s.lists.item_at(&item.id, 1).cloned(),
                s.lists.item_at(&item.id, 2).cloned(),
            )
        })
        .await
        .unwrap();
    assert_eq!(status, AdjustmentStatus::Published);
    assert_eq!(diff.len(), 1);
    assert_eq!(old.unwrap(), item, "version 1 is unchanged");
    assert!(new.unwrap().supporting.contains(&"D-SJ".to_string()));
    // Rebuild reproduces the list read models too.
    let before = e.store().dump_read_models("370999").await.unwrap();
    e.store().rebuild_read_models("370999").await.unwrap();
    assert_eq!(before, e.store().dump_read_models("370999").await.unwrap());
}

#[tokio::test]
async fn web_upload_checks_then_imports() {
    let s = demo_server().await.unwrap();
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let r: Value = c
        .post(s.url("/api/v1/session"))
        .json(&json!({"username": "bianban", "password": "tiaokuai2026"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let csrf = r["csrf"].as_str().unwrap().to_string();
    // The bad workbook: every error shown, confirm button absent.
    let bytes = std::fs::read(demo_list("bad/属地管理事项_错误示例.xlsx")).unwrap();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name("bad.xlsx"),
    );
    let html = c
        .post(s.url(&format!("/lists/upload?csrf={csrf}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("宇宙管理局") && !html.contains("upload-confirm"),
        "{html}"
    );
    // A changed territorial list: mapping shown, then imported as version 2.
    let bytes = std::fs::read(demo_list("属地管理事项清单.xlsx")).unwrap();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name("属地.xlsx"),
    );
    let html = c
        .post(s.url(&format!("/lists/upload?csrf={csrf}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("主体责任单位") && html.contains("upload-confirm"),
        "{html}"
    );
    let token = html
        .split("name=\"token\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let html = c
        .post(s.url("/lists/upload/confirm"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("token", token.as_str()),
            ("document_no", ""),
            ("effective_date", "2026-12-01"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("upload-notice"), "{html}");
    // A grid worker may not upload.
    let gw = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    gw.post(s.url("/api/v1/session"))
        .json(&json!({"username": "grid_qs01", "password": "tiaokuai2026"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        gw.get(s.url("/lists/upload"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}
