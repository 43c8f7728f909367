//! Security headers, login rate limiting and CSRF token checks.

use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;

pub async fn headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(self), geolocation=(self), microphone=()"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if state.config.secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// At most 10 login attempts per minute for one (client address, username) pair, and 60 per
/// minute from one address. Keys whose allowance has fully refilled are forgotten once the
/// table grows past [`RETAIN_ABOVE`], so a flood of made-up names cannot grow it for ever.
pub struct LoginLimiter<C: Clock + Clone = DefaultClock> {
    per_user: Keyed<C>,
    per_ip: Keyed<C>,
}

type Keyed<C> =
    RateLimiter<String, DashMapStateStore<String>, C, NoOpMiddleware<<C as Clock>::Instant>>;

/// Keys held before a sweep of the ones that no longer limit anything.
pub const RETAIN_ABOVE: usize = 10_000;

impl LoginLimiter {
    pub fn new() -> Self {
        Self::with_clock(DefaultClock::default())
    }
}

impl<C: Clock + Clone> LoginLimiter<C> {
    pub fn with_clock(clock: C) -> Self {
        let ten = NonZeroU32::new(10).unwrap_or(NonZeroU32::MIN);
        let sixty = NonZeroU32::new(60).unwrap_or(NonZeroU32::MIN);
        LoginLimiter {
            per_user: RateLimiter::dashmap_with_clock(Quota::per_minute(ten), clock.clone()),
            per_ip: RateLimiter::dashmap_with_clock(Quota::per_minute(sixty), clock),
        }
    }

    pub fn allow(&self, ip: &str, username: &str) -> bool {
        for l in [&self.per_user, &self.per_ip] {
            if l.len() > RETAIN_ABOVE {
                l.retain_recent();
                l.shrink_to_fit();
            }
        }
        self.per_ip.check_key(&ip.to_string()).is_ok()
            && self.per_user.check_key(&format!("{ip}|{username}")).is_ok()
    }

    /// Keys held (pairs and addresses).
    #[cfg(test)]
    pub fn keys(&self) -> usize {
        self.per_user.len() + self.per_ip.len()
    }
}

/// The client's address: the peer's, unless the peer is a trusted proxy; then the nearest
/// address in `X-Forwarded-For` (read from the right) that is not a trusted proxy itself.
/// Entries left of the first untrusted one could be forged by the client and are ignored.
pub fn client_ip(trusted: &[ipnet::IpNet], peer: IpAddr, headers: &HeaderMap) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    let hops = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect::<Vec<_>>();
    for hop in hops.iter().rev() {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_trusted(&ip) {
                    break;
                }
            }
            // Garbage from an untrusted party: stop at the last good address.
            Err(_) => break,
        }
    }
    client
}

/// Constant-time comparison of CSRF tokens.
pub fn tokens_match(a: &str, b: &str) -> bool {
    if a.is_empty() || a.len() != b.len() {
        return false;
    }
    a.bytes()
        .zip(b.bytes())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

pub fn random_token(bytes: usize) -> String {
    let v: Vec<u8> = (0..bytes).map(|_| rand::random::<u8>()).collect();
    hex::encode(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;

    #[test]
    fn forgets_keys_that_no_longer_limit() {
        let clock = FakeRelativeClock::default();
        let l = LoginLimiter::with_clock(clock.clone());
        for i in 0..=RETAIN_ABOVE {
            assert!(l.allow(&format!("10.0.{}.{}", i / 250, i % 250), "u"));
        }
        assert!(l.keys() >= 2 * RETAIN_ABOVE);
        clock.advance(std::time::Duration::from_secs(61));
        assert!(l.allow("10.9.9.9", "u"));
        assert!(l.keys() <= 4, "swept: {} keys left", l.keys());
    }

    #[test]
    fn limits_one_pair_but_not_others() {
        let l = LoginLimiter::with_clock(FakeRelativeClock::default());
        for _ in 0..10 {
            assert!(l.allow("1.2.3.4", "wang"));
        }
        assert!(!l.allow("1.2.3.4", "wang"), "the 11th attempt in a minute");
        assert!(l.allow("1.2.3.4", "li"));
        assert!(l.allow("5.6.7.8", "wang"));
    }

    #[test]
    fn forwarded_for_only_from_trusted_proxies() {
        let trusted: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 1.1.1.1, 10.0.0.7"),
        );
        // From the proxy: the nearest untrusted hop, not the forged leftmost one.
        assert_eq!(client_ip(&trusted, ip("10.0.0.1"), &h), ip("1.1.1.1"));
        // From anyone else: the header is not believed.
        assert_eq!(client_ip(&trusted, ip("8.8.8.8"), &h), ip("8.8.8.8"));
        assert_eq!(client_ip(&[], ip("10.0.0.1"), &h), ip("10.0.0.1"));
        h.insert("x-forwarded-for", HeaderValue::from_static("junk"));
        assert_eq!(client_ip(&trusted, ip("10.0.0.1"), &h), ip("10.0.0.1"));
    }
}
