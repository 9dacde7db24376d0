//! One event of the scale generator: an API drawn by weight, a caller drawn by Zipf-like
//! popularity, the call's request and response in the service's own shapes, and a few percent
//! of errors. Each event also reports the facts the generator counts.

use std::borrow::Cow;
use std::rc::Rc;

use fastrand::Rng;

use super::calendar::{iso, java_time, HOUR};
use super::draw::{
    below, between, chance, pick, pick_str, pick_weighted, token, uuid, Zipf, ALNUM, BASE32,
    BASE64, HEX,
};
use super::json::{arr, items, obj, Json};
use super::record::{
    assemble, is_global, session_context, Call, Caller, Tls, DYNAMODB, EC2, ECR, IAM, KMS, LAMBDA,
    LOGS, MONITORING, S3, SECRETS_MANAGER, SIGNIN, SSM, STS, US_EAST_1,
};
use super::world::{
    World, FUNCTIONS, PARAMETERS, SERVICE_HOSTS, TABLES, USER_AGENTS, VPC_ENDPOINTS,
};

/// The shape of a call's request and response.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Plain,
    Assume,
    Ec2Describe,
    Kms,
    S3Bucket,
    S3Policy,
    Logs,
    Ssm,
    Metrics,
    SecurityGroups,
    Dynamo,
    IamRole,
    IamUser,
    IamAttach,
    TargetHealth,
    Secret,
    Config,
    Eni,
    Run,
    Terminate,
    Eks,
    Login,
    LambdaUpdate,
    Route53,
}

/// An API the population calls, with its share of traffic.
pub(crate) struct Api {
    pub(crate) source: &'static str,
    pub(crate) name: &'static str,
    read_only: bool,
    weight: u32,
    kind: Kind,
}

const fn api(
    source: &'static str,
    name: &'static str,
    read_only: bool,
    weight: u32,
    kind: Kind,
) -> Api {
    Api {
        source,
        name,
        read_only,
        weight,
        kind,
    }
}

/// Every API, with its weight in the traffic (from `gen_trail.py`).
#[rustfmt::skip]
pub(crate) const APIS: [Api; 32] = [
    api(STS, "AssumeRole", true, 60, Kind::Assume),
    api(EC2, "DescribeInstances", true, 55, Kind::Ec2Describe),
    api(KMS, "Decrypt", true, 50, Kind::Kms),
    api(S3, "GetBucketAcl", true, 35, Kind::S3Bucket),
    api(LOGS, "CreateLogStream", false, 30, Kind::Logs),
    api(KMS, "GenerateDataKey", true, 28, Kind::Kms),
    api(STS, "GetCallerIdentity", true, 25, Kind::Plain),
    api(SSM, "GetParameter", true, 24, Kind::Ssm),
    api(MONITORING, "GetMetricData", true, 22, Kind::Metrics),
    api(EC2, "DescribeSecurityGroups", true, 18, Kind::SecurityGroups),
    api(S3, "ListBuckets", true, 16, Kind::Plain),
    api(LAMBDA, "ListFunctions20150331", true, 14, Kind::Plain),
    api(DYNAMODB, "DescribeTable", true, 14, Kind::Dynamo),
    api(IAM, "GetRole", true, 12, Kind::IamRole),
    api(IAM, "ListRoles", true, 10, Kind::Plain),
    api(ECR, "GetAuthorizationToken", true, 10, Kind::Plain),
    api("autoscaling.amazonaws.com", "DescribeAutoScalingGroups", true, 9, Kind::Plain),
    api("elasticloadbalancing.amazonaws.com", "DescribeTargetHealth", true, 9, Kind::TargetHealth),
    api(SECRETS_MANAGER, "GetSecretValue", true, 8, Kind::Secret),
    api("config.amazonaws.com", "PutEvaluations", false, 8, Kind::Config),
    api(EC2, "CreateNetworkInterface", false, 5, Kind::Eni),
    api(EC2, "RunInstances", false, 3, Kind::Run),
    api(EC2, "TerminateInstances", false, 2, Kind::Terminate),
    api(S3, "PutBucketPolicy", false, 1, Kind::S3Policy),
    api(S3, "CreateBucket", false, 1, Kind::S3Bucket),
    api(IAM, "CreateAccessKey", false, 1, Kind::IamUser),
    api(IAM, "AttachRolePolicy", false, 2, Kind::IamAttach),
    api("cloudformation.amazonaws.com", "DescribeStacks", true, 6, Kind::Plain),
    api("eks.amazonaws.com", "DescribeCluster", true, 4, Kind::Eks),
    api(SIGNIN, "ConsoleLogin", false, 3, Kind::Login),
    api(LAMBDA, "UpdateFunctionCode20150331v2", false, 2, Kind::LambdaUpdate),
    api("route53.amazonaws.com", "ChangeResourceRecordSets", false, 2, Kind::Route53),
];

