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
/// max_response_body: usize, timeout: Option<Duration> }` and:
///
/// - `IsahcClient::configured(inner, &options)` (private to the adapter): the client its
///   [`BuildHttpClient`](crate::BuildHttpClient) builds, with the options' body cap and deadline;
/// - `IsahcClient::builder()`: an [`HttpClientBuilder`](crate::HttpClientBuilder) starting from
///   the default [`HttpOptions`](crate::HttpOptions);
/// - `with_max_response_body(n)` and `max_response_body()`: the response body cap;
/// - `inner()` (the field's name): the wrapped client;
/// - `From<isahc::HttpClient>`: wraps a client configured elsewhere, with the default body cap;
/// - `Default`, as `IsahcClient::new()`;
/// - `timeout()`: the whole-request deadline the client was built with, `None` for a wrapped
///   client (whose own settings apply);
/// - with `impl HttpClient by m;`, [`HttpClient`](crate::HttpClient), whose `send` is the
///   method `fn m(&self, http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>,
///   TransportError>` in [`traced!`](crate::http_client::traced), its errors saying which request
///   failed and the deadline ([`TransportError::with_target`](crate::TransportError::with_target));
/// - with `impl AsyncHttpClient by m;`, [`AsyncHttpClient`](crate::AsyncHttpClient), whose
///   future is a [`ResponseFuture`](crate::http_client::ResponseFuture) of the method
///   `async fn m(&self, http::Request<Vec<u8>>) -> Result<...>` in
///   [`traced_async!`](crate::http_client::traced_async), its errors saying the same.
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
            timeout: ::core::option::Option<::std::time::Duration>,
        }

        impl $client {
            /// The client made from `options`: its body cap and whole-request deadline.
            #[allow(dead_code)] // an adapter whose stack holds the deadline may not need it
            fn configured($field: $inner, options: &$crate::HttpOptions) -> Self {
                Self {
                    $field,
                    max_response_body: options.max_response_body,
                    timeout: ::core::option::Option::Some(options.timeout),
                }
            }

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

            /// The whole-request deadline the client holds every call to, when it was built from
            /// [`HttpOptions`]($crate::HttpOptions); `None` for a client wrapped with `from`, whose
            /// own settings apply.
            pub fn timeout(&self) -> ::core::option::Option<::std::time::Duration> {
                self.timeout
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
                    timeout: ::core::option::Option::None,
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
                    let target = $crate::http_client::RequestTarget::of(&request);
                    $crate::__pusher_traced!(request => self.$blocking(request))
                        .map_err(|error| error.with_target(target).with_timeout(self.timeout))
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
                    let target = $crate::http_client::RequestTarget::of(&request);
                    let exchange = $crate::__pusher_traced_async!(request => self.$asynchronous(request));
                    ::std::boxed::Box::pin(async move {
                        exchange
                            .await
                            .map_err(|error| error.with_target(target).with_timeout(self.timeout))
                    })
                }
            }
        )?
    };
}
