//! `terminate`: close every connection of a user.

use clap::Args;

use super::Context;
use crate::failure::Failure;

/// Close every connection a user has signed in with
#[derive(Args)]
#[command(after_help = "\
Example:
  pusher terminate 42")]
pub(crate) struct TerminateArgs {
    /// The user id
    user_id: String,
}

impl TerminateArgs {
    pub(crate) async fn run(self, context: &Context<'_>) -> Result<(), Failure> {
        let answer = context
            .pusher()?
            .terminate_user_connections(&self.user_id)
            .await?;
        context.output.show(&answer, || {
            format!("terminated the connections of user {}", self.user_id)
        })
    }
}
