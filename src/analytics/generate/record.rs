//! Who called and what was called, assembled into a `CloudTrail` record in the service's field
//! order, and a batch of records delivered as a gzipped `{"Records":[…]}` object under its
//! trail key. Shared by the demo trail and the scale generator.

use std::borrow::Cow;
use std::io::Write;
use std::rc::Rc;

use fastrand::Rng;
use flate2::write::GzEncoder;
use flate2::Compression;

use super::calendar::civil;
use super::draw::{token, uuid, UPPER_ALNUM};
use super::json::{obj, Json};

pub(crate) const IAM: &str = "iam.amazonaws.com";
pub(crate) const STS: &str = "sts.amazonaws.com";
pub(crate) const S3: &str = "s3.amazonaws.com";
pub(crate) const EC2: &str = "ec2.amazonaws.com";
pub(crate) const KMS: &str = "kms.amazonaws.com";
pub(crate) const LAMBDA: &str = "lambda.amazonaws.com";
pub(crate) const CLOUDTRAIL: &str = "cloudtrail.amazonaws.com";
pub(crate) const LOGS: &str = "logs.amazonaws.com";
pub(crate) const SSM: &str = "ssm.amazonaws.com";
pub(crate) const SECRETS_MANAGER: &str = "secretsmanager.amazonaws.com";
pub(crate) const MONITORING: &str = "monitoring.amazonaws.com";
pub(crate) const DYNAMODB: &str = "dynamodb.amazonaws.com";
pub(crate) const ECR: &str = "ecr.amazonaws.com";
pub(crate) const ECS: &str = "ecs.amazonaws.com";
pub(crate) const SIGNIN: &str = "signin.amazonaws.com";
pub(crate) const GUARDDUTY: &str = "guardduty.amazonaws.com";

/// The region global services record every call in.
pub(crate) const US_EAST_1: &str = "us-east-1";

/// How the caller's TLS connection is recorded; AWS services acting for you have none.
#[derive(Clone, Copy)]
pub(crate) enum Tls {
    None,
    V12,
    V13,
}

/// Who made a call and from where: everything in a record that belongs to the caller.
pub(crate) struct Caller {
    pub(crate) identity: Rc<Json>,
    /// The ARN quoted in access-denied messages.
    pub(crate) arn: String,
    pub(crate) ip: Cow<'static, str>,
    pub(crate) agent: Cow<'static, str>,
    pub(crate) tls: Tls,
    /// Set for console-session credentials, which records mark with `sessionCredentialFromConsole`.
    pub(crate) console: bool,
    pub(crate) vpc_endpoint: Option<&'static str>,
}

/// A `userIdentity.sessionContext` with its issuer, creation time text and MFA flag.
pub(crate) fn session_context(issuer: Json, created: String, mfa: bool) -> Json {
    obj! {
        "sessionIssuer": issuer,
        "webIdFederationData": obj! {},
        "attributes": obj! {
            "creationDate": created,
            "mfaAuthenticated": if mfa { "true" } else { "false" },
        },
    }
}

/// One API call before it meets a caller: what was asked, what came back, and how it ended.
pub(crate) struct Call {
    pub(crate) source: &'static str,
    pub(crate) name: &'static str,
    pub(crate) read_only: bool,
    /// Data events (object reads and writes, invocations) are logged under another category.
    pub(crate) data: bool,
    pub(crate) has_request_id: bool,
    /// Global services record every call in one region, whatever the caller's region.
    pub(crate) region: Option<&'static str>,
    pub(crate) host: Option<String>,
    pub(crate) request: Json,
    pub(crate) response: Json,
    pub(crate) additional: Option<Json>,
    pub(crate) resources: Vec<Json>,
    pub(crate) error_code: Option<&'static str>,
    pub(crate) error_message: Option<String>,
    pub(crate) event_type: &'static str,
    /// `eventVersion`, when not the service's usual one.
    pub(crate) version: Option<&'static str>,
    /// `apiVersion`, which some S3 records carry.
    pub(crate) api_version: Option<&'static str>,
    /// `sharedEventID`, for calls recorded in two accounts.
    pub(crate) shared_event_id: Option<String>,
}