/// Error codes, most frequent first.
pub(crate) const ERROR_CODES: [&str; 6] = [
    "AccessDenied",
    "Client.UnauthorizedOperation",
    "ThrottlingException",
    "ResourceNotFoundException",
    "NoSuchBucket",
    "ValidationException",
];

/// Calls that fail, per mille.
const ERROR_PER_MILLE: u32 = 70;

/// `userIdentity.type` values, in the order of [`Facts::identity`].
pub(crate) const IDENTITY_TYPES: [&str; 4] = ["AssumedRole", "IAMUser", "AWSService", "Root"];

/// What the generator counts about one event.
pub(crate) struct Facts {
    /// Index into [`APIS`].
    pub(crate) api: usize,
    /// The caller's id in the world.
    pub(crate) caller: u32,
    /// Index into [`IDENTITY_TYPES`].
    pub(crate) identity: usize,
    /// Index into [`ERROR_CODES`].
    pub(crate) error: Option<usize>,
}

/// The popularity tables, built once per world.
pub(crate) struct Draws {
    sessions: Zipf,
    users: Zipf,
    ips: Zipf,
    agents: Zipf,
    errors: Zipf,
    /// APIs by weight, for `us-east-1` (every API) and for other regions (no global service).
    apis_main: Vec<(usize, u32)>,
    apis_regional: Vec<(usize, u32)>,
}

impl Draws {
    pub(crate) fn new(world: &World) -> Self {
        let weighted = |keep: &dyn Fn(&Api) -> bool| {
            APIS.iter()
                .enumerate()
                .filter(|(_, api)| keep(api))
                .map(|(index, api)| (index, api.weight))
                .collect()
        };
        Draws {
            sessions: Zipf::new(world.sessions.len(), 17),
            users: Zipf::new(world.users.len(), 18),
            ips: Zipf::new(world.ips.len(), 16),
            agents: Zipf::new(USER_AGENTS.len(), 14),
            errors: Zipf::new(ERROR_CODES.len(), 16),
            apis_main: weighted(&|_| true),
            apis_regional: weighted(&|api| !is_global(api.source)),
        }
    }
}

