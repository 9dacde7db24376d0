//! The built-in demo trail: a synthetic, deterministic `CloudTrail` delivery for one invented
//! account (`123456789012`) over three days, with a credential-theft incident on the second night.
//!
//! It exists so that a first-time visitor sees a realistic dashboard without owning a trail. The
//! files use the real `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/` layout and the records
//! follow the `CloudTrail` record format; the activity has a working-day rhythm, a few percent of
//! ordinary errors, and one story an incident responder recognises: a leaked CI access key used
//! from a Tor exit node for reconnaissance, privilege escalation, persistence, defence evasion and
//! GPU instances in a region the account never uses. The trail is generated rather than shipped
//! to keep the page small.
//!
//! It must stay pure and reproducible: no clock, no threads, no web crates, no randomness other
//! than the fixed-seed generator below, and no panics, because it runs on the browser's main
//! thread and tests compare its bytes. It only writes files; reading them is the ingest path's
//! job, so nothing here may know how the viewer indexes or displays them.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::rc::Rc;

use fastrand::Rng;
use flate2::Compression;

use super::generate::calendar::{self, days_from_civil, Civil, DAY, HOUR};
use super::generate::draw::{
    between, chance, pick, pick_str, pick_weighted, token, uuid, ALNUM, BASE32, BASE64, HEX,
};
use super::generate::json::{arr, filters, items, obj, Json};
use super::generate::record::{
    assemble, gzip, object_key, session_context, Call, Caller, Records, Tls, CLOUDTRAIL, DYNAMODB,
    EC2, ECR, ECS, GUARDDUTY, IAM, KMS, LAMBDA, LOGS, MONITORING, S3, SECRETS_MANAGER, SIGNIN, SSM,
    STS, US_EAST_1,
};

/// One generated trail file: its path in an `AWSLogs` tree and its gzipped bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoFile {
    /// Object key as a trail delivers it, under a `demo/` prefix:
    /// `demo/AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<unique>.json.gz`.
    pub path: String,
    /// The gzip-compressed, single-line `{"Records":[…]}` document.
    pub bytes: Vec<u8>,
}

/// The built-in demo trail: deterministic, the same bytes on every call.
pub fn demo_files() -> Vec<DemoFile> {
    let mut generator = Generator::new();
    generator.baseline();
    generator.incident();
    generator.response();
    generator.into_files()
}

// ---------------------------------------------------------------------------------------------
// Fixed facts about the invented account and its three days.

const ACCOUNT: &str = "123456789012";
/// Fixed seed; changing it changes every byte of the demo.
const SEED: u64 = 0x7472_6169_6c76_6965;
/// Day one starts on Monday 2026-03-02 at midnight UTC.
const START_UNIX: i64 = days_from_civil(2026, 3, 2) * DAY;
const DAYS: i64 = 3;
const END: i64 = DAYS * DAY;

const US_WEST_2: &str = "us-west-2";
const EU_WEST_1: &str = "eu-west-1";
const AP_SOUTHEAST_2: &str = "ap-southeast-2";
const AP_SOUTH_1: &str = "ap-south-1";

/// Every region enabled by default, in the order a scanning tool walks them.
const ALL_REGIONS: [&str; 17] = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "sa-east-1",
];

/// Seconds after the start of the demo for a day (0-based) and a UTC time of day.
const fn at(day: i64, hour: i64, minute: i64, second: i64) -> i64 {
    day * DAY + hour * HOUR + minute * 60 + second
}

// The incident timeline, fixed so the story reads the same on every load.
const RECON_START: i64 = at(1, 2, 10, 41);
const ESCALATION: i64 = at(1, 2, 31, 12);
const PIVOT: i64 = at(1, 2, 33, 5);
const STOP_LOGGING: i64 = at(1, 2, 38, 40);
const START_LOGGING: i64 = at(1, 2, 39, 31);
const DELETE_TRAIL: i64 = at(1, 2, 40, 5);
const CREATE_TRAIL: i64 = at(1, 2, 41, 2);
const MINING: i64 = at(1, 2, 42, 20);
const RESPONSE: i64 = at(1, 3, 22, 10);
const CI_KEY_DISABLED: i64 = at(1, 3, 26, 2);
const CI_KEY_ROTATED: i64 = at(1, 10, 6, 30);
/// While the trail was stopped or deleted nothing was recorded, in any region.
const LOGGING_GAPS: [(i64, i64); 2] = [(STOP_LOGGING, START_LOGGING), (DELETE_TRAIL, CREATE_TRAIL)];

const ATTACKER_IP: &str = "185.220.101.47";
const ATTACKER_BOTO: &str = "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.6.9-amd64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69";
const ATTACKER_PROBE: &str = "python-requests/2.31.0";
const ATTACKER_BROWSER: &str =
    "Mozilla/5.0 (Windows NT 10.0; rv:115.0) Gecko/20100101 Firefox/115.0";
const TRAIL_NAME: &str = "management-events";
const TRAIL_BUCKET: &str = "example-corp-cloudtrail-123456789012";

// ---------------------------------------------------------------------------------------------
// Principals.

/// A long-term IAM user of the account.
struct User {
    name: &'static str,
    id: &'static str,
    key: &'static str,
}

impl User {
    const fn new(name: &'static str, id: &'static str, key: &'static str) -> Self {
        User { name, id, key }
    }
}

// Access key ids end in EXAMPLE, as in AWS's own documentation, so secret scanners ignore them.
static CI_DEPLOY: User = User::new("ci-deploy", "AIDAR7W2KQ5NDX3HV4PLM", "AKIAR7W2KQ5NDEXAMPLE");
const CI_DEPLOY_NEW_KEY: &str = "AKIAV3MCJ6T2QEXAMPLE";
static TERRAFORM: User = User::new("terraform", "AIDAT4NQX2W7ZJ5KC3RYB", "AKIAT4NQX2W7ZEXAMPLE");
static BACKUP_BOT: User = User::new(
    "backup-bot",
    "AIDAM6PZ3RK2WQ7TJ4VXC",
    "AKIAM6PZ3RK2WEXAMPLE",
);
static GRAFANA: User = User::new(
    "grafana-cloudwatch",
    "AIDAG5HK2QW7XN3ZRT6PV",
    "AKIAG5HK2QW7XEXAMPLE",
);
static DAVE: User = User::new(
    "dave.okafor",
    "AIDAD2QX7NV4KW3ZM5TRJ",
    "AKIAD2QX7NV4KEXAMPLE",
);
static PARTNER: User = User::new(
    "partner-s3-sync",
    "AIDAS3YN6KQ2VX7WP4JMZ",
    "AKIAS3YN6KQ2VEXAMPLE",
);
static SVC_BACKUP: User = User::new(
    "svc-backup",
    "AIDAW4ZR7XK2PN6QT3VHL",
    "AKIAW4ZR7XK2PEXAMPLE",
);
static USERS: [&User; 6] = [
    &CI_DEPLOY,
    &TERRAFORM,
    &BACKUP_BOT,
    &GRAFANA,
    &DAVE,
    &PARTNER,
];

/// An IAM role; `path` is empty for `/` and otherwise ends in a slash.
struct Role {
    name: &'static str,
    path: &'static str,
    id: &'static str,
}

impl Role {
    const fn new(name: &'static str, path: &'static str, id: &'static str) -> Self {
        Role { name, path, id }
    }

    fn arn(&self) -> String {
        format!("arn:aws:iam::{ACCOUNT}:role/{}{}", self.path, self.name)
    }

    fn session_arn(&self, session: &str) -> String {
        format!(
            "arn:aws:sts::{ACCOUNT}:assumed-role/{}/{session}",
            self.name
        )
    }
}

static SSO_ADMIN: Role = Role::new(
    "AWSReservedSSO_AdministratorAccess_6c1e9f0a2b4d8e31",
    "aws-reserved/sso.amazonaws.com/",
    "AROAK7X3QZ2NW5VJ4TRPM",
);
static SSO_READ_ONLY: Role = Role::new(
    "AWSReservedSSO_ReadOnlyAccess_0d8a4f2c7e19b5a6",
    "aws-reserved/sso.amazonaws.com/",
    "AROAP2V6ZK4XQ7NW3JTRC",
);
static SSO_POWER_USER: Role = Role::new(
    "AWSReservedSSO_PowerUserAccess_93b0e7d1c5a24f68",
    "aws-reserved/sso.amazonaws.com/",
    "AROAQ5T2XW7KZ3NV6PJRM",
);
static ORDERS_API_ROLE: Role = Role::new("orders-api-lambda-role", "", "AROAZ3KW6QX2TN7VJ4PRD");
static THUMBNAILER_ROLE: Role = Role::new("thumbnailer-lambda-role", "", "AROAV7NQ2ZK5XW3TJ6PRH");
static ORDERS_WORKER_ROLE: Role = Role::new("orders-worker-task-role", "", "AROAJ4XT7QZ2KW5NV3PRG");
static EKS_NODE_ROLE: Role = Role::new("eks-prod-node-role", "", "AROAN6ZQ3XK7TW2VJ5PRF");
static CONFIG_ROLE: Role = Role::new(
    "AWSServiceRoleForConfig",
    "aws-service-role/config.amazonaws.com/",
    "AROAX2KZ7QW4TN6VJ3PRB",
);
static AUTOSCALING_ROLE: Role = Role::new(
    "AWSServiceRoleForAutoScaling",
    "aws-service-role/autoscaling.amazonaws.com/",
    "AROAW5QZ2XK7TN3VJ6PRK",
);
static TRAIL_GUARD_ROLE: Role =
    Role::new("trail-guard-remediation-role", "", "AROAT3ZK6QX2WN7VJ4PRS");
/// Roles Terraform reads on every plan; the last one is declared but not created yet.
static TERRAFORM_ROLES: [&str; 6] = [
    "orders-api-lambda-role",
    "thumbnailer-lambda-role",
    "orders-worker-task-role",
    "eks-prod-node-role",
    "trail-guard-remediation-role",
    "payments-webhook-lambda-role",
];

/// What an Identity Center permission set lets its holder do, for deciding which calls fail.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    Admin,
    ReadOnly,
    PowerUser,
}

impl Access {
    fn allows(self, call: &Call) -> bool {
        match self {
            Access::Admin => true,
            // The managed ReadOnlyAccess policy grants no secret values.
            Access::ReadOnly => call.read_only && call.name != "GetSecretValue",
            // PowerUserAccess excludes IAM apart from a few calls such as listing roles.
            Access::PowerUser => call.source != IAM || call.name == "ListRoles",
        }
    }
}

/// A person who signs in through IAM Identity Center.
struct Human {
    email: &'static str,
    role: &'static Role,
    access: Access,
    /// Expected calls per hour at the busiest time of day, in thousandths.
    peak_milli: i64,
    ip: &'static str,
    browser: &'static str,
    cli: &'static str,
    /// When this person's twelve-hour sessions start, in seconds after midnight UTC.
    session_start: i64,
}

const MAC_CHROME: &str =
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36";
const WIN_EDGE: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.0.0";
const LINUX_FIREFOX: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0";
const CLI_MAC: &str = "aws-cli/2.15.30 Python/3.11.8 Darwin/23.3.0 exe/x86_64 prompt/off command/";
const CLI_LINUX: &str =
    "aws-cli/2.15.21 Python/3.11.6 Linux/6.5.0-21-generic exe/x86_64.ubuntu.22 prompt/off command/";
const CLI_WINDOWS: &str = "aws-cli/2.13.25 Python/3.11.5 Windows/10 exe/AMD64 prompt/off command/";

const OFFICE_IP: &str = "198.51.100.23";
const OFFICE_IP_2: &str = "198.51.100.24";
const VPN_IP: &str = "203.0.113.54";
const CI_RUNNER_IP: &str = "203.0.113.10";
const GRAFANA_IP: &str = "198.51.100.77";
const PARTNER_IP: &str = "203.0.113.88";

static HUMANS: [Human; 6] = [
    Human {
        email: "alice@example.com",
        role: &SSO_ADMIN,
        access: Access::Admin,
        peak_milli: 8_000,
        ip: OFFICE_IP,
        browser: MAC_CHROME,
        cli: CLI_MAC,
        session_start: at(0, 7, 41, 17),
    },
    Human {
        email: "bob@example.com",
        role: &SSO_ADMIN,
        access: Access::Admin,
        peak_milli: 4_500,
        ip: VPN_IP,
        browser: LINUX_FIREFOX,
        cli: CLI_LINUX,
        session_start: at(0, 8, 2, 51),
    },
    Human {
        email: "carol@example.com",
        role: &SSO_READ_ONLY,
        access: Access::ReadOnly,
        peak_milli: 4_500,
        ip: OFFICE_IP,
        browser: WIN_EDGE,
        cli: CLI_WINDOWS,
        session_start: at(0, 8, 17, 36),
    },
    Human {
        email: "erin@example.com",
        role: &SSO_READ_ONLY,
        access: Access::ReadOnly,
        peak_milli: 3_000,
        ip: OFFICE_IP_2,
        browser: MAC_CHROME,
        cli: CLI_MAC,
        session_start: at(0, 9, 5, 2),
    },
    Human {
        email: "frank@example.com",
        role: &SSO_POWER_USER,
        access: Access::PowerUser,
        peak_milli: 7_000,
        ip: OFFICE_IP_2,
        browser: MAC_CHROME,
        cli: CLI_MAC,
        session_start: at(0, 7, 55, 48),
    },
    Human {
        email: "grace@example.com",
        role: &SSO_POWER_USER,
        access: Access::PowerUser,
        peak_milli: 5_000,
        ip: VPN_IP,
        browser: LINUX_FIREFOX,
        cli: CLI_LINUX,
        session_start: at(0, 8, 30, 12),
    },
];

/// Share of the day's peak activity in each UTC hour, in percent: a European working day.
const OFFICE_LOAD: [i64; 24] = [
    3, 2, 2, 2, 3, 5, 15, 40, 80, 100, 100, 95, 70, 90, 100, 100, 90, 60, 35, 20, 15, 10, 6, 4,
];

fn office_load(t: i64) -> i64 {
    let hour = usize::try_from(t.rem_euclid(DAY) / HOUR).unwrap_or(0);
    OFFICE_LOAD.get(hour).copied().unwrap_or(0)
}

/// Machines follow customers a little: a flat base plus part of the office curve.
fn machine_load(t: i64) -> i64 {
    55 + office_load(t) * 45 / 100
}

// ---------------------------------------------------------------------------------------------
// Resources the account owns.

/// A bucket and the region it lives in, which is where its events are recorded.
struct Bucket {
    name: &'static str,
    region: &'static str,
}

impl Bucket {
    const fn new(name: &'static str, region: &'static str) -> Self {
        Bucket { name, region }
    }
}

static BUCKETS: [Bucket; 8] = [
    Bucket::new("example-corp-prod-assets", US_EAST_1),
    Bucket::new("example-corp-data-lake-raw", US_EAST_1),
    Bucket::new("example-corp-data-lake-curated", US_EAST_1),
    Bucket::new("example-corp-ci-artifacts", US_EAST_1),
    Bucket::new("example-corp-terraform-state", US_EAST_1),
    Bucket::new("example-corp-backups", US_WEST_2),
    Bucket::new("example-corp-eu-exports", EU_WEST_1),
    Bucket::new(TRAIL_BUCKET, US_EAST_1),
];
const ASSETS: &Bucket = &BUCKETS[0];
const RAW: &Bucket = &BUCKETS[1];
const ARTIFACTS: &Bucket = &BUCKETS[3];
const TF_STATE: &Bucket = &BUCKETS[4];

const FUNCTIONS: [&str; 5] = [
    "orders-api",
    "thumbnailer",
    "payments-webhook",
    "slack-notifier",
    "cost-report",
];
const TABLES: [&str; 4] = ["orders", "payments", "sessions", "feature-flags"];
const PARAMETERS: [&str; 5] = [
    "/prod/orders/db-host",
    "/prod/orders/feature-flags",
    "/prod/shared/datadog-api-key",
    "/prod/thumbnailer/max-size",
    "/prod/payments/webhook-url",
];
const SECRETS: [&str; 3] = [
    "prod/orders/db-password",
    "prod/payments/stripe-api-key",
    "prod/shared/slack-webhook",
];
const LOG_GROUPS: [&str; 5] = [
    "/aws/lambda/orders-api",
    "/aws/lambda/thumbnailer",
    "/aws/lambda/payments-webhook",
    "/ecs/orders-worker",
    "/aws/eks/prod/cluster",
];
const REPOSITORIES: [&str; 3] = ["orders-api", "orders-worker", "thumbnailer"];
const METRICS: [(&str, &str, &str, &str); 6] = [
    ("AWS/Lambda", "Errors", "FunctionName", "orders-api"),
    ("AWS/Lambda", "Duration", "FunctionName", "orders-api"),
    ("AWS/Lambda", "Invocations", "FunctionName", "thumbnailer"),
    ("AWS/ECS", "CPUUtilization", "ServiceName", "orders-worker"),
    (
        "AWS/ApplicationELB",
        "HTTPCode_Target_5XX_Count",
        "LoadBalancer",
        "app/prod-public/4f8e2a1c9d3b7e60",
    ),
    (
        "AWS/RDS",
        "DatabaseConnections",
        "DBInstanceIdentifier",
        "orders-prod",
    ),
];

/// Regions humans work in: mostly the main region, some Europe, a little elsewhere.
const HUMAN_REGIONS: [(&str, u32); 4] = [
    (US_EAST_1, 70),
    (EU_WEST_1, 15),
    (US_WEST_2, 12),
    (AP_SOUTHEAST_2, 3),
];

fn kms_key(region: &str, purpose: &str) -> String {
    let seed = fnv(&[region, purpose]);
    let hex = hex_from(seed, 32);
    let part = |from: usize, to: usize| hex.get(from..to).unwrap_or("0");
    format!(
        "arn:aws:kms:{region}:{ACCOUNT}:key/{}-{}-4{}-a{}-{}",
        part(0, 8),
        part(8, 12),
        part(12, 15),
        part(15, 18),
        part(18, 30)
    )
}

