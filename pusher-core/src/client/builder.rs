//! Making a [`Pusher`]: [`PusherBuilder`], and what each of its settings belongs to.
//!

use std::fmt;
use std::sync::Arc;

use super::Pusher;
use crate::config::{ConfigBuilder, ConfigError, config_settings};
use crate::http_client::options::http_option_setters;
use crate::http_client::{BuildHttpClient, HttpOptions, TransportError};
use crate::sources::{Clock, NonceSource};
use crate::webhook::WebhookVerifier;

/// The name of the environment variable [`Pusher::from_env`] reads.
pub const PUSHER_URL_ENV: &str = "PUSHER_URL";

/// A client that cannot be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The HTTP client could not be made.
    #[error("could not build the HTTP client")]
    Http(#[source] TransportError),
    /// An environment variable is not set, or not UTF-8.
    #[error("environment variable {0} is not set (or not UTF-8)")]
    MissingEnv(&'static str),
    /// No clock or nonce source was given on a platform that has no default.
    #[error("no {0} was given and this platform has no default")]
    NoDefaultSource(&'static str),
}

impl<C: BuildHttpClient> Pusher<C> {
    /// A client for `api-{cluster}.pusher.com` with every default.
    ///
    /// ```
    /// # #[derive(Debug)] struct Client;
    /// # impl pusher_core::BuildHttpClient for Client {
    /// #     fn build_http_client(_: &pusher_core::HttpOptions) -> Result<Self, pusher_core::TransportError> { Ok(Client) }
    /// # }
    /// # type Pusher = pusher_core::Pusher<Client>;
    /// let pusher = Pusher::from_credentials("123", "key", "secret", "eu")?;
    /// # Ok::<(), pusher_core::BuildError>(())
    /// ```
    pub fn from_credentials(
        app_id: impl Into<String>,
        key: impl Into<String>,
        secret: impl Into<String>,
        cluster: impl Into<String>,
    ) -> Result<Self, BuildError> {
        Self::builder(app_id, key, secret).cluster(cluster).build()
    }

    /// A client for `http[s]://KEY:SECRET@HOST[:PORT]/apps/APP_ID` with every default.
    ///
    /// ```
    /// # #[derive(Debug)] struct Client;
    /// # impl pusher_core::BuildHttpClient for Client {
    /// #     fn build_http_client(_: &pusher_core::HttpOptions) -> Result<Self, pusher_core::TransportError> { Ok(Client) }
    /// # }
    /// # type Pusher = pusher_core::Pusher<Client>;
    /// let pusher = Pusher::from_url("http://key:secret@127.0.0.1:6001/apps/123")?;
    /// # Ok::<(), pusher_core::BuildError>(())
    /// ```
    pub fn from_url(url: &str) -> Result<Self, BuildError> {
        Self::builder_from_url(url).build()
    }

    /// A client for the URL in the `PUSHER_URL` environment variable.
    ///
    /// ```
    /// # #[derive(Debug)] struct Client;
    /// # impl pusher_core::BuildHttpClient for Client {
    /// #     fn build_http_client(_: &pusher_core::HttpOptions) -> Result<Self, pusher_core::TransportError> { Ok(Client) }
    /// # }
    /// # type Pusher = pusher_core::Pusher<Client>;
    /// match Pusher::from_env() {
    ///     Ok(pusher) => println!("using {}", pusher.config().api_endpoint().host()),
    ///     Err(error) => eprintln!("{error}"), // environment variable PUSHER_URL is not set ...
    /// }
    /// # Ok::<(), pusher_core::BuildError>(())
    /// ```
    pub fn from_env() -> Result<Self, BuildError> {
        let url = std::env::var(PUSHER_URL_ENV).map_err(|_| BuildError::MissingEnv(PUSHER_URL_ENV))?;
        Self::from_url(&url)
    }
}

impl<C> Pusher<C> {
    /// A builder for every optional setting, starting from the three credentials (what each
    /// setting belongs to: [`PusherBuilder`]).
    ///
    /// ```
    /// # #[derive(Debug)] struct Client;
    /// # impl pusher_core::BuildHttpClient for Client {
    /// #     fn build_http_client(_: &pusher_core::HttpOptions) -> Result<Self, pusher_core::TransportError> { Ok(Client) }
    /// # }
    /// # type Pusher = pusher_core::Pusher<Client>;
    /// use std::time::Duration;
    ///
    /// let pusher = Pusher::builder("123", "key", "secret")
    ///     .cluster("eu")
    ///     .timeout(Duration::from_secs(2))
    ///     .encryption_master_key([7; 32])
    ///     .build()?;
    /// # Ok::<(), pusher_core::BuildError>(())
    /// ```
    pub fn builder(
        app_id: impl Into<String>,
        key: impl Into<String>,
        secret: impl Into<String>,
    ) -> PusherBuilder<C> {
        PusherBuilder::from_config(Ok(ConfigBuilder::new(app_id, key, secret)))
    }

    /// A builder starting from a `PUSHER_URL`-style URL (an invalid URL fails at `build`).
    ///
    /// ```
    /// # #[derive(Debug)] struct Client;
    /// # impl pusher_core::BuildHttpClient for Client {
    /// #     fn build_http_client(_: &pusher_core::HttpOptions) -> Result<Self, pusher_core::TransportError> { Ok(Client) }
    /// # }
    /// # type Pusher = pusher_core::Pusher<Client>;
    /// let pusher = Pusher::builder_from_url("https://key:secret@api-eu.pusher.com/apps/123")
    ///     .max_payload_bytes(100 * 1024)
    ///     .build()?;
    /// # Ok::<(), pusher_core::BuildError>(())
    /// ```
    pub fn builder_from_url(url: &str) -> PusherBuilder<C> {
        PusherBuilder::from_config(ConfigBuilder::from_url(url))
    }
}

/// Builds a [`Pusher`]: the configuration's settings, the HTTP client's, and the sources of time
/// and randomness.
///
/// It carries three kinds of settings, each defined once, where it belongs:
///
/// | settings | belong to | defined by |
/// |---|---|---|
/// | hosts, ports and schemes, the encryption master key, the payload ceiling | the server and the app: the [`Config`](crate::Config) | [`ConfigBuilder`], also used alone through [`Config::builder`](crate::Config::builder) |
/// | timeouts and the response body cap | the HTTP client the builder makes: [`HttpOptions`] | [`HttpClientBuilder`](crate::HttpClientBuilder), also used alone through an adapter's `builder()` |
/// | the HTTP client, the clock, the nonce source | the client itself | [`PusherBuilder`], or [`Pusher::with_sources`] |
///
/// The builder gets the first two kinds from their own builders: every setting of
/// [`ConfigBuilder`] and of [`HttpClientBuilder`](crate::HttpClientBuilder) is a method of
/// this builder, with the same name and docs, and no list here can fall behind them. HTTP
/// settings make the HTTP client; they are not used when one is given ready-made with
/// [`http_client`](PusherBuilder::http_client) or [`build_with`](PusherBuilder::build_with).
pub struct PusherBuilder<C> {
    config: Result<ConfigBuilder, ConfigError>,
    options: HttpOptions,
    http: Option<C>,
    clock: Option<Arc<dyn Clock>>,
    nonces: Option<Arc<dyn NonceSource>>,
}

impl<C: fmt::Debug> fmt::Debug for PusherBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PusherBuilder")
            .field("config", &self.config)
            .field("options", &self.options)
            .field("http", &self.http)
            .finish_non_exhaustive()
    }
}

