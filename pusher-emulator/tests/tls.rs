//! HTTPS and WSS: the emulator serves TLS with a certificate made at run time, a client that
//! trusts its CA gets answers, and a client that does not, or that speaks plain HTTP, gets none.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{WAIT, now};
use pusher_core::api::{EventData, GetChannel, Operation, RequestContext, Trigger};
use pusher_emulator::client::plain_http;
use pusher_emulator::{Emulator, StartError, Subscriber, SubscriberError, TestCertificates};

fn certificates() -> TestCertificates {
    TestCertificates::generate().unwrap()
}

async fn tls_emulator(certificates: &TestCertificates) -> Emulator {
    Emulator::builder()
        .tls(certificates.server_cert_pem(), certificates.server_key_pem())
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn serves_https_and_wss_to_a_client_that_trusts_its_ca() {
    let certificates = certificates();
    let emulator = tls_emulator(&certificates).await;
    assert!(emulator.is_tls());
    let port = emulator.port();
    assert_eq!(emulator.http_url(), format!("https://127.0.0.1:{port}"));
    assert!(
        emulator
            .ws_url()
            .starts_with(&format!("wss://127.0.0.1:{port}/app/"))
    );
    assert!(emulator.pusher_url().starts_with("https://"));
    assert_eq!(
        emulator.config().api_endpoint().base_url(),
        format!("https://127.0.0.1:{port}")
    );

    let ca = certificates.ca_pem().as_bytes();
    let mut browser = Subscriber::connect_with_roots(&emulator.ws_url(), ca)
        .await
        .unwrap();
    browser.subscribe("secure-news").await.unwrap();

    let context = RequestContext::new(now());
    let query = GetChannel::new("secure-news".parse().unwrap());
    let request = query.build_request(&emulator.config(), &context).unwrap();
    assert_eq!(request.uri().scheme_str(), Some("https"));
    let response = plain_http::send_request_with_roots(request, ca).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(query.parse_response(response).unwrap().occupied);

    let trigger = Trigger::new(
        vec!["secure-news".parse().unwrap()],
        "flash".parse().unwrap(),
        EventData::encoded(r#"{"over":"tls"}"#),
    );
    let request = trigger.build_request(&emulator.config(), &context).unwrap();
    let response = plain_http::send_request_with_roots(request, ca).await.unwrap();
    assert_eq!(
        response.status(),
        200,
        "{:?}",
        String::from_utf8_lossy(response.body())
    );
    let event = browser.expect_event("secure-news", "flash", WAIT).await.unwrap();
    assert_eq!(event.data.as_deref(), Some(r#"{"over":"tls"}"#));
}

#[tokio::test]
async fn clients_that_do_not_trust_it_or_speak_plain_http_get_no_answer() {
    let certificates = certificates();
    let emulator = tls_emulator(&certificates).await;
    let request = GetChannel::new("news".parse().unwrap())
        .build_request(&emulator.config(), &RequestContext::new(now()))
        .unwrap();

    // Another CA's roots: the handshake fails on the client's side.
    let stranger = TestCertificates::generate().unwrap();
    let refused = plain_http::send_request_with_roots(request.clone(), stranger.ca_pem().as_bytes())
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .starts_with("HTTP request failed: TLS handshake: "),
        "{refused}"
    );
    assert!(refused.to_string().contains("UnknownIssuer"), "{refused}");

    // Plain HTTP to the TLS port: the server closes without an HTTP answer.
    let (mut parts, body) = request.into_parts();
    parts.uri = format!(
        "http://{}/apps/{}/channels/news",
        emulator.addr(),
        emulator.app_id()
    )
    .parse()
    .unwrap();
    let plain = plain_http::send_request(http::Request::from_parts(parts, body))
        .await
        .unwrap_err();
    assert!(
        plain.to_string().starts_with("HTTP request failed: send: "),
        "{plain}"
    );

    // The wss URL without roots says what to do.
    let e = Subscriber::connect(&emulator.ws_url()).await.unwrap_err();
    assert!(
        matches!(&e, SubscriberError::Connect(why) if why.contains("connect_with_roots")),
        "{e}"
    );

    // The server goes on serving trusted clients.
    let request = GetChannel::new("news".parse().unwrap())
        .build_request(&emulator.config(), &RequestContext::new(now()))
        .unwrap();
    let ok = plain_http::send_request_with_roots(request, certificates.ca_pem().as_bytes())
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
}

fn start_error(builder: pusher_emulator::EmulatorBuilder) -> String {
    match builder.start_blocking() {
        Err(e @ StartError::Tls(_)) => e.to_string(),
        Err(other) => panic!("not a TLS error: {other:?}"),
        Ok(_) => panic!("started with a bad TLS identity"),
    }
}

#[test]
fn a_bad_certificate_or_key_is_a_start_error_that_names_it() {
    let certificates = certificates();
    let other = TestCertificates::generate().unwrap();
    assert_eq!(
        start_error(Emulator::builder().tls("not PEM", certificates.server_key_pem())),
        "cannot serve HTTPS: the certificate chain: no PEM certificate found"
    );
    let no_key = start_error(Emulator::builder().tls(certificates.server_cert_pem(), "not PEM"));
    assert!(
        no_key.starts_with("cannot serve HTTPS: the private key: no PEM private key found"),
        "{no_key}"
    );
    let mismatch =
        start_error(Emulator::builder().tls(certificates.server_cert_pem(), other.server_key_pem()));
    assert!(
        mismatch.starts_with("cannot serve HTTPS: the certificate does not go with the private key"),
        "{mismatch}"
    );
    let missing =
        start_error(Emulator::builder().tls_files("/nonexistent/chain.pem", "/nonexistent/key.pem"));
    assert!(
        missing.starts_with("cannot serve HTTPS: cannot read the certificate /nonexistent/chain.pem: "),
        "{missing}"
    );
}

#[test]
fn certificate_files_serve_too() {
    let certificates = certificates();
    let dir = std::env::temp_dir().join(format!("pusher-emulator-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = (dir.join("chain.pem"), dir.join("key.pem"));
    std::fs::write(&cert, certificates.server_cert_pem()).unwrap();
    std::fs::write(&key, certificates.server_key_pem()).unwrap();
    let emulator = Emulator::builder()
        .tls_files(&cert, &key)
        .start_blocking()
        .unwrap();
    assert!(emulator.is_tls());
    assert!(emulator.http_url().starts_with("https://"));
    drop(emulator);
    std::fs::remove_dir_all(&dir).unwrap();
}
