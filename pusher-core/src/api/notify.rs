//! Native push notifications (PROTOCOL §10, beta).

use serde::{Deserialize, Serialize};

use super::RequestError;
use super::{Operation, RequestContext};
use crate::config::Config;
use crate::limits::{self, MAX_INTERESTS};
use crate::names::{ValidationError, ValueKind, check};
use crate::request::Unsigned;
use crate::response::ResponseError;
use crate::response::parse_json;

/// How much the push service reports to `webhook_url`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
#[non_exhaustive]
pub enum WebhookLevel {
    /// Errors only.
    Info,
    /// Everything.
    Debug,
}

/// A push notification to the devices subscribed to 1 to 10 interests:
/// `POST /server_api/v1/apps/{id}/notifications` on the notify host.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Notification {
    interests: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    apns: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gcm: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fcm: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    webhook_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    webhook_level: Option<WebhookLevel>,
}

impl Notification {
    /// A notification to `interests`; add at least one platform payload.
    ///
    /// Each interest is 1 to 164 characters of `A-Z a-z 0-9 - _ = @ , . ;`.
    pub fn new<I, S>(interests: I) -> Result<Self, ValidationError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let interests = interests
            .into_iter()
            .map(|i| {
                let i = i.into();
                check(
                    ValueKind::Interest,
                    &i,
                    limits::is_interest,
                    limits::INTEREST_RULE,
                )?;
                Ok(i)
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            interests,
            ..Self::default()
        })
    }

    /// The APNs payload.
    pub fn apns(mut self, payload: serde_json::Value) -> Self {
        self.apns = Some(payload);
        self
    }

    /// The GCM payload.
    pub fn gcm(mut self, payload: serde_json::Value) -> Self {
        self.gcm = Some(payload);
        self
    }

    /// The FCM payload.
    pub fn fcm(mut self, payload: serde_json::Value) -> Self {
        self.fcm = Some(payload);
        self
    }

    /// Where the push service reports delivery.
    pub fn webhook_url(mut self, url: impl Into<String>) -> Self {
        self.webhook_url = Some(url.into());
        self
    }

    /// How much the push service reports.
    pub fn webhook_level(mut self, level: WebhookLevel) -> Self {
        self.webhook_level = Some(level);
        self
    }
}

impl Operation for Notification {
    type Output = NotifyResponse;

    fn build_request(
        &self,
        config: &Config,
        context: &RequestContext<'_>,
    ) -> Result<http::Request<Vec<u8>>, RequestError> {
        let count = self.interests.len();
        if !(1..=MAX_INTERESTS).contains(&count) {
            return Err(RequestError::InterestCount {
                count,
                max: MAX_INTERESTS,
            });
        }
        if self.apns.is_none() && self.gcm.is_none() && self.fcm.is_none() {
            return Err(RequestError::NoPlatform);
        }
        Unsigned {
            method: http::Method::POST,
            endpoint: config.notify_endpoint(),
            path: &["/server_api/v1/apps/", config.app_id(), "/notifications"],
            params: &[],
            body: serde_json::to_vec(self).map_err(RequestError::Serialize)?,
        }
        .sign(config, context.timestamp)
    }

    fn parse_response(&self, response: http::Response<Vec<u8>>) -> Result<NotifyResponse, ResponseError> {
        parse_json(response)
    }
}

/// The push service's answer, kept whole.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct NotifyResponse {
    /// Every field of the answer (e.g. `number_of_subscribers`).
    #[serde(flatten)]
    pub fields: serde_json::Map<String, serde_json::Value>,
}