/// One record in `account`'s trail for `region` at `t` (Unix seconds), and its facts.
pub(crate) fn event(
    world: &World,
    draws: &Draws,
    rng: &mut Rng,
    account: &'static str,
    region: &'static str,
    t: i64,
) -> (Json, Facts) {
    let table = if region == US_EAST_1 {
        &draws.apis_main
    } else {
        &draws.apis_regional
    };
    let api_index = pick_weighted(rng, table).unwrap_or(0);
    let api = &APIS[api_index.min(APIS.len() - 1)];
    let (mut caller, caller_id, identity) = if api.kind == Kind::Login {
        sign_in(world, draws, rng, account)
    } else {
        caller(world, draws, rng, account, t)
    };
    let mut call = request(world, rng, api, account, region, t);
    call.version = Some(pick_str(rng, &["1.08", "1.09", "1.09", "1.10"]));
    let mut error = None;
    if api.kind != Kind::Login && chance(rng, ERROR_PER_MILLE) {
        let index = draws.errors.pick(rng);
        call = fail(call, index, &caller.arn, region, account, rng);
        error = Some(index);
    }
    if api.source == S3 && chance(rng, 500) {
        call.api_version = Some("2006-03-01");
    }
    if identity == 0 && api.source == KMS && chance(rng, 300) {
        call.shared_event_id = Some(uuid(rng));
    }
    if chance(rng, 80) {
        caller.vpc_endpoint = Some(pick_str(rng, &VPC_ENDPOINTS));
    }
    if identity != 2 && chance(rng, 50) {
        caller.console = true;
    }
    let record = assemble(rng, iso(t), region, account, &caller, call);
    let facts = Facts {
        api: api_index,
        caller: caller_id,
        identity,
        error,
    };
    (record, facts)
}

/// A caller with its address, client and TLS, its id and its identity type.
fn caller(
    world: &World,
    draws: &Draws,
    rng: &mut Rng,
    account: &'static str,
    t: i64,
) -> (Caller, u32, usize) {
    let roll = rng.u32(..1_000);
    let tls = if chance(rng, 500) { Tls::V13 } else { Tls::V12 };
    let direct = |identity: Rc<Json>, arn: String, rng: &mut Rng| Caller {
        identity,
        arn,
        ip: Cow::Owned(
            world
                .ips
                .get(draws.ips.pick(rng))
                .cloned()
                .unwrap_or_default(),
        ),
        agent: Cow::Borrowed(
            USER_AGENTS
                .get(draws.agents.pick(rng))
                .copied()
                .unwrap_or_default(),
        ),
        tls,
        console: false,
        vpc_endpoint: None,
    };
    let through = |identity: Rc<Json>, arn: String, service: &'static str| Caller {
        identity,
        arn,
        ip: Cow::Borrowed(service),
        agent: Cow::Borrowed(service),
        tls: Tls::None,
        console: false,
        vpc_endpoint: None,
    };
    if roll < 580 {
        if let Some(session) = world.sessions.get(draws.sessions.pick(rng)) {
            let caller = if chance(rng, 300) {
                through(
                    Rc::clone(&session.invoked_identity),
                    session.arn.clone(),
                    session.invoked_by,
                )
            } else {
                direct(Rc::clone(&session.identity), session.arn.clone(), rng)
            };
            return (caller, session.caller, 0);
        }
    }
    if roll < 900 {
        if let Some(user) = world.users.get(draws.users.pick(rng)) {
            let identity = if chance(rng, 250) {
                // Temporary credentials from a console or `get-session-token` session.
                let created = t - between(rng, 60, 40_000);
                Rc::new(obj! {
                    "type": "IAMUser",
                    "principalId": user.id.clone(),
                    "arn": user.arn.clone(),
                    "accountId": user.account,
                    "accessKeyId": format!("ASIA{}", token(rng, BASE32, 16)),
                    "userName": user.name.clone(),
                    "sessionContext": session_context(obj! {}, iso(created), true),
                })
            } else {
                Rc::clone(&user.identity)
            };
            return (direct(identity, user.arn.clone(), rng), user.caller, 1);
        }
    }
    if roll < 985 {
        let index = below(rng, SERVICE_HOSTS.len());
        if let (Some(identity), Some(&id)) = (
            world.service_identities.get(index),
            world.service_callers.get(index),
        ) {
            let host = SERVICE_HOSTS[index.min(SERVICE_HOSTS.len() - 1)];
            return (through(Rc::clone(identity), String::new(), host), id, 2);
        }
    }
    let arn = format!("arn:aws:iam::{account}:root");
    let created = t - between(rng, 60, 4_000);
    let identity = Rc::new(obj! {
        "type": "Root",
        "principalId": account,
        "arn": arn.clone(),
        "accountId": account,
        "accessKeyId": format!("ASIA{}", token(rng, BASE32, 16)),
        "sessionContext": session_context(obj! {}, iso(created), true),
    });
    (direct(identity, arn, rng), world.root_caller, 3)
}

