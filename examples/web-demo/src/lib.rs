#![doc = include_str!("../README.md")]

pub mod access;
pub mod activity;
pub mod page;
mod routes;
pub mod session;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use pusher::Pusher;

use crate::activity::ActivityLog;

pub use routes::{CHANNEL_AUTH_PATH, MAX_MESSAGE_CHARS, USER_AUTH_PATH, WEBHOOK_PATH};

/// The web app: what every request shares. Cheap to clone.
#[derive(Debug, Clone)]
pub struct App(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    pusher: Pusher,
    pusher_js: PathBuf,
    activity: ActivityLog,
}

impl App {
    /// An app that talks to Pusher through `pusher` and serves the pusher-js file at `pusher_js`
    /// when it exists (else the page gets it from Pusher's CDN); see
    /// [`page::installed_pusher_js`].
    pub fn new(pusher: Pusher, pusher_js: impl Into<PathBuf>) -> Self {
        Self(Arc::new(Inner {
            pusher,
            pusher_js: pusher_js.into(),
            activity: ActivityLog::default(),
        }))
    }

    /// Every route of the app, ready for `axum::serve`.
    pub fn router(&self) -> Router {
        routes::router(self.clone())
    }

    /// The Pusher client.
    pub fn pusher(&self) -> &Pusher {
        &self.0.pusher
    }

    /// Where the local copy of pusher-js is looked for.
    pub fn pusher_js(&self) -> &Path {
        &self.0.pusher_js
    }

    /// What the verified webhooks said.
    pub fn activity_log(&self) -> &ActivityLog {
        &self.0.activity
    }
}
