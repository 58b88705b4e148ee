//! Querying channel state: the channel list, one channel, a presence channel's users.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::RequestError;
use super::{ChannelAttribute, ChannelInfo, Operation, RequestContext, info_param};
use crate::config::Config;
use crate::names::ChannelName;
use crate::request::{Unsigned, app_path};
use crate::response::ResponseError;
use crate::response::parse_json;

/// `GET` of `path`, given in pieces.
fn get(
    config: &Config,
    context: &RequestContext<'_>,
    path: &[&str],
    params: &[(&str, &str)],
) -> Result<http::Request<Vec<u8>>, RequestError> {
    Unsigned {
        method: http::Method::GET,
        endpoint: config.api_endpoint(),
        path,
        params,
        body: Vec::new(),
    }
    .sign(config, context.timestamp)
}

/// Lists occupied channels: `GET /apps/{id}/channels`.
#[derive(Debug, Clone, Default)]
pub struct ListChannels {
    prefix: Option<String>,
    info: Vec<ChannelAttribute>,
}

impl ListChannels {
    /// Every occupied channel.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only channels whose name starts with `prefix` (e.g. `presence-`).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// Asks for these attributes of each channel (`user_count` needs a `presence-` prefix).
    pub fn info(mut self, attributes: impl IntoIterator<Item = ChannelAttribute>) -> Self {
        self.info.extend(attributes);
        self
    }
}

impl Operation for ListChannels {
    type Output = ChannelsList;

    fn build_request(
        &self,
        config: &Config,
        context: &RequestContext<'_>,
    ) -> Result<http::Request<Vec<u8>>, RequestError> {
        let info = info_param(&self.info);
        let mut params = Vec::with_capacity(2);
        if let Some(prefix) = &self.prefix {
            params.push(("filter_by_prefix", prefix.as_str()));
        }
        if let Some(info) = &info {
            params.push(("info", info.as_str()));
        }
        get(config, context, &app_path!(config, "/channels"), &params)
    }

    fn parse_response(&self, response: http::Response<Vec<u8>>) -> Result<ChannelsList, ResponseError> {
        parse_json(response)
    }
}

/// The occupied channels, with the attributes asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ChannelsList {
    /// Attributes by channel name.
    pub channels: BTreeMap<String, ChannelInfo>,
}

/// One channel's state: `GET /apps/{id}/channels/{name}`.
#[derive(Debug, Clone)]
pub struct GetChannel {
    channel: ChannelName,
    info: Vec<ChannelAttribute>,
}

impl GetChannel {
    /// The state of `channel`.
    pub fn new(channel: ChannelName) -> Self {
        Self {
            channel,
            info: Vec::new(),
        }
    }

    /// Asks for these attributes.
    pub fn info(mut self, attributes: impl IntoIterator<Item = ChannelAttribute>) -> Self {
        self.info.extend(attributes);
        self
    }

    /// Asks for `user_count` (presence channels).
    pub fn with_user_count(self) -> Self {
        self.info([ChannelAttribute::UserCount])
    }

    /// Asks for `subscription_count`.
    pub fn with_subscription_count(self) -> Self {
        self.info([ChannelAttribute::SubscriptionCount])
    }
}

impl Operation for GetChannel {
    type Output = ChannelState;

    fn build_request(
        &self,
        config: &Config,
        context: &RequestContext<'_>,
    ) -> Result<http::Request<Vec<u8>>, RequestError> {
        let info = info_param(&self.info);
        let params: Vec<(&str, &str)> = info.iter().map(|i| ("info", i.as_str())).collect();
        get(
            config,
            context,
            &app_path!(config, "/channels/", self.channel.as_str()),
            &params,
        )
    }

    fn parse_response(&self, response: http::Response<Vec<u8>>) -> Result<ChannelState, ResponseError> {
        parse_json(response)
    }
}

/// One channel's state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ChannelState {
    /// Whether any connection is subscribed.
    pub occupied: bool,
    /// Distinct users (presence channels), when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_count: Option<u64>,
    /// Subscribed connections, when asked for and enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_count: Option<u64>,
}

/// The users on a presence channel: `GET /apps/{id}/channels/{name}/users`.
#[derive(Debug, Clone)]
pub struct GetPresenceUsers {
    channel: ChannelName,
}

impl GetPresenceUsers {
    /// The users on `channel`.
    pub fn new(channel: ChannelName) -> Self {
        Self { channel }
    }
}

impl Operation for GetPresenceUsers {
    type Output = PresenceUsers;

    fn build_request(
        &self,
        config: &Config,
        context: &RequestContext<'_>,
    ) -> Result<http::Request<Vec<u8>>, RequestError> {
        let path = app_path!(config, "/channels/", self.channel.as_str(), "/users");
        get(config, context, &path, &[])
    }

    fn parse_response(&self, response: http::Response<Vec<u8>>) -> Result<PresenceUsers, ResponseError> {
        parse_json(response)
    }
}

/// The users on a presence channel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct PresenceUsers {
    /// One entry per distinct user.
    pub users: Vec<PresenceUser>,
}

/// One user on a presence channel.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct PresenceUser {
    /// The user id given in the channel authorization.
    pub id: String,
}