/// The identity of a `ConsoleLogin`: an IAM user of the account (no access key yet).
fn sign_in(
    world: &World,
    draws: &Draws,
    rng: &mut Rng,
    account: &'static str,
) -> (Caller, u32, usize) {
    // Popular users sign in most, but only into their own account.
    let user = (0..4)
        .filter_map(|_| world.users.get(draws.users.pick(rng)))
        .find(|user| user.account == account)
        .or_else(|| world.users.iter().find(|user| user.account == account));
    let Some(user) = user else {
        let arn = format!("arn:aws:iam::{account}:root");
        let identity =
            obj! {"type": "Root", "principalId": account, "arn": arn.clone(), "accountId": account};
        return (
            console_caller(Rc::new(identity), arn, rng),
            world.root_caller,
            3,
        );
    };
    let identity = obj! {
        "type": "IAMUser",
        "principalId": user.id.clone(),
        "arn": user.arn.clone(),
        "accountId": user.account,
        "userName": user.name.clone(),
    };
    (
        console_caller(Rc::new(identity), user.arn.clone(), rng),
        user.caller,
        1,
    )
}

fn console_caller(identity: Rc<Json>, arn: String, rng: &mut Rng) -> Caller {
    Caller {
        identity,
        arn,
        ip: Cow::Owned(format!("198.51.100.{}", rng.u32(1..=254))),
        agent: Cow::Borrowed(
            USER_AGENTS
                .get(5 + below(rng, 2))
                .copied()
                .unwrap_or_default(),
        ),
        tls: Tls::V13,
        console: false,
        vpc_endpoint: None,
    }
}

/// The call turned into the failure `ERROR_CODES[index]`, in the service's words.
fn fail(call: Call, index: usize, arn: &str, region: &str, account: &str, rng: &mut Rng) -> Call {
    let code = ERROR_CODES.get(index).copied().unwrap_or("AccessDenied");
    let action = call.action();
    let resource = call.first_resource_arn().unwrap_or_else(|| {
        let service = call.source.split('.').next().unwrap_or_default();
        format!("arn:aws:{service}:{region}:{account}:*")
    });
    let arn = if arn.is_empty() { "unknown" } else { arn };
    let message = match index {
        0 => format!("User: {arn} is not authorized to perform: {action} on resource: {resource} because no identity-based policy allows the {action} action"),
        1 => format!(
            "You are not authorized to perform this operation. User: {arn} is not authorized to perform: {action} on resource: {resource} because no identity-based policy allows the {action} action. Encoded authorization failure message: {}",
            token(rng, BASE64, 300)
        ),
        2 => "Rate exceeded".to_owned(),
        3 => format!("Requested resource not found: {resource}"),
        4 => "The specified bucket does not exist".to_owned(),
        _ => "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null".to_owned(),
    };
    call.fail(code, message)
}

/// `json` with one more field.
fn with(json: Json, key: &'static str, value: Json) -> Json {
    match json {
        Json::Obj(mut fields) => {
            fields.push((key, value));
            Json::Obj(fields)
        }
        other => other,
    }
}

fn hex_id(rng: &mut Rng, prefix: &str) -> String {
    format!("{prefix}-0{}", token(rng, HEX, 16))
}

/// A world string by uniform draw.
fn any(rng: &mut Rng, items: &[String]) -> String {
    pick(rng, items).cloned().unwrap_or_default()
}

