//! Reading a configuration: `Config::from_url` (what `PUSHER_URL` holds) and
//! `Config::builder(..)...build()` (PROTOCOL §1, §9).
//!
//! Three forms of input:
//!
//! - `Url`: an arbitrary URL. One that reads must hold an app id of digits and a key, its
//!   requests must verify with the secret written in it, and written back as a URL it must read
//!   the same. Seeds: four zero bytes, then a URL.
//! - `MarkedUrl`: a URL whose secret holds a marker: no error and no `Debug` may show it.
//! - `Builder`: every setting arbitrary. A configuration that builds has the settings it was given
//!   (or their defaults), signs requests that verify, and never shows its secret or master key; a
//!   refusal names a setting that was given wrong.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use pusher_core::api::{GetChannel, Notification, Operation, RequestContext, RequestError};
use pusher_core::config::DEFAULT_NOTIFY_HOST;
use pusher_core::limits::DEFAULT_MAX_PAYLOAD_BYTES;
use pusher_core::{ChannelName, Config, ConfigError, MasterKey, Scheme};
use pusher_fuzz::{TIMESTAMP, check_signed};

/// Text that stands for a secret: wherever it is the secret, nothing may show it.
const SECRET_MARKER: &str = "Zq7SECRETMARKERq7Z";

#[derive(Arbitrary, Debug)]
enum Input<'a> {
    Url(&'a str),
    MarkedUrl { before: &'a str, after: &'a str },
    Builder(Settings<'a>),
}

#[derive(Arbitrary, Debug)]
struct Settings<'a> {
    app_id: &'a str,
    key: &'a str,
    /// `None` is an empty secret; any other secret starts with [`SECRET_MARKER`].
    secret: Option<&'a str>,
    host: Option<&'a str>,
    cluster: Option<&'a str>,
    https: bool,
    port: Option<u16>,
    notify_host: Option<&'a str>,
    notify_https: bool,
    notify_port: Option<u16>,
    master_key: Option<MasterKeyInput<'a>>,
    max_payload_bytes: Option<usize>,
}

#[derive(Arbitrary, Debug)]
enum MasterKeyInput<'a> {
    Base64(&'a str),
    Bytes(&'a [u8]),
}

fuzz_target!(|input: Input<'_>| match input {
    Input::Url(url) => check_url(url),
    Input::MarkedUrl { before, after } => check_marked_url(&format!("{before}{SECRET_MARKER}{after}")),
    Input::Builder(settings) => check_builder(&settings),
});

/// The parts of `http[s]://KEY:SECRET@HOST[:PORT]/apps/APP_ID`, split as PROTOCOL §1 reads them.
struct UrlParts<'a> {
    authority: &'a str,
    userinfo: &'a str,
    secret: &'a str,
}

fn url_parts(url: &str) -> Option<UrlParts<'_>> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    let (userinfo, _host) = authority.rsplit_once('@')?;
    let (_key, secret) = userinfo.split_once(':')?;
    Some(UrlParts {
        authority,
        userinfo,
        secret,
    })
}

fn decode(text: &str) -> Option<String> {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .ok()
        .map(Into::into)
}