fn instance_id(region: &str, index: u64) -> String {
    format!(
        "i-0{}",
        hex_from(fnv(&[region, "instance"]).wrapping_add(index), 16)
    )
}

fn resource_id(prefix: &str, region: &str, kind: &str) -> String {
    format!("{prefix}-0{}", hex_from(fnv(&[region, kind]), 16))
}

fn secret_arn(region: &str, name: &str) -> String {
    format!(
        "arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{name}-{}",
        alnum_from(fnv(&[name]), 6)
    )
}

// ---------------------------------------------------------------------------------------------
// Time, in seconds after the start of the demo.

/// The calendar time `t` seconds after the start of the demo.
fn civil(t: i64) -> Civil {
    calendar::civil(START_UNIX + t)
}

/// `eventTime` text: `2026-03-02T09:15:00Z`.
fn iso(t: i64) -> String {
    calendar::iso(START_UNIX + t)
}

/// The Java date text services put in `responseElements`: `Mar 3, 2026, 2:31:12 AM`.
fn java_time(t: i64) -> String {
    calendar::java_time(START_UNIX + t)
}

fn epoch_millis(t: i64) -> i64 {
    (START_UNIX + t) * 1_000
}

// ---------------------------------------------------------------------------------------------
// Deterministic helpers (the shared draws are in `generate::draw`).

/// A whole number of events around `milli` / 1000, with some spread so hours are not uniform.
fn count(rng: &mut Rng, milli: i64) -> i64 {
    let spread = milli * between(rng, 70, 130) / 100;
    spread / 1_000 + i64::from(rng.i64(0..1_000) < spread % 1_000)
}

/// FNV-1a over parts, to derive stable identifiers from names without consuming the generator.
fn fnv(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0xff)) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// `SplitMix64`: spreads a derived seed into well-mixed bits.
fn mix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn derived(seed: u64, alphabet: &[u8], len: usize) -> String {
    let mut state = seed;
    let mut out = String::with_capacity(len);
    for _ in 0..len {
        state = mix(state);
        let index = (state >> 33) as usize % alphabet.len().max(1);
        if let Some(&b) = alphabet.get(index) {
            out.push(char::from(b));
        }
    }
    out
}

fn hex_from(seed: u64, len: usize) -> String {
    derived(seed, HEX, len)
}

fn alnum_from(seed: u64, len: usize) -> String {
    derived(seed, ALNUM, len)
}

/// A temporary access key id for a session, stable for the same session seed.
fn session_key(seed: u64) -> String {
    format!("ASIA{}", derived(seed, BASE32, 16))
}

// ---------------------------------------------------------------------------------------------
// Callers and calls.

impl Caller {
    fn user(user: &User, key: &'static str, ip: &'static str, agent: &'static str) -> Self {
        let arn = format!("arn:aws:iam::{ACCOUNT}:user/{}", user.name);
        Caller {
            identity: Rc::new(obj! {
                "type": "IAMUser",
                "principalId": user.id,
                "arn": arn.clone(),
                "accountId": ACCOUNT,
                "accessKeyId": key,
                "userName": user.name,
            }),
            arn,
            ip: Cow::Borrowed(ip),
            agent: Cow::Borrowed(agent),
            tls: Tls::V13,
            console: false,
            vpc_endpoint: None,
        }
    }

    /// An IAM user's console session after `ConsoleLogin` at `created`.
    fn user_console(
        user: &User,
        created: i64,
        mfa: bool,
        ip: &'static str,
        agent: &'static str,
    ) -> Self {
        let arn = format!("arn:aws:iam::{ACCOUNT}:user/{}", user.name);
        Caller {
            identity: Rc::new(obj! {
                "type": "IAMUser",
                "principalId": user.id,
                "arn": arn.clone(),
                "accountId": ACCOUNT,
                "accessKeyId": session_key(fnv(&[user.name, &created.to_string()])),
                "userName": user.name,
                "sessionContext": session_context(obj! {}, iso(created), mfa),
            }),
            arn,
            ip: Cow::Borrowed(ip),
            agent: Cow::Borrowed(agent),
            tls: Tls::V13,
            console: true,
            vpc_endpoint: None,
        }
    }

    /// The identity a `ConsoleLogin` record carries: no access key yet.
    fn sign_in(identity: Json, arn: String, ip: &'static str, agent: &'static str) -> Self {
        Caller {
            identity: Rc::new(identity),
            arn,
            ip: Cow::Borrowed(ip),
            agent: Cow::Borrowed(agent),
            tls: Tls::V13,
            console: false,
            vpc_endpoint: None,
        }
    }

    fn root_console(created: i64, ip: &'static str, agent: &'static str) -> Self {
        let arn = format!("arn:aws:iam::{ACCOUNT}:root");
        Caller {
            identity: Rc::new(obj! {
                "type": "Root",
                "principalId": ACCOUNT,
                "arn": arn.clone(),
                "accountId": ACCOUNT,
                "accessKeyId": session_key(fnv(&["root", &created.to_string()])),
                "sessionContext": session_context(obj! {}, iso(created), true),
            }),
            arn,
            ip: Cow::Borrowed(ip),
            agent: Cow::Borrowed(agent),
            tls: Tls::V13,
            console: true,
            vpc_endpoint: None,
        }
    }

    /// A role session; `invoked_by` marks a service acting with the role, which hides TLS.
    fn role(role: &Role, session: &str, created: i64, invoked_by: Option<&'static str>) -> Self {
        let key = session_key(fnv(&[role.name, session, &created.to_string()]));
        let mut context = session_context(
            obj! {
                "type": "Role",
                "principalId": role.id,
                "arn": role.arn(),
                "accountId": ACCOUNT,
                "userName": role.name,
            },
            iso(created),
            false,
        );
        // Instance-profile credentials say how they were fetched; IMDSv2 is the norm.
        if role.name == EKS_NODE_ROLE.name {
            if let Json::Obj(fields) = &mut context {
                fields.push(("ec2RoleDelivery", Json::from("2.0")));
            }
        }
        let arn = role.session_arn(session);
        let mut identity = vec![
            ("type", Json::from("AssumedRole")),
            ("principalId", Json::from(format!("{}:{session}", role.id))),
            ("arn", Json::from(arn.clone())),
            ("accountId", Json::from(ACCOUNT)),
            ("accessKeyId", Json::from(key)),
            ("sessionContext", context),
        ];
        let (ip, agent, tls) = match invoked_by {
            Some(service) => {
                identity.push(("invokedBy", Json::from(service)));
                (Cow::Borrowed(service), Cow::Borrowed(service), Tls::None)
            }
            None => (Cow::Borrowed(""), Cow::Borrowed(""), Tls::V13),
        };
        Caller {
            identity: Rc::new(Json::Obj(identity)),
            arn,
            ip,
            agent,
            tls,
            console: false,
            vpc_endpoint: None,
        }
    }

    /// The same caller seen from another address and client.
    fn via(mut self, ip: &'static str, agent: &'static str) -> Self {
        self.ip = Cow::Borrowed(ip);
        self.agent = Cow::Borrowed(agent);
        self
    }

    fn service(service: &'static str) -> Self {
        Caller {
            identity: Rc::new(obj! {"type": "AWSService", "invokedBy": service}),
            arn: String::new(),
            ip: Cow::Borrowed(service),
            agent: Cow::Borrowed(service),
            tls: Tls::None,
            console: false,
            vpc_endpoint: None,
        }
    }

    /// A service event's identity is just the account and the service, as AWS writes it.
    fn service_event(service: &'static str) -> Self {
        Caller {
            identity: Rc::new(obj! {"accountId": ACCOUNT, "invokedBy": service}),
            ..Caller::service(service)
        }
    }
}

impl Call {
    fn resource(self, kind: &'static str, arn: String) -> Self {
        self.resource_of(ACCOUNT, kind, arn)
    }

    /// Turn the call into the denial its caller's policy produces, in the service's own words.
    fn deny(self, arn: &str, region: &str, rng: &mut Rng) -> Self {
        let action = self.action();
        match self.source {
            EC2 => {
                let mut message = format!(
                    "You are not authorized to perform this operation. User: {arn} is not authorized to perform: {action} because no identity-based policy allows the {action} action"
                );
                if !self.read_only {
                    message.push_str(". Encoded authorization failure message: ");
                    message.push_str(&token(rng, BASE64, 96));
                }
                self.fail("Client.UnauthorizedOperation", message)
            }
            S3 => self.fail("AccessDenied", "Access Denied".to_owned()),
            source => {
                // Query-protocol services say AccessDenied; JSON-protocol ones add "Exception".
                let code = if matches!(
                    source,
                    IAM | STS
                        | SECRETS_MANAGER
                        | MONITORING
                        | "rds.amazonaws.com"
                        | "sqs.amazonaws.com"
                        | "redshift.amazonaws.com"
                        | "cloudformation.amazonaws.com"
                        | "elasticloadbalancing.amazonaws.com"
                        | "autoscaling.amazonaws.com"
                        | "elasticbeanstalk.amazonaws.com"
                        | "route53.amazonaws.com"
                        | "cloudfront.amazonaws.com"
                ) {
                    "AccessDenied"
                } else {
                    "AccessDeniedException"
                };
                let resource = self.first_resource_arn().unwrap_or_default();
                let resource = if resource.is_empty() {
                    let service = action.split(':').next().unwrap_or_default();
                    format!("arn:aws:{service}:{region}:{ACCOUNT}:*")
                } else {
                    resource
                };
                let message = format!(
                    "User: {arn} is not authorized to perform: {action} on resource: {resource} because no identity-based policy allows the {action} action"
                );
                self.fail(code, message)
            }
        }
    }
}

/// One finished record, remembered with the time and region that decide its file.
struct Event {
    t: i64,
    region: &'static str,
    record: Json,
}

// ---------------------------------------------------------------------------------------------
// Operations the background population performs, chosen from weighted tables per actor.

#[derive(Clone, Copy)]
enum Op {
    CallerIdentity,
    S3(S3Op),
    Ec2(Ec2Op),
    Iam(IamOp),
    Kms(KmsOp),
    Lambda(LambdaOp),
    LookupEvents,
    Logs(LogsOp),
    Ssm(SsmOp),
    Secret(SecretOp),
    Watch(WatchOp),
    Dynamo(DynamoOp),
    Ecr(EcrOp),
    Ecs(EcsOp),
}

#[derive(Clone, Copy)]
enum S3Op {
    ListBuckets,
    GetBucketLocation,
    GetBucketAcl,
    GetBucketPolicy,
    GetBucketVersioning,
    GetBucketEncryption,
    GetObject,
    PutObject,
    ListObjects,
}

#[derive(Clone, Copy)]
enum Ec2Op {
    DescribeInstances,
    DescribeSecurityGroups,
    DescribeVpcs,
    DescribeSubnets,
    DescribeVolumes,
    DescribeSnapshots,
    DescribeNetworkInterfaces,
    DescribeInstanceStatus,
    AssignPrivateIpAddresses,
    CreateTags,
    StartInstances,
}

#[derive(Clone, Copy)]
enum IamOp {
    ListUsers,
    ListRoles,
    GetRole,
    GetPolicy,
    ListAttachedRolePolicies,
    GetAccountSummary,
}

#[derive(Clone, Copy)]
enum KmsOp {
    Decrypt,
    GenerateDataKey,
    DescribeKey,
}

#[derive(Clone, Copy)]
enum LambdaOp {
    Invoke,
    ListFunctions,
    GetFunction,
    UpdateFunctionCode,
}

#[derive(Clone, Copy)]
enum LogsOp {
    CreateLogStream,
    DescribeLogGroups,
    FilterLogEvents,
    StartQuery,
}

#[derive(Clone, Copy)]
enum SsmOp {
    Parameter,
    Parameters,
    ByPath,
}

#[derive(Clone, Copy)]
enum SecretOp {
    GetSecretValue,
    DescribeSecret,
}

#[derive(Clone, Copy)]
enum WatchOp {
    GetMetricData,
    ListMetrics,
    DescribeAlarms,
}

#[derive(Clone, Copy)]
enum DynamoOp {
    DescribeTable,
    ListTables,
}

#[derive(Clone, Copy)]
enum EcrOp {
    GetAuthorizationToken,
    BatchGetImage,
}

#[derive(Clone, Copy)]
enum EcsOp {
    DescribeServices,
    UpdateService,
}

const ADMIN_OPS: &[(Op, u32)] = &[
    (Op::Ec2(Ec2Op::DescribeInstances), 14),
    (Op::Ec2(Ec2Op::DescribeSecurityGroups), 6),
    (Op::Ec2(Ec2Op::DescribeVpcs), 3),
    (Op::Ec2(Ec2Op::DescribeSubnets), 3),
    (Op::Ec2(Ec2Op::CreateTags), 2),
    (Op::S3(S3Op::ListBuckets), 6),
    (Op::S3(S3Op::GetBucketPolicy), 3),
    (Op::S3(S3Op::GetObject), 3),
    (Op::Iam(IamOp::ListRoles), 3),
    (Op::Iam(IamOp::GetRole), 3),
    (Op::Iam(IamOp::ListUsers), 2),
    (Op::LookupEvents, 4),
    (Op::Logs(LogsOp::FilterLogEvents), 6),
    (Op::Logs(LogsOp::DescribeLogGroups), 3),
    (Op::Lambda(LambdaOp::ListFunctions), 3),
    (Op::Lambda(LambdaOp::GetFunction), 3),
    (Op::Watch(WatchOp::GetMetricData), 5),
    (Op::Watch(WatchOp::DescribeAlarms), 3),
    (Op::Ecs(EcsOp::DescribeServices), 4),
    (Op::Ecs(EcsOp::UpdateService), 1),
    (Op::Ssm(SsmOp::Parameter), 2),
    (Op::Secret(SecretOp::DescribeSecret), 2),
    (Op::Kms(KmsOp::DescribeKey), 2),
    (Op::Dynamo(DynamoOp::DescribeTable), 2),
    (Op::CallerIdentity, 4),
];

const READ_ONLY_OPS: &[(Op, u32)] = &[
    (Op::Ec2(Ec2Op::DescribeInstances), 14),
    (Op::Ec2(Ec2Op::DescribeSecurityGroups), 5),
    (Op::Ec2(Ec2Op::DescribeVolumes), 3),
    (Op::Ec2(Ec2Op::StartInstances), 2),
    (Op::S3(S3Op::ListBuckets), 5),
    (Op::S3(S3Op::GetBucketAcl), 2),
    (Op::S3(S3Op::GetBucketPolicy), 3),
    (Op::S3(S3Op::ListObjects), 3),
    (Op::S3(S3Op::PutObject), 1),
    (Op::Iam(IamOp::ListRoles), 3),
    (Op::Iam(IamOp::GetRole), 2),
    (Op::Iam(IamOp::GetPolicy), 2),
    (Op::LookupEvents, 5),
    (Op::Logs(LogsOp::FilterLogEvents), 5),
    (Op::Watch(WatchOp::GetMetricData), 6),
    (Op::Watch(WatchOp::DescribeAlarms), 3),
    (Op::Secret(SecretOp::GetSecretValue), 3),
    (Op::Secret(SecretOp::DescribeSecret), 1),
    (Op::Ecs(EcsOp::DescribeServices), 3),
    (Op::CallerIdentity, 4),
];

const POWER_USER_OPS: &[(Op, u32)] = &[
    (Op::Lambda(LambdaOp::GetFunction), 6),
    (Op::Lambda(LambdaOp::ListFunctions), 2),
    (Op::Lambda(LambdaOp::UpdateFunctionCode), 2),
    (Op::Lambda(LambdaOp::Invoke), 3),
    (Op::Logs(LogsOp::FilterLogEvents), 8),
    (Op::Logs(LogsOp::StartQuery), 4),
    (Op::Dynamo(DynamoOp::DescribeTable), 4),
    (Op::Dynamo(DynamoOp::ListTables), 2),
    (Op::Watch(WatchOp::GetMetricData), 5),
    (Op::S3(S3Op::GetObject), 5),
    (Op::S3(S3Op::PutObject), 2),
    (Op::S3(S3Op::ListObjects), 3),
    (Op::Ec2(Ec2Op::DescribeInstances), 6),
    (Op::Ecs(EcsOp::DescribeServices), 4),
    (Op::Ssm(SsmOp::Parameter), 4),
    (Op::Ssm(SsmOp::ByPath), 2),
    (Op::Secret(SecretOp::GetSecretValue), 2),
    (Op::Iam(IamOp::GetRole), 3),
    (Op::Iam(IamOp::ListRoles), 2),
    (Op::CallerIdentity, 4),
];

const DAVE_OPS: &[(Op, u32)] = &[
    (Op::Ec2(Ec2Op::DescribeInstances), 8),
    (Op::Ec2(Ec2Op::DescribeVolumes), 3),
    (Op::Ec2(Ec2Op::DescribeSnapshots), 3),
    (Op::S3(S3Op::ListBuckets), 4),
    (Op::S3(S3Op::GetBucketLocation), 3),
    (Op::S3(S3Op::ListObjects), 3),
    (Op::Watch(WatchOp::GetMetricData), 3),
    (Op::Watch(WatchOp::DescribeAlarms), 2),
    (Op::Iam(IamOp::GetAccountSummary), 1),
    (Op::CallerIdentity, 3),
];

const GRAFANA_OPS: &[(Op, u32)] = &[
    (Op::Watch(WatchOp::GetMetricData), 50),
    (Op::Watch(WatchOp::ListMetrics), 10),
    (Op::Watch(WatchOp::DescribeAlarms), 8),
    (Op::Logs(LogsOp::StartQuery), 3),
    (Op::Ec2(Ec2Op::DescribeInstances), 4),
];