/// The call `api` with its request, response, resources and extra data.
#[allow(clippy::too_many_lines)] // one arm per shape reads better than a shape per function
fn request(
    world: &World,
    rng: &mut Rng,
    api: &Api,
    account: &'static str,
    region: &'static str,
    t: i64,
) -> Call {
    let call = Call::new(api.source, api.name, api.read_only);
    match api.kind {
        Kind::Plain => call,
        Kind::Assume => {
            let Some(role) = pick(rng, &world.roles) else {
                return call;
            };
            let short: String = role.name.chars().take(20).collect();
            let session = format!("{short}-{}", rng.u64(1_000_000_000..=9_999_999_999));
            let mut request = obj! {
                "roleArn": role.arn.clone(),
                "roleSessionName": session.clone(),
                "durationSeconds": pick(rng, &[900i64, 3_600, 43_200]).copied().unwrap_or(3_600),
            };
            if chance(rng, 300) {
                request = with(request, "externalId", Json::from(uuid(rng)));
            }
            let n_token = between(rng, 120, 360) as usize;
            let session_token = format!("IQoJb3JpZ2luX2VjE{}", token(rng, BASE64, n_token));
            call.req(request)
                .resp(obj! {
                    "credentials": obj! {
                        "accessKeyId": format!("ASIA{}", token(rng, BASE32, 16)),
                        "sessionToken": session_token,
                        "expiration": java_time(t + HOUR),
                    },
                    "assumedRoleUser": obj! {
                        "assumedRoleId": format!("{}:{session}", role.id),
                        "arn": format!("arn:aws:sts::{}:assumed-role/{}/{session}", role.account, role.name),
                    },
                })
                .resource_of(role.account, "AWS::IAM::Role", role.arn.clone())
        }
        Kind::Ec2Describe => {
            let tag = pick_str(rng, &["Name", "team", "env", "karpenter.sh/nodepool"]);
            let value = pick_str(rng, &["prod", "web", "batch", "default", "*"]);
            let instances = if chance(rng, 400) {
                let n = between(rng, 1, 4);
                items(
                    "instanceId",
                    (0..n).map(|_| any(rng, &world.instances)).collect(),
                )
            } else {
                obj! {}
            };
            call.req(obj! {
                "instancesSet": instances,
                "filterSet": obj! {"items": arr![
                    obj! {"name": format!("tag:{tag}"), "valueSet": items("value", vec![value.to_owned()])},
                    obj! {"name": "instance-state-name", "valueSet": items("value", vec!["running".to_owned(), "pending".to_owned()])},
                ]},
            })
        }
        Kind::Kms => {
            let key = any(rng, &world.keys);
            let key_arn = format!("arn:aws:kms:{region}:{account}:key/{key}");
            let context = if chance(rng, 500) {
                obj! {"aws:lambda:FunctionArn": format!("arn:aws:lambda:{region}:{account}:function:{}", pick_str(rng, &FUNCTIONS))}
            } else {
                obj! {"aws:s3:arn": format!("arn:aws:s3:::{}/{}.parquet", any(rng, &world.buckets), uuid(rng))}
            };
            let mut request = obj! {
                "encryptionAlgorithm": "SYMMETRIC_DEFAULT",
                "encryptionContext": context,
            };
            if chance(rng, 500) {
                request = with(request, "keyId", Json::from(key_arn.clone()));
                request = with(request, "keySpec", Json::from("AES_256"));
            }
            call.req(request)
                .resource_of(account, "AWS::KMS::Key", key_arn)
        }
        Kind::S3Bucket => {
            let bucket = any(rng, &world.buckets);
            let host = format!("{bucket}.s3.{region}.amazonaws.com");
            let mut call = call
                .req(obj! {"bucketName": bucket.clone(), "Host": host.clone(), "acl": ""})
                .extra(obj! {
                    "SignatureVersion": "SigV4",
                    "CipherSuite": "TLS_AES_128_GCM_SHA256",
                    "bytesTransferredIn": 0,
                    "AuthenticationMethod": "AuthHeader",
                    "x-amz-id-2": token(rng, BASE64, 76),
                    "bytesTransferredOut": between(rng, 300, 2_000),
                })
                .resource_of(account, "AWS::S3::Bucket", format!("arn:aws:s3:::{bucket}"));
            call.host = Some(host);
            call
        }
        Kind::S3Policy => {
            let bucket = any(rng, &world.buckets);
            let host = format!("{bucket}.s3.{region}.amazonaws.com");
            let policy = obj! {
                "Version": "2012-10-17",
                "Statement": arr![obj! {
                    "Sid": "DenyInsecure",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": arr![format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
                    "Condition": obj! {"Bool": obj! {"aws:SecureTransport": "false"}},
                }],
            };
            let mut call = call
                .req(obj! {"bucketName": bucket.clone(), "Host": host.clone(), "policy": "", "bucketPolicy": policy})
                .resource_of(account, "AWS::S3::Bucket", format!("arn:aws:s3:::{bucket}"));
            call.host = Some(host);
            call
        }
        Kind::Logs => {
            let day = iso(t);
            let day = day.get(..10).unwrap_or_default().replace('-', "/");
            call.req(obj! {
                "logGroupName": format!("/aws/lambda/{}", pick_str(rng, &FUNCTIONS)),
                "logStreamName": format!("{day}/[$LATEST]{}", token(rng, HEX, 32)),
            })
        }
        Kind::Ssm => call.req(obj! {
            "name": pick_str(rng, &PARAMETERS),
            "withDecryption": chance(rng, 700),
        }),
        Kind::Metrics => {
            let n = between(rng, 1, 4);
            let queries: Vec<Json> = (0..n)
                .map(|i| {
                    obj! {
                        "id": format!("m{i}"),
                        "metricStat": obj! {
                            "metric": obj! {
                                "namespace": pick_str(rng, &["AWS/EC2", "AWS/Lambda", "AWS/RDS", "AWS/ApplicationELB"]),
                                "metricName": pick_str(rng, &["CPUUtilization", "Invocations", "Errors", "Duration", "RequestCount"]),
                                "dimensions": arr![obj! {"name": "FunctionName", "value": pick_str(rng, &FUNCTIONS)}],
                            },
                            "period": 60,
                            "stat": pick_str(rng, &["Average", "Sum", "Maximum"]),
                        },
                        "returnData": true,
                    }
                })
                .collect();
            call.req(obj! {
                "metricDataQueries": queries,
                "startTime": iso(t - 900),
                "endTime": iso(t),
            })
        }
        Kind::SecurityGroups => call.req(obj! {
            "securityGroupSet": obj! {},
            "securityGroupIdSet": items("groupId", vec![hex_id(rng, "sg")]),
            "filterSet": obj! {},
        }),
        Kind::Dynamo => {
            let table = pick_str(rng, &TABLES);
            call.req(obj! {"tableName": table}).resource_of(
                account,
                "AWS::DynamoDB::Table",
                format!("arn:aws:dynamodb:{region}:{account}:table/{table}"),
            )
        }
        Kind::IamRole => {
            let role = pick(rng, &world.roles).map_or("", |role| role.name);
            call.req(obj! {"roleName": role})
        }
        Kind::IamUser => {
            let user = pick(rng, &world.users)
                .map(|user| user.name.clone())
                .unwrap_or_default();
            call.req(obj! {"userName": user.clone()}).resp(obj! {
                "accessKey": obj! {
                    "userName": user,
                    "accessKeyId": format!("AKIA{}", token(rng, BASE32, 16)),
                    "status": "Active",
                    "createDate": java_time(t),
                },
            })
        }
        Kind::IamAttach => {
            let role = pick(rng, &world.roles).map_or("", |role| role.name);
            call.req(obj! {
                "roleName": role,
                "policyArn": pick_str(rng, &[
                    "arn:aws:iam::aws:policy/AdministratorAccess",
                    "arn:aws:iam::aws:policy/ReadOnlyAccess",
                    "arn:aws:iam::aws:policy/AmazonS3FullAccess",
                ]),
            })
        }
        Kind::TargetHealth => call.req(obj! {
            "targetGroupArn": format!(
                "arn:aws:elasticloadbalancing:{region}:{account}:targetgroup/k8s-default-web-{}/{}",
                token(rng, HEX, 10),
                token(rng, HEX, 16)
            ),
        }),
        Kind::Secret => call.req(obj! {
            "secretId": format!(
                "arn:aws:secretsmanager:{region}:{account}:secret:prod/{}-{}",
                pick_str(rng, &TABLES),
                token(rng, ALNUM, 6)
            ),
        }),
        Kind::Config => {
            let n = between(rng, 1, 3);
            let evaluations: Vec<Json> = (0..n)
                .map(|_| {
                    obj! {
                        "complianceResourceType": "AWS::EC2::Instance",
                        "complianceResourceId": any(rng, &world.instances),
                        "complianceType": pick_str(rng, &["COMPLIANT", "NON_COMPLIANT"]),
                        "orderingTimestamp": java_time(t - HOUR),
                    }
                })
                .collect();
            let n_token = between(rng, 200, 500) as usize;
            call.req(obj! {
                "evaluations": evaluations,
                "resultToken": token(rng, ALNUM, n_token),
                "testMode": false,
            })
        }
        Kind::Eni => {
            let subnet = hex_id(rng, "subnet");
            let description = format!("aws-K8S-{}", any(rng, &world.instances));
            let group = hex_id(rng, "sg");
            let mac: Vec<String> = (0..6).map(|_| token(rng, HEX, 2)).collect();
            call.req(obj! {
                "subnetId": subnet.clone(),
                "description": description.clone(),
                "groupSet": items("groupId", vec![group.clone()]),
                "privateIpAddressesSet": obj! {},
                "ipv6AddressCount": 0,
                "clientToken": uuid(rng),
            })
            .resp(obj! {
                "requestId": uuid(rng),
                "networkInterface": obj! {
                    "networkInterfaceId": hex_id(rng, "eni"),
                    "subnetId": subnet,
                    "vpcId": hex_id(rng, "vpc"),
                    "availabilityZone": format!("{region}a"),
                    "description": description,
                    "ownerId": account,
                    "requesterManaged": false,
                    "status": "pending",
                    "macAddress": mac.join(":"),
                    "privateIpAddress": format!("10.{}.{}.{}", rng.u32(0..=255), rng.u32(0..=255), rng.u32(1..=254)),
                    "sourceDestCheck": true,
                    "interfaceType": "interface",
                    "groupSet": items("groupId", vec![group]),
                    "tagSet": obj! {},
                },
            })
        }
        Kind::Run => {
            let instance_type =
                pick_str(rng, &["m6i.large", "c7g.xlarge", "t3.micro", "r6i.2xlarge"]);
            let request = obj! {
                "instancesSet": obj! {"items": arr![obj! {"imageId": hex_id(rng, "ami"), "minCount": 1, "maxCount": 1}]},
                "instanceType": instance_type,
                "blockDeviceMapping": obj! {},
                "monitoring": obj! {"enabled": false},
                "disableApiTermination": false,
                "clientToken": uuid(rng),
                "tagSpecificationSet": obj! {"items": arr![obj! {
                    "resourceType": "instance",
                    "tags": arr![obj! {"key": "Name", "value": "worker"}, obj! {"key": "team", "value": "platform"}],
                }]},
            };
            let instance = obj! {
                "instanceId": hex_id(rng, "i"),
                "instanceState": obj! {"code": 0, "name": "pending"},
                "privateDnsName": format!("ip-10-0-{}-{}.ec2.internal", rng.u32(0..=255), rng.u32(1..=254)),
                "amiLaunchIndex": 0,
                "productCodes": obj! {},
                "instanceType": instance_type,
                "launchTime": t * 1_000,
                "placement": obj! {"availabilityZone": format!("{region}b"), "tenancy": "default"},
                "monitoring": obj! {"state": "disabled"},
                "architecture": "x86_64",
                "rootDeviceType": "ebs",
                "virtualizationType": "hvm",
                "hypervisor": "xen",
                "ebsOptimized": true,
                "enaSupport": true,
            };
            call.req(request).resp(obj! {
                "requestId": uuid(rng),
                "reservationId": hex_id(rng, "r"),
                "ownerId": account,
                "groupSet": obj! {},
                "instancesSet": obj! {"items": arr![instance]},
            })
        }
        Kind::Terminate => {
            let instance = any(rng, &world.instances);
            call.req(obj! {"instancesSet": items("instanceId", vec![instance.clone()])})
                .resp(obj! {
                    "requestId": uuid(rng),
                    "instancesSet": obj! {"items": arr![obj! {
                        "instanceId": instance,
                        "currentState": obj! {"code": 32, "name": "shutting-down"},
                        "previousState": obj! {"code": 16, "name": "running"},
                    }]},
                })
        }
        Kind::Eks => {
            call.req(obj! {"name": pick_str(rng, &["prod-eks", "staging-eks", "data-eks"])})
        }
        Kind::Login => {
            let success = chance(rng, 900);
            let mfa = chance(rng, 800);
            let user = pick(rng, &world.users).map_or("", |user| user.name.as_str());
            let call = Call {
                event_type: "AwsConsoleSignIn",
                has_request_id: false,
                ..call
            }
            .resp(obj! {"ConsoleLogin": if success { "Success" } else { "Failure" }})
            .extra(obj! {
                "LoginTo": "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true",
                "MobileVersion": "No",
                "MFAIdentifier": if mfa { Json::from(format!("arn:aws:iam::{account}:mfa/{user}")) } else { Json::Null },
                "MFAUsed": if mfa { "Yes" } else { "No" },
            });
            if success {
                call
            } else {
                // A failed sign-in carries a message but no error code.
                Call {
                    error_message: Some("Failed authentication".to_owned()),
                    ..call
                }
            }
        }
        Kind::LambdaUpdate => {
            let function = pick_str(rng, &FUNCTIONS);
            let modified = iso(t).replace('Z', ".000+0000");
            call.req(obj! {"functionName": function, "publish": false, "dryRun": false, "zipFile": "****"})
                .resp(obj! {
                    "functionName": function,
                    "functionArn": format!("arn:aws:lambda:{region}:{account}:function:{function}"),
                    "runtime": "python3.12",
                    "role": format!("arn:aws:iam::{account}:role/lambda-exec-{function}"),
                    "handler": "app.handler",
                    "codeSize": between(rng, 10_000, 9_000_000),
                    "description": "",
                    "timeout": 30,
                    "memorySize": 512,
                    "lastModified": modified,
                    "codeSha256": format!("{}=", token(rng, BASE64, 43)),
                    "version": "$LATEST",
                    "tracingConfig": obj! {"mode": "PassThrough"},
                    "revisionId": uuid(rng),
                    "state": "Active",
                    "lastUpdateStatus": "InProgress",
                    "packageType": "Zip",
                    "architectures": arr!["x86_64"],
                    "ephemeralStorage": obj! {"size": 512},
                    "snapStart": obj! {"applyOn": "None", "optimizationStatus": "Off"},
                })
        }
        Kind::Route53 => {
            let name = format!(
                "{}.example.com",
                pick_str(rng, &["api", "www", "grafana", "auth"])
            );
            call.req(obj! {
                "hostedZoneId": format!("Z{}", token(rng, BASE32, 13)),
                "changeBatch": obj! {"changes": arr![obj! {
                    "action": "UPSERT",
                    "resourceRecordSet": obj! {
                        "name": name,
                        "type": "A",
                        "tTL": 300,
                        "resourceRecords": arr![obj! {"value": any(rng, &world.ips)}],
                    },
                }]},
            })
            .resp(obj! {
                "changeInfo": obj! {
                    "id": format!("/change/C{}", token(rng, BASE32, 13)),
                    "status": "PENDING",
                    "submittedAt": java_time(t),
                },
            })
        }
    }
}
