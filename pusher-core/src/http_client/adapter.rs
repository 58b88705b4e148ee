//! [`adapter_client!`](crate::http_client::adapter_client): an HTTP client adapter's client type,
//! with the constructors and accessors every adapter offers, written once.

/// Declares an HTTP client adapter's client type: a newtype over the HTTP stack's own client,
/// plus the response body cap, with what every adapter offers besides sending.
///
/// ```text
/// pusher_core::http_client::adapter_client! {
///     /// Docs of the client type.
///     pub struct IsahcClient(inner: isahc::HttpClient);
///     impl HttpClient by exchange_blocking;
///     impl AsyncHttpClient by exchange_async;
/// }
/// ```
///
/// declares `#[derive(Debug, Clone)] pub struct IsahcClient { inner: isahc::HttpClient,
/// max_response_body: usize }` and:
///
/// - `IsahcClient::builder()`: an [`HttpClientBuilder`](crate::HttpClientBuilder) starting from
///   the default [`HttpOptions`](crate::HttpOptions);
/// - `with_max_response_body(n)` and `max_response_body()`: the response body cap;
/// - `inner()` (the field's name): the wrapped client;
/// - `From<isahc::HttpClient>`: wraps a client configured elsewhere, with the default body cap;
/// - `Default`, as `IsahcClient::new()`;
/// - with `impl HttpClient by m;`, [`HttpClient`](crate::HttpClient), whose `send` is the
///   method `fn m(&self, http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>,
///   TransportError>` in [`traced!`](crate::http_client::traced);
/// - with `impl AsyncHttpClient by m;`, [`AsyncHttpClient`](crate::AsyncHttpClient), whose
///   future is a [`ResponseFuture`](crate::http_client::ResponseFuture) of the method
///   `async fn m(&self, http::Request<Vec<u8>>) -> Result<...>` in
///   [`traced_async!`](crate::http_client::traced_async).
///
/// The adapter writes the rest, all of it specific to its stack: `new()` (whose failure modes are
/// its stack's), [`BuildHttpClient`](crate::BuildHttpClient), and the exchange methods.
#[doc(hidden)]
#[macro_export]
macro_rules! __pusher_adapter_client {
    (
        $(#[$attr:meta])*
        $vis:vis struct $client:ident($field:ident: $inner:ty);
        $(impl HttpClient by $blocking:ident;)?
        $(impl AsyncHttpClient by $asynchronous:ident;)?
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

        $(
            impl $crate::HttpClient for $client {
                fn send(
                    &self,
                    request: $crate::__private::http::Request<::std::vec::Vec<u8>>,
                ) -> ::core::result::Result<
                    $crate::__private::http::Response<::std::vec::Vec<u8>>,
                    $crate::TransportError,
                > {
                    $crate::__pusher_traced!(request => self.$blocking(request))
                }
            }
        )?

        $(
            impl $crate::AsyncHttpClient for $client {
                type Future<'a>
                    = $crate::http_client::ResponseFuture<'a>
                where
                    Self: 'a;

                fn send(
                    &self,
                    request: $crate::__private::http::Request<::std::vec::Vec<u8>>,
                ) -> Self::Future<'_> {
                    ::std::boxed::Box::pin($crate::__pusher_traced_async!(request => self.$asynchronous(request)))
                }
            }
        )?
    };
}
