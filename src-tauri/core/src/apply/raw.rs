//! AWS's own JSON, byte for byte: read a response body as AWS sent it, and send a request body as it
//! was read. Apply keeps the previous version of what it updates (a project, a pipeline
//! declaration) this way, and rollback puts it back exactly, fields Pipewright does not model
//! included.

use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    AfterDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextMut,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::ConfigBag;
use serde_json::Value;

/// Keeps the body of the response it is attached to (`.customize().interceptor(capture.clone())`).
#[derive(Debug, Default, Clone)]
pub struct CaptureBody(Arc<Mutex<Option<Vec<u8>>>>);

impl CaptureBody {
    /// The response as JSON, once the call has returned.
    pub fn json(&self) -> Option<Value> {
        let bytes = self.0.lock().unwrap().clone()?;
        serde_json::from_slice(&bytes).ok()
    }
}

impl Intercept for CaptureBody {
    fn name(&self) -> &'static str {
        "CaptureBody"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(bytes) = context.response().body().bytes() {
            *self.0.lock().unwrap() = Some(bytes.to_vec());
        }
        Ok(())
    }
}

/// Sends an SDK fluent builder's request with `$body` (JSON) in place of its input: the
/// operation's result, not yet mapped.
macro_rules! send_with_body {
    ($builder:expr, $body:expr) => {
        $builder
            .customize()
            .interceptor($crate::apply::raw::ReplaceBody(
                $body.to_string().into_bytes(),
            ))
            .send()
            .await
    };
}

/// Sends `body` in place of the serialized input of the request it is attached to (signed as
/// usual). The operation's target header stays the SDK's.
#[derive(Debug, Clone)]
pub struct ReplaceBody(pub Vec<u8>);

impl Intercept for ReplaceBody {
    fn name(&self) -> &'static str {
        "ReplaceBody"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request_mut();
        *request.body_mut() = SdkBody::from(self.0.clone());
        request
            .headers_mut()
            .insert("content-length", self.0.len().to_string());
        Ok(())
    }
}
