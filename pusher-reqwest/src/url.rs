//! A request's URL for reqwest, made without printing the URI and parsing it whole again.
//!
//! The core hands over an `http::Uri` whose parts are already checked. reqwest wants a
//! `url::Url`, and its own conversion prints the URI and parses the string from the start,
//! host included. Here the origin (scheme, host and port) is parsed once per thread and kept, and
//! each request's path and query are parsed against it.

use std::cell::RefCell;

use http::uri::{Authority, Scheme};
use pusher_core::{TransportError, TransportErrorKind};
use reqwest::Url;

thread_local! {
    /// The origin of the last request made on this thread, parsed.
    static ORIGIN: RefCell<Option<(Scheme, Authority, Url)>> = const { RefCell::new(None) };
}

/// The URL of `uri`, which must be absolute (`scheme://authority/path?query`).
pub(crate) fn of(uri: &http::Uri) -> Result<Url, TransportError> {
    let invalid = |why: String| TransportError::new(TransportErrorKind::Other, why);
    let (Some(scheme), Some(authority)) = (uri.scheme(), uri.authority()) else {
        return Err(invalid(format!("the request URI {uri} is not absolute")));
    };
    let path_and_query = uri.path_and_query().map_or("/", |pq| pq.as_str());
    ORIGIN.with_borrow_mut(|origin| {
        let base = match origin {
            Some((s, a, base)) if s == scheme && a == authority => base,
            _ => {
                let base = Url::parse(&format!("{scheme}://{authority}/"))
                    .map_err(|e| invalid(format!("the request URI's origin is not a valid URL: {e}")))?;
                &origin.insert((scheme.clone(), authority.clone(), base)).2
            }
        };
        Url::options()
            .base_url(Some(base))
            .parse(path_and_query)
            .map_err(|e| invalid(format!("the request URI's path is not a valid URL path: {e}")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_is_the_uri_and_the_origin_is_kept_per_scheme_and_authority() {
        for uri in [
            "http://127.0.0.1:6001/apps/1/events?auth_key=k&auth_signature=abc",
            "https://api-eu.pusher.com/apps/1/channels/%23server-to-user-1?info=user_count%2Csubscription_count",
            "http://[::1]:8080/apps/2/channels",
            "http://127.0.0.1:6001/apps/1/batch_events?a=1",
        ] {
            let parsed: http::Uri = uri.parse().unwrap();
            assert_eq!(of(&parsed).unwrap().as_str(), uri);
            assert_eq!(of(&parsed).unwrap(), Url::parse(uri).unwrap());
        }
    }

    #[test]
    fn a_relative_uri_is_an_error() {
        let error = of(&"/apps/1/events".parse().unwrap()).unwrap_err();
        assert!(error.to_string().contains("not absolute") || format!("{error:?}").contains("not absolute"));
    }
}