fn check_url(url: &str) {
    let config = match Config::from_url(url) {
        Ok(config) => config,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    assert!(
        !config.app_id().is_empty() && config.app_id().bytes().all(|b| b.is_ascii_digit()),
        "app id {:?} read from {url:?}",
        config.app_id()
    );
    assert!(!config.key().is_empty(), "an empty key read from {url:?}");
    let parts = url_parts(url).unwrap_or_else(|| panic!("{url:?} read without KEY:SECRET@"));
    let secret =
        decode(parts.secret).unwrap_or_else(|| panic!("{url:?} read with a secret that does not decode"));
    let signs = check_requests(&config, &secret);

    // Written back as a URL, the configuration reads the same.
    let endpoint = config.api_endpoint();
    let encode = |text| utf8_percent_encode(text, NON_ALPHANUMERIC);
    let written = format!(
        "{}://{}:{}@{}:{}/apps/{}",
        endpoint.scheme(),
        encode(config.key()),
        encode(&secret),
        endpoint.host(),
        endpoint.port(),
        config.app_id()
    );
    let again = Config::from_url(&written)
        .unwrap_or_else(|e| panic!("{url:?} read, but written back as {written:?} it does not: {e}"));
    assert_eq!(again.app_id(), config.app_id());
    assert_eq!(again.key(), config.key());
    assert_eq!(again.api_endpoint().scheme(), endpoint.scheme());
    assert_eq!(again.api_endpoint().host(), endpoint.host());
    assert_eq!(again.api_endpoint().port(), endpoint.port());
    if signs {
        assert!(check_requests(&again, &secret), "{written:?} signs no request");
    }
}

fn check_marked_url(url: &str) {
    // Only where the marker is certainly the secret, and nothing else: the URL's authority holds one
    // '@', its user info one ':', and the secret no delimiter a stricter reading could split at.
    let Some(parts) = url_parts(url) else { return };
    let unambiguous = url.matches(SECRET_MARKER).count() == 1
        && parts.secret.contains(SECRET_MARKER)
        && parts.authority.matches('@').count() == 1
        && parts.userinfo.matches(':').count() == 1
        && !parts.secret.contains(['?', '#']);
    if !unambiguous {
        return;
    }
    let shown = match Config::from_url(url) {
        Ok(config) => format!("{config:?}"),
        Err(e) => format!("{e}\n{e:?}"),
    };
    assert!(
        !shown.contains(SECRET_MARKER),
        "the secret of {url:?} shows: {shown}"
    );
}

fn check_builder(settings: &Settings<'_>) {
    let secret = settings
        .secret
        .map(|s| format!("{SECRET_MARKER}{s}"))
        .unwrap_or_default();
    let scheme = |https| if https { Scheme::Https } else { Scheme::Http };
    let mut builder = Config::builder(settings.app_id, settings.key, secret.as_str())
        .scheme(scheme(settings.https))
        .notify_scheme(scheme(settings.notify_https));
    if let Some(host) = settings.host {
        builder = builder.host(host);
    }
    if let Some(cluster) = settings.cluster {
        builder = builder.cluster(cluster);
    }
    if let Some(port) = settings.port {
        builder = builder.port(port);
    }
    if let Some(host) = settings.notify_host {
        builder = builder.notify_host(host);
    }
    if let Some(port) = settings.notify_port {
        builder = builder.notify_port(port);
    }
    match settings.master_key {
        Some(MasterKeyInput::Base64(encoded)) => builder = builder.encryption_master_key_base64(encoded),
        Some(MasterKeyInput::Bytes(bytes)) => match MasterKey::from_bytes(bytes) {
            Ok(key) => builder = builder.encryption_master_key(key),
            Err(e) => assert_ne!(bytes.len(), 32, "32 bytes refused as a master key: {e}"),
        },
        None => {}
    }
    if let Some(max) = settings.max_payload_bytes {
        builder = builder.max_payload_bytes(max);
    }
    // A value shows only where no other setting holds it.
    let given = [
        Some(settings.app_id),
        Some(settings.key),
        settings.host,
        settings.cluster,
    ]
    .into_iter()
    .chain([settings.notify_host])
    .flatten();
    let elsewhere = |text: &str| given.clone().any(|setting| setting.contains(text));
    let hidden = |shown: &str| elsewhere(SECRET_MARKER) || !shown.contains(SECRET_MARKER);
    let shown = format!("{builder:?}");
    assert!(hidden(&shown), "a builder shows its secret: {shown}");

    match builder.build() {
        Ok(config) => {
            check_settings(settings, &config);
            let shown = format!("{config:?}");
            assert!(hidden(&shown), "a configuration shows its secret: {shown}");
            if let Some(MasterKeyInput::Base64(encoded)) = settings.master_key {
                let encoded = encoded.trim();
                assert!(
                    encoded.len() < 8 || elsewhere(encoded) || !shown.contains(encoded),
                    "a configuration shows its master key: {shown}"
                );
            }
            check_requests(&config, &secret);
        }
        Err(e) => {
            let shown = format!("{e}\n{e:?}");
            assert!(hidden(&shown), "a refusal shows the secret: {shown}");
            check_refusal(settings, &secret, &e);
        }
    }
}

/// A configuration that builds holds what it was given, or the defaults.
fn check_settings(settings: &Settings<'_>, config: &Config) {
    assert_eq!(config.app_id(), settings.app_id);
    assert!(!settings.app_id.is_empty() && settings.app_id.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(config.key(), settings.key);
    assert!(!settings.key.is_empty());
    assert!(settings.secret.is_some(), "an empty secret accepted");
    let api = config.api_endpoint();
    let expected_host = match (settings.host, settings.cluster) {
        (Some(host), _) => host.to_owned(),
        (None, Some(cluster)) => format!("api-{cluster}.pusher.com"),
        (None, None) => "api-mt1.pusher.com".to_owned(),
    };
    assert_eq!(api.host(), expected_host);
    assert_eq!(api.scheme() == Scheme::Https, settings.https);
    assert_eq!(api.port(), settings.port.unwrap_or(api.scheme().default_port()));
    let notify = config.notify_endpoint();
    assert_eq!(notify.host(), settings.notify_host.unwrap_or(DEFAULT_NOTIFY_HOST));
    assert_eq!(notify.scheme() == Scheme::Https, settings.notify_https);
    assert_eq!(
        notify.port(),
        settings.notify_port.unwrap_or(notify.scheme().default_port())
    );
    // Bytes of any other length than 32 are refused before they reach the builder.
    let master_key_given = match settings.master_key {
        Some(MasterKeyInput::Base64(_)) => true,
        Some(MasterKeyInput::Bytes(bytes)) => bytes.len() == 32,
        None => false,
    };
    assert_eq!(config.master_key().is_some(), master_key_given);
    assert_eq!(
        config.max_payload_bytes(),
        settings.max_payload_bytes.unwrap_or(DEFAULT_MAX_PAYLOAD_BYTES)
    );
}

/// A refusal names a setting that was given, and given wrong.
fn check_refusal(settings: &Settings<'_>, secret: &str, e: &ConfigError) {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match e {
        ConfigError::InvalidAppId(_) => assert!(!digits(settings.app_id), "{e}"),
        ConfigError::EmptyKey => assert!(settings.key.is_empty(), "{e}"),
        ConfigError::EmptySecret => assert!(secret.is_empty(), "{e}"),
        ConfigError::ZeroPayloadLimit => assert_eq!(settings.max_payload_bytes, Some(0)),
        ConfigError::InvalidHost(_) => assert!(
            settings.host.is_some() || settings.notify_host.is_some(),
            "{e}: no host was given"
        ),
        ConfigError::InvalidCluster(_) => assert!(
            settings.host.is_none() && settings.cluster.is_some(),
            "{e}: the cluster was not used"
        ),
        ConfigError::InvalidMasterKey { .. } => {
            assert!(
                matches!(settings.master_key, Some(MasterKeyInput::Base64(_))),
                "{e}: no master key given as base64"
            )
        }
        other => panic!("the builder refused with {other:?}"),
    }
}

/// The requests `config` signs verify with `secret`, and go to its hosts: one to the API host,
/// one to the notification host. Answers whether they could be built: a host that makes no URI
/// is refused when a request is built, as `RequestError::Uri`.
fn check_requests(config: &Config, secret: &str) -> bool {
    let channel = ChannelName::try_from("presence-fuzz").expect("a valid channel name");
    let notification = Notification::new(["fuzz-interest"])
        .expect("a valid interest")
        .fcm(serde_json::json!({}));
    let context = RequestContext::new(TIMESTAMP);
    let requests = [
        (
            GetChannel::new(channel).build_request(config, &context),
            config.api_endpoint(),
        ),
        (
            notification.build_request(config, &context),
            config.notify_endpoint(),
        ),
    ];
    let mut built = true;
    for (request, endpoint) in requests {
        match request {
            Ok(request) => {
                check_signed(&request, config.key(), secret, TIMESTAMP);
                let uri = request.uri();
                assert_eq!(uri.scheme_str(), Some(endpoint.scheme().as_str()));
                assert_eq!(uri.host(), Some(endpoint.host()));
                assert_eq!(
                    uri.port_u16().unwrap_or(endpoint.scheme().default_port()),
                    endpoint.port()
                );
            }
            Err(RequestError::Uri(_)) => built = false,
            Err(e) => panic!("a valid configuration builds no request: {e:?}"),
        }
    }
    built
}