/// Forwards each of the [`config_settings!`] to the builder's [`ConfigBuilder`].
macro_rules! forward_config_settings {
    ($($(#[$doc:meta])* fn $name:ident($builder:ident, $arg:ident: $ty:ty) $body:block)*) => {
        impl<C> PusherBuilder<C> {
            $(
                $(#[$doc])*
                pub fn $name(mut self, $arg: $ty) -> Self {
                    self.config = self.config.map(|config| config.$name($arg));
                    self
                }
            )*
        }
    };
}

config_settings!(forward_config_settings);
http_option_setters!(impl<C> PusherBuilder<C>);

impl<C> PusherBuilder<C> {
    fn from_config(config: Result<ConfigBuilder, ConfigError>) -> Self {
        Self {
            config,
            options: HttpOptions::default(),
            http: None,
            clock: None,
            nonces: None,
        }
    }

    /// Uses this HTTP client instead of making one (the HTTP settings are then not used).
    pub fn http_client(mut self, http: C) -> Self {
        self.http = Some(http);
        self
    }

    /// Uses this clock (default: the system clock).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Uses this nonce source (default: the operating system's random source).
    pub fn nonces(mut self, nonces: impl NonceSource + 'static) -> Self {
        self.nonces = Some(Arc::new(nonces));
        self
    }

    /// Builds the client with `http`, whatever its type.
    pub fn build_with(self, http: C) -> Result<Pusher<C>, BuildError> {
        let config = self.config?.build()?;
        #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
        let (clock, nonces): (Arc<dyn Clock>, Arc<dyn NonceSource>) = (
            self.clock
                .unwrap_or_else(|| Arc::new(crate::sources::SystemClock)),
            self.nonces.unwrap_or_else(|| Arc::new(crate::sources::OsRandom)),
        );
        #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
        let (clock, nonces) = (
            self.clock.ok_or(BuildError::NoDefaultSource("clock"))?,
            self.nonces.ok_or(BuildError::NoDefaultSource("nonce source"))?,
        );
        Ok(Pusher {
            webhooks: WebhookVerifier::new(&config),
            config,
            clock,
            nonces,
            http,
        })
    }

    /// Builds the client, making the HTTP client from the HTTP settings unless one was given.
    pub fn build(mut self) -> Result<Pusher<C>, BuildError>
    where
        C: BuildHttpClient,
    {
        let http = match self.http.take() {
            Some(http) => http,
            None => C::build_http_client(&self.options).map_err(BuildError::Http)?,
        };
        self.build_with(http)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::every_setting;
    use crate::http_client::Blocking;
    use crate::{Config, MasterKey};

    type Closure = Blocking<fn(http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError>>;

    fn answer(_: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError> {
        Ok(http::Response::new(b"{}".to_vec()))
    }

    #[test]
    fn every_config_setting_reaches_the_config() {
        let key = MasterKey::from_bytes(&[3; 32]).unwrap();
        let expected = every_setting!(Config::builder("1", "k", "s"), key.clone())
            .build()
            .unwrap();
        let pusher = every_setting!(Pusher::<Closure>::builder("1", "k", "s"), key)
            .build_with(Blocking(answer))
            .unwrap();
        assert_eq!(format!("{:?}", pusher.config()), format!("{expected:?}"));
        assert_eq!(
            pusher.config().api_endpoint().base_url(),
            "http://example.com:8080"
        );
        assert_eq!(pusher.config().notify_endpoint().port(), 9090);
        assert_eq!(pusher.config().max_payload_bytes(), 20_000);
        assert_eq!(pusher.config().master_key().map(MasterKey::bytes), Some(&[3; 32]));
    }

    #[test]
    fn an_invalid_setting_fails_at_build() {
        let error = Pusher::<Closure>::builder("1", "k", "s")
            .encryption_master_key_base64("not base64!")
            .build_with(Blocking(answer))
            .unwrap_err();
        assert!(
            matches!(error, BuildError::Config(ConfigError::InvalidMasterKey { .. })),
            "{error}"
        );
        let error = Pusher::<Closure>::builder_from_url("ftp://nope")
            .cluster("eu")
            .build_with(Blocking(answer))
            .unwrap_err();
        assert!(
            matches!(error, BuildError::Config(ConfigError::InvalidUrl { .. })),
            "{error}"
        );
    }
}
