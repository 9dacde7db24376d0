//! The scale generator's static population, drawn once from the seed: three accounts, their IAM
//! users and roles, the role sessions in use, source addresses, clients and resources. Every
//! caller has a stable id so the generator can count events per caller as the viewer names them.

use std::rc::Rc;

use fastrand::Rng;

use super::calendar::iso;
use super::draw::{below, between, pick, pick_str, token, uuid, BASE32, HEX};
use super::json::{obj, Json};
use super::record::session_context;

/// The accounts that deliver to the trail; the first is the organisation's main account.
pub(crate) const ACCOUNTS: [&str; 3] = ["123456789012", "210987654321", "555566667777"];

/// Regions files come from, weighted: most activity in the main regions.
pub(crate) const REGIONS: [(&str, u32); 7] = [
    ("us-east-1", 3),
    ("us-west-2", 2),
    ("eu-west-1", 1),
    ("eu-central-1", 1),
    ("ap-southeast-2", 1),
    ("ap-northeast-1", 1),
    ("sa-east-1", 1),
];

const FIRST_NAMES: [&str; 20] = [
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
    "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "zoe",
];
const LAST_NAMES: [&str; 8] = [
    "smith", "jones", "ng", "garcia", "kim", "patel", "muller", "rossi",
];
/// People per account.
const PEOPLE: usize = 40;
/// Pipelines and tools with long-term keys, in every account.
const MACHINE_USERS: [&str; 4] = ["ci-deploy", "terraform", "backup-bot", "s3-sync"];

/// Roles in every account.
pub(crate) const ROLE_NAMES: [&str; 20] = [
    "OrganizationAccountAccessRole",
    "AWSReservedSSO_AdministratorAccess_3f1c2b7a9d0e5f44",
    "AWSReservedSSO_ReadOnly_8e2d11c0ab3f9a21",
    "eks-node-group-role",
    "lambda-exec-orders",
    "lambda-exec-payments",
    "ecsTaskExecutionRole",
    "GitHubActionsDeploy",
    "DatadogIntegration",
    "aws-controltower-AdministratorExecutionRole",
    "AWSServiceRoleForConfig",
    "AWSServiceRoleForAutoScaling",
    "AWSServiceRoleForECS",
    "karpenter-controller",
    "external-dns",
    "cert-manager",
    "grafana-cloudwatch",
    "snowflake-s3-reader",
    "batch-etl-runner",
    "security-audit",
];

/// Services that call on a principal's behalf, or on their own.
pub(crate) const SERVICE_HOSTS: [&str; 10] = [
    "ec2.amazonaws.com",
    "lambda.amazonaws.com",
    "config.amazonaws.com",
    "autoscaling.amazonaws.com",
    "ecs.amazonaws.com",
    "cloudformation.amazonaws.com",
    "elasticloadbalancing.amazonaws.com",
    "access-analyzer.amazonaws.com",
    "trustedadvisor.amazonaws.com",
    "guardduty.amazonaws.com",
];

/// Clients, most used first.
pub(crate) const USER_AGENTS: [&str; 14] = [
    "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.79-99.167.amzn2023.x86_64 exe/x86_64.amzn.2023 prompt/off command/s3.ls",
    "aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.2 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.156.0",
    "Boto3/1.34.84 md/Botocore#1.34.84 ua/2.0 os/linux#5.10.213-201.855.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.84",
    "aws-sdk-java/2.25.28 Linux/5.10.214-202.855.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy",
    "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.44.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/sts#1.28.6",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:124.0) Gecko/20100101 Firefox/124.0",
    "console.amazonaws.com",
    "aws-internal/3 aws-sdk-java/1.12.690 Linux/5.10.213-179.855.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.402-b08 java/1.8.0_402 vendor/Oracle_Corporation cfg/retry-mode/standard",
    "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.488 Linux/5.10.213-179.855.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.402-b08 java/1.8.0_402 vendor/Oracle_Corporation cfg/retry-mode/standard]",
    "aws-sdk-js/3.556.0 ua/2.0 os/linux#5.10.214-202.855.amzn2.x86_64 lang/js md/nodejs#20.12.1 api/dynamodb#3.556.0",
    "kubernetes/v1.29.3-eks-adc7111 aws-sdk-go/1.50.8 (go1.21.8; linux; amd64)",
    "Datadog/AWS-Integration",
    "Grafana/10.4.1 aws-sdk-go/1.51.0 (go1.21.8; linux; amd64)",
];

/// Interface endpoints some calls arrive through.
pub(crate) const VPC_ENDPOINTS: [&str; 4] = [
    "vpce-0a1b2c3d4e5f60718",
    "vpce-04c7e9a2b5d1f3608",
    "vpce-0f3e2d1c0b9a87654",
    "vpce-09d8c7b6a5f4e3d21",
];