const CONFIG_OPS: &[(Op, u32)] = &[
    (Op::Ec2(Ec2Op::DescribeInstances), 6),
    (Op::Ec2(Ec2Op::DescribeSecurityGroups), 5),
    (Op::Ec2(Ec2Op::DescribeVpcs), 3),
    (Op::Ec2(Ec2Op::DescribeSubnets), 3),
    (Op::Ec2(Ec2Op::DescribeVolumes), 3),
    (Op::Ec2(Ec2Op::DescribeNetworkInterfaces), 3),
    (Op::S3(S3Op::GetBucketAcl), 2),
    (Op::S3(S3Op::GetBucketPolicy), 2),
    (Op::S3(S3Op::GetBucketEncryption), 2),
    (Op::S3(S3Op::GetBucketVersioning), 2),
    (Op::Iam(IamOp::GetRole), 2),
    (Op::Iam(IamOp::ListAttachedRolePolicies), 2),
    (Op::Lambda(LambdaOp::GetFunction), 2),
    (Op::Kms(KmsOp::DescribeKey), 2),
];

const EKS_OPS: &[(Op, u32)] = &[
    (Op::Ec2(Ec2Op::DescribeInstances), 12),
    (Op::Ec2(Ec2Op::DescribeNetworkInterfaces), 14),
    (Op::Ec2(Ec2Op::AssignPrivateIpAddresses), 4),
    (Op::Ec2(Ec2Op::DescribeInstanceStatus), 3),
    (Op::Ecr(EcrOp::GetAuthorizationToken), 6),
    (Op::Ecr(EcrOp::BatchGetImage), 8),
];

// ---------------------------------------------------------------------------------------------
// The generator.

struct Generator {
    rng: Rng,
    events: Vec<Event>,
    /// Workload role sessions seen, keyed by creation time, so that the `AssumeRole` call that
    /// created each one can be written once the background is done.
    sessions: BTreeMap<(i64, &'static str, String), (&'static Role, &'static str, &'static str)>,
}

impl Generator {
    fn new() -> Self {
        Generator {
            rng: Rng::with_seed(SEED),
            events: Vec::with_capacity(6_000),
            sessions: BTreeMap::new(),
        }
    }

    /// Turn a call into a record, unless the trail was not logging at that moment.
    fn push(&mut self, t: i64, region: &'static str, caller: &Caller, call: Call) {
        if !(0..END).contains(&t) || LOGGING_GAPS.iter().any(|&(from, to)| t > from && t < to) {
            return;
        }
        let region = call.region.unwrap_or(region);
        let record = self.record(t, region, caller, call);
        self.events.push(Event { t, region, record });
    }

    fn record(&mut self, t: i64, region: &'static str, caller: &Caller, call: Call) -> Json {
        assemble(&mut self.rng, iso(t), region, ACCOUNT, caller, call)
    }

    fn region_for_humans(&mut self) -> &'static str {
        pick_weighted(&mut self.rng, &HUMAN_REGIONS).unwrap_or(US_EAST_1)
    }

    // --- building calls -----------------------------------------------------------------------

    fn op(&mut self, op: Op, region: &'static str, t: i64) -> Call {
        match op {
            Op::CallerIdentity => Call::new(STS, "GetCallerIdentity", true),
            Op::S3(op) => self.s3(op),
            Op::Ec2(op) => self.ec2(op, region, t),
            Op::Iam(op) => self.iam(op),
            Op::Kms(op) => self.kms(op, region),
            Op::Lambda(op) => self.lambda(op, region),
            Op::LookupEvents => self.lookup_events(t),
            Op::Logs(op) => self.logs(op, t),
            Op::Ssm(op) => self.ssm(op),
            Op::Secret(op) => self.secret(op, region),
            Op::Watch(op) => self.watch(op, t),
            Op::Dynamo(op) => self.dynamo(op, region),
            Op::Ecr(op) => self.ecr(op, region),
            Op::Ecs(op) => self.ecs(op, region),
        }
    }

    fn s3(&mut self, op: S3Op) -> Call {
        let bucket = pick(&mut self.rng, &BUCKETS).unwrap_or(ASSETS);
        match op {
            S3Op::ListBuckets => {
                let size = between(&mut self.rng, 2_400, 3_200);
                let extra = self.s3_extra(0, size);
                Call::new(S3, "ListBuckets", true)
                    .req(obj! {"Host": "s3.us-east-1.amazonaws.com"})
                    .extra(extra)
                    .in_region(US_EAST_1)
            }
            S3Op::GetBucketLocation => {
                // Now and then someone types a bucket name that does not exist.
                if chance(&mut self.rng, 120) {
                    let typo = Bucket::new("example-corp-prod-asset", US_EAST_1);
                    let call = self.bucket_call("GetBucketLocation", "location", &typo);
                    call.fail(
                        "NoSuchBucket",
                        "The specified bucket does not exist".to_owned(),
                    )
                } else {
                    self.bucket_call("GetBucketLocation", "location", bucket)
                }
            }
            S3Op::GetBucketAcl => self.bucket_call("GetBucketAcl", "acl", bucket),
            S3Op::GetBucketPolicy => self.bucket_policy(bucket),
            S3Op::GetBucketVersioning => {
                self.bucket_call("GetBucketVersioning", "versioning", bucket)
            }
            S3Op::GetBucketEncryption => {
                self.bucket_call("GetBucketEncryption", "encryption", bucket)
            }
            S3Op::GetObject => {
                let key = self.object_key(bucket);
                let size = between(&mut self.rng, 800, 4_000_000);
                self.object_call("GetObject", bucket, key, size)
            }
            S3Op::PutObject => {
                let key = self.object_key(bucket);
                let size = between(&mut self.rng, 800, 2_000_000);
                self.object_call("PutObject", bucket, key, size)
            }
            S3Op::ListObjects => {
                let prefix = self
                    .object_key(bucket)
                    .rsplit_once('/')
                    .map(|(p, _)| format!("{p}/"))
                    .unwrap_or_default();
                self.list_objects(bucket, prefix)
            }
        }
    }

    fn bucket_policy(&mut self, bucket: &Bucket) -> Call {
        let call = self.bucket_call("GetBucketPolicy", "policy", bucket);
        // Only the trail and asset buckets have policies.
        if bucket.name == TRAIL_BUCKET || bucket.name == ASSETS.name {
            call
        } else {
            call.fail(
                "NoSuchBucketPolicy",
                "The bucket policy does not exist".to_owned(),
            )
        }
    }

    fn list_objects(&mut self, bucket: &Bucket, prefix: String) -> Call {
        let size = between(&mut self.rng, 600, 40_000);
        let extra = self.s3_extra(0, size);
        let host = format!("{}.s3.{}.amazonaws.com", bucket.name, bucket.region);
        let mut call = Call::new(S3, "ListObjects", true)
            .req(obj! {
                "list-type": "2",
                "bucketName": bucket.name,
                "encoding-type": "url",
                "prefix": prefix,
                "Host": host.clone(),
            })
            .extra(extra)
            .resource("AWS::S3::Bucket", format!("arn:aws:s3:::{}", bucket.name))
            .in_region(bucket.region)
            .data();
        call.host = Some(host);
        call
    }

    fn s3_extra(&mut self, bytes_in: i64, bytes_out: i64) -> Json {
        obj! {
            "SignatureVersion": "SigV4",
            "CipherSuite": "TLS_AES_128_GCM_SHA256",
            "bytesTransferredIn": bytes_in,
            "AuthenticationMethod": "AuthHeader",
            "x-amz-id-2": token(&mut self.rng, BASE64, 56),
            "bytesTransferredOut": bytes_out,
        }
    }

    fn bucket_call(&mut self, name: &'static str, sub: &'static str, bucket: &Bucket) -> Call {
        let size = between(&mut self.rng, 200, 1_600);
        let extra = self.s3_extra(0, size);
        let host = format!("{}.s3.{}.amazonaws.com", bucket.name, bucket.region);
        let request = Json::Obj(vec![
            ("bucketName", Json::from(bucket.name)),
            ("Host", Json::from(host.clone())),
            (sub, Json::from("")),
        ]);
        let mut call = Call::new(S3, name, true)
            .req(request)
            .extra(extra)
            .resource("AWS::S3::Bucket", format!("arn:aws:s3:::{}", bucket.name))
            .in_region(bucket.region);
        call.host = Some(host);
        call
    }

    fn object_key(&mut self, bucket: &Bucket) -> String {
        let id = uuid(&mut self.rng);
        match bucket.name {
            "example-corp-prod-assets" => format!("uploads/2026/03/{id}.jpg"),
            "example-corp-data-lake-raw" => format!("partner-feed/orders/{id}.csv.gz"),
            "example-corp-data-lake-curated" => {
                format!("orders/year=2026/month=03/part-{id}.parquet")
            }
            "example-corp-ci-artifacts" => format!("orders-api/{}.zip", &id.replace('-', "")),
            "example-corp-terraform-state" => "prod/terraform.tfstate".to_owned(),
            "example-corp-backups" => format!("rds/orders-prod/{id}.sql.gz"),
            "example-corp-eu-exports" => format!("exports/eu/{id}.json"),
            _ => format!("AWSLogs/{ACCOUNT}/CloudTrail-Digest/us-east-1/{id}.json.gz"),
        }
    }

    /// An object-level S3 call: a data event with both the object and its bucket as resources.
    fn object_call(&mut self, name: &'static str, bucket: &Bucket, key: String, size: i64) -> Call {
        let write = name == "PutObject";
        let extra = if write {
            self.s3_extra(size, 0)
        } else {
            self.s3_extra(0, size)
        };
        let host = format!("{}.s3.{}.amazonaws.com", bucket.name, bucket.region);
        let response = if write {
            obj! {
                "x-amz-server-side-encryption": "aws:kms",
                "x-amz-server-side-encryption-aws-kms-key-id": kms_key(bucket.region, "s3"),
                "x-amz-server-side-encryption-bucket-key-enabled": "true",
            }
        } else {
            Json::Null
        };
        let object_arn = format!("arn:aws:s3:::{}/{key}", bucket.name);
        let mut call = Call::new(S3, name, !write)
            .req(obj! {"bucketName": bucket.name, "Host": host.clone(), "key": key})
            .resp(response)
            .extra(extra)
            .in_region(bucket.region)
            .data();
        call.resources
            .push(obj! {"type": "AWS::S3::Object", "ARN": object_arn});
        call.host = Some(host);
        call.resource("AWS::S3::Bucket", format!("arn:aws:s3:::{}", bucket.name))
    }

    fn ec2(&mut self, op: Ec2Op, region: &'static str, t: i64) -> Call {
        let instance = instance_id(region, self.rng.u64(..6));
        match op {
            Ec2Op::DescribeInstances => {
                let request = if chance(&mut self.rng, 400) {
                    obj! {"instancesSet": items("instanceId", vec![instance]), "filterSet": obj! {}}
                } else {
                    obj! {
                        "instancesSet": obj! {},
                        "filterSet": filters(&[("instance-state-name", "running")]),
                    }
                };
                Call::new(EC2, "DescribeInstances", true).req(request)
            }
            Ec2Op::DescribeSecurityGroups => {
                Call::new(EC2, "DescribeSecurityGroups", true).req(obj! {
                    "securityGroupSet": obj! {},
                    "securityGroupIdSet": items("groupId", vec![resource_id("sg", region, "web")]),
                    "filterSet": obj! {},
                })
            }
            Ec2Op::DescribeVpcs => Call::new(EC2, "DescribeVpcs", true)
                .req(obj! {"vpcSet": obj! {}, "filterSet": obj! {}}),
            Ec2Op::DescribeSubnets => Call::new(EC2, "DescribeSubnets", true).req(obj! {
                "subnetSet": obj! {},
                "filterSet": filters(&[("vpc-id", &resource_id("vpc", region, "main"))]),
            }),
            Ec2Op::DescribeVolumes => Call::new(EC2, "DescribeVolumes", true)
                .req(obj! {"volumeSet": obj! {}, "filterSet": obj! {}, "maxResults": 500}),
            Ec2Op::DescribeSnapshots => Call::new(EC2, "DescribeSnapshots", true).req(obj! {
                "snapshotSet": obj! {},
                "ownersSet": items("owner", vec!["self".to_owned()]),
                "sharedUsersSet": obj! {},
                "filterSet": obj! {},
            }),
            Ec2Op::DescribeNetworkInterfaces => Call::new(EC2, "DescribeNetworkInterfaces", true)
                .req(obj! {
                    "networkInterfaceIdSet": obj! {},
                    "filterSet": filters(&[("attachment.instance-id", &instance)]),
                }),
            Ec2Op::DescribeInstanceStatus => {
                Call::new(EC2, "DescribeInstanceStatus", true).req(obj! {
                    "instancesSet": items("instanceId", vec![instance]),
                    "filterSet": obj! {},
                    "includeAllInstances": false,
                })
            }
            Ec2Op::AssignPrivateIpAddresses => {
                let address = format!("10.0.{}.{}", self.rng.u8(16..64), self.rng.u8(4..250));
                Call::new(EC2, "AssignPrivateIpAddresses", false)
                    .req(obj! {
                        "networkInterfaceId": resource_id("eni", region, &instance),
                        "secondaryPrivateIpAddressCount": 1_i64,
                    })
                    .resp(obj! {
                        "requestId": uuid(&mut self.rng),
                        "networkInterfaceId": resource_id("eni", region, &instance),
                        "assignedPrivateIpAddressesSet": obj! {
                            "assignedPrivateIpAddressSetType": arr![obj! {
                                "privateIpAddress": address,
                            }],
                        },
                        "_return": true,
                    })
            }
            Ec2Op::CreateTags => Call::new(EC2, "CreateTags", false)
                .req(obj! {
                    "resourcesSet": items("resourceId", vec![instance]),
                    "tagSet": obj! {"items": arr![obj! {"key": "owner", "value": "platform"}]},
                })
                .resp(obj! {"requestId": uuid(&mut self.rng), "_return": true}),
            Ec2Op::StartInstances => Call::new(EC2, "StartInstances", false)
                .req(obj! {"instancesSet": items("instanceId", vec![instance.clone()])})
                .resp(obj! {
                    "requestId": uuid(&mut self.rng),
                    "instancesSet": obj! {"items": arr![obj! {
                        "instanceId": instance,
                        "currentState": obj! {"code": 0_i64, "name": "pending"},
                        "previousState": obj! {"code": 80_i64, "name": "stopped"},
                    }]},
                    "launchTime": epoch_millis(t),
                }),
        }
    }

    fn iam(&mut self, op: IamOp) -> Call {
        let role = pick_str(&mut self.rng, &TERRAFORM_ROLES);
        match op {
            IamOp::ListUsers => Call::new(IAM, "ListUsers", true),
            IamOp::ListRoles => Call::new(IAM, "ListRoles", true).req(obj! {"maxItems": 1000_i64}),
            IamOp::GetRole => Self::get_role(role),
            IamOp::GetPolicy => Call::new(IAM, "GetPolicy", true)
                .req(obj! {
                    "policyArn": format!("arn:aws:iam::{ACCOUNT}:policy/{}-access", role.trim_end_matches("-role")),
                }),
            IamOp::ListAttachedRolePolicies => Call::new(IAM, "ListAttachedRolePolicies", true).req(obj! {
                "roleName": role,
            }),
            IamOp::GetAccountSummary => Call::new(IAM, "GetAccountSummary", true),
        }
    }

    fn get_role(role: &'static str) -> Call {
        let call = Call::new(IAM, "GetRole", true).req(obj! {"roleName": role});
        // The payments webhook role is declared in Terraform but not applied yet.
        if role == "payments-webhook-lambda-role" {
            call.fail(
                "NoSuchEntity",
                format!("The role with name {role} cannot be found."),
            )
        } else {
            call
        }
    }

    fn kms(&mut self, op: KmsOp, region: &'static str) -> Call {
        let purpose = pick_str(&mut self.rng, &["orders", "s3", "secrets"]);
        let key = kms_key(region, purpose);
        let call = match op {
            KmsOp::Decrypt => Call::new(KMS, "Decrypt", true).req(obj! {
                "encryptionAlgorithm": "SYMMETRIC_DEFAULT",
                "encryptionContext": obj! {
                    "aws:lambda:FunctionArn": format!("arn:aws:lambda:{region}:{ACCOUNT}:function:orders-api"),
                },
            }),
            KmsOp::GenerateDataKey => Call::new(KMS, "GenerateDataKey", true).req(obj! {
                "keyId": key.clone(),
                "keySpec": "AES_256",
                "encryptionContext": obj! {"aws:s3:arn": format!("arn:aws:s3:::{}", ASSETS.name)},
            }),
            KmsOp::DescribeKey => Call::new(KMS, "DescribeKey", true).req(obj! {
                "keyId": format!("alias/{purpose}"),
            }),
        };
        let call = call.resource("AWS::KMS::Key", key);
        // KMS throttles bursts of Decrypt before anything else.
        if chance(&mut self.rng, 15) {
            call.fail("ThrottlingException", "Rate exceeded".to_owned())
        } else {
            call
        }
    }

    fn lambda(&mut self, op: LambdaOp, region: &'static str) -> Call {
        let function = pick_str(&mut self.rng, &FUNCTIONS);
        let arn = format!("arn:aws:lambda:{region}:{ACCOUNT}:function:{function}");
        match op {
            LambdaOp::Invoke => Call::new(LAMBDA, "Invoke", false)
                .req(obj! {"functionName": arn.clone(), "invocationType": "RequestResponse"})
                .extra(obj! {"functionVersion": format!("{arn}:$LATEST")})
                .resource("AWS::Lambda::Function", arn)
                .data(),
            LambdaOp::ListFunctions => Call::new(LAMBDA, "ListFunctions20150331", true),
            LambdaOp::GetFunction => Call::new(LAMBDA, "GetFunction20150331v2", true)
                .req(obj! {"functionName": function}),
            LambdaOp::UpdateFunctionCode => {
                let revision = uuid(&mut self.rng);
                let sha = token(&mut self.rng, BASE64, 43);
                Call::new(LAMBDA, "UpdateFunctionCode20150331v2", false)
                    .req(obj! {
                        "functionName": function,
                        "publish": false,
                        "dryRun": false,
                        "zipFile": "<sensitiveDataRemoved>",
                    })
                    .resp(obj! {
                        "functionName": function,
                        "functionArn": arn,
                        "runtime": "python3.12",
                        "handler": "app.handler",
                        "codeSize": between(&mut self.rng, 40_000, 9_000_000),
                        "codeSha256": format!("{sha}="),
                        "version": "$LATEST",
                        "lastUpdateStatus": "InProgress",
                        "revisionId": revision,
                    })
            }
        }
    }

    fn lookup_events(&mut self, t: i64) -> Call {
        let (key, value) = match self.rng.u32(..4) {
            0 => ("EventName", "ConsoleLogin"),
            1 => ("EventName", "UpdateService"),
            2 => ("Username", "terraform"),
            _ => ("ResourceType", "AWS::EC2::SecurityGroup"),
        };
        let call = Call::new(CLOUDTRAIL, "LookupEvents", true).req(obj! {
            "maxResults": 50_i64,
            "lookupAttributes": arr![obj! {"attributeKey": key, "attributeValue": value}],
            "startTime": java_time(t - DAY),
            "endTime": java_time(t),
        });
        // LookupEvents allows two calls a second per account; the console's paging trips it.
        if chance(&mut self.rng, 40) {
            call.fail("ThrottlingException", "Rate exceeded".to_owned())
        } else {
            call
        }
    }

    fn logs(&mut self, op: LogsOp, t: i64) -> Call {
        let group = pick_str(&mut self.rng, &LOG_GROUPS);
        match op {
            LogsOp::CreateLogStream => {
                let c = civil(t);
                let stream = format!("{:04}/{:02}/{:02}/[$LATEST]{}", c.year, c.month, c.day, token(&mut self.rng, HEX, 32));
                Call::new(LOGS, "CreateLogStream", false).req(obj! {
                    "logGroupName": group,
                    "logStreamName": stream,
                })
            }
            LogsOp::DescribeLogGroups => {
                Call::new(LOGS, "DescribeLogGroups", true).req(obj! {
                    "logGroupNamePrefix": "/aws/lambda/",
                    "limit": 50_i64,
                })
            }
            LogsOp::FilterLogEvents => Call::new(LOGS, "FilterLogEvents", true).req(obj! {
                "logGroupName": group,
                "startTime": epoch_millis(t - HOUR),
                "endTime": epoch_millis(t),
                "filterPattern": pick_str(&mut self.rng, &["ERROR", "\"Task timed out\"", "?Exception ?Traceback", "order_id"]),
                "interleaved": true,
            }),
            LogsOp::StartQuery => Call::new(LOGS, "StartQuery", true)
                .req(obj! {
                    "logGroupNames": arr![group],
                    "startTime": START_UNIX + t - 3 * HOUR,
                    "endTime": START_UNIX + t,
                    "queryString": "fields @timestamp, @message | filter @message like /ERROR/ | sort @timestamp desc | limit 50",
                })
                .resp(obj! {"queryId": uuid(&mut self.rng)}),
        }
    }

    fn ssm(&mut self, op: SsmOp) -> Call {
        let name = pick_str(&mut self.rng, &PARAMETERS);
        match op {
            SsmOp::Parameter => {
                let call = Call::new(SSM, "GetParameter", true).req(obj! {
                    "name": name,
                    "withDecryption": true,
                });
                // A staging build still asks for a parameter that only exists in production.
                if chance(&mut self.rng, 25) {
                    Call::new(SSM, "GetParameter", true)
                        .req(obj! {"name": "/staging/orders/db-host", "withDecryption": true})
                        .fail("ParameterNotFound", String::new())
                } else {
                    call
                }
            }
            SsmOp::Parameters => Call::new(SSM, "GetParameters", true).req(obj! {
                "names": arr!["/prod/orders/db-host", "/prod/orders/feature-flags"],
                "withDecryption": true,
            }),
            SsmOp::ByPath => Call::new(SSM, "GetParametersByPath", true)
                .req(obj! {"path": "/prod/orders/", "recursive": true, "withDecryption": true}),
        }
    }

    fn secret(&mut self, op: SecretOp, region: &'static str) -> Call {
        let name = pick_str(&mut self.rng, &SECRETS);
        let arn = secret_arn(region, name);
        match op {
            SecretOp::GetSecretValue => {
                Call::new(SECRETS_MANAGER, "GetSecretValue", true).req(obj! {"secretId": name})
            }
            SecretOp::DescribeSecret => {
                Call::new(SECRETS_MANAGER, "DescribeSecret", true).req(obj! {"secretId": arn})
            }
        }
    }

    fn watch(&mut self, op: WatchOp, t: i64) -> Call {
        match op {
            WatchOp::GetMetricData => {
                let n = between(&mut self.rng, 1, 3);
                let queries = (0..n)
                    .map(|i| {
                        let (namespace, metric, dimension, value) = pick(&mut self.rng, &METRICS)
                            .copied()
                            .unwrap_or(("AWS/Lambda", "Errors", "FunctionName", "orders-api"));
                        obj! {
                            "id": format!("m{i}"),
                            "metricStat": obj! {
                                "metric": obj! {
                                    "namespace": namespace,
                                    "metricName": metric,
                                    "dimensions": arr![obj! {"name": dimension, "value": value}],
                                },
                                "period": 60_i64,
                                "stat": "Average",
                            },
                            "returnData": true,
                        }
                    })
                    .collect::<Vec<_>>();
                let call = Call::new(MONITORING, "GetMetricData", true).req(obj! {
                    "metricDataQueries": queries,
                    "startTime": java_time(t - 3 * HOUR),
                    "endTime": java_time(t),
                });
                if chance(&mut self.rng, 12) {
                    call.fail("Throttling", "Rate exceeded".to_owned())
                } else {
                    call
                }
            }
            WatchOp::ListMetrics => {
                let namespace = pick_str(
                    &mut self.rng,
                    &[
                        "AWS/Lambda",
                        "AWS/ECS",
                        "AWS/ApplicationELB",
                        "AWS/RDS",
                        "AWS/EC2",
                    ],
                );
                Call::new(MONITORING, "ListMetrics", true).req(obj! {"namespace": namespace})
            }
            WatchOp::DescribeAlarms => {
                Call::new(MONITORING, "DescribeAlarms", true).req(obj! {"maxRecords": 100_i64})
            }
        }
    }

    fn dynamo(&mut self, op: DynamoOp, region: &'static str) -> Call {
        let table = pick_str(&mut self.rng, &TABLES);
        match op {
            DynamoOp::DescribeTable => Call::new(DYNAMODB, "DescribeTable", true)
                .req(obj! {"tableName": table})
                .resource(
                    "AWS::DynamoDB::Table",
                    format!("arn:aws:dynamodb:{region}:{ACCOUNT}:table/{table}"),
                ),
            DynamoOp::ListTables => Call::new(DYNAMODB, "ListTables", true),
        }
    }

    fn ecr(&mut self, op: EcrOp, region: &'static str) -> Call {
        match op {
            EcrOp::GetAuthorizationToken => Call::new(ECR, "GetAuthorizationToken", true),
            EcrOp::BatchGetImage => {
                let repository = pick_str(&mut self.rng, &REPOSITORIES);
                let tag = format!("v1.{}.{}", self.rng.u8(38..43), self.rng.u8(0..6));
                Call::new(ECR, "BatchGetImage", true)
                    .req(obj! {
                        "imageIds": arr![obj! {"imageTag": tag}],
                        "acceptedMediaTypes": arr![
                            "application/vnd.docker.distribution.manifest.v2+json",
                            "application/vnd.oci.image.manifest.v1+json",
                        ],
                        "repositoryName": repository,
                        "registryId": ACCOUNT,
                    })
                    .resource(
                        "AWS::ECR::Repository",
                        format!("arn:aws:ecr:{region}:{ACCOUNT}:repository/{repository}"),
                    )
            }
        }
    }

    fn ecs(&mut self, op: EcsOp, region: &'static str) -> Call {
        let cluster = format!("arn:aws:ecs:{region}:{ACCOUNT}:cluster/prod");
        match op {
            EcsOp::DescribeServices => Call::new(ECS, "DescribeServices", true)
                .req(obj! {"cluster": "prod", "services": arr!["orders-worker"]}),
            EcsOp::UpdateService => {
                let revision = between(&mut self.rng, 55, 60);
                self.update_service(&cluster, region, revision)
            }
        }
    }

    fn update_service(&mut self, cluster: &str, region: &str, revision: i64) -> Call {
        let task_definition =
            format!("arn:aws:ecs:{region}:{ACCOUNT}:task-definition/orders-worker:{revision}");
        Call::new(ECS, "UpdateService", false)
            .req(obj! {
                "cluster": "prod",
                "service": "orders-worker",
                "taskDefinition": format!("orders-worker:{revision}"),
                "forceNewDeployment": false,
            })
            .resp(obj! {"service": obj! {
                "serviceArn": format!("arn:aws:ecs:{region}:{ACCOUNT}:service/prod/orders-worker"),
                "serviceName": "orders-worker",
                "clusterArn": cluster.to_owned(),
                "status": "ACTIVE",
                "desiredCount": 3_i64,
                "runningCount": 3_i64,
                "pendingCount": 0_i64,
                "launchType": "FARGATE",
                "taskDefinition": task_definition,
                "deployments": arr![obj! {
                    "id": format!("ecs-svc/{}", token(&mut self.rng, b"0123456789", 19)),
                    "status": "PRIMARY",
                    "rolloutState": "IN_PROGRESS",
                }],
            }})
    }

    fn assume_role(&mut self, role: &Role, session: &str, key: &str, t: i64) -> Call {
        let session_token = token(&mut self.rng, BASE64, 160);
        Call::new(STS, "AssumeRole", true)
            .req(obj! {"roleArn": role.arn(), "roleSessionName": session.to_owned()})
            .resp(obj! {
                "credentials": obj! {
                    "accessKeyId": key.to_owned(),
                    "sessionToken": format!("IQoJb3JpZ2luX2VjE{session_token}"),
                    "expiration": java_time(t + 6 * HOUR),
                },
                "assumedRoleUser": obj! {
                    "assumedRoleId": format!("{}:{session}", role.id),
                    "arn": role.session_arn(session),
                },
            })
            .resource("AWS::IAM::Role", role.arn())
    }
}

