//! [`traced!`](crate::http_client::traced) and
//! [`traced_async!`](crate::http_client::traced_async): one exchange of an HTTP client adapter,
//! recorded on its `tracing` span when the adapter's `tracing` feature is on.
//!
//! They are macros so that the span takes the target of the adapter that expands them, and so
//! that the feature they test is the adapter's own: an adapter declares a `tracing` feature that
//! enables `pusher-core/tracing`, and without it the macros expand to the bare exchange.

/// Runs a blocking exchange, recorded on its request's span (see [`trace`](crate::http_client)):
/// `traced!(request => self.exchange(request))`, with `request` the `http::Request<Vec<u8>>`
/// being sent and the expression after `=>` the exchange that consumes it, evaluating to a
/// `Result<http::Response<Vec<u8>>, TransportError>`.
///
/// The span is recorded only when the crate expanding the macro has its `tracing` feature on
/// (which must enable `pusher-core/tracing`); otherwise this is the exchange alone.
///
/// ```
/// use pusher_core::{HttpClient, TransportError};
///
/// struct Answering;
///
/// impl HttpClient for Answering {
///     fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError> {
///         pusher_core::http_client::traced!(request => Ok(http::Response::new(request.into_body())))
///     }
/// }
/// # assert_eq!(Answering.send(http::Request::new(b"x".to_vec())).unwrap().body(), b"x");
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __pusher_traced {
    ($request:ident => $exchange:expr) => {{
        #[cfg(feature = "tracing")]
        let outcome = {
            let span = $crate::__pusher_request_span!(&$request);
            let started = ::std::time::Instant::now();
            let outcome = span.in_scope(|| $exchange);
            $crate::__pusher_record_outcome!(&span, started, &outcome);
            outcome
        };
        #[cfg(not(feature = "tracing"))]
        let outcome = $exchange;
        outcome
    }};
}

/// The asynchronous [`traced!`](crate::http_client::traced):
/// `traced_async!(request => exchange(&self.inner, request))`, with the expression after `=>` a
/// future of the exchange; evaluates to a future of the same output, instrumented with the
/// request's span when the expanding crate's `tracing` feature is on.
///
/// ```
/// use pusher_core::{AsyncHttpClient, TransportError};
///
/// struct Answering;
///
/// async fn exchange(request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError> {
///     Ok(http::Response::new(request.into_body()))
/// }
///
/// impl AsyncHttpClient for Answering {
///     type Future<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<http::Response<Vec<u8>>, TransportError>> + Send + 'a>>;
///
///     fn send(&self, request: http::Request<Vec<u8>>) -> Self::Future<'_> {
///         Box::pin(pusher_core::http_client::traced_async!(request => exchange(request)))
///     }
/// }
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __pusher_traced_async {
    ($request:ident => $exchange:expr) => {{
        #[cfg(feature = "tracing")]
        let future = {
            use $crate::http_client::trace::tracing::Instrument as _;
            let span = $crate::__pusher_request_span!(&$request);
            let record_on = span.clone();
            let started = ::std::time::Instant::now();
            async move {
                let outcome = $exchange.await;
                $crate::__pusher_record_outcome!(&record_on, started, &outcome);
                outcome
            }
            .instrument(span)
        };
        #[cfg(not(feature = "tracing"))]
        let future = $exchange;
        future
    }};
}