const BUCKET_WORDS: [&str; 10] = [
    "prod-assets",
    "prod-logs",
    "data-lake-raw",
    "data-lake-curated",
    "backups",
    "terraform-state",
    "cloudtrail-archive",
    "ml-models",
    "static-site",
    "tmp-scratch",
];
pub(crate) const FUNCTIONS: [&str; 8] = [
    "orders-api",
    "payments-webhook",
    "thumbnailer",
    "etl-kickoff",
    "slack-notifier",
    "cost-report",
    "authorizer",
    "sqs-drain",
];
pub(crate) const TABLES: [&str; 6] = [
    "orders",
    "payments",
    "sessions",
    "users",
    "feature-flags",
    "audit",
];
pub(crate) const PARAMETERS: [&str; 6] = [
    "/prod/db/password",
    "/prod/api/key",
    "/shared/datadog/api-key",
    "/staging/db/url",
    "/prod/feature/enabled",
    "/ami/latest",
];

/// A long-term IAM user.
pub(crate) struct User {
    pub(crate) account: &'static str,
    pub(crate) name: String,
    pub(crate) id: String,
    pub(crate) arn: String,
    /// The identity of calls made with the access key.
    pub(crate) identity: Rc<Json>,
    pub(crate) caller: u32,
}

/// An IAM role.
pub(crate) struct Role {
    pub(crate) account: &'static str,
    pub(crate) name: &'static str,
    pub(crate) id: String,
    pub(crate) arn: String,
}

/// A role session in use during the window.
pub(crate) struct Session {
    /// The session's ARN, quoted in access-denied messages.
    pub(crate) arn: String,
    /// The identity of calls made with the session's credentials.
    pub(crate) identity: Rc<Json>,
    /// The same identity when the service that uses the role calls with it.
    pub(crate) invoked_identity: Rc<Json>,
    /// That service.
    pub(crate) invoked_by: &'static str,
    pub(crate) caller: u32,
}

/// Everything that exists before the first event.
pub(crate) struct World {
    pub(crate) users: Vec<User>,
    pub(crate) roles: Vec<Role>,
    pub(crate) sessions: Vec<Session>,
    pub(crate) ips: Vec<String>,
    pub(crate) buckets: Vec<String>,
    pub(crate) instances: Vec<String>,
    pub(crate) keys: Vec<String>,
    /// `{"type":"AWSService","invokedBy":…}` per entry of [`SERVICE_HOSTS`].
    pub(crate) service_identities: Vec<Rc<Json>>,
    /// Callers as the viewer names them (user name, `role/session`, service, `root`), by id.
    pub(crate) caller_names: Vec<String>,
    /// The caller id of every service in [`SERVICE_HOSTS`], then of `root`.
    pub(crate) service_callers: Vec<u32>,
    pub(crate) root_caller: u32,
}

/// Shuffles with `u32` draws only (fastrand's own shuffle draws `usize`).
fn shuffle<T>(rng: &mut Rng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        items.swap(i, below(rng, i + 1));
    }
}

/// Adds a caller name and returns its id.
fn register(names: &mut Vec<String>, name: String) -> u32 {
    names.push(name);
    (names.len() - 1) as u32
}

impl World {
    /// The population for `seed`; sessions were created in the hours before `start_unix`.
    pub(crate) fn new(seed: u64, start_unix: i64) -> Self {
        let mut rng = Rng::with_seed(seed ^ 0x776f_726c_6400_0000);
        let mut caller_names = Vec::new();
        let users = draw_users(&mut rng, &mut caller_names);
        let roles = draw_roles(&mut rng);
        let sessions = draw_sessions(&mut rng, &roles, start_unix, &mut caller_names);
        let ips = (0..600)
            .map(|_| {
                let first = pick(&mut rng, &[3, 18, 34, 52, 54, 35, 44, 203, 198, 81, 92])
                    .copied()
                    .unwrap_or(3);
                format!(
                    "{first}.{}.{}.{}",
                    rng.u32(0..=255),
                    rng.u32(0..=255),
                    rng.u32(1..=254)
                )
            })
            .collect();
        let buckets = BUCKET_WORDS
            .into_iter()
            .map(|word| format!("{word}-{}", rng.u32(100..=999)))
            .collect();
        let instances = (0..80)
            .map(|_| format!("i-0{}", token(&mut rng, HEX, 16)))
            .collect();
        let keys = (0..12).map(|_| uuid(&mut rng)).collect();
        let service_identities = SERVICE_HOSTS
            .into_iter()
            .map(|host| Rc::new(obj! {"type": "AWSService", "invokedBy": host}))
            .collect();
        let service_callers = SERVICE_HOSTS
            .into_iter()
            .map(|host| register(&mut caller_names, host.to_owned()))
            .collect();
        let root_caller = register(&mut caller_names, "root".to_owned());
        World {
            users,
            roles,
            sessions,
            ips,
            buckets,
            instances,
            keys,
            service_identities,
            caller_names,
            service_callers,
            root_caller,
        }
    }
}

