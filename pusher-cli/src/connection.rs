//! The connection settings: where the server is, the app's credentials, the master key; and the
//! client they make. Every value is checked by the library's own configuration.

use std::time::Duration;

use clap::Args;
use pusher::{PUSHER_URL_ENV, Pusher, PusherBuilder, Scheme};

use crate::failure::Failure;

/// The environment variable read when `--encryption-master-key` is not given.
pub(crate) const MASTER_KEY_ENV: &str = "PUSHER_ENCRYPTION_MASTER_KEY";

/// Where the server is and the app's credentials: `--url`, else `--app-id`, `--key` and
/// `--secret` (with `--cluster` or `--host`/`--port`/`--scheme`), else `PUSHER_URL`.
///
/// Not `Debug`: it holds the secret.
#[derive(Args)]
#[command(next_help_heading = "Connection (given before the command; default: $PUSHER_URL)")]
pub(crate) struct ConnectionArgs {
    #[arg(
        long,
        value_name = "URL",
        help = "The server and the app: http[s]://KEY:SECRET@HOST[:PORT]/apps/APP_ID",
        conflicts_with_all = ["app_id", "cluster", "host", "port", "scheme"]
    )]
    url: Option<String>,

    /// The app id (with --key and --secret)
    #[arg(long, value_name = "ID", requires_all = ["key", "secret"])]
    app_id: Option<String>,

    /// The app key (with --app-id and --secret)
    #[arg(long, requires_all = ["app_id", "secret"])]
    key: Option<String>,

    /// The app secret (with --app-id and --key); never printed
    #[arg(long, requires_all = ["app_id", "key"])]
    secret: Option<String>,

    /// The cluster: the server is api-CLUSTER.pusher.com
    #[arg(long, conflicts_with = "host", requires = "app_id")]
    cluster: Option<String>,

    /// The server's host name or IP address
    #[arg(long, requires = "app_id")]
    host: Option<String>,

    /// The server's port (default: the scheme's)
    #[arg(long, requires = "app_id")]
    port: Option<u16>,

    /// http or https (default https)
    #[arg(long, value_parser = parse_scheme, requires = "app_id")]
    scheme: Option<Scheme>,

    /// The native push notifications host, for `notify` (default nativepush-cluster1.pusher.com)
    #[arg(long, value_name = "HOST")]
    notify_host: Option<String>,

    /// The native push notifications port (default: the scheme's)
    #[arg(long, value_name = "PORT")]
    notify_port: Option<u16>,

    /// The native push notifications scheme: http or https (default https)
    #[arg(long, value_name = "SCHEME", value_parser = parse_scheme)]
    notify_scheme: Option<Scheme>,

    /// The base64 master key (32 bytes) for private-encrypted- channels (default:
    /// $PUSHER_ENCRYPTION_MASTER_KEY); never printed
    #[arg(long, value_name = "BASE64")]
    encryption_master_key: Option<String>,
}

/// `http` or `https`, by the library's names for them.
fn parse_scheme(name: &str) -> Result<Scheme, String> {
    [Scheme::Http, Scheme::Https]
        .into_iter()
        .find(|scheme| scheme.as_str() == name)
        .ok_or_else(|| "must be http or https".to_owned())
}

/// The value of environment variable `name`, if it is set.
fn env_var(name: &str) -> Result<Option<String>, Failure> {
    match std::env::var(name) {
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(Failure::invalid(format!(
            "environment variable {name} is not UTF-8"
        ))),
    }
}

impl ConnectionArgs {
    /// The client these settings make; `timeout` is each request's deadline (default 5 s).
    pub(crate) fn pusher(&self, timeout: Option<Duration>) -> Result<Pusher, Failure> {
        let mut builder = self.builder()?;
        if let Some(host) = &self.notify_host {
            builder = builder.notify_host(host);
        }
        if let Some(port) = self.notify_port {
            builder = builder.notify_port(port);
        }
        if let Some(scheme) = self.notify_scheme {
            builder = builder.notify_scheme(scheme);
        }
        let master_key = match &self.encryption_master_key {
            Some(key) => Some(key.clone()),
            None => env_var(MASTER_KEY_ENV)?,
        };
        if let Some(key) = master_key {
            builder = builder.encryption_master_key_base64(&key);
        }
        if let Some(timeout) = timeout {
            builder = builder.timeout(timeout).connect_timeout(timeout);
        }
        Ok(builder.build()?)
    }

    /// A builder from `--url`, the credential flags, or `PUSHER_URL`, in that order.
    fn builder(&self) -> Result<PusherBuilder<pusher::pusher_reqwest::ReqwestClient>, Failure> {
        if let Some(url) = &self.url {
            return Ok(Pusher::builder_from_url(url));
        }
        if let (Some(app_id), Some(key), Some(secret)) = (&self.app_id, &self.key, &self.secret) {
            let mut builder = Pusher::builder(app_id, key, secret);
            if let Some(cluster) = &self.cluster {
                builder = builder.cluster(cluster);
            }
            if let Some(host) = &self.host {
                builder = builder.host(host);
            }
            if let Some(port) = self.port {
                builder = builder.port(port);
            }
            if let Some(scheme) = self.scheme {
                builder = builder.scheme(scheme);
            }
            return Ok(builder);
        }
        match env_var(PUSHER_URL_ENV)? {
            Some(url) => Ok(Pusher::builder_from_url(&url)),
            None => Err(Failure::invalid(format!(
                "no connection settings: give --url URL, or --app-id, --key and --secret, before the \
                 command, or set {PUSHER_URL_ENV}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_by_name() {
        assert_eq!(parse_scheme("http"), Ok(Scheme::Http));
        assert_eq!(parse_scheme("https"), Ok(Scheme::Https));
        assert_eq!(parse_scheme("ws"), Err("must be http or https".to_owned()));
    }
}
