use tiaokuai_app::{demo, Engine};

#[tokio::test]
async fn demo_loads() {
    let dir = tempfile::tempdir().unwrap();
    let store =
        tiaokuai_store::Store::connect(&format!("sqlite://{}", dir.path().join("x.db").display()))
            .await
            .unwrap();
    store.migrate().await.unwrap();
    let signer = tiaokuai_log::LogSigner::from_bytes(&[1; 32]);
    let engine = Engine::start(store, demo::COUNTY, signer).await.unwrap();
    demo::load_if_empty(&engine, &dir.path().join("d"), 1)
        .await
        .unwrap();
}