// ---------------------------------------------------------------------------------------------
// The background population: people, pipelines and workloads on ordinary days.

const CI_CLI: &str =
    "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1016-azure exe/x86_64.ubuntu.22 prompt/off command/";
const TERRAFORM_UA: &str = "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.40.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.25.3 os/linux lang/go#1.21.8 md/GOOS#linux md/GOARCH#amd64";
const GRAFANA_UA: &str = "Grafana/10.4.1 aws-sdk-go/1.50.8 (go1.21.8; linux; amd64)";
const PARTNER_UA: &str =
    "aws-cli/2.13.25 Python/3.11.5 Windows/10 exe/AMD64 prompt/off command/s3.sync";
const BACKUP_UA: &str = "Boto3/1.34.51 md/Botocore#1.34.51 ua/2.0 os/linux#6.1.79-99.164.amzn2023.x86_64 md/arch#x86_64 lang/python#3.11.6 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.51";
const LAMBDA_UA: &str = "Boto3/1.34.34 md/Botocore#1.34.34 ua/2.0 os/linux#5.10.213-225.816.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.34";
const JAVA_UA: &str = "aws-sdk-java/2.25.28 Linux/5.10.214-202.855.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/21.0.2+13-LTS Java/21.0.2 vendor/Amazon.com_Inc. exec-env/AWS_ECS_FARGATE io/sync http/Apache cfg/retry-mode/legacy";
const CNI_UA: &str =
    "amazon-vpc-cni-k8s/version/v1.18.0 aws-sdk-go/1.50.8 (go1.21.8; linux; amd64)";
const ECR_PROVIDER_UA: &str =
    "ecr-credential-provider/v1.29.0 aws-sdk-go/1.50.8 (go1.21.8; linux; amd64)";

// Expected events (or runs) per hour at the busiest time, in thousandths.
const DAVE_PEAK: i64 = 3_500;
const CI_RUNS_PEAK: i64 = 900;
const TERRAFORM_RUNS_PEAK: i64 = 330;
const GRAFANA_RATE: i64 = 8_000;
const PARTNER_RATE: i64 = 3_500;
const ORDERS_API_RATE: i64 = 11_000;
const THUMBNAILER_RATE: i64 = 5_500;
const ORDERS_WORKER_RATE: i64 = 5_500;
const EKS_RATE: i64 = 6_500;
const CONFIG_RATE: i64 = 3_500;
const AUTOSCALING_RATE: i64 = 900;

/// Dave signs in to the console once each morning.
const DAVE_LOGINS: [i64; 3] = [at(0, 8, 3, 12), at(1, 8, 11, 40), at(2, 7, 58, 5)];

/// Workloads reach the internet through one NAT gateway per region.
fn nat_ip(region: &str) -> &'static str {
    match region {
        EU_WEST_1 => "203.0.113.30",
        US_WEST_2 => "203.0.113.40",
        _ => "203.0.113.20",
    }
}

/// The CLI's user agent names the command, e.g. `command/ec2.describe-instances`.
fn cli_agent(base: &'static str, call: &Call) -> Cow<'static, str> {
    let service = match (call.source, call.name) {
        (S3, "ListBuckets" | "ListObjects") => return Cow::Owned(format!("{base}s3.ls")),
        (S3, "GetObject" | "PutObject") => return Cow::Owned(format!("{base}s3.cp")),
        (S3, _) => "s3api",
        (MONITORING, _) => "cloudwatch",
        (source, _) => source.split('.').next().unwrap_or(source),
    };
    let mut command = format!("{base}{service}.");
    let name = call
        .name
        .trim_end_matches(|c: char| c.is_ascii_digit() || c == 'v');
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            command.push('-');
        }
        command.push(c.to_ascii_lowercase());
    }
    Cow::Owned(command)
}

impl Generator {
    fn baseline(&mut self) {
        for hour in 0..DAYS * 24 {
            let start = hour * HOUR;
            let office = office_load(start);
            let machine = machine_load(start);
            for human in &HUMANS {
                self.repeat(start, human.peak_milli * office / 100, |g, t| {
                    g.human_call(human, t);
                });
            }
            self.repeat(start, DAVE_PEAK * office / 100, Self::dave_call);
            self.repeat(start, CI_RUNS_PEAK * office / 100, Self::ci_run);
            self.repeat(
                start,
                TERRAFORM_RUNS_PEAK * office / 100,
                Self::terraform_run,
            );
            self.repeat(start, GRAFANA_RATE * machine / 100, Self::grafana_call);
            self.repeat(start, PARTNER_RATE * machine / 100, Self::partner_call);
            self.repeat(
                start,
                ORDERS_API_RATE * machine / 100,
                Self::orders_api_call,
            );
            self.repeat(
                start,
                THUMBNAILER_RATE * machine / 100,
                Self::thumbnailer_call,
            );
            self.repeat(
                start,
                ORDERS_WORKER_RATE * machine / 100,
                Self::orders_worker_call,
            );
            self.repeat(start, EKS_RATE, Self::eks_call);
            self.repeat(start, CONFIG_RATE, Self::config_call);
            self.repeat(
                start,
                AUTOSCALING_RATE * machine / 100,
                Self::autoscaling_call,
            );
            if start.rem_euclid(DAY) == HOUR {
                let t = start + between(&mut self.rng, 0, 120);
                self.backup_run(t, US_EAST_1);
                let later = t + between(&mut self.rng, 200, 400);
                self.backup_run(later, EU_WEST_1);
            }
        }
        self.sign_ins();
        self.service_events();
        self.service_assume_roles();
    }

    /// Run `action` a random number of times around `milli` / 1000 within the hour at `start`.
    fn repeat(&mut self, start: i64, milli: i64, mut action: impl FnMut(&mut Self, i64)) {
        for _ in 0..count(&mut self.rng, milli) {
            let t = start + self.rng.i64(0..HOUR);
            action(self, t);
        }
    }

    fn human_call(&mut self, human: &'static Human, t: i64) {
        let ops = match human.access {
            Access::Admin => ADMIN_OPS,
            Access::ReadOnly => READ_ONLY_OPS,
            Access::PowerUser => POWER_USER_OPS,
        };
        let Some(op) = pick_weighted(&mut self.rng, ops) else {
            return;
        };
        let region = self.region_for_humans();
        let mut call = self.op(op, region, t);
        let console = chance(&mut self.rng, 550);
        let agent = if console {
            Cow::Borrowed(human.browser)
        } else {
            cli_agent(human.cli, &call)
        };
        let caller = sso_caller(human, t, agent, console);
        if !human.access.allows(&call) {
            call = call.deny(&caller.arn, region, &mut self.rng);
        }
        self.push(t, region, &caller, call);
    }

    fn dave_call(&mut self, t: i64) {
        let Some(op) = pick_weighted(&mut self.rng, DAVE_OPS) else {
            return;
        };
        let region = if chance(&mut self.rng, 800) {
            US_EAST_1
        } else {
            EU_WEST_1
        };
        let call = self.op(op, region, t);
        let login = usize::try_from(t.div_euclid(DAY))
            .ok()
            .and_then(|day| DAVE_LOGINS.get(day))
            .copied();
        let caller = match login {
            Some(login) if t > login && chance(&mut self.rng, 600) => {
                Caller::user_console(&DAVE, login, true, OFFICE_IP, WIN_EDGE)
            }
            _ => Caller {
                agent: cli_agent(CLI_WINDOWS, &call),
                ..Caller::user(&DAVE, DAVE.key, OFFICE_IP, "")
            },
        };
        self.push(t, region, &caller, call);
    }

