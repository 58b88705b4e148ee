//! [`adapter_client!`](crate::http_client::adapter_client): an HTTP client adapter's client type,
//! with the constructors and accessors every adapter offers, written once.

/// Declares an HTTP client adapter's client type: a newtype over the HTTP stack's own client,
/// plus the response body cap, with what every adapter offers besides sending.
///
/// ```text
/// pusher_core::http_client::adapter_client! {
///     /// Docs of the client type.
///     pub struct ReqwestClient(inner: reqwest::Client);
/// }
/// ```
///
/// declares `#[derive(Debug, Clone)] pub struct ReqwestClient { inner: reqwest::Client,
/// max_response_body: usize }` and:
///
/// - `ReqwestClient::builder()`: an [`HttpClientBuilder`](crate::HttpClientBuilder) starting from
///   the default [`HttpOptions`](crate::HttpOptions);
/// - `with_max_response_body(n)` and `max_response_body()`: the response body cap;
/// - `inner()` (the field's name): the wrapped client;
/// - `From<reqwest::Client>`: wraps a client configured elsewhere, with the default body cap;
/// - `Default`, as `ReqwestClient::new()`.
///
/// The adapter writes the rest: `new()` (whose failure modes are its stack's),
/// [`BuildHttpClient`](crate::BuildHttpClient), and the client traits.
#[doc(hidden)]
#[macro_export]
macro_rules! __pusher_adapter_client {
    (
        $(#[$attr:meta])*
        $vis:vis struct $client:ident($field:ident: $inner:ty);
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone)]
        $vis struct $client {
            $field: $inner,
            max_response_body: usize,
        }

        impl $client {
            /// A builder starting from the default [`HttpOptions`]($crate::HttpOptions); its
            /// `build` fails as
            /// [`build_http_client`]($crate::BuildHttpClient::build_http_client) does.
            pub fn builder() -> $crate::HttpClientBuilder<Self> {
                $crate::HttpClientBuilder::new()
            }

            /// Sets the response body cap, in bytes.
            #[must_use]
            pub fn with_max_response_body(mut self, max_response_body: usize) -> Self {
                self.max_response_body = max_response_body;
                self
            }

            /// The response body cap, in bytes.
            pub fn max_response_body(&self) -> usize {
                self.max_response_body
            }

            #[doc = concat!("The wrapped `", stringify!($inner), "`.")]
            pub fn $field(&self) -> &$inner {
                &self.$field
            }
        }

        impl ::core::default::Default for $client {
            #[doc = concat!("As [`", stringify!($client), "::new`].")]
            fn default() -> Self {
                Self::new()
            }
        }

        impl ::core::convert::From<$inner> for $client {
            /// Wraps a client configured elsewhere, used with its own settings, with the default
            /// body cap (change it with `with_max_response_body`).
            fn from($field: $inner) -> Self {
                Self {
                    $field,
                    max_response_body: $crate::HttpOptions::DEFAULT_MAX_RESPONSE_BODY,
                }
            }
        }
    };
}