impl Call {
    pub(crate) fn new(source: &'static str, name: &'static str, read_only: bool) -> Self {
        Call {
            source,
            name,
            read_only,
            data: false,
            has_request_id: true,
            region: if is_global(source) {
                Some(US_EAST_1)
            } else {
                None
            },
            host: None,
            request: Json::Null,
            response: Json::Null,
            additional: None,
            resources: Vec::new(),
            error_code: None,
            error_message: None,
            event_type: "AwsApiCall",
            version: None,
            api_version: None,
            shared_event_id: None,
        }
    }

    pub(crate) fn req(mut self, request: Json) -> Self {
        self.request = request;
        self
    }

    pub(crate) fn resp(mut self, response: Json) -> Self {
        self.response = response;
        self
    }

    pub(crate) fn extra(mut self, additional: Json) -> Self {
        self.additional = Some(additional);
        self
    }

    /// Adds an entry of `resources` owned by `account`.
    pub(crate) fn resource_of(
        mut self,
        account: &'static str,
        kind: &'static str,
        arn: String,
    ) -> Self {
        self.resources
            .push(obj! {"accountId": account, "type": kind, "ARN": arn});
        self
    }

    pub(crate) fn in_region(mut self, region: &'static str) -> Self {
        self.region = Some(region);
        self
    }

    pub(crate) fn data(mut self) -> Self {
        self.data = true;
        self
    }

    pub(crate) fn fail(mut self, code: &'static str, message: String) -> Self {
        self.error_code = Some(code);
        self.error_message = Some(message);
        self.response = Json::Null;
        self
    }

    /// The IAM action name: the API name without Lambda's dated version suffix.
    pub(crate) fn action(&self) -> String {
        let service = match self.source {
            MONITORING => "cloudwatch",
            source => source.split('.').next().unwrap_or(source),
        };
        let name = self
            .name
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == 'v');
        format!("{service}:{name}")
    }

    /// The ARN of the call's first resource, if it has one.
    pub(crate) fn first_resource_arn(&self) -> Option<String> {
        match self.resources.first() {
            Some(Json::Obj(fields)) => fields.iter().find_map(|(key, value)| match (key, value) {
                (&"ARN", Json::Str(arn)) => Some(arn.to_string()),
                _ => None,
            }),
            _ => None,
        }
    }
}

/// Global services record every call in `us-east-1`, wherever the caller is.
pub(crate) fn is_global(source: &str) -> bool {
    matches!(
        source,
        IAM | SIGNIN
            | "route53.amazonaws.com"
            | "cloudfront.amazonaws.com"
            | "organizations.amazonaws.com"
            | "ce.amazonaws.com"
    )
}

/// The host name the client connected to, as `tlsDetails` records it.
fn host_header(call: &Call, region: &str) -> String {
    if let Some(host) = &call.host {
        return host.clone();
    }
    match call.source {
        IAM | "route53.amazonaws.com" | "cloudfront.amazonaws.com" => call.source.to_owned(),
        SIGNIN => "signin.aws.amazon.com".to_owned(),
        source => format!(
            "{}.{region}.amazonaws.com",
            source.split('.').next().unwrap_or(source)
        ),
    }
}

/// Services move to new event versions at their own pace.
fn event_version(source: &str) -> &'static str {
    match source {
        SIGNIN | STS | KMS | SSM | LOGS | MONITORING | SECRETS_MANAGER | DYNAMODB => "1.09",
        _ => "1.10",
    }
}

