//! The async `ReqwestClient` against the adapter contract.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use pusher_reqwest::ReqwestClient;
use pusher_test_support::adapter_contract::USER_AGENT;

fn user_client() -> ReqwestClient {
    let redirects = reqwest::redirect::Policy::none();
    let user = reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .redirect(redirects);
    ReqwestClient::from(user.build().unwrap())
}

pusher_test_support::adapter_contract!(async ReqwestClient, user_client);
