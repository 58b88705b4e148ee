//! The settings every HTTP client adapter honours, and the builder that makes a client from them.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use super::TransportError;

/// The settings every HTTP client adapter honours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpOptions {
    /// The whole request's deadline (default 5 s).
    pub timeout: Duration,
    /// The connection's deadline (default 5 s).
    pub connect_timeout: Duration,
    /// The largest response body read; a larger one is a
    /// [`BodyTooLarge`](super::TransportErrorKind::BodyTooLarge) error (default 8 MiB).
    pub max_response_body: usize,
}

impl HttpOptions {
    /// The default request timeout: 5 seconds.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
    /// The default connect timeout: 5 seconds.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
    /// The default response body cap: 8 MiB.
    pub const DEFAULT_MAX_RESPONSE_BODY: usize = 8 * 1024 * 1024;
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            timeout: Self::DEFAULT_TIMEOUT,
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            max_response_body: Self::DEFAULT_MAX_RESPONSE_BODY,
        }
    }
}

/// An HTTP client that can be made from [`HttpOptions`]: what lets
/// [`PusherBuilder`](crate::PusherBuilder) and [`HttpClientBuilder`] make the client.
pub trait BuildHttpClient: Sized {
    /// Makes a client honouring `options`.
    fn build_http_client(options: &HttpOptions) -> Result<Self, TransportError>;
}

/// The setters of [`HttpOptions`], written once for every builder that carries them in a field
/// named `options`: [`HttpClientBuilder`] and [`PusherBuilder`](crate::PusherBuilder).
macro_rules! http_option_setters {
    (impl<$c:ident> $builder:ty) => {
        impl<$c> $builder {
            /// The whole-request timeout: connect, send, and receive the full response
            /// (default 5 s).
            pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
                self.options.timeout = timeout;
                self
            }

            /// The connect timeout (default 5 s).
            pub fn connect_timeout(mut self, connect_timeout: std::time::Duration) -> Self {
                self.options.connect_timeout = connect_timeout;
                self
            }

            /// The response body cap, in bytes (default 8 MiB).
            pub fn max_response_body(mut self, max_response_body: usize) -> Self {
                self.options.max_response_body = max_response_body;
                self
            }
        }
    };
}
pub(crate) use http_option_setters;

/// Builds an HTTP client `C` from [`HttpOptions`], starting from their defaults.
///
/// The builder every adapter's `builder()` returns (`ReqwestClient::builder()`,
/// `UreqClient::builder()`, ...); [`build`](Self::build) hands the options to
/// [`C::build_http_client`](BuildHttpClient::build_http_client).
///
/// ```
/// use std::time::Duration;
///
/// use pusher_core::{BuildHttpClient, HttpClientBuilder, HttpOptions, TransportError};
///
/// #[derive(Debug)]
/// struct MyClient(HttpOptions);
///
/// impl BuildHttpClient for MyClient {
///     fn build_http_client(options: &HttpOptions) -> Result<Self, TransportError> {
///         Ok(MyClient(*options))
///     }
/// }
///
/// let client = HttpClientBuilder::<MyClient>::new()
///     .timeout(Duration::from_secs(10))
///     .max_response_body(1024 * 1024)
///     .build()?;
/// assert_eq!(client.0.timeout, Duration::from_secs(10));
/// assert_eq!(client.0.connect_timeout, HttpOptions::DEFAULT_CONNECT_TIMEOUT);
/// assert_eq!(client.0.max_response_body, 1024 * 1024);
/// # Ok::<(), TransportError>(())
/// ```
#[must_use]
pub struct HttpClientBuilder<C> {
    options: HttpOptions,
    _client: PhantomData<fn() -> C>,
}

impl<C> HttpClientBuilder<C> {
    /// A builder with the default [`HttpOptions`].
    pub fn new() -> Self {
        Self {
            options: HttpOptions::default(),
            _client: PhantomData,
        }
    }

    /// The options set so far.
    pub fn options(&self) -> &HttpOptions {
        &self.options
    }

    /// Builds the client, as [`C::build_http_client`](BuildHttpClient::build_http_client) with
    /// these options.
    ///
    /// # Errors
    ///
    /// The [`TransportError`] the client's construction fails with; each adapter documents when
    /// that can happen.
    pub fn build(self) -> Result<C, TransportError>
    where
        C: BuildHttpClient,
    {
        C::build_http_client(&self.options)
    }
}

http_option_setters!(impl<C> HttpClientBuilder<C>);

impl<C> Default for HttpClientBuilder<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C> Clone for HttpClientBuilder<C> {
    fn clone(&self) -> Self {
        Self {
            options: self.options,
            _client: PhantomData,
        }
    }
}

impl<C> fmt::Debug for HttpClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClientBuilder")
            .field("client", &std::any::type_name::<C>())
            .field("options", &self.options)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Recorded(HttpOptions);

    impl BuildHttpClient for Recorded {
        fn build_http_client(options: &HttpOptions) -> Result<Self, TransportError> {
            Ok(Recorded(*options))
        }
    }

    #[test]
    fn builder_starts_from_the_defaults() {
        let builder = HttpClientBuilder::<Recorded>::default();
        assert_eq!(*builder.options(), HttpOptions::default());
        assert_eq!(builder.build().map(|c| c.0).ok(), Some(HttpOptions::default()));
    }

    #[test]
    fn builder_passes_every_option_to_the_client() {
        let builder = HttpClientBuilder::<Recorded>::new()
            .timeout(Duration::from_secs(7))
            .connect_timeout(Duration::from_millis(250))
            .max_response_body(42);
        let copy = builder.clone();
        let options = builder.build().map(|c| c.0).ok();
        assert_eq!(options.map(|o| o.timeout), Some(Duration::from_secs(7)));
        assert_eq!(
            options.map(|o| o.connect_timeout),
            Some(Duration::from_millis(250))
        );
        assert_eq!(options.map(|o| o.max_response_body), Some(42));
        assert_eq!(copy.options().max_response_body, 42);
        assert!(format!("{copy:?}").contains("max_response_body: 42"));
    }

    #[test]
    fn blocking_wrapper_builds_through_the_inner_client() {
        let built = HttpClientBuilder::<crate::http_client::Blocking<Recorded>>::new()
            .max_response_body(9)
            .build();
        assert_eq!(built.map(|b| b.0.0.max_response_body).ok(), Some(9));
    }
}