/// The record of `call` made by `caller` at `event_time` in `region`, delivered to
/// `recipient`'s trail. Draws the `requestID` (when the call has one), then the `eventID`.
pub(crate) fn assemble(
    rng: &mut Rng,
    event_time: String,
    region: &'static str,
    recipient: &'static str,
    caller: &Caller,
    call: Call,
) -> Json {
    let host = host_header(&call, region);
    let mut fields: Vec<(&'static str, Json)> = Vec::with_capacity(28);
    let version = call.version.unwrap_or_else(|| event_version(call.source));
    fields.push(("eventVersion", Json::from(version)));
    fields.push(("userIdentity", Json::Shared(Rc::clone(&caller.identity))));
    fields.push(("eventTime", Json::from(event_time)));
    fields.push(("eventSource", Json::from(call.source)));
    fields.push(("eventName", Json::from(call.name)));
    fields.push(("awsRegion", Json::from(region)));
    fields.push(("sourceIPAddress", Json::Str(caller.ip.clone())));
    fields.push(("userAgent", Json::Str(caller.agent.clone())));
    if let Some(code) = call.error_code {
        fields.push(("errorCode", Json::from(code)));
    }
    if let Some(message) = call.error_message {
        fields.push(("errorMessage", Json::from(message)));
    }
    fields.push(("requestParameters", call.request));
    fields.push(("responseElements", call.response));
    if let Some(additional) = call.additional {
        fields.push(("additionalEventData", additional));
    }
    if call.has_request_id {
        let request_id = if call.source == S3 {
            token(rng, UPPER_ALNUM, 16)
        } else {
            uuid(rng)
        };
        fields.push(("requestID", Json::from(request_id)));
    }
    fields.push(("eventID", Json::from(uuid(rng))));
    fields.push(("readOnly", Json::from(call.read_only)));
    if !call.resources.is_empty() {
        fields.push(("resources", Json::Arr(call.resources)));
    }
    fields.push(("eventType", Json::from(call.event_type)));
    if let Some(api_version) = call.api_version {
        fields.push(("apiVersion", Json::from(api_version)));
    }
    fields.push(("managementEvent", Json::from(!call.data)));
    fields.push(("recipientAccountId", Json::from(recipient)));
    if let Some(shared) = call.shared_event_id {
        fields.push(("sharedEventID", Json::from(shared)));
    }
    if let Some(endpoint) = caller.vpc_endpoint {
        fields.push(("vpcEndpointId", Json::from(endpoint)));
    }
    fields.push((
        "eventCategory",
        Json::from(if call.data { "Data" } else { "Management" }),
    ));
    let tls = match caller.tls {
        Tls::None => None,
        Tls::V12 => Some(("TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256")),
        Tls::V13 => Some(("TLSv1.3", "TLS_AES_128_GCM_SHA256")),
    };
    if let Some((version, suite)) = tls {
        fields.push((
            "tlsDetails",
            obj! {
                "tlsVersion": version,
                "cipherSuite": suite,
                "clientProvidedHostHeader": host,
            },
        ));
    }
    if caller.console {
        fields.push(("sessionCredentialFromConsole", Json::from("true")));
    }
    Json::Obj(fields)
}

/// A single-line `{"Records":[…]}` document being written into a reused buffer.
pub(crate) struct Records<'b> {
    buffer: &'b mut Vec<u8>,
    n_records: usize,
}

impl<'b> Records<'b> {
    /// Clears `buffer` and opens the document.
    pub(crate) fn new(buffer: &'b mut Vec<u8>) -> Self {
        buffer.clear();
        buffer.extend_from_slice(b"{\"Records\":[");
        Records {
            buffer,
            n_records: 0,
        }
    }

    /// Appends one record; `None` only if serialising failed, which in-memory writers do not do.
    pub(crate) fn push(&mut self, record: &Json) -> Option<()> {
        if self.n_records > 0 {
            self.buffer.push(b',');
        }
        self.n_records += 1;
        serde_json::to_writer(&mut *self.buffer, record).ok()
    }

    /// Closes the document and returns its bytes.
    pub(crate) fn finish(self) -> &'b [u8] {
        self.buffer.extend_from_slice(b"]}");
        self.buffer
    }
}

/// Gzip `text` at `level`. The header has no file name and a zero modification time, so the
/// bytes depend on the text alone. `None` only if compressing failed, which in memory it does not.
pub(crate) fn gzip(text: &[u8], level: Compression) -> Option<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(text.len() / 5), level);
    encoder.write_all(text).ok()?;
    encoder.finish().ok()
}

/// The object key a trail delivers a file under, after `prefix`:
/// `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<unique>.json.gz`.
pub(crate) fn object_key(
    prefix: &str,
    account: &str,
    region: &str,
    delivery_unix: i64,
    unique: &str,
) -> String {
    let c = civil(delivery_unix);
    format!(
        "{prefix}AWSLogs/{account}/CloudTrail/{region}/{:04}/{:02}/{:02}/{account}_CloudTrail_{region}_{:04}{:02}{:02}T{:02}{:02}Z_{unique}.json.gz",
        c.year, c.month, c.day, c.year, c.month, c.day, c.hour, c.minute
    )
}
