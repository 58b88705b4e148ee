//! Acting on a user's connections.

use serde::{Deserialize, Serialize};

use super::RequestError;
use super::{Operation, RequestContext};
use crate::config::Config;
use crate::names::UserId;
use crate::request::{Unsigned, app_path};
use crate::response::ResponseError;
use crate::response::parse_json;

/// Closes every connection of a user: `POST /apps/{id}/users/{user_id}/terminate_connections`.
#[derive(Debug, Clone)]
pub struct TerminateUserConnections {
    user: UserId,
}

impl TerminateUserConnections {
    /// Closes `user`'s connections.
    pub fn new(user: UserId) -> Self {
        Self { user }
    }
}

impl Operation for TerminateUserConnections {
    type Output = TerminateUserConnectionsResponse;

    fn build_request(
        &self,
        config: &Config,
        context: &RequestContext<'_>,
    ) -> Result<http::Request<Vec<u8>>, RequestError> {
        Unsigned {
            method: http::Method::POST,
            endpoint: config.api_endpoint(),
            path: &app_path!(config, "/users/", self.user.as_str(), "/terminate_connections"),
            params: &[],
            body: b"{}".to_vec(),
        }
        .sign(config, context.timestamp)
    }

    fn parse_response(
        &self,
        response: http::Response<Vec<u8>>,
    ) -> Result<TerminateUserConnectionsResponse, ResponseError> {
        parse_json(response)
    }
}

/// A successful termination (the server's body carries nothing more).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct TerminateUserConnectionsResponse {}
