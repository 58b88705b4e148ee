//! Credentials, hosts and the payload ceiling (PROTOCOL §1, §4).

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use http::uri::Authority;

use crate::limits::{DEFAULT_MAX_PAYLOAD_BYTES, MAX_BATCH_EVENTS};
use crate::quote::quote;

/// The default host of the native push notification API (PROTOCOL §10).
pub const DEFAULT_NOTIFY_HOST: &str = "nativepush-cluster1.pusher.com";

/// HTTP or HTTPS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Scheme {
    /// Plain HTTP (default port 80).
    Http,
    /// HTTP over TLS (default port 443).
    #[default]
    Https,
}

impl Scheme {
    /// `"http"` or `"https"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }

    /// The port used when none is given.
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secret value: compared and printed never.
#[derive(Clone)]
pub(crate) struct Secret(Arc<str>);

impl Secret {
    pub(crate) fn new(secret: impl Into<Arc<str>>) -> Self {
        Self(secret.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The 32-byte master key for end-to-end encrypted channels (PROTOCOL §9). `Debug` redacts it.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl MasterKey {
    /// Decodes a standard base64 key that must decode to exactly 32 bytes.
    pub fn from_base64(encoded: &str) -> Result<Self, ConfigError> {
        let bytes = BASE64
            .decode(encoded.trim())
            .map_err(|_| ConfigError::InvalidMasterKey {
                reason: "not valid standard base64".to_owned(),
            })?;
        Self::from_bytes(&bytes)
    }

    /// Takes a raw key that must be exactly 32 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ConfigError> {
        let key: [u8; 32] = bytes.try_into().map_err(|_| ConfigError::InvalidMasterKey {
            reason: format!("decodes to {} bytes, must be exactly 32", bytes.len()),
        })?;
        Ok(Self(key))
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl From<[u8; 32]> for MasterKey {
    /// The raw 32-byte key.
    fn from(key: [u8; 32]) -> Self {
        Self(key)
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey([redacted])")
    }
}

/// Where requests go: scheme, host and optional explicit port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    scheme: Scheme,
    host: String,
    port: Option<u16>,
    /// `host[:port]`, the port omitted when it is the scheme's default: made once, and shared by
    /// every request's URI.
    authority: Authority,
}

impl Endpoint {
    /// An endpoint on a host already checked by [`check_host`].
    fn new(scheme: Scheme, host: String, port: Option<u16>) -> Result<Self, ConfigError> {
        let authority = match port {
            Some(port) if port != scheme.default_port() => format!("{host}:{port}"),
            _ => host.clone(),
        };
        let authority = Authority::try_from(authority).map_err(|_| ConfigError::InvalidHost(quote(&host)))?;
        Ok(Self {
            scheme,
            host,
            port,
            authority,
        })
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The host name.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port: the explicit one, or the scheme's default.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(self.scheme.default_port())
    }

    /// `scheme://host[:port]`, the port omitted when it is the scheme's default.
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme, self.authority)
    }

    /// The scheme as a URI has it.
    pub(crate) fn uri_scheme(&self) -> http::uri::Scheme {
        match self.scheme {
            Scheme::Http => http::uri::Scheme::HTTP,
            Scheme::Https => http::uri::Scheme::HTTPS,
        }
    }

    /// `host[:port]` as a URI has it.
    pub(crate) fn authority(&self) -> &Authority {
        &self.authority
    }
}

/// A validated configuration: credentials, endpoints and limits. Cheap to clone.
///
/// `Debug` prints the app id, key and hosts but never the secret or the master key.
#[derive(Clone)]
pub struct Config {
    inner: Arc<ConfigInner>,
}

#[derive(Debug)]
struct ConfigInner {
    app_id: String,
    key: String,
    secret: Secret,
    api: Endpoint,
    notify: Endpoint,
    master_key: Option<MasterKey>,
    max_payload_bytes: usize,
    max_batch_events: usize,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Config")
            .field("app_id", &i.app_id)
            .field("key", &i.key)
            .field("secret", &i.secret)
            .field("api", &i.api)
            .field("notify", &i.notify)
            .field("master_key", &i.master_key)
            .field("max_payload_bytes", &i.max_payload_bytes)
            .field("max_batch_events", &i.max_batch_events)
            .finish()
    }
}

impl Config {
    /// A configuration for `api-mt1.pusher.com` over HTTPS with every default.
    pub fn new(
        app_id: impl Into<String>,
        key: impl Into<String>,
        secret: impl Into<String>,
    ) -> Result<Self, ConfigError> {
        Self::builder(app_id, key, secret).build()
    }

