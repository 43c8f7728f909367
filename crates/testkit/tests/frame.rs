//! What every response shares: compression as the client accepts, the favicon, and a 404 page
//! in the user's language for any unknown path.

use tiaokuai_testkit::demo_server;

#[tokio::test]
async fn pages_are_compressed_and_unknown_paths_get_the_404_page() {
    let s = demo_server().await.unwrap();
    let c = reqwest::Client::new();
    for (enc, want) in [("gzip", "gzip"), ("br, gzip", "br")] {
        let r = c
            .get(s.url("/static/app.css"))
            .header("accept-encoding", enc)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-encoding"], want, "{enc}");
    }
    // Without Accept-Encoding the body is plain.
    let r = c.get(s.url("/public/lists")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("content-encoding").is_none());

    let r = c.get(s.url("/favicon.ico")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    assert!(r.text().await.unwrap().starts_with("<svg"));

    let r = c.get(s.url("/no/such/page")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("/static/app.css") && html.contains("404"),
        "{html}"
    );
    assert!(html.contains("lang=\"zh"), "{html}");
    // The API keeps its JSON 404.
    let r = c.get(s.url("/api/v1/no-such-thing")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
}