/// People and pipelines in every account, in shuffled order of popularity.
fn draw_users(rng: &mut Rng, caller_names: &mut Vec<String>) -> Vec<User> {
    let mut user_names = Vec::new();
    for account in ACCOUNTS {
        for i in 0..PEOPLE {
            let name = format!(
                "{}.{}{i}",
                pick_str(rng, &FIRST_NAMES),
                pick_str(rng, &LAST_NAMES)
            );
            user_names.push((account, name));
        }
        for name in MACHINE_USERS {
            user_names.push((account, name.to_owned()));
        }
    }
    let mut users: Vec<User> = user_names
        .into_iter()
        .map(|(account, name)| {
            let id = format!("AIDA{}", token(rng, BASE32, 17));
            let key = format!("AKIA{}", token(rng, BASE32, 16));
            let arn = format!("arn:aws:iam::{account}:user/{name}");
            let identity = Rc::new(obj! {
                "type": "IAMUser",
                "principalId": id.clone(),
                "arn": arn.clone(),
                "accountId": account,
                "accessKeyId": key,
                "userName": name.clone(),
            });
            let caller = register(caller_names, name.clone());
            User {
                account,
                name,
                id,
                arn,
                identity,
                caller,
            }
        })
        .collect();
    shuffle(rng, &mut users);
    users
}

/// Every role in every account, shuffled.
fn draw_roles(rng: &mut Rng) -> Vec<Role> {
    let mut roles: Vec<Role> = ACCOUNTS
        .into_iter()
        .flat_map(|account| ROLE_NAMES.into_iter().map(move |name| (account, name)))
        .map(|(account, name)| {
            let path = if name.starts_with("AWSReservedSSO") {
                "aws-reserved/sso.amazonaws.com/"
            } else if name.starts_with("AWSServiceRoleFor") {
                "aws-service-role/"
            } else {
                ""
            };
            Role {
                account,
                name,
                id: format!("AROA{}", token(rng, BASE32, 17)),
                arn: format!("arn:aws:iam::{account}:role/{path}{name}"),
            }
        })
        .collect();
    shuffle(rng, &mut roles);
    roles
}

/// Two to twelve sessions of each role, shuffled.
fn draw_sessions(
    rng: &mut Rng,
    roles: &[Role],
    start_unix: i64,
    caller_names: &mut Vec<String>,
) -> Vec<Session> {
    let mut sessions = Vec::new();
    for role in roles {
        let n_sessions = between(rng, 2, 12);
        for _ in 0..n_sessions {
            let name = session_name(rng, role.name);
            let created = start_unix - between(rng, 60, 12 * 3_600);
            let key = format!("ASIA{}", token(rng, BASE32, 16));
            let invoked_by = pick_str(rng, &SERVICE_HOSTS);
            let arn = format!(
                "arn:aws:sts::{}:assumed-role/{}/{name}",
                role.account, role.name
            );
            let fields = vec![
                ("type", Json::from("AssumedRole")),
                ("principalId", Json::from(format!("{}:{name}", role.id))),
                ("arn", Json::from(arn.clone())),
                ("accountId", Json::from(role.account)),
                ("accessKeyId", Json::from(key)),
                (
                    "sessionContext",
                    session_context(
                        obj! {
                            "type": "Role",
                            "principalId": role.id.clone(),
                            "arn": role.arn.clone(),
                            "accountId": role.account,
                            "userName": role.name,
                        },
                        iso(created),
                        false,
                    ),
                ),
            ];
            let mut invoked = fields.clone();
            invoked.push(("invokedBy", Json::from(invoked_by)));
            let caller = register(caller_names, format!("{}/{name}", role.name));
            sessions.push(Session {
                arn,
                identity: Rc::new(Json::Obj(fields)),
                invoked_identity: Rc::new(Json::Obj(invoked)),
                invoked_by,
                caller,
            });
        }
    }
    shuffle(rng, &mut sessions);
    sessions
}

/// A role session's name as the tools that assume the role choose it.
fn session_name(rng: &mut Rng, role: &str) -> String {
    if role.contains("SSO") {
        format!("{}@example.com", pick_str(rng, &FIRST_NAMES))
    } else if let Some(function) = role.strip_prefix("lambda-exec-") {
        function.to_owned()
    } else if role.contains("eks") || role.contains("karpenter") {
        format!("i-0{}", token(rng, HEX, 16))
    } else {
        let short: String = role.chars().take(12).collect();
        format!("{short}-{}", rng.u64(1_000_000_000..=9_999_999_999))
    }
}