    /// A builder for the optional settings.
    pub fn builder(
        app_id: impl Into<String>,
        key: impl Into<String>,
        secret: impl Into<String>,
    ) -> ConfigBuilder {
        ConfigBuilder::new(app_id, key, secret)
    }

    /// Parses `http[s]://KEY:SECRET@HOST[:PORT]/apps/APP_ID`, what `PUSHER_URL` holds.
    pub fn from_url(url: &str) -> Result<Self, ConfigError> {
        ConfigBuilder::from_url(url)?.build()
    }

    /// The app id.
    pub fn app_id(&self) -> &str {
        &self.inner.app_id
    }

    /// The app key.
    pub fn key(&self) -> &str {
        &self.inner.key
    }

    pub(crate) fn secret(&self) -> &str {
        self.inner.secret.expose()
    }

    /// Where REST API requests go.
    pub fn api_endpoint(&self) -> &Endpoint {
        &self.inner.api
    }

    /// Where native push notifications go.
    pub fn notify_endpoint(&self) -> &Endpoint {
        &self.inner.notify
    }

    /// The master key for end-to-end encrypted channels, if configured.
    pub fn master_key(&self) -> Option<&MasterKey> {
        self.inner.master_key.as_ref()
    }

    /// The largest `data` an event may carry, in bytes as sent.
    pub fn max_payload_bytes(&self) -> usize {
        self.inner.max_payload_bytes
    }

    /// The cluster, when requests go to Pusher's own `api-{cluster}.pusher.com`.
    ///
    /// ```
    /// use pusher_core::Config;
    ///
    /// assert_eq!(Config::builder("1", "k", "s").cluster("eu").build()?.cluster(), Some("eu"));
    /// assert_eq!(Config::from_url("http://k:s@127.0.0.1:6001/apps/1")?.cluster(), None);
    /// # Ok::<(), pusher_core::ConfigError>(())
    /// ```
    pub fn cluster(&self) -> Option<&str> {
        self.inner
            .api
            .host()
            .strip_prefix("api-")?
            .strip_suffix(".pusher.com")
    }

    /// Where WebSocket clients (pusher-js, the other platforms' libraries) connect for this app:
    /// `wss://ws-{cluster}.pusher.com/app/KEY?protocol=7` on Pusher itself, else the API's own host
    /// and port (`ws://` over plain HTTP), as soketi and other compatible servers serve both.
    ///
    /// ```
    /// use pusher_core::Config;
    ///
    /// let config = Config::from_url("https://key:secret@api-eu.pusher.com/apps/1")?;
    /// assert_eq!(config.websocket_url(), "wss://ws-eu.pusher.com/app/key?protocol=7");
    /// let config = Config::from_url("http://key:secret@127.0.0.1:6001/apps/1")?;
    /// assert_eq!(config.websocket_url(), "ws://127.0.0.1:6001/app/key?protocol=7");
    /// # Ok::<(), pusher_core::ConfigError>(())
    /// ```
    pub fn websocket_url(&self) -> String {
        let api = &self.inner.api;
        let scheme = match api.scheme() {
            Scheme::Http => "ws",
            Scheme::Https => "wss",
        };
        let authority = match self.cluster() {
            Some(cluster) => format!("ws-{cluster}.pusher.com"),
            None => match api.port {
                Some(port) if port != api.scheme.default_port() => format!("{}:{port}", api.host),
                _ => api.host.clone(),
            },
        };
        format!("{scheme}://{authority}/app/{}?protocol=7", self.key())
    }

    /// The most events one batch may hold.
    pub fn max_batch_events(&self) -> usize {
        self.inner.max_batch_events
    }
}

/// Builds a [`Config`]. Every setting is checked in [`build`](ConfigBuilder::build).
#[derive(Debug, Clone)]
pub struct ConfigBuilder {
    app_id: String,
    key: String,
    secret: Secret,
    cluster: Option<String>,
    host: Option<String>,
    scheme: Scheme,
    port: Option<u16>,
    notify_host: Option<String>,
    notify_scheme: Scheme,
    notify_port: Option<u16>,
    master_key: Option<Result<MasterKey, ConfigError>>,
    max_payload_bytes: usize,
    max_batch_events: usize,
}

impl ConfigBuilder {
    /// Starts from the three credentials.
    pub fn new(app_id: impl Into<String>, key: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            app_id: app_id.into(),
            key: key.into(),
            secret: Secret(secret.into().into()),
            cluster: None,
            host: None,
            scheme: Scheme::Https,
            port: None,
            notify_host: None,
            notify_scheme: Scheme::Https,
            notify_port: None,
            master_key: None,
            max_payload_bytes: DEFAULT_MAX_PAYLOAD_BYTES,
            max_batch_events: MAX_BATCH_EVENTS,
        }
    }

