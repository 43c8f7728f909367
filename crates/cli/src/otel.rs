//! Optional export of tracing spans over OTLP (http/protobuf), behind the `otel` cargo feature.
//!
//! `log.otlp_endpoint` (or the standard `OTEL_EXPORTER_OTLP_ENDPOINT`) names the collector's base
//! URL, e.g. `http://127.0.0.1:4318`; spans go to `<endpoint>/v1/traces`. Every span that passes
//! the log filter is exported, among them the per-request span `tiaokuai::http` with its
//! `request_id`. Spans are sent in batches from a thread of their own; [`Exporter::shutdown`]
//! sends those still queued when the command ends.

/// The OTLP/HTTP traces URL for a collector's base URL (a full `…/v1/traces` URL is kept).
#[cfg_attr(not(feature = "otel"), allow(dead_code))]
pub fn traces_url(endpoint: &str) -> String {
    let base = endpoint.trim_end_matches('/');
    if base.ends_with("/v1/traces") {
        base.to_string()
    } else {
        format!("{base}/v1/traces")
    }
}

#[cfg(feature = "otel")]
pub use enabled::Exporter;

#[cfg(feature = "otel")]
mod enabled {
    use opentelemetry::trace::TracerProvider as _;
    use opentelemetry_otlp::{Protocol, WithExportConfig};
    use opentelemetry_sdk::trace::SdkTracerProvider;

    /// The span exporter; keep it until the command ends, then call [`Exporter::shutdown`].
    pub struct Exporter(SdkTracerProvider);

    impl Exporter {
        /// Starts exporting to the collector at `endpoint` (see [`super::traces_url`]). Must run
        /// outside the async runtime: the HTTP client blocks on a thread of its own.
        pub fn start(endpoint: &str) -> anyhow::Result<Exporter> {
            let exporter = opentelemetry_otlp::SpanExporter::builder()
                .with_http()
                .with_protocol(Protocol::HttpBinary)
                .with_endpoint(super::traces_url(endpoint))
                .build()?;
            let mut resource = opentelemetry_sdk::Resource::builder();
            if std::env::var_os("OTEL_SERVICE_NAME").is_none() {
                resource = resource.with_service_name("tiaokuai");
            }
            let provider = SdkTracerProvider::builder()
                .with_batch_exporter(exporter)
                .with_resource(resource.build())
                .build();
            Ok(Exporter(provider))
        }

        /// A `tracing` layer that turns spans into OpenTelemetry spans for this exporter.
        pub fn layer<S>(&self) -> impl tracing_subscriber::Layer<S>
        where
            S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
        {
            tracing_opentelemetry::layer().with_tracer(self.0.tracer("tiaokuai"))
        }

        /// Sends the spans still queued and stops the exporter.
        pub fn shutdown(self) {
            if let Err(e) = self.0.shutdown() {
                eprintln!("warning: OTLP trace export could not be flushed: {e}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn traces_url_appends_the_signal_path_once() {
        assert_eq!(
            super::traces_url("http://127.0.0.1:4318"),
            "http://127.0.0.1:4318/v1/traces"
        );
        assert_eq!(
            super::traces_url("https://otel.example/"),
            "https://otel.example/v1/traces"
        );
        assert_eq!(
            super::traces_url("http://c:4318/v1/traces"),
            "http://c:4318/v1/traces"
        );
    }
}