    /// The key the pipeline uses at `t`: the leaked one, none while disabled, then its successor.
    fn ci_key(t: i64) -> Option<&'static str> {
        if t < CI_KEY_DISABLED {
            Some(CI_DEPLOY.key)
        } else if t >= CI_KEY_ROTATED {
            Some(CI_DEPLOY_NEW_KEY)
        } else {
            None
        }
    }

    /// One deployment: push an image and a bundle, update a function and the worker service.
    fn ci_run(&mut self, start: i64) {
        let Some(key) = Self::ci_key(start) else {
            return;
        };
        let region = if chance(&mut self.rng, 800) {
            US_EAST_1
        } else {
            EU_WEST_1
        };
        let function = pick_str(
            &mut self.rng,
            &["orders-api", "thumbnailer", "payments-webhook"],
        );
        let sha = token(&mut self.rng, HEX, 40);
        let bundle = format!("{function}/{sha}.zip");
        let revision = between(&mut self.rng, 55, 60);
        let size = between(&mut self.rng, 2_000_000, 9_000_000);
        let mut steps = vec![
            Call::new(STS, "GetCallerIdentity", true),
            Call::new(ECR, "GetAuthorizationToken", true),
            self.object_call("PutObject", ARTIFACTS, bundle.clone(), size),
            self.update_function_code(function, region, &bundle),
            self.publish_version(function, region, revision),
            Call::new(LAMBDA, "UpdateAlias20150331", false).req(obj! {
                "functionName": function,
                "name": "live",
                "functionVersion": revision.to_string(),
            }),
            self.register_task_definition(region, revision),
            self.update_service(
                &format!("arn:aws:ecs:{region}:{ACCOUNT}:cluster/prod"),
                region,
                revision,
            ),
        ];
        for _ in 0..between(&mut self.rng, 2, 4) {
            steps.push(self.ecs(EcsOp::DescribeServices, region));
        }
        let mut t = start;
        for call in steps {
            t += between(&mut self.rng, 2, 25);
            let caller = Caller {
                agent: cli_agent(CI_CLI, &call),
                ..Caller::user(&CI_DEPLOY, key, CI_RUNNER_IP, "")
            };
            self.push(t, region, &caller, call);
        }
    }

    fn update_function_code(&mut self, function: &'static str, region: &str, bundle: &str) -> Call {
        let sha = token(&mut self.rng, BASE64, 43);
        Call::new(LAMBDA, "UpdateFunctionCode20150331v2", false)
            .req(obj! {
                "functionName": function,
                "s3Bucket": ARTIFACTS.name,
                "s3Key": bundle.to_owned(),
                "publish": false,
                "dryRun": false,
            })
            .resp(obj! {
                "functionName": function,
                "functionArn": format!("arn:aws:lambda:{region}:{ACCOUNT}:function:{function}"),
                "runtime": "python3.12",
                "role": format!("arn:aws:iam::{ACCOUNT}:role/{function}-lambda-role"),
                "handler": "app.handler",
                "codeSize": between(&mut self.rng, 2_000_000, 9_000_000),
                "timeout": 30_i64,
                "memorySize": 512_i64,
                "codeSha256": format!("{sha}="),
                "version": "$LATEST",
                "state": "Active",
                "lastUpdateStatus": "InProgress",
                "packageType": "Zip",
                "architectures": arr!["arm64"],
            })
    }

    fn publish_version(&mut self, function: &'static str, region: &str, version: i64) -> Call {
        Call::new(LAMBDA, "PublishVersion20150331", false)
            .req(obj! {"functionName": function})
            .resp(obj! {
                "functionName": function,
                "functionArn": format!("arn:aws:lambda:{region}:{ACCOUNT}:function:{function}:{version}"),
                "version": version.to_string(),
                "revisionId": uuid(&mut self.rng),
            })
    }

    fn register_task_definition(&mut self, region: &str, revision: i64) -> Call {
        let tag = format!("v1.{}.{}", revision - 17, self.rng.u8(0..6));
        Call::new(ECS, "RegisterTaskDefinition", false)
            .req(obj! {
                "family": "orders-worker",
                "taskRoleArn": ORDERS_WORKER_ROLE.arn(),
                "executionRoleArn": format!("arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole"),
                "networkMode": "awsvpc",
                "containerDefinitions": arr![obj! {
                    "name": "app",
                    "image": format!("{ACCOUNT}.dkr.ecr.{region}.amazonaws.com/orders-worker:{tag}"),
                    "cpu": 512_i64,
                    "memory": 1024_i64,
                    "essential": true,
                }],
                "requiresCompatibilities": arr!["FARGATE"],
                "cpu": "512",
                "memory": "1024",
            })
            .resp(obj! {"taskDefinition": obj! {
                "taskDefinitionArn": format!("arn:aws:ecs:{region}:{ACCOUNT}:task-definition/orders-worker:{revision}"),
                "family": "orders-worker",
                "revision": revision,
                "status": "ACTIVE",
            }})
    }

    /// One `terraform plan`: read the state, then refresh every resource it manages.
    fn terraform_run(&mut self, start: i64) {
        let region = if chance(&mut self.rng, 800) {
            US_EAST_1
        } else {
            EU_WEST_1
        };
        let size = between(&mut self.rng, 300_000, 420_000);
        let mut steps = vec![
            Call::new(STS, "GetCallerIdentity", true),
            self.object_call(
                "GetObject",
                TF_STATE,
                "prod/terraform.tfstate".to_owned(),
                size,
            ),
        ];
        for role in TERRAFORM_ROLES {
            let get = Self::get_role(role);
            let exists = get.error_code.is_none();
            steps.push(get);
            if exists {
                steps.push(Call::new(IAM, "ListRolePolicies", true).req(obj! {"roleName": role}));
                steps.push(
                    Call::new(IAM, "ListAttachedRolePolicies", true).req(obj! {"roleName": role}),
                );
            }
        }
        for policy in [
            "orders-api-lambda-access",
            "thumbnailer-lambda-access",
            "orders-worker-task-access",
        ] {
            let arn = format!("arn:aws:iam::{ACCOUNT}:policy/{policy}");
            steps.push(Call::new(IAM, "GetPolicy", true).req(obj! {"policyArn": arn.clone()}));
            steps.push(
                Call::new(IAM, "GetPolicyVersion", true)
                    .req(obj! {"policyArn": arn, "versionId": "v3"}),
            );
        }
        for op in [
            Ec2Op::DescribeVpcs,
            Ec2Op::DescribeSubnets,
            Ec2Op::DescribeSecurityGroups,
            Ec2Op::DescribeSecurityGroups,
        ] {
            steps.push(self.ec2(op, region, start));
        }
        for bucket in [ASSETS, RAW, ARTIFACTS] {
            steps.push(self.bucket_call("GetBucketAcl", "acl", bucket));
            steps.push(self.bucket_policy(bucket));
            steps.push(self.bucket_call("GetBucketVersioning", "versioning", bucket));
            steps.push(self.bucket_call("GetBucketEncryption", "encryption", bucket));
        }
        for _ in 0..2 {
            steps.push(self.kms(KmsOp::DescribeKey, region));
        }
        for function in ["orders-api", "thumbnailer", "slack-notifier"] {
            steps.push(
                Call::new(LAMBDA, "GetFunction20150331v2", true)
                    .req(obj! {"functionName": function}),
            );
        }
        steps.push(self.logs(LogsOp::DescribeLogGroups, start));
        let mut t = start;
        for call in steps {
            t += between(&mut self.rng, 0, 2);
            let caller = Caller::user(&TERRAFORM, TERRAFORM.key, CI_RUNNER_IP, TERRAFORM_UA);
            self.push(t, region, &caller, call);
        }
    }

    fn grafana_call(&mut self, t: i64) {
        let Some(op) = pick_weighted(&mut self.rng, GRAFANA_OPS) else {
            return;
        };
        let region = pick_weighted(
            &mut self.rng,
            &[(US_EAST_1, 2), (EU_WEST_1, 1), (US_WEST_2, 1)],
        )
        .unwrap_or(US_EAST_1);
        let call = self.op(op, region, t);
        let caller = Caller {
            tls: Tls::V12,
            ..Caller::user(&GRAFANA, GRAFANA.key, GRAFANA_IP, GRAFANA_UA)
        };
        self.push(t, region, &caller, call);
    }

    fn partner_call(&mut self, t: i64) {
        let c = civil(t);
        let call = match self.rng.u32(..10) {
            0 => self.s3(S3Op::ListObjects),
            1 => self.bucket_call("GetBucketLocation", "location", RAW),
            _ => {
                let key = format!(
                    "partner-feed/orders/dt={:04}-{:02}-{:02}/orders-{:02}{:02}.csv.gz",
                    c.year, c.month, c.day, c.hour, c.minute
                );
                let size = between(&mut self.rng, 40_000, 900_000);
                let call = self.object_call("PutObject", RAW, key, size);
                // The partner's tool sometimes writes outside its prefix and is refused.
                if chance(&mut self.rng, 20) {
                    call.fail("AccessDenied", "Access Denied".to_owned())
                } else {
                    call
                }
            }
        };
        let caller = Caller {
            tls: Tls::V12,
            ..Caller::user(&PARTNER, PARTNER.key, PARTNER_IP, PARTNER_UA)
        };
        self.push(t, RAW.region, &caller, call);
    }

    /// Note that a workload used the session `name` of `role` at `t`; sessions are renewed every
    /// `renew` seconds, and the service `principal` created each one with `AssumeRole`.
    fn session(
        &mut self,
        role: &'static Role,
        name: &str,
        principal: &'static str,
        region: &'static str,
        t: i64,
        renew: i64,
    ) -> i64 {
        // Each workload renews on its own schedule, so regions never share a session key.
        let phase = i64::try_from(fnv(&[name, region]) % 3_000).unwrap_or(0);
        let created = (t - phase).div_euclid(renew) * renew + phase;
        self.sessions
            .entry((created, role.name, name.to_owned()))
            .or_insert((role, principal, region));
        created
    }

    fn workload(
        &mut self,
        role: &'static Role,
        name: &str,
        principal: &'static str,
        region: &'static str,
        t: i64,
        renew: i64,
    ) -> Caller {
        let created = self.session(role, name, principal, region, t, renew);
        Caller::role(role, name, created, None)
    }

    fn orders_api_call(&mut self, t: i64) {
        let region = if chance(&mut self.rng, 650) {
            US_EAST_1
        } else {
            EU_WEST_1
        };
        let ops: &[(Op, u32)] = &[
            (Op::Kms(KmsOp::Decrypt), 40),
            (Op::Ssm(SsmOp::Parameter), 15),
            (Op::Secret(SecretOp::GetSecretValue), 10),
            (Op::Dynamo(DynamoOp::DescribeTable), 10),
            (Op::Logs(LogsOp::CreateLogStream), 8),
            (Op::Lambda(LambdaOp::Invoke), 4),
            (Op::CallerIdentity, 2),
        ];
        let Some(op) = pick_weighted(&mut self.rng, ops) else {
            return;
        };
        let call = self.op(op, region, t);
        let caller = self
            .workload(&ORDERS_API_ROLE, "orders-api", LAMBDA, region, t, 2 * HOUR)
            .via(nat_ip(region), LAMBDA_UA);
        self.push(t, region, &caller, call);
    }

    fn thumbnailer_call(&mut self, t: i64) {
        let id = uuid(&mut self.rng);
        let call = match self.rng.u32(..10) {
            0..=2 => {
                let size = between(&mut self.rng, 300_000, 6_000_000);
                self.object_call(
                    "GetObject",
                    ASSETS,
                    format!("uploads/2026/03/{id}.jpg"),
                    size,
                )
            }
            3..=5 => {
                let size = between(&mut self.rng, 8_000, 60_000);
                self.object_call(
                    "PutObject",
                    ASSETS,
                    format!("thumbnails/320/{id}.webp"),
                    size,
                )
            }
            6 | 7 => self.kms(KmsOp::GenerateDataKey, US_EAST_1),
            8 => self.kms(KmsOp::Decrypt, US_EAST_1),
            _ => self.logs(LogsOp::CreateLogStream, t),
        };
        let caller = self
            .workload(
                &THUMBNAILER_ROLE,
                "thumbnailer",
                LAMBDA,
                US_EAST_1,
                t,
                2 * HOUR,
            )
            .via(nat_ip(US_EAST_1), LAMBDA_UA);
        self.push(t, US_EAST_1, &caller, call);
    }

    fn orders_worker_call(&mut self, t: i64) {
        let task = hex_from(
            fnv(&["orders-worker-task"]).wrapping_add(self.rng.u64(..3)),
            32,
        );
        let call = match self.rng.u32(..10) {
            0..=3 => self.kms(KmsOp::Decrypt, US_EAST_1),
            4 => self.secret(SecretOp::GetSecretValue, US_EAST_1),
            5 | 6 => self.ssm(SsmOp::Parameters),
            7 | 8 => {
                let key = format!(
                    "exports/orders/dt=2026-03-0{}/part-{}.parquet",
                    2 + t.div_euclid(DAY),
                    uuid(&mut self.rng)
                );
                let size = between(&mut self.rng, 1_000_000, 30_000_000);
                self.object_call("PutObject", RAW, key, size)
            }
            _ => self.dynamo(DynamoOp::DescribeTable, US_EAST_1),
        };
        let mut caller = self.workload(
            &ORDERS_WORKER_ROLE,
            &task,
            "ecs-tasks.amazonaws.com",
            US_EAST_1,
            t,
            3 * HOUR,
        );
        // The worker runs in private subnets and reaches AWS through interface endpoints.
        caller.ip = Cow::Owned(format!(
            "10.0.{}.{}",
            32 + self.rng.u8(..8),
            self.rng.u8(4..250)
        ));
        caller.agent = Cow::Borrowed(JAVA_UA);
        caller.vpc_endpoint = Some("vpce-0a1b2c3d4e5f60718");
        self.push(t, US_EAST_1, &caller, call);
    }

    fn eks_call(&mut self, t: i64) {
        let region = if chance(&mut self.rng, 700) {
            US_EAST_1
        } else {
            US_WEST_2
        };
        let node = instance_id(region, 10 + self.rng.u64(..4));
        let Some(op) = pick_weighted(&mut self.rng, EKS_OPS) else {
            return;
        };
        let mut call = self.op(op, region, t);
        let agent = if call.source == ECR {
            ECR_PROVIDER_UA
        } else {
            CNI_UA
        };
        // The VPC CNI polls EC2 from every node and runs into the account's request limit.
        if call.source == EC2 && chance(&mut self.rng, 60) {
            call = call.fail(
                "Client.RequestLimitExceeded",
                "Request limit exceeded.".to_owned(),
            );
        }
        let caller = self
            .workload(&EKS_NODE_ROLE, &node, EC2, region, t, 6 * HOUR)
            .via(nat_ip(region), agent);
        self.push(t, region, &caller, call);
    }

    fn config_call(&mut self, t: i64) {
        let region = pick_weighted(
            &mut self.rng,
            &[
                (US_EAST_1, 40),
                (EU_WEST_1, 25),
                (US_WEST_2, 25),
                (AP_SOUTHEAST_2, 10),
            ],
        )
        .unwrap_or(US_EAST_1);
        let Some(op) = pick_weighted(&mut self.rng, CONFIG_OPS) else {
            return;
        };
        let call = self.op(op, region, t);
        let created = self.session(
            &CONFIG_ROLE,
            "AWSConfig-Describe",
            "config.amazonaws.com",
            region,
            t,
            3 * HOUR,
        );
        let caller = Caller::role(
            &CONFIG_ROLE,
            "AWSConfig-Describe",
            created,
            Some("config.amazonaws.com"),
        );
        self.push(t, region, &caller, call);
    }

    fn autoscaling_call(&mut self, t: i64) {
        let region = if chance(&mut self.rng, 700) {
            US_EAST_1
        } else {
            US_WEST_2
        };
        let op = if chance(&mut self.rng, 600) {
            Ec2Op::DescribeInstanceStatus
        } else {
            Ec2Op::DescribeInstances
        };
        let call = self.ec2(op, region, t);
        let created = self.session(
            &AUTOSCALING_ROLE,
            "AutoScaling",
            "autoscaling.amazonaws.com",
            region,
            t,
            HOUR,
        );
        let caller = Caller::role(
            &AUTOSCALING_ROLE,
            "AutoScaling",
            created,
            Some("autoscaling.amazonaws.com"),
        );
        self.push(t, region, &caller, call);
    }

    /// The nightly job: snapshot the data volumes, tag them, and expire last week's.
    fn backup_run(&mut self, start: i64, region: &'static str) {
        let mut steps = vec![self.ec2(Ec2Op::DescribeVolumes, region, start)];
        for volume in 0..4 {
            let volume_id = resource_id("vol", region, &format!("data-{volume}"));
            let snapshot = format!("snap-0{}", token(&mut self.rng, HEX, 17));
            steps.push(
                Call::new(EC2, "CreateSnapshot", false)
                    .req(obj! {
                        "volumeId": volume_id.clone(),
                        "description": format!("backup-bot nightly {volume_id}"),
                    })
                    .resp(obj! {
                        "requestId": uuid(&mut self.rng),
                        "snapshotId": snapshot.clone(),
                        "volumeId": volume_id,
                        "status": "pending",
                        "startTime": epoch_millis(start),
                        "progress": "",
                        "ownerId": ACCOUNT,
                        "volumeSize": 200_i64,
                        "encrypted": true,
                    }),
            );
            steps.push(
                Call::new(EC2, "CreateTags", false)
                    .req(obj! {
                        "resourcesSet": items("resourceId", vec![snapshot]),
                        "tagSet": obj! {
                            "items": arr![obj! {"key": "backup-bot", "value": "nightly"}],
                        },
                    })
                    .resp(obj! {"requestId": uuid(&mut self.rng), "_return": true}),
            );
        }
        steps.push(self.ec2(Ec2Op::DescribeSnapshots, region, start));
        for _ in 0..3 {
            let snapshot = format!("snap-0{}", token(&mut self.rng, HEX, 17));
            steps.push(
                Call::new(EC2, "DeleteSnapshot", false)
                    .req(obj! {"snapshotId": snapshot})
                    .resp(obj! {"requestId": uuid(&mut self.rng), "_return": true}),
            );
        }
        let mut t = start;
        for call in steps {
            t += between(&mut self.rng, 1, 20);
            let caller = Caller::user(&BACKUP_BOT, BACKUP_BOT.key, nat_ip(region), BACKUP_UA);
            self.push(t, region, &caller, call);
        }
    }

    /// Console sign-ins: Dave every morning (one typo on day three) and the root user twice.
    fn sign_ins(&mut self) {
        let dave_arn = format!("arn:aws:iam::{ACCOUNT}:user/{}", DAVE.name);
        let dave = obj! {
            "type": "IAMUser",
            "principalId": DAVE.id,
            "arn": dave_arn.clone(),
            "accountId": ACCOUNT,
            "userName": DAVE.name,
        };
        let dave_caller = Caller::sign_in(dave, dave_arn, OFFICE_IP, WIN_EDGE);
        self.push(
            at(2, 7, 57, 31),
            US_EAST_1,
            &dave_caller,
            console_login(&DAVE, false, false),
        );
        for login in DAVE_LOGINS {
            self.push(
                login,
                US_EAST_1,
                &dave_caller,
                console_login(&DAVE, true, true),
            );
        }
        let root_arn = format!("arn:aws:iam::{ACCOUNT}:root");
        let root = obj! {
            "type": "Root",
            "principalId": ACCOUNT,
            "arn": root_arn.clone(),
            "accountId": ACCOUNT,
            "accessKeyId": "",
        };
        let root_caller = Caller::sign_in(root, root_arn, OFFICE_IP, MAC_CHROME);
        for login in [at(0, 16, 4, 31), at(2, 10, 12, 9)] {
            let call = Call::new(SIGNIN, "ConsoleLogin", false)
                .resp(obj! {"ConsoleLogin": "Success"})
                .extra(obj! {
                    "LoginTo": "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true",
                    "MobileVersion": "No",
                    "MFAUsed": "Yes",
                });
            self.push(
                login,
                US_EAST_1,
                &root_caller,
                Call {
                    event_type: "AwsConsoleSignIn",
                    has_request_id: false,
                    ..call
                },
            );
            let console = Caller::root_console(login, OFFICE_IP, MAC_CHROME);
            let mut t = login;
            for call in [
                Call::new(IAM, "GetAccountSummary", true),
                Call::new(IAM, "ListMFADevices", true),
                Call::new(IAM, "ListAccessKeys", true),
                Call::new("account.amazonaws.com", "GetContactInformation", true),
            ] {
                t += between(&mut self.rng, 8, 90);
                self.push(t, US_EAST_1, &console, call);
            }
        }
    }

    /// Things AWS does on its own: a secret rotation and a KMS key rotation.
    fn service_events(&mut self) {
        let secret = secret_arn(US_EAST_1, "prod/orders/db-password");
        for (t, name) in [
            (at(0, 4, 0, 12), "RotationStarted"),
            (at(0, 4, 0, 31), "RotationSucceeded"),
        ] {
            let call =
                Call::new(SECRETS_MANAGER, name, false).extra(obj! {"SecretId": secret.clone()});
            let call = Call {
                event_type: "AwsServiceEvent",
                has_request_id: false,
                ..call
            };
            self.push(t, US_EAST_1, &Caller::service_event(SECRETS_MANAGER), call);
        }
        let call = Call::new(KMS, "RotateKey", false)
            .resource("AWS::KMS::Key", kms_key(US_EAST_1, "orders"));
        let call = Call {
            event_type: "AwsServiceEvent",
            has_request_id: false,
            ..call
        };
        self.push(
            at(1, 11, 42, 7),
            US_EAST_1,
            &Caller {
                ip: Cow::Borrowed("AWS Internal"),
                ..Caller::service_event(KMS)
            },
            call,
        );
    }

    /// The `AssumeRole` calls with which services obtained every workload session used above.
    fn service_assume_roles(&mut self) {
        let sessions = std::mem::take(&mut self.sessions);
        for ((created, _, name), (role, principal, region)) in sessions {
            let key = session_key(fnv(&[role.name, &name, &created.to_string()]));
            let call = self.assume_role(role, &name, &key, created);
            self.push(created, region, &Caller::service(principal), call);
        }
    }
}