    /// Starts from `http[s]://KEY:SECRET@HOST[:PORT]/apps/APP_ID`.
    ///
    /// The key and the secret may hold `%XX` escapes (a `%` must start two hex digits, and what
    /// they decode to must be UTF-8); the port is ASCII digits; a query or a fragment is refused.
    /// No error names the secret's value.
    pub fn from_url(url: &str) -> Result<Self, ConfigError> {
        let (scheme, rest) = if let Some(rest) = url.strip_prefix("https://") {
            (Scheme::Https, rest)
        } else if let Some(rest) = url.strip_prefix("http://") {
            (Scheme::Http, rest)
        } else {
            return Err(invalid_url("the scheme must be http:// or https://"));
        };
        match rest.chars().find(|c| matches!(c, '?' | '#')) {
            Some('?') => {
                return Err(invalid_url(
                    "a query (?...) is not allowed (percent-encode a '?' in the key or secret as %3F)",
                ));
            }
            Some(_) => {
                return Err(invalid_url(
                    "a fragment (#...) is not allowed (percent-encode a '#' in the key or secret as %23)",
                ));
            }
            None => {}
        }
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let (userinfo, host_port) = authority
            .rsplit_once('@')
            .ok_or_else(|| invalid_url("missing KEY:SECRET@ before the host"))?;
        let (key, secret) = userinfo
            .split_once(':')
            .ok_or_else(|| invalid_url("missing ':' between key and secret"))?;
        let key = percent_decode(key, "the key")?;
        let secret = percent_decode(secret, "the secret")?;
        // A bracketed IPv6 literal holds colons of its own: the port separator comes after the ']'.
        let port_sep = match host_port.rfind(']') {
            Some(end) => host_port[end..].find(':').map(|i| end + i),
            None => host_port.rfind(':'),
        };
        let (host, port) = match port_sep {
            Some(i) => {
                let port = &host_port[i + 1..];
                let number = Some(port)
                    .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|p| p.parse::<u16>().ok())
                    .ok_or_else(|| {
                        invalid_url(format!(
                            "port {} must be ASCII digits making a number from 0 to 65535",
                            quote(port)
                        ))
                    })?;
                (&host_port[..i], Some(number))
            }
            None => (host_port, None),
        };
        if host.is_empty() {
            return Err(invalid_url("missing host"));
        }
        let app_id = path
            .strip_prefix("/apps/")
            .map(|id| id.trim_end_matches('/'))
            .filter(|id| !id.is_empty() && !id.contains('/'))
            .ok_or_else(|| invalid_url("the path must be /apps/APP_ID"))?;
        let mut builder = Self::new(app_id, key, secret).host(host).scheme(scheme);
        builder.port = port;
        Ok(builder)
    }

    /// Checks every setting and builds the configuration.
    pub fn build(self) -> Result<Config, ConfigError> {
        if self.app_id.is_empty() || !self.app_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ConfigError::InvalidAppId(quote(&self.app_id)));
        }
        if self.key.is_empty() {
            return Err(ConfigError::EmptyKey);
        }
        if self.secret.expose().is_empty() {
            return Err(ConfigError::EmptySecret);
        }
        if self.max_payload_bytes == 0 {
            return Err(ConfigError::ZeroPayloadLimit);
        }
        if self.max_batch_events == 0 {
            return Err(ConfigError::ZeroBatchLimit);
        }
        let host = match (self.host, self.cluster) {
            (Some(host), _) => check_host(host)?,
            (None, Some(cluster)) => {
                if cluster.is_empty() || !cluster.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                    return Err(ConfigError::InvalidCluster(quote(&cluster)));
                }
                format!("api-{cluster}.pusher.com")
            }
            (None, None) => "api-mt1.pusher.com".to_owned(),
        };
        let notify_host = check_host(self.notify_host.unwrap_or_else(|| DEFAULT_NOTIFY_HOST.to_owned()))?;
        let master_key = self.master_key.transpose()?;
        Ok(Config {
            inner: Arc::new(ConfigInner {
                app_id: self.app_id,
                key: self.key,
                secret: self.secret,
                api: Endpoint::new(self.scheme, host, self.port)?,
                notify: Endpoint::new(self.notify_scheme, notify_host, self.notify_port)?,
                master_key,
                max_payload_bytes: self.max_payload_bytes,
                max_batch_events: self.max_batch_events,
            }),
        })
    }
}

/// Every optional setting of a configuration, written once: `config_settings!(emit)` hands the
/// list to the macro `emit`. [`ConfigBuilder`] gets each setting as a method from it, and
/// [`PusherBuilder`](crate::PusherBuilder) forwards each to its `ConfigBuilder`, so every setting
/// is on both builders, with the same name and docs.
macro_rules! config_settings {
    ($emit:ident) => {
        $emit! {
            /// Uses the cluster's host `api-{cluster}.pusher.com` (an explicit
            /// [`host`](Self::host) wins).
            fn cluster(builder, cluster: impl Into<String>) {
                builder.cluster = Some(cluster.into());
            }

            /// Sends requests to this host (wins over the cluster).
            fn host(builder, host: impl Into<String>) {
                builder.host = Some(host.into());
            }

            /// HTTP or HTTPS (default HTTPS).
            fn scheme(builder, scheme: crate::config::Scheme) {
                builder.scheme = scheme;
            }

            /// An explicit port (default: the scheme's).
            fn port(builder, port: u16) {
                builder.port = Some(port);
            }

            /// The native push notification host (default
            /// [`DEFAULT_NOTIFY_HOST`](crate::config::DEFAULT_NOTIFY_HOST)).
            fn notify_host(builder, host: impl Into<String>) {
                builder.notify_host = Some(host.into());
            }

            /// The native push notification scheme (default HTTPS; HTTP is for local test servers).
            fn notify_scheme(builder, scheme: crate::config::Scheme) {
                builder.notify_scheme = scheme;
            }

            /// The native push notification port (default: the scheme's).
            fn notify_port(builder, port: u16) {
                builder.notify_port = Some(port);
            }

            /// The base64 master key for end-to-end encrypted channels (must decode to 32 bytes;
            /// checked when the configuration is built).
            fn encryption_master_key_base64(builder, encoded: &str) {
                builder.master_key = Some(crate::config::MasterKey::from_base64(encoded));
            }

            /// The master key for end-to-end encrypted channels: a
            /// [`MasterKey`](crate::config::MasterKey) or its 32 raw bytes.
            fn encryption_master_key(builder, key: impl Into<crate::config::MasterKey>) {
                builder.master_key = Some(Ok(key.into()));
            }

            /// The ceiling on an event's `data` size as sent (default
            /// [`DEFAULT_MAX_PAYLOAD_BYTES`](crate::limits::DEFAULT_MAX_PAYLOAD_BYTES)): raise it
            /// for a dedicated cluster.
            fn max_payload_bytes(builder, bytes: usize) {
                builder.max_payload_bytes = bytes;
            }

            /// The most events one batch may hold (default
            /// [`MAX_BATCH_EVENTS`](crate::limits::MAX_BATCH_EVENTS), as on multi-tenant clusters):
            /// raise it for a dedicated cluster that allows more.
            fn max_batch_events(builder, count: usize) {
                builder.max_batch_events = count;
            }
        }
    };
}
pub(crate) use config_settings;

/// Sets every configuration setting, with `$key` as the master key, on a builder of either kind
/// ([`ConfigBuilder`] or [`PusherBuilder`](crate::PusherBuilder)): what the tests that every
/// setting reaches the configuration use.
#[cfg(test)]
macro_rules! every_setting {
    ($builder:expr, $key:expr) => {
        $builder
            .cluster("eu")
            .host("example.com")
            .scheme(crate::config::Scheme::Http)
            .port(8080)
            .notify_host("push.example.com")
            .notify_scheme(crate::config::Scheme::Http)
            .notify_port(9090)
            .encryption_master_key($key)
            .max_payload_bytes(20_000)
            .max_batch_events(20)
    };
}
#[cfg(test)]
pub(crate) use every_setting;