/// A person's Identity Center session: one per twelve hours from their usual start time.
fn sso_caller(human: &Human, t: i64, agent: Cow<'static, str>, console: bool) -> Caller {
    let length = 12 * HOUR;
    let created = (t - human.session_start).div_euclid(length) * length + human.session_start;
    let mut caller = Caller::role(human.role, human.email, created, None);
    caller.ip = Cow::Borrowed(human.ip);
    caller.agent = agent;
    caller.console = console;
    caller
}

fn console_login(user: &User, success: bool, mfa: bool) -> Call {
    let call = Call::new(SIGNIN, "ConsoleLogin", false).extra(obj! {
        "LoginTo": "https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_7d2f4a9c1e3b5a60",
        "MobileVersion": "No",
        "MFAIdentifier": if mfa { Json::from(format!("arn:aws:iam::{ACCOUNT}:mfa/{}", user.name)) } else { Json::Null },
        "MFAUsed": if mfa { "Yes" } else { "No" },
    });
    let call = Call {
        event_type: "AwsConsoleSignIn",
        has_request_id: false,
        ..call
    };
    if success {
        call.resp(obj! {"ConsoleLogin": "Success"})
    } else {
        // A failed sign-in carries a message but no error code.
        Call {
            error_message: Some("Failed authentication".to_owned()),
            ..call.resp(obj! {"ConsoleLogin": "Failure"})
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The incident on the second night, and the response to it.

/// Read-only calls a key-enumeration tool tries once each: (service, API, allowed for ci-deploy).
const ENUMERATION: [(&str, &str, bool); 40] = [
    (EC2, "DescribeAccountAttributes", false),
    (EC2, "DescribeAddresses", false),
    (EC2, "DescribeKeyPairs", false),
    (EC2, "DescribeSnapshots", false),
    (EC2, "DescribeVolumes", false),
    (EC2, "DescribeImages", false),
    (IAM, "ListServerCertificates", true),
    (IAM, "ListSAMLProviders", true),
    (IAM, "ListOpenIDConnectProviders", true),
    (IAM, "ListInstanceProfiles", true),
    (IAM, "ListVirtualMFADevices", true),
    ("sns.amazonaws.com", "ListTopics", false),
    ("sqs.amazonaws.com", "ListQueues", false),
    ("route53.amazonaws.com", "ListHostedZones", false),
    ("cloudformation.amazonaws.com", "DescribeStacks", false),
    ("cloudformation.amazonaws.com", "ListStacks", false),
    ("eks.amazonaws.com", "ListClusters", false),
    (ECS, "ListClusters", true),
    (ECR, "DescribeRepositories", true),
    (
        "elasticbeanstalk.amazonaws.com",
        "DescribeApplications",
        false,
    ),
    ("redshift.amazonaws.com", "DescribeClusters", false),
    ("glue.amazonaws.com", "GetDatabases", false),
    ("athena.amazonaws.com", "ListWorkGroups", false),
    ("apigateway.amazonaws.com", "GetRestApis", false),
    (
        "cloudfront.amazonaws.com",
        "ListDistributions2020_05_31",
        false,
    ),
    ("acm.amazonaws.com", "ListCertificates", false),
    ("codebuild.amazonaws.com", "ListProjects", false),
    ("codecommit.amazonaws.com", "ListRepositories", false),
    ("backup.amazonaws.com", "ListBackupVaults", false),
    ("states.amazonaws.com", "ListStateMachines", false),
    ("events.amazonaws.com", "ListRules", false),
    ("kinesis.amazonaws.com", "ListStreams", false),
    (
        "elasticloadbalancing.amazonaws.com",
        "DescribeLoadBalancers",
        false,
    ),
    (
        "autoscaling.amazonaws.com",
        "DescribeAutoScalingGroups",
        false,
    ),
    (LAMBDA, "ListLayers20181031", true),
    (LOGS, "DescribeLogGroups", false),
    (MONITORING, "DescribeAlarms", false),
    ("organizations.amazonaws.com", "ListAccounts", false),
    ("rds.amazonaws.com", "DescribeDBInstances", false),
    (DYNAMODB, "ListTables", false),
];

/// Secret names an intruder guesses.
const GUESSED_SECRETS: [&str; 6] = [
    "prod/db",
    "production",
    "prod/orders/db-password",
    "prod/payments/stripe-api-key",
    "aws/credentials",
    "github-token",
];

/// Bucket names an intruder guesses from the ones it can see.
const GUESSED_BUCKETS: [&str; 5] = [
    "example-corp-backup",
    "example-corp-prod",
    "example-corp-secrets",
    "example-corp-logs",
    "example-corp-db-dumps",
];

/// GPU instances the intruder tries, largest first, and whether the account's quota allows them.
const GPU_LAUNCHES: [(&str, i64, bool); 4] = [
    ("p4d.24xlarge", 4, false),
    ("p3.16xlarge", 4, false),
    ("g5.12xlarge", 4, true),
    ("g4dn.12xlarge", 2, true),
];

fn trail_arn() -> String {
    format!("arn:aws:cloudtrail:{US_EAST_1}:{ACCOUNT}:trail/{TRAIL_NAME}")
}

fn user_arn(user: &User) -> String {
    format!("arn:aws:iam::{ACCOUNT}:user/{}", user.name)
}

fn detector_id(region: &str) -> String {
    hex_from(fnv(&[region, "guardduty"]), 32)
}

impl Generator {
    fn incident(&mut self) {
        let mut t = RECON_START;
        let probe = Caller::user(&CI_DEPLOY, CI_DEPLOY.key, ATTACKER_IP, ATTACKER_PROBE);
        for _ in 0..2 {
            self.push(
                t,
                US_EAST_1,
                &probe,
                Call::new(STS, "GetCallerIdentity", true),
            );
            t += between(&mut self.rng, 2, 5);
        }
        t = at(1, 2, 11, 3);
        self.recon_iam(&mut t);
        self.recon_buckets(&mut t);
        self.recon_secrets(&mut t);
        self.recon_sweep(&mut t);
        self.recon_pivots(&mut t);
        self.escalate();
        self.evade();
        self.mine();
    }

    /// One step of the intruder's session as `ci-deploy`; unless `allowed`, the key's policy
    /// refuses it.
    fn attack(
        &mut self,
        t: &mut i64,
        gap: (i64, i64),
        region: &'static str,
        call: Call,
        allowed: bool,
    ) {
        *t += between(&mut self.rng, gap.0, gap.1);
        let caller = Caller::user(&CI_DEPLOY, CI_DEPLOY.key, ATTACKER_IP, ATTACKER_BOTO);
        let call = if allowed {
            call
        } else {
            call.deny(&caller.arn, region, &mut self.rng)
        };
        self.push(*t, region, &caller, call);
    }

    /// The next call of a scripted session, a few seconds after the previous one.
    fn step(&mut self, t: &mut i64, region: &'static str, caller: &Caller, call: Call) {
        *t += between(&mut self.rng, 6, 25);
        self.push(*t, region, caller, call);
    }

    /// Who am I, what may I do, who else is here: `ci-deploy` has `iam:*`, so all of it works.
    fn recon_iam(&mut self, t: &mut i64) {
        let me = CI_DEPLOY.name;
        let first = [
            Call::new(STS, "GetCallerIdentity", true),
            Call::new(IAM, "GetUser", true),
            Call::new(IAM, "ListAttachedUserPolicies", true).req(obj! {"userName": me}),
            Call::new(IAM, "ListUserPolicies", true).req(obj! {"userName": me}),
            Call::new(IAM, "GetUserPolicy", true)
                .req(obj! {"userName": me, "policyName": "ci-deploy-pipeline"}),
            Call::new(IAM, "ListGroupsForUser", true).req(obj! {"userName": me}),
            Call::new(IAM, "ListUsers", true),
            Call::new(IAM, "ListRoles", true),
            Call::new(IAM, "ListGroups", true),
            Call::new(IAM, "ListPolicies", true)
                .req(obj! {"scope": "Local", "onlyAttached": false}),
            Call::new(IAM, "GetAccountAuthorizationDetails", true)
                .req(obj! {"filter": arr!["User", "Role", "Group", "LocalManagedPolicy"]}),
            Call::new(IAM, "GetAccountPasswordPolicy", true).fail(
                "NoSuchEntity",
                format!("The Password Policy with domain name {ACCOUNT} cannot be found."),
            ),
        ];
        for call in first {
            self.attack(t, (3, 9), US_EAST_1, call, true);
        }
        for user in USERS {
            self.attack(
                t,
                (1, 4),
                US_EAST_1,
                Call::new(IAM, "ListAccessKeys", true).req(obj! {"userName": user.name}),
                true,
            );
            let profile = Call::new(IAM, "GetLoginProfile", true).req(obj! {"userName": user.name});
            let profile = if user.name == DAVE.name {
                profile.resp(obj! {
                    "loginProfile": obj! {
                        "userName": user.name,
                        "createDate": "Sep 14, 2021, 9:02:44 AM",
                        "passwordResetRequired": false,
                    },
                })
            } else {
                profile.fail(
                    "NoSuchEntity",
                    format!("Login Profile for User {} cannot be found.", user.name),
                )
            };
            self.attack(t, (1, 4), US_EAST_1, profile, true);
            self.attack(
                t,
                (1, 4),
                US_EAST_1,
                Call::new(IAM, "ListMFADevices", true).req(obj! {"userName": user.name}),
                true,
            );
        }
        for role in TERRAFORM_ROLES
            .iter()
            .take(5)
            .chain(std::iter::once(&SSO_ADMIN.name))
        {
            self.attack(
                t,
                (1, 3),
                US_EAST_1,
                Call::new(IAM, "ListAttachedRolePolicies", true).req(obj! {"roleName": *role}),
                true,
            );
        }
    }

    /// Buckets: the key can list them and read its own build artifacts, nothing else.
    fn recon_buckets(&mut self, t: &mut i64) {
        let list = self.s3(S3Op::ListBuckets);
        self.attack(t, (4, 9), US_EAST_1, list, true);
        for bucket in &BUCKETS {
            let own = bucket.name == ARTIFACTS.name;
            let acl = self.bucket_call("GetBucketAcl", "acl", bucket);
            self.attack(t, (2, 9), bucket.region, acl, own);
            let policy = self.bucket_call("GetBucketPolicy", "policy", bucket);
            let policy = if own {
                policy.fail(
                    "NoSuchBucketPolicy",
                    "The bucket policy does not exist".to_owned(),
                )
            } else {
                policy
            };
            self.attack(t, (1, 4), bucket.region, policy, own);
            let objects = self.list_objects(bucket, String::new());
            self.attack(t, (1, 4), bucket.region, objects, own);
        }
        for name in GUESSED_BUCKETS {
            let guess = self.list_objects(&Bucket::new(name, US_EAST_1), String::new());
            // One guess names no bucket at all; S3 says so before it checks permissions.
            let allowed = name == "example-corp-backup";
            let guess = if allowed {
                guess.fail(
                    "NoSuchBucket",
                    "The specified bucket does not exist".to_owned(),
                )
            } else {
                guess
            };
            self.attack(t, (1, 3), US_EAST_1, guess, allowed);
        }
    }

    /// Secrets, parameters and keys: all refused, which is what the error panel shows first.
    fn recon_secrets(&mut self, t: &mut i64) {
        for region in [US_EAST_1, EU_WEST_1] {
            let call =
                Call::new(SECRETS_MANAGER, "ListSecrets", true).req(obj! {"maxResults": 100_i64});
            self.attack(t, (2, 6), region, call, false);
        }
        let arn = user_arn(&CI_DEPLOY);
        for name in GUESSED_SECRETS {
            // The denial names the secret's ARN, but GetSecretValue records carry no resources.
            let call = Call::new(SECRETS_MANAGER, "GetSecretValue", true)
                .req(obj! {"secretId": name})
                .resource("AWS::SecretsManager::Secret", secret_arn(US_EAST_1, name))
                .deny(&arn, US_EAST_1, &mut self.rng);
            self.attack(
                t,
                (4, 15),
                US_EAST_1,
                Call {
                    resources: Vec::new(),
                    ..call
                },
                true,
            );
        }
        for region in [US_EAST_1, EU_WEST_1, US_WEST_2] {
            let call = Call::new(SSM, "DescribeParameters", true).req(obj! {"maxResults": 50_i64});
            self.attack(t, (1, 4), region, call, false);
        }
        let by_path = Call::new(SSM, "GetParametersByPath", true)
            .req(obj! {"path": "/", "recursive": true, "withDecryption": true});
        self.attack(t, (2, 5), US_EAST_1, by_path, false);
        for name in ["ListKeys", "ListAliases"] {
            let call = Call::new(KMS, name, true).req(obj! {"limit": 100_i64});
            self.attack(t, (1, 4), US_EAST_1, call, false);
        }
    }

    /// The region sweep and the enumeration tool: fast, wide, and mostly refused.
    fn recon_sweep(&mut self, t: &mut i64) {
        self.attack(
            t,
            (3, 8),
            US_EAST_1,
            Call::new(EC2, "DescribeRegions", true).req(obj! {"regionSet": obj! {}}),
            false,
        );
        for region in ALL_REGIONS {
            for op in [
                Ec2Op::DescribeInstances,
                Ec2Op::DescribeSecurityGroups,
                Ec2Op::DescribeVpcs,
                Ec2Op::DescribeVolumes,
            ] {
                let call = self.ec2(op, region, *t);
                self.attack(t, (0, 2), region, call, false);
            }
        }
        for region in ALL_REGIONS {
            self.attack(
                t,
                (0, 2),
                region,
                Call::new(LAMBDA, "ListFunctions20150331", true),
                true,
            );
        }
        for function in ["orders-api", "payments-webhook", "thumbnailer"] {
            self.attack(
                t,
                (3, 8),
                US_EAST_1,
                Call::new(LAMBDA, "GetFunction20150331v2", true)
                    .req(obj! {"functionName": function}),
                true,
            );
        }
        for (source, name, allowed) in ENUMERATION {
            self.attack(t, (0, 2), US_EAST_1, Call::new(source, name, true), allowed);
        }
        let checks = [
            Call::new(CLOUDTRAIL, "DescribeTrails", true)
                .req(obj! {"trailNameList": arr![], "includeShadowTrails": true}),
            Call::new(GUARDDUTY, "ListDetectors", true),
            Call::new("organizations.amazonaws.com", "DescribeOrganization", true),
            Call::new("ce.amazonaws.com", "GetCostAndUsage", true).req(obj! {
                "timePeriod": obj! {"start": "2026-02-01", "end": "2026-03-03"},
                "granularity": "MONTHLY",
                "metrics": arr!["UnblendedCost"],
            }),
            Call::new("servicequotas.amazonaws.com", "GetServiceQuota", true)
                .req(obj! {"serviceCode": "ec2", "quotaCode": "L-417A185B"}),
        ];
        for call in checks {
            self.attack(t, (6, 20), US_EAST_1, call, false);
        }
    }

    /// Looking for a way up: other roles to assume, build bundles to mine for secrets, and a
    /// simulation of what the key may do, which shows it can administer IAM.
    fn recon_pivots(&mut self, t: &mut i64) {
        for role in [
            &ORDERS_API_ROLE,
            &EKS_NODE_ROLE,
            &TRAIL_GUARD_ROLE,
            &SSO_ADMIN,
        ] {
            let call = Call::new(STS, "AssumeRole", true)
                .req(obj! {"roleArn": role.arn(), "roleSessionName": "backup"})
                .resource("AWS::IAM::Role", role.arn());
            self.attack(t, (10, 30), US_EAST_1, call, false);
        }
        for _ in 0..4 {
            let sha = token(&mut self.rng, HEX, 40);
            let size = between(&mut self.rng, 2_000_000, 9_000_000);
            let call = self.object_call(
                "GetObject",
                ARTIFACTS,
                format!("orders-api/{sha}.zip"),
                size,
            );
            self.attack(t, (8, 25), US_EAST_1, call, true);
        }
        let simulate = Call::new(IAM, "SimulatePrincipalPolicy", true).req(obj! {
            "policySourceArn": user_arn(&CI_DEPLOY),
            "actionNames": arr![
                "iam:CreateUser",
                "iam:AttachUserPolicy",
                "iam:CreateAccessKey",
                "iam:CreateLoginProfile",
                "sts:AssumeRole",
                "ec2:RunInstances",
            ],
        });
        self.attack(t, (20, 60), US_EAST_1, simulate, true);
        let policy = Call::new(IAM, "GetPolicy", true)
            .req(obj! {"policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"});
        self.attack(t, (20, 60), US_EAST_1, policy, true);
    }

    /// Privilege escalation and persistence: a new administrator with a key and a password.
    fn escalate(&mut self) {
        let name = SVC_BACKUP.name;
        let steps = [
            (
                ESCALATION,
                Call::new(IAM, "CreateUser", false)
                    .req(obj! {"userName": name})
                    .resp(obj! {"user": obj! {
                        "path": "/",
                        "userName": name,
                        "userId": SVC_BACKUP.id,
                        "arn": user_arn(&SVC_BACKUP),
                        "createDate": java_time(ESCALATION),
                    }}),
            ),
            (
                ESCALATION + 8,
                Call::new(IAM, "AttachUserPolicy", false).req(obj! {
                    "userName": name,
                    "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess",
                }),
            ),
            (
                ESCALATION + 19,
                Call::new(IAM, "CreateAccessKey", false)
                    .req(obj! {"userName": name})
                    .resp(obj! {"accessKey": obj! {
                        "userName": name,
                        "accessKeyId": SVC_BACKUP.key,
                        "status": "Active",
                        "createDate": java_time(ESCALATION + 19),
                    }}),
            ),
            (
                ESCALATION + 28,
                Call::new(IAM, "CreateLoginProfile", false)
                    .req(obj! {"userName": name, "passwordResetRequired": false})
                    .resp(obj! {"loginProfile": obj! {
                        "userName": name,
                        "createDate": java_time(ESCALATION + 28),
                        "passwordResetRequired": false,
                    }}),
            ),
        ];
        let caller = Caller::user(&CI_DEPLOY, CI_DEPLOY.key, ATTACKER_IP, ATTACKER_BOTO);
        for (t, call) in steps {
            self.push(t, US_EAST_1, &caller, call);
        }
        let svc = Caller::user(&SVC_BACKUP, SVC_BACKUP.key, ATTACKER_IP, ATTACKER_BOTO);
        self.push(
            PIVOT,
            US_EAST_1,
            &svc,
            Call::new(STS, "GetCallerIdentity", true),
        );
        self.push(
            PIVOT + 15,
            US_EAST_1,
            &svc,
            Call::new(IAM, "ListAttachedUserPolicies", true).req(obj! {"userName": name}),
        );
        let sign_in = Caller::sign_in(
            obj! {
                "type": "IAMUser",
                "principalId": SVC_BACKUP.id,
                "arn": user_arn(&SVC_BACKUP),
                "accountId": ACCOUNT,
                "userName": name,
            },
            user_arn(&SVC_BACKUP),
            ATTACKER_IP,
            ATTACKER_BROWSER,
        );
        self.push(
            PIVOT + 65,
            US_EAST_1,
            &sign_in,
            console_login(&SVC_BACKUP, true, false),
        );
    }

    /// Defence evasion: `GuardDuty` off everywhere, then the trail stopped and deleted. An
    /// `EventBridge` rule runs `trail-guard`, which turns logging back on each time.
    fn evade(&mut self) {
        let svc = Caller::user(&SVC_BACKUP, SVC_BACKUP.key, ATTACKER_IP, ATTACKER_BOTO);
        let mut t = at(1, 2, 35, 2);
        for region in [US_EAST_1, EU_WEST_1, US_WEST_2, AP_SOUTHEAST_2] {
            self.push(t, region, &svc, Call::new(GUARDDUTY, "ListDetectors", true));
            let detector = detector_id(region);
            let delete = Call::new(GUARDDUTY, "DeleteDetector", false)
                .req(obj! {"detectorId": detector.clone()})
                .resource(
                    "AWS::GuardDuty::Detector",
                    format!("arn:aws:guardduty:{region}:{ACCOUNT}:detector/{detector}"),
                );
            let deleted = t + between(&mut self.rng, 4, 9);
            self.push(deleted, region, &svc, delete);
            t += between(&mut self.rng, 22, 35);
        }
        let console = Caller::user_console(
            &SVC_BACKUP,
            PIVOT + 65,
            false,
            ATTACKER_IP,
            ATTACKER_BROWSER,
        );
        let trail = trail_arn();
        let name_only = || obj! {"name": trail_arn()};
        self.push(
            at(1, 2, 37, 40),
            US_EAST_1,
            &console,
            Call::new(CLOUDTRAIL, "DescribeTrails", true)
                .req(obj! {"trailNameList": arr![], "includeShadowTrails": true}),
        );
        self.push(
            at(1, 2, 37, 55),
            US_EAST_1,
            &console,
            Call::new(CLOUDTRAIL, "GetTrailStatus", true).req(name_only()),
        );
        let stop = Call::new(CLOUDTRAIL, "StopLogging", false)
            .req(name_only())
            .resource("AWS::CloudTrail::Trail", trail.clone());
        self.push(STOP_LOGGING, US_EAST_1, &console, stop);
        let guard = Caller::role(&TRAIL_GUARD_ROLE, "trail-guard", START_LOGGING - 2, None)
            .via(nat_ip(US_EAST_1), LAMBDA_UA);
        let start = Call::new(CLOUDTRAIL, "StartLogging", false)
            .req(name_only())
            .resource("AWS::CloudTrail::Trail", trail.clone());
        self.push(START_LOGGING, US_EAST_1, &guard, start);
        let delete = Call::new(CLOUDTRAIL, "DeleteTrail", false)
            .req(name_only())
            .resource("AWS::CloudTrail::Trail", trail.clone());
        self.push(DELETE_TRAIL, US_EAST_1, &console, delete);
        let create = Call::new(CLOUDTRAIL, "CreateTrail", false)
            .req(obj! {
                "name": TRAIL_NAME,
                "s3BucketName": TRAIL_BUCKET,
                "includeGlobalServiceEvents": true,
                "isMultiRegionTrail": true,
                "enableLogFileValidation": true,
            })
            .resp(obj! {
                "name": TRAIL_NAME,
                "s3BucketName": TRAIL_BUCKET,
                "includeGlobalServiceEvents": true,
                "isMultiRegionTrail": true,
                "trailARN": trail.clone(),
                "logFileValidationEnabled": true,
                "isOrganizationTrail": false,
            })
            .resource("AWS::CloudTrail::Trail", trail.clone());
        self.push(CREATE_TRAIL, US_EAST_1, &guard, create);
        let selectors = Call::new(CLOUDTRAIL, "PutEventSelectors", false).req(obj! {
            "trailName": TRAIL_NAME,
            "eventSelectors": arr![obj! {
                "readWriteType": "All",
                "includeManagementEvents": true,
                "dataResources": arr![obj! {
                    "type": "AWS::S3::Object",
                    "values": arr!["arn:aws:s3"],
                }, obj! {"type": "AWS::Lambda::Function", "values": arr!["arn:aws:lambda"]}],
            }],
        });
        self.push(CREATE_TRAIL + 3, US_EAST_1, &guard, selectors);
        let restart = Call::new(CLOUDTRAIL, "StartLogging", false)
            .req(name_only())
            .resource("AWS::CloudTrail::Trail", trail);
        self.push(CREATE_TRAIL + 7, US_EAST_1, &guard, restart);
    }
}

impl Generator {
    /// Resource hijacking: GPU instances in a region the account has never used.
    fn mine(&mut self) {
        let svc = Caller::user(&SVC_BACKUP, SVC_BACKUP.key, ATTACKER_IP, ATTACKER_BOTO);
        let region = AP_SOUTH_1;
        let vpc = resource_id("vpc", region, "default");
        let group = resource_id("sg", region, "backup-sg");
        let mut t = MINING;
        self.step(
            &mut t,
            US_EAST_1,
            &svc,
            Call::new(EC2, "DescribeRegions", true).req(obj! {"regionSet": obj! {}}),
        );
        self.step(&mut t, region, &svc, Call::new(EC2, "DescribeImages", true).req(obj! {
            "executableBySet": obj! {},
            "imagesSet": obj! {},
            "ownersSet": items("owner", vec!["amazon".to_owned()]),
            "filterSet": filters(&[("name", "Deep Learning Base OSS Nvidia Driver GPU AMI (Ubuntu 22.04)*")]),
        }));
        self.step(
            &mut t,
            region,
            &svc,
            Call::new(EC2, "DescribeVpcs", true)
                .req(obj! {"vpcSet": obj! {}, "filterSet": filters(&[("isDefault", "true")])}),
        );
        self.step(
            &mut t,
            region,
            &svc,
            Call::new(EC2, "DescribeSubnets", true)
                .req(obj! {"subnetSet": obj! {}, "filterSet": filters(&[("vpc-id", &vpc)])}),
        );
        let key_pair = Call::new(EC2, "CreateKeyPair", false)
            .req(obj! {"keyName": "backup-key"})
            .resp(obj! {
                "requestId": uuid(&mut self.rng),
                "keyName": "backup-key",
                "keyFingerprint": token(&mut self.rng, HEX, 40),
                "keyPairId": resource_id("key", region, "backup-key"),
                "keyMaterial": "<sensitiveDataRemoved>",
            });
        self.step(&mut t, region, &svc, key_pair);
        let security_group = Call::new(EC2, "CreateSecurityGroup", false)
            .req(
                obj! {"groupName": "backup-sg", "groupDescription": "backup", "vpcId": vpc.clone()},
            )
            .resp(
                obj! {"requestId": uuid(&mut self.rng), "_return": true, "groupId": group.clone()},
            );
        self.step(&mut t, region, &svc, security_group);
        let ingress = Call::new(EC2, "AuthorizeSecurityGroupIngress", false)
            .req(
                obj! {"groupId": group.clone(), "ipPermissions": obj! {"items": arr![obj! {
                    "ipProtocol": "tcp",
                    "fromPort": 22_i64,
                    "toPort": 22_i64,
                    "groups": obj! {},
                    "ipRanges": obj! {"items": arr![obj! {"cidrIp": "0.0.0.0/0"}]},
                }]}},
            )
            .resp(obj! {"requestId": uuid(&mut self.rng), "_return": true});
        self.step(&mut t, region, &svc, ingress);
        for (instance_type, count, allowed) in GPU_LAUNCHES {
            let call = self.run_instances(region, instance_type, count, t);
            let call = if allowed {
                call
            } else {
                call.fail(
                    "Client.VcpuLimitExceeded",
                    "You have requested more vCPU capacity than your current vCPU limit of 0 allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.".to_owned(),
                )
            };
            self.step(&mut t, region, &svc, call);
        }
        for _ in 0..2 {
            let call = self.ec2(Ec2Op::DescribeInstances, region, t);
            self.step(&mut t, region, &svc, call);
        }
    }

    /// A launch into the default VPC with the key pair and security group made just before.
    fn run_instances(
        &mut self,
        region: &'static str,
        instance_type: &'static str,
        count: i64,
        t: i64,
    ) -> Call {
        let ami = resource_id("ami", region, "deep-learning");
        let subnet = resource_id("subnet", region, "default-a");
        let group = resource_id("sg", region, "backup-sg");
        let token_id = uuid(&mut self.rng);
        let launched = (0..count)
            .map(|index| {
                let id = gpu_instance(index + if instance_type.starts_with("g5") { 0 } else { 10 });
                let address = format!("172.31.{}.{}", self.rng.u8(0..48), self.rng.u8(4..250));
                obj! {
                    "instanceId": id,
                    "imageId": ami.clone(),
                    "instanceState": obj! {"code": 0_i64, "name": "pending"},
                    "privateDnsName": format!("ip-{}.{region}.compute.internal", address.replace('.', "-")),
                    "keyName": "backup-key",
                    "amiLaunchIndex": index,
                    "productCodes": obj! {},
                    "instanceType": instance_type,
                    "launchTime": epoch_millis(t),
                    "placement": obj! {
                        "availabilityZone": format!("{region}a"),
                        "tenancy": "default",
                    },
                    "monitoring": obj! {"state": "disabled"},
                    "subnetId": subnet.clone(),
                    "privateIpAddress": address,
                    "architecture": "x86_64",
                    "rootDeviceType": "ebs",
                    "rootDeviceName": "/dev/sda1",
                    "virtualizationType": "hvm",
                    "clientToken": token_id.clone(),
                    "groupSet": obj! {
                        "items": arr![obj! {"groupId": group.clone(), "groupName": "backup-sg"}],
                    },
                    "hypervisor": "xen",
                    "ebsOptimized": true,
                    "enaSupport": true,
                }
            })
            .collect::<Vec<_>>();
        Call::new(EC2, "RunInstances", false)
            .req(obj! {
                "instancesSet": obj! {
                    "items": arr![obj! {
                        "imageId": ami.clone(),
                        "minCount": count,
                        "maxCount": count,
                        "keyName": "backup-key",
                    }],
                },
                "groupSet": obj! {"items": arr![obj! {"groupId": group.clone()}]},
                "userData": "<sensitiveDataRemoved>",
                "instanceType": instance_type,
                "blockDeviceMapping": obj! {
                    "items": arr![obj! {
                        "deviceName": "/dev/sda1",
                        "ebs": obj! {
                            "volumeSize": 500_i64,
                            "deleteOnTermination": true,
                            "volumeType": "gp3",
                        },
                    }],
                },
                "monitoring": obj! {"enabled": false},
                "disableApiTermination": false,
                "disableApiStop": false,
                "clientToken": token_id,
                "subnetId": subnet.clone(),
            })
            .resp(obj! {
                "requestId": uuid(&mut self.rng),
                "reservationId": format!("r-0{}", token(&mut self.rng, HEX, 16)),
                "ownerId": ACCOUNT,
                "groupSet": obj! {},
                "instancesSet": obj! {"items": launched},
            })
    }

    /// The on-call engineer's night, and the clean-up the next morning.
    fn response(&mut self) {
        let alice = HUMANS.first();
        let Some(alice) = alice else { return };
        let created = RESPONSE - 22;
        let console = Caller {
            ip: Cow::Borrowed(VPN_IP),
            agent: Cow::Borrowed(alice.browser),
            console: true,
            ..Caller::role(alice.role, alice.email, created, None)
        };
        let cli = |call: &Call| Caller {
            ip: Cow::Borrowed(VPN_IP),
            agent: cli_agent(alice.cli, call),
            ..Caller::role(alice.role, alice.email, created, None)
        };
        let mut t = RESPONSE;
        for (key, value) in [
            ("EventName", "StopLogging"),
            ("AccessKeyId", CI_DEPLOY.key),
            ("Username", SVC_BACKUP.name),
        ] {
            let call = Call::new(CLOUDTRAIL, "LookupEvents", true).req(obj! {
                "maxResults": 50_i64,
                "lookupAttributes": arr![obj! {"attributeKey": key, "attributeValue": value}],
                "startTime": java_time(RESPONSE - 6 * HOUR),
            });
            self.push(t, US_EAST_1, &console, call);
            t += between(&mut self.rng, 30, 80);
        }
        let iam_steps = [
            (CI_KEY_DISABLED, update_key(CI_DEPLOY.name, CI_DEPLOY.key)),
            (
                CI_KEY_DISABLED + 38,
                Call::new(IAM, "ListAccessKeys", true).req(obj! {"userName": SVC_BACKUP.name}),
            ),
            (
                CI_KEY_DISABLED + 63,
                update_key(SVC_BACKUP.name, SVC_BACKUP.key),
            ),
            (
                CI_KEY_DISABLED + 88,
                Call::new(IAM, "DeleteLoginProfile", false).req(obj! {"userName": SVC_BACKUP.name}),
            ),
            (
                CI_KEY_DISABLED + 116,
                Call::new(IAM, "DetachUserPolicy", false).req(obj! {
                    "userName": SVC_BACKUP.name,
                    "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess",
                }),
            ),
        ];
        for (t, call) in iam_steps {
            self.push(t, US_EAST_1, &console, call);
        }
        self.contain(&cli);
        self.clean_up();
    }

    /// Stop the miners, close the door they opened, and turn `GuardDuty` back on.
    fn contain(&mut self, cli: &dyn Fn(&Call) -> Caller) {
        let region = AP_SOUTH_1;
        let group = resource_id("sg", region, "backup-sg");
        let instances: Vec<String> = (0..4).chain(10..12).map(gpu_instance).collect();
        let mut t = at(1, 3, 30, 15);
        let mut steps = vec![
            (
                region,
                Call::new(EC2, "DescribeInstances", true).req(obj! {
                    "instancesSet": obj! {},
                    "filterSet": filters(&[("key-name", "backup-key")]),
                }),
            ),
            (region, self.terminate(&instances)),
            (
                region,
                Call::new(EC2, "DeleteKeyPair", false)
                    .req(obj! {
                        "keyName": "backup-key",
                    })
                    .resp(obj! {"requestId": uuid(&mut self.rng), "_return": true}),
            ),
            (
                region,
                Call::new(EC2, "DeleteSecurityGroup", false)
                    .req(obj! {"groupId": group.clone()})
                    .fail(
                        "Client.DependencyViolation",
                        format!("resource {group} has a dependent object"),
                    ),
            ),
        ];
        for detector_region in [US_EAST_1, EU_WEST_1, US_WEST_2, AP_SOUTHEAST_2] {
            let detector = hex_from(fnv(&[detector_region, "guardduty-new"]), 32);
            steps.push((
                detector_region,
                Call::new(GUARDDUTY, "CreateDetector", false)
                    .req(obj! {"enable": true, "findingPublishingFrequency": "FIFTEEN_MINUTES"})
                    .resp(obj! {"detectorId": detector}),
            ));
        }
        steps.push((
            US_EAST_1,
            Call::new(CLOUDTRAIL, "GetTrailStatus", true).req(obj! {"name": trail_arn()}),
        ));
        steps.push((
            US_EAST_1,
            Call::new(CLOUDTRAIL, "GetEventSelectors", true).req(obj! {"trailName": TRAIL_NAME}),
        ));
        for (region, call) in steps {
            t += between(&mut self.rng, 20, 70);
            let caller = cli(&call);
            self.push(t, region, &caller, call);
        }
        let retry = Call::new(EC2, "DeleteSecurityGroup", false)
            .req(obj! {"groupId": group})
            .resp(obj! {"requestId": uuid(&mut self.rng), "_return": true});
        let caller = cli(&retry);
        self.push(at(1, 3, 48, 22), region, &caller, retry);
    }

    fn terminate(&mut self, instances: &[String]) -> Call {
        let states = instances
            .iter()
            .map(|id| {
                obj! {
                    "instanceId": id.clone(),
                    "currentState": obj! {"code": 32_i64, "name": "shutting-down"},
                    "previousState": obj! {"code": 16_i64, "name": "running"},
                }
            })
            .collect::<Vec<_>>();
        Call::new(EC2, "TerminateInstances", false)
            .req(obj! {"instancesSet": items("instanceId", instances.to_vec())})
            .resp(obj! {"requestId": uuid(&mut self.rng), "instancesSet": obj! {"items": states}})
    }

    /// Next morning: rotate the pipeline's key, narrow its policy, remove the intruder's user.
    fn clean_up(&mut self) {
        let Some(bob) = HUMANS.get(1) else { return };
        let caller = sso_caller(bob, at(1, 10, 5, 0), Cow::Borrowed(bob.browser), true);
        let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:GetAuthorizationToken","ecr:PutImage","ecr:InitiateLayerUpload","ecr:UploadLayerPart","ecr:CompleteLayerUpload","s3:PutObject","lambda:UpdateFunctionCode","lambda:PublishVersion","lambda:UpdateAlias","ecs:RegisterTaskDefinition","ecs:UpdateService","ecs:DescribeServices","iam:PassRole"],"Resource":"*"}]}"#;
        let steps = [
            (
                at(1, 10, 5, 40),
                Call::new(IAM, "CreateAccessKey", false)
                    .req(obj! {"userName": CI_DEPLOY.name})
                    .resp(obj! {"accessKey": obj! {
                        "userName": CI_DEPLOY.name,
                        "accessKeyId": CI_DEPLOY_NEW_KEY,
                        "status": "Active",
                        "createDate": java_time(at(1, 10, 5, 40)),
                    }}),
            ),
            (
                at(1, 10, 7, 12),
                Call::new(IAM, "DeleteAccessKey", false)
                    .req(obj! {"userName": CI_DEPLOY.name, "accessKeyId": CI_DEPLOY.key}),
            ),
            (
                at(1, 10, 8, 3),
                Call::new(IAM, "PutUserPolicy", false).req(obj! {
                    "userName": CI_DEPLOY.name,
                    "policyName": "ci-deploy-pipeline",
                    "policyDocument": policy,
                }),
            ),
            (
                at(1, 10, 9, 40),
                Call::new(IAM, "DeleteAccessKey", false)
                    .req(obj! {"userName": SVC_BACKUP.name, "accessKeyId": SVC_BACKUP.key}),
            ),
            (
                at(1, 10, 10, 5),
                Call::new(IAM, "DeleteUser", false).req(obj! {"userName": SVC_BACKUP.name}),
            ),
        ];
        for (t, call) in steps {
            self.push(t, US_EAST_1, &caller, call);
        }
    }
}

fn gpu_instance(index: i64) -> String {
    format!(
        "i-0{}",
        hex_from(
            fnv(&[AP_SOUTH_1, "gpu"]).wrapping_add(index.unsigned_abs()),
            16
        )
    )
}

fn update_key(user: &'static str, key: &'static str) -> Call {
    Call::new(IAM, "UpdateAccessKey", false)
        .req(obj! {"userName": user, "accessKeyId": key, "status": "Inactive"})
}

// ---------------------------------------------------------------------------------------------
// Delivery: hourly files per region, gzipped.

impl Generator {
    /// Group the records by region and cut each region's stream at delivery times 55 to 60
    /// minutes apart, so every file holds at most the hour before its timestamp.
    fn into_files(self) -> Vec<DemoFile> {
        let Generator {
            mut rng, events, ..
        } = self;
        let mut by_region: BTreeMap<&'static str, Vec<Event>> = BTreeMap::new();
        for event in events {
            by_region.entry(event.region).or_default().push(event);
        }
        let mut files = Vec::with_capacity(400);
        let mut buffer = Vec::with_capacity(1 << 20);
        for (region, mut list) in by_region {
            list.sort_by_key(|event| event.t);
            let mut delivery = between(&mut rng, 2, 9) * 60;
            let mut batch: Vec<Json> = Vec::new();
            for event in list {
                while event.t >= delivery {
                    if !batch.is_empty() {
                        files.extend(write_file(&mut rng, region, delivery, &batch, &mut buffer));
                        batch.clear();
                    }
                    delivery += between(&mut rng, 55, 60) * 60;
                }
                batch.push(event.record);
            }
            if !batch.is_empty() {
                files.extend(write_file(&mut rng, region, delivery, &batch, &mut buffer));
            }
        }
        files
    }
}

/// One delivered object; `None` only if serialising or compressing failed, which in-memory
/// writers do not do, so the file is left out rather than the demo failing.
fn write_file(
    rng: &mut Rng,
    region: &str,
    delivery: i64,
    records: &[Json],
    buffer: &mut Vec<u8>,
) -> Option<DemoFile> {
    let mut document = Records::new(buffer);
    for record in records {
        document.push(record)?;
    }
    let bytes = gzip(document.finish(), Compression::fast())?;
    let unique = token(rng, ALNUM, 16);
    let path = object_key("demo/", ACCOUNT, region, START_UNIX + delivery, &unique);
    Some(DemoFile { path, bytes })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::io::Read;

    use flate2::read::GzDecoder;
    use serde_json::Value;

    use super::*;

    /// Every file's path and records, decoded.
    fn decoded() -> Vec<(String, Vec<Value>)> {
        demo_files()
            .into_iter()
            .map(|file| {
                let mut text = String::new();
                GzDecoder::new(file.bytes.as_slice())
                    .read_to_string(&mut text)
                    .unwrap();
                let document: Value = serde_json::from_str(&text).unwrap();
                let records = document
                    .get("Records")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap();
                (file.path, records)
            })
            .collect()
    }

    fn all_records() -> Vec<Value> {
        decoded()
            .into_iter()
            .flat_map(|(_, records)| records)
            .collect()
    }

    fn text<'a>(record: &'a Value, key: &str) -> &'a str {
        record.get(key).and_then(Value::as_str).unwrap_or_default()
    }

    /// Seconds since the Unix epoch of `YYYY-MM-DDTHH:MM:SSZ`.
    fn unix(time: &str) -> i64 {
        let field = |from: usize, to: usize| time[from..to].parse::<i64>().unwrap();
        assert_eq!(time.len(), 20, "{time}");
        assert!(time.ends_with('Z') && &time[10..11] == "T", "{time}");
        days_from_civil(field(0, 4), field(5, 7), field(8, 10)) * DAY
            + field(11, 13) * HOUR
            + field(14, 16) * 60
            + field(17, 19)
    }

    #[test]
    fn every_call_gives_the_same_bytes() {
        assert_eq!(demo_files(), demo_files());
    }

    #[test]
    fn gzip_headers_carry_no_time_or_name() {
        for file in demo_files() {
            assert_eq!(
                &file.bytes[..4],
                &[0x1f, 0x8b, 8, 0],
                "{}: magic, deflate, no flags",
                file.path
            );
            assert_eq!(&file.bytes[4..8], &[0, 0, 0, 0], "{}: mtime", file.path);
        }
    }

    #[test]
    fn files_hold_records_with_the_core_fields() {
        let files = decoded();
        assert!(files.len() > 100, "{} files", files.len());
        let mut total = 0;
        for (path, records) in &files {
            assert!(!records.is_empty(), "{path}");
            for record in records {
                assert!(record.is_object(), "{path}");
                for key in [
                    "eventTime",
                    "eventID",
                    "eventSource",
                    "eventName",
                    "awsRegion",
                    "eventType",
                    "recipientAccountId",
                ] {
                    assert!(!text(record, key).is_empty(), "{path}: {key} in {record}");
                }
                assert!(
                    record.get("userIdentity").is_some_and(Value::is_object),
                    "{record}"
                );
                assert!(
                    record.get("readOnly").is_some_and(Value::is_boolean),
                    "{record}"
                );
            }
            total += records.len();
        }
        assert!((4_000..=6_000).contains(&total), "{total} events");
    }

    #[test]
    fn event_ids_are_unique_uuids() {
        let records = all_records();
        let ids: BTreeSet<&str> = records
            .iter()
            .map(|record| text(record, "eventID"))
            .collect();
        assert_eq!(ids.len(), records.len());
        for id in ids {
            let bytes = id.as_bytes();
            assert_eq!(bytes.len(), 36, "{id}");
            assert_eq!((bytes[14], bytes[8], bytes[13]), (b'4', b'-', b'-'), "{id}");
        }
    }

    #[test]
    fn paths_follow_the_trail_layout_and_files_hold_the_hour_before_delivery() {
        for (path, records) in decoded() {
            let parts: Vec<&str> = path.split('/').collect();
            assert_eq!(parts.len(), 9, "{path}");
            assert_eq!(
                &parts[..4],
                &["demo", "AWSLogs", ACCOUNT, "CloudTrail"],
                "{path}"
            );
            let region = parts[4];
            let name = parts[8];
            let prefix = format!("{ACCOUNT}_CloudTrail_{region}_");
            assert!(
                name.starts_with(&prefix) && name.ends_with(".json.gz"),
                "{path}"
            );
            let rest = &name[prefix.len()..name.len() - ".json.gz".len()];
            let (stamp, unique) = rest.split_once('_').unwrap();
            assert_eq!(unique.len(), 16, "{path}");
            assert!(unique.bytes().all(|b| b.is_ascii_alphanumeric()), "{path}");
            assert_eq!(stamp.len(), 14, "{path}");
            assert_eq!(
                &stamp[..8],
                format!("{}{}{}", parts[5], parts[6], parts[7]),
                "{path}: date folders"
            );
            let delivered = unix(&format!(
                "{}-{}-{}T{}:{}:00Z",
                &stamp[..4],
                &stamp[4..6],
                &stamp[6..8],
                &stamp[9..11],
                &stamp[11..13]
            ));
            for record in &records {
                assert_eq!(text(record, "awsRegion"), region, "{path}");
                let time = unix(text(record, "eventTime"));
                assert!(
                    time < delivered && time >= delivered - HOUR,
                    "{path}: {}",
                    text(record, "eventTime")
                );
            }
        }
    }

    #[test]
    fn the_incident_is_there() {
        let records = all_records();
        let from_attacker: Vec<&Value> = records
            .iter()
            .filter(|record| text(record, "sourceIPAddress") == ATTACKER_IP)
            .collect();
        let errors = from_attacker
            .iter()
            .filter(|record| record.get("errorCode").is_some())
            .count();
        assert!(
            (200..=400).contains(&from_attacker.len()),
            "{} events from the attacker",
            from_attacker.len()
        );
        assert!(
            errors * 2 > from_attacker.len(),
            "{errors} errors of {}",
            from_attacker.len()
        );
        let succeeded = |name: &str| {
            from_attacker.iter().any(|record| {
                text(record, "eventName") == name && record.get("errorCode").is_none()
            })
        };
        for name in [
            "StopLogging",
            "DeleteTrail",
            "DeleteDetector",
            "CreateUser",
            "AttachUserPolicy",
            "CreateAccessKey",
            "CreateLoginProfile",
            "RunInstances",
            "ConsoleLogin",
        ] {
            assert!(succeeded(name), "{name}");
        }
        let gpu = from_attacker
            .iter()
            .filter(|record| {
                text(record, "eventName") == "RunInstances"
                    && text(record, "awsRegion") == AP_SOUTH_1
            })
            .count();
        assert_eq!(gpu, GPU_LAUNCHES.len());
        // Nobody else ever touches the region the miners used, until the responder cleans up.
        for record in records
            .iter()
            .filter(|record| text(record, "awsRegion") == AP_SOUTH_1)
        {
            let ip = text(record, "sourceIPAddress");
            assert!(
                ip == ATTACKER_IP
                    || (ip == VPN_IP && text(record, "eventTime") > "2026-03-03T03:2"),
                "{record}"
            );
        }
        // Reconnaissance ends before the escalation, and the story happens on the second night.
        for record in &from_attacker {
            let time = text(record, "eventTime");
            assert!(
                ("2026-03-03T02:10".."2026-03-03T02:50").contains(&time),
                "{time}"
            );
        }
    }

    #[test]
    fn nothing_is_recorded_while_the_trail_was_off() {
        for record in all_records() {
            let t = unix(text(&record, "eventTime")) - START_UNIX;
            assert!(
                !LOGGING_GAPS.iter().any(|&(from, to)| t > from && t < to),
                "{record}"
            );
        }
    }

    #[test]
    fn baseline_errors_are_a_few_percent() {
        let records = all_records();
        let baseline: Vec<&Value> = records
            .iter()
            .filter(|record| text(record, "sourceIPAddress") != ATTACKER_IP)
            .collect();
        let errors = baseline
            .iter()
            .filter(|record| record.get("errorCode").is_some())
            .count();
        let percent = errors as f64 * 100.0 / baseline.len() as f64;
        assert!(
            (2.0..=4.0).contains(&percent),
            "{percent:.2}% baseline errors"
        );
    }

    #[test]
    fn identifiers_have_the_aws_shapes() {
        for user in USERS.iter().chain([&&SVC_BACKUP]) {
            assert!(
                user.id.len() == 21 && user.id.starts_with("AIDA"),
                "{}",
                user.id
            );
            assert!(
                user.key.len() == 20 && user.key.starts_with("AKIA"),
                "{}",
                user.key
            );
        }
        assert_eq!(CI_DEPLOY_NEW_KEY.len(), 20);
        for role in [
            &SSO_ADMIN,
            &SSO_READ_ONLY,
            &SSO_POWER_USER,
            &ORDERS_API_ROLE,
            &THUMBNAILER_ROLE,
            &ORDERS_WORKER_ROLE,
            &EKS_NODE_ROLE,
            &CONFIG_ROLE,
            &AUTOSCALING_ROLE,
            &TRAIL_GUARD_ROLE,
        ] {
            assert!(
                role.id.len() == 21 && role.id.starts_with("AROA"),
                "{}",
                role.id
            );
        }
        assert_eq!(session_key(7).len(), 20);
    }

    #[test]
    fn calendar_arithmetic_matches_known_dates() {
        assert_eq!(START_UNIX, 1_772_409_600);
        assert_eq!(iso(0), "2026-03-02T00:00:00Z");
        assert_eq!(iso(at(1, 2, 31, 12)), "2026-03-03T02:31:12Z");
        assert_eq!(iso(-1), "2026-03-01T23:59:59Z");
        assert_eq!(iso(at(300, 0, 0, 0)), "2026-12-27T00:00:00Z");
        assert_eq!(java_time(at(1, 2, 31, 12)), "Mar 3, 2026, 2:31:12 AM");
        assert_eq!(java_time(at(0, 12, 5, 9)), "Mar 2, 2026, 12:05:09 PM");
        assert_eq!(java_time(at(0, 0, 5, 9)), "Mar 2, 2026, 12:05:09 AM");
    }
}