/// Implements the [`config_settings!`] on [`ConfigBuilder`].
macro_rules! config_setters {
    ($($(#[$doc:meta])* fn $name:ident($builder:ident, $arg:ident: $ty:ty) $body:block)*) => {
        impl ConfigBuilder {
            $(
                $(#[$doc])*
                pub fn $name(mut self, $arg: $ty) -> Self {
                    let $builder = &mut self;
                    $body
                    self
                }
            )*
        }
    };
}

config_settings!(config_setters);

/// The longest DNS name, in characters.
const MAX_DNS_NAME_LEN: usize = 253;

/// The longest label of a DNS name, in characters.
const MAX_DNS_LABEL_LEN: usize = 63;

/// A host is a DNS name, an IPv4 address or a bracketed IPv6 address (the rule in
/// [`ConfigError::InvalidHost`]).
fn check_host(host: String) -> Result<String, ConfigError> {
    let ok = match host.strip_prefix('[') {
        Some(bracketed) => bracketed
            .strip_suffix(']')
            .is_some_and(|address| address.parse::<Ipv6Addr>().is_ok()),
        None => host.parse::<Ipv4Addr>().is_ok() || is_dns_name(&host),
    };
    if ok {
        Ok(host)
    } else {
        Err(ConfigError::InvalidHost(quote(&host)))
    }
}

/// Dot-separated labels of 1 to 63 ASCII letters, digits, `-` and `_` (for container names such
/// as `soketi_1`), each starting and ending with a letter or digit; at most 253 characters; not
/// all labels digits (that is an IPv4 address, checked as one).
fn is_dns_name(name: &str) -> bool {
    let is_label = |label: &str| {
        let bytes = label.as_bytes();
        (1..=MAX_DNS_LABEL_LEN).contains(&bytes.len())
            && bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
            && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
            && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
    };
    let all_digits = |label: &str| label.bytes().all(|b| b.is_ascii_digit());
    name.len() <= MAX_DNS_NAME_LEN && name.split('.').all(is_label) && !name.split('.').all(all_digits)
}

/// An error about a `PUSHER_URL`-style URL.
fn invalid_url(reason: impl Into<String>) -> ConfigError {
    ConfigError::InvalidUrl {
        reason: reason.into(),
    }
}

/// Decodes the `%XX` escapes of `part`, the URL's key or secret, strictly: every `%` starts two
/// hex digits, and the bytes they make are UTF-8. The error names the part (`what`), never its
/// value.
fn percent_decode(part: &str, what: &str) -> Result<String, ConfigError> {
    let escapes_are_hex = part.split('%').skip(1).all(|after| {
        after
            .as_bytes()
            .get(..2)
            .is_some_and(|digits| digits.iter().all(u8::is_ascii_hexdigit))
    });
    if !escapes_are_hex {
        return Err(invalid_url(format!(
            "{what} holds a '%' that does not start two hex digits"
        )));
    }
    percent_encoding::percent_decode_str(part)
        .decode_utf8()
        .map(|decoded| decoded.into_owned())
        .map_err(|_| invalid_url(format!("{what} does not decode to UTF-8")))
}

/// A configuration that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The app id is empty or holds something other than decimal digits.
    #[error("invalid app id {0}: must be one or more decimal digits")]
    InvalidAppId(String),
    /// The key is empty.
    #[error("invalid key: must not be empty")]
    EmptyKey,
    /// The secret is empty.
    #[error("invalid secret: must not be empty")]
    EmptySecret,
    /// A host (API or native push) that is none of: a DNS name (dot-separated labels of 1 to 63
    /// ASCII letters, digits, `-` or `_`, each starting and ending with a letter or digit, at most
    /// 253 characters, not all labels digits), an IPv4 address, a bracketed IPv6 address.
    #[error(
        "invalid host {0}: must be a DNS name (dot-separated labels of 1 to 63 ASCII letters, digits, \
         '-' or '_', each starting and ending with a letter or digit, at most 253 characters), an IPv4 \
         address or a bracketed IPv6 address such as [::1]"
    )]
    InvalidHost(String),
    /// A cluster name is empty or holds characters other than ASCII letters, digits and `-`.
    #[error("invalid cluster {0}: must be ASCII letters, digits and '-'")]
    InvalidCluster(String),
    /// A `PUSHER_URL`-style URL that does not parse. The message never contains the secret.
    #[error("invalid Pusher URL: {reason} (expected http[s]://KEY:SECRET@HOST[:PORT]/apps/APP_ID)")]
    InvalidUrl {
        /// What is wrong with the URL.
        reason: String,
    },
    /// The encryption master key is not base64 or does not decode to exactly 32 bytes.
    #[error("invalid encryption master key: {reason}")]
    InvalidMasterKey {
        /// What is wrong (never the key itself).
        reason: String,
    },
    /// The maximum payload size is zero.
    #[error("invalid maximum payload size 0: must be at least 1 byte")]
    ZeroPayloadLimit,
    /// The maximum number of events per batch is zero.
    #[error("invalid maximum batch size 0: must be at least 1 event")]
    ZeroBatchLimit,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_resolution() {
        let c = Config::new("1", "k", "s").unwrap();
        assert_eq!(c.api_endpoint().base_url(), "https://api-mt1.pusher.com");
        let c = Config::builder("1", "k", "s").cluster("eu").build().unwrap();
        assert_eq!(c.api_endpoint().base_url(), "https://api-eu.pusher.com");
        let c = Config::builder("1", "k", "s")
            .cluster("eu")
            .host("example.com")
            .build()
            .unwrap();
        assert_eq!(c.api_endpoint().base_url(), "https://example.com");
        let c = Config::builder("1", "k", "s")
            .scheme(Scheme::Http)
            .build()
            .unwrap();
        assert_eq!(c.api_endpoint().base_url(), "http://api-mt1.pusher.com");
        assert_eq!(c.api_endpoint().port(), 80);
        let c = Config::builder("1", "k", "s")
            .scheme(Scheme::Http)
            .port(6001)
            .build()
            .unwrap();
        assert_eq!(c.api_endpoint().base_url(), "http://api-mt1.pusher.com:6001");
        let c = Config::builder("1", "k", "s").port(443).build().unwrap();
        assert_eq!(c.api_endpoint().base_url(), "https://api-mt1.pusher.com");
    }

    #[test]
    fn app_id_must_be_digits() {
        for bad in ["", "12a", " 1", "1.0", "١٢"] {
            let e = Config::new(bad, "k", "s").unwrap_err();
            assert!(matches!(e, ConfigError::InvalidAppId(_)), "{bad}: {e}");
            assert!(e.to_string().contains("decimal digits"), "{e}");
        }
        assert!(Config::new("0123", "k", "s").is_ok());
    }

    #[test]
    fn empty_key_secret_host_cluster_are_refused() {
        assert_eq!(Config::new("1", "", "s").unwrap_err(), ConfigError::EmptyKey);
        assert_eq!(Config::new("1", "k", "").unwrap_err(), ConfigError::EmptySecret);
        let e = Config::builder("1", "k", "s").cluster("e/u").build().unwrap_err();
        assert!(matches!(e, ConfigError::InvalidCluster(_)), "{e}");
        assert_eq!(
            Config::builder("1", "k", "s")
                .max_payload_bytes(0)
                .build()
                .unwrap_err(),
            ConfigError::ZeroPayloadLimit
        );
        assert_eq!(
            Config::builder("1", "k", "s")
                .max_batch_events(0)
                .build()
                .unwrap_err(),
            ConfigError::ZeroBatchLimit
        );
    }

    #[test]
    fn hosts_are_dns_names_or_ip_addresses() {
        let label = "a".repeat(MAX_DNS_LABEL_LEN);
        // Four labels of 63 and three dots, then one more character: 253 in all.
        let longest = format!("{label}.{label}.{label}.{}", "a".repeat(61));
        assert_eq!(longest.len(), MAX_DNS_NAME_LEN);
        for good in [
            "example.com",
            "api-eu.pusher.com",
            "localhost",
            "soketi_1",
            "a",
            "1.2.3.a",
            "x1-2_3y.example",
            label.as_str(),
            longest.as_str(),
            "127.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "[::1]",
            "[::]",
            "[2001:db8::8a2e:370:7334]",
            "[::ffff:192.0.2.1]",
        ] {
            let api = Config::builder("1", "k", "s").host(good).build();
            assert_eq!(api.unwrap().api_endpoint().host(), good);
            let notify = Config::builder("1", "k", "s").notify_host(good).build();
            assert_eq!(notify.unwrap().notify_endpoint().host(), good);
        }
        let too_long_label = "a".repeat(MAX_DNS_LABEL_LEN + 1);
        let too_long_name = format!("{longest}a");
        for bad in [
            "",
            "[]",
            "[:::]",
            "[[::]]",
            "[::1",
            "::1",
            "[127.0.0.1]",
            "[fe80::1%eth0]",
            "...",
            ".",
            "-",
            "_",
            "a..b",
            ".a",
            "a.",
            "-a",
            "a-",
            "_a",
            "a_",
            "a.-b.c",
            "123",
            "1.2.3",
            "1.2.3.4.5",
            "256.1.1.1",
            "01.2.3.4",
            "é.example",
            "a b",
            "http://x",
            "a/b",
            "u@h",
            "h:1",
            "a%2e",
            too_long_label.as_str(),
            too_long_name.as_str(),
        ] {
            for e in [
                Config::builder("1", "k", "s").host(bad).build().unwrap_err(),
                Config::builder("1", "k", "s")
                    .notify_host(bad)
                    .build()
                    .unwrap_err(),
            ] {
                assert_eq!(e, ConfigError::InvalidHost(quote(bad)), "{bad}");
                let shown = e.to_string();
                assert!(shown.contains(&quote(bad)), "{shown}");
                assert!(shown.contains("a DNS name (dot-separated labels"), "{shown}");
            }
        }
    }

    #[test]
    fn from_url_parses_every_part() {
        let c = Config::from_url("http://key:sec%40ret@127.0.0.1:6001/apps/123").unwrap();
        assert_eq!(c.app_id(), "123");
        assert_eq!(c.key(), "key");
        assert_eq!(c.secret(), "sec@ret");
        assert_eq!(c.api_endpoint().scheme(), Scheme::Http);
        assert_eq!(c.api_endpoint().host(), "127.0.0.1");
        assert_eq!(c.api_endpoint().port(), 6001);
        let c = Config::from_url("https://k:s@api-eu.pusher.com/apps/4/").unwrap();
        assert_eq!(c.api_endpoint().base_url(), "https://api-eu.pusher.com");
        assert_eq!(c.app_id(), "4");
        let c = Config::from_url("http://k%3Ay:a%2f%3F%23%C3%A9@[::1]:00080/apps/5").unwrap();
        assert_eq!(c.key(), "k:y");
        assert_eq!(c.secret(), "a/?#é");
        assert_eq!(c.api_endpoint().host(), "[::1]");
        assert_eq!(c.api_endpoint().port(), 80);
    }

    #[test]
    fn from_url_errors_name_the_problem_and_never_the_secret() {
        let cases = [
            ("ftp://k:TOPSECRET@h/apps/1", "scheme"),
            ("http://k:TOPSECRET@/apps/1", "missing host"),
            ("http://kTOPSECRET@h/apps/1", "':'"),
            ("http://h/apps/1", "KEY:SECRET@"),
            ("http://k:TOPSECRET@h:99999/apps/1", "port"),
            ("http://k:TOPSECRET@h/apps/", "/apps/APP_ID"),
            ("http://k:TOPSECRET@h/nope/1", "/apps/APP_ID"),
            ("http://k:TOPSECRET@h/apps/x1", "decimal digits"),
            ("http://k:TOPSECRET@h/apps/1/extra", "/apps/APP_ID"),
            (
                "http://k:TOPSECRET%ff@h/apps/1",
                "the secret does not decode to UTF-8",
            ),
            (
                "http://k:TOPSECRET%C3@h/apps/1",
                "the secret does not decode to UTF-8",
            ),
            ("http://k:TOPSECRET%ZZ@h/apps/1", "the secret holds a '%'"),
            ("http://k:TOPSECRET%@h/apps/1", "the secret holds a '%'"),
            ("http://k:TOPSECRET%4@h/apps/1", "the secret holds a '%'"),
            ("http://k:%+1TOPSECRET@h/apps/1", "the secret holds a '%'"),
            ("http://k%zz:TOPSECRET@h/apps/1", "the key holds a '%'"),
            (
                "http://k%80:TOPSECRET@h/apps/1",
                "the key does not decode to UTF-8",
            ),
            (
                "http://k:TOPSECRET@h:+80/apps/1",
                "port \"+80\" must be ASCII digits",
            ),
            (
                "http://k:TOPSECRET@h:-1/apps/1",
                "port \"-1\" must be ASCII digits",
            ),
            ("http://k:TOPSECRET@h: 80/apps/1", "ASCII digits"),
            ("http://k:TOPSECRET@h:/apps/1", "port \"\" must be ASCII digits"),
            ("http://k:TOPSECRET@[::1]:/apps/1", "port"),
            (
                "http://k:TOPSECRET@h/apps/1?cluster=eu",
                "a query (?...) is not allowed",
            ),
            ("http://k:TOPSECRET@h/apps/1?", "a query"),
            (
                "http://k:TOPSECRET@h/apps/1#top",
                "a fragment (#...) is not allowed",
            ),
            ("http://k:TOPSECRET#1@h/apps/1", "a fragment"),
            ("http://k:TOPSECRET?1@h/apps/1", "a query"),
            ("http://k:TOPSECRET@[[::]]/apps/1", "invalid host \"[[::]]\""),
            ("http://k:TOPSECRET@-/apps/1", "invalid host \"-\""),
            ("", "scheme"),
        ];
        for (url, needle) in cases {
            let e = Config::from_url(url).unwrap_err();
            let (shown, debug) = (e.to_string(), format!("{e:?}"));
            assert!(shown.contains(needle), "{url}: {shown}");
            for text in [shown, debug] {
                assert!(!text.contains("TOPSECRET"), "{url}: {text}");
            }
        }
    }

    #[test]
    fn debug_redacts_secret_and_master_key() {
        let key = BASE64.encode([7u8; 32]);
        let c = Config::builder("1", "the-key", "TOPSECRET")
            .encryption_master_key_base64(&key)
            .build()
            .unwrap();
        let debug = format!("{c:?}");
        assert!(!debug.contains("TOPSECRET"), "{debug}");
        assert!(!debug.contains(&key), "{debug}");
        assert!(debug.contains("the-key"), "{debug}");
        assert!(debug.contains("[redacted]"), "{debug}");
        let builder = format!("{:?}", ConfigBuilder::new("1", "k", "TOPSECRET"));
        assert!(!builder.contains("TOPSECRET"), "{builder}");
    }

    #[test]
    fn master_key_must_be_32_bytes_of_base64() {
        let e = Config::builder("1", "k", "s")
            .encryption_master_key_base64(&BASE64.encode([1u8; 31]))
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("31 bytes"), "{e}");
        let e = Config::builder("1", "k", "s")
            .encryption_master_key_base64("not base64!")
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("base64"), "{e}");
        let c = Config::builder("1", "k", "s")
            .encryption_master_key_base64(&BASE64.encode([1u8; 32]))
            .build()
            .unwrap();
        assert_eq!(c.master_key().unwrap().bytes(), &[1u8; 32]);
    }

    /// A field of the builder with no setting fails to compile here (the pattern is exhaustive)
    /// until it is given one in `config_settings!`, which puts it on `PusherBuilder` as well.
    #[test]
    fn every_field_has_a_setting() {
        let builder = every_setting!(ConfigBuilder::new("1", "k", "s"), [1; 32]);
        let ConfigBuilder {
            app_id: _,
            key: _,
            secret: _,
            cluster,
            host,
            scheme,
            port,
            notify_host,
            notify_scheme,
            notify_port,
            master_key,
            max_payload_bytes,
            max_batch_events,
        } = builder;
        assert_eq!(cluster.as_deref(), Some("eu"));
        assert_eq!(host.as_deref(), Some("example.com"));
        assert_eq!((scheme, port), (Scheme::Http, Some(8080)));
        assert_eq!(notify_host.as_deref(), Some("push.example.com"));
        assert_eq!((notify_scheme, notify_port), (Scheme::Http, Some(9090)));
        assert_eq!(
            master_key.map(|k| k.map(|k| *k.bytes()).ok()),
            Some(Some([1; 32]))
        );
        assert_eq!(max_payload_bytes, 20_000);
        assert_eq!(max_batch_events, 20);
    }

    #[test]
    fn websocket_urls_follow_the_api_host() {
        let url = |url: &str| Config::from_url(url).unwrap().websocket_url();
        assert_eq!(
            url("https://k:s@api-eu.pusher.com/apps/1"),
            "wss://ws-eu.pusher.com/app/k?protocol=7"
        );
        assert_eq!(
            url("http://k:s@127.0.0.1:6001/apps/1"),
            "ws://127.0.0.1:6001/app/k?protocol=7"
        );
        assert_eq!(
            url("https://k:s@example.com:8443/apps/1"),
            "wss://example.com:8443/app/k?protocol=7"
        );
        assert_eq!(
            url("http://k:s@localhost/apps/1"),
            "ws://localhost/app/k?protocol=7"
        );
        assert_eq!(
            url("https://k:s@example.com:443/apps/1"),
            "wss://example.com/app/k?protocol=7"
        );
    }
}
