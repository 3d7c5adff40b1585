// Captures the requests the clouds' own Node SDKs send, byte for byte, into
// the golden fixtures of tests/wire/action_golden_test.cc:
//   tests/wire/golden/tencent_cam.json    tencentcloud-sdk-nodejs 4.1.313 (TC3)
//   tests/wire/golden/alibaba_acs3.json   @alicloud/openapi-client 0.4.15 (ACS3)
//   tests/wire/golden/alibaba_rpc.json    @alicloud/pop-core 1.8.0 (RPC v1)
// Each SDK signs with a fixed key the C++ test seeds into its store; the
// requests that name existing things (a user, a group, a key, an OU) name
// ids the test seeds too. Every exchange carries what the cloud's API
// reference says the answer holds ("expect"), written here by hand; the
// capture server's own answers are placeholders that only keep the SDK going.
//
// Regenerate (npm ci in tests/e2e first): node tests/e2e/capture_golden.mjs
// The fixtures are committed; the C++ test needs neither Node nor a network.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, '..', 'wire', 'golden');

// The pattern language of "expect.body" (tests/wire/action_golden_test.cc):
// an object matches when each of its keys matches (other keys may be there);
// an array matches when each pattern element matches some element; "<string>",
// "<number>", "<array>" match any such value, "<absent>" a missing key.
const S = '<string>';
const N = '<number>';
const ABSENT = '<absent>';

const fixtures = {
  tencent: {
    sdk: 'tencentcloud-sdk-nodejs 4.1.313',
    profile: 'tencent',
    tenant: '100000000001',
    access_key: 'AKIDGoldenCaptureKey0123456789abcdef',
    secret: 'GoldenCaptureSecret0123456789abc',
    // What the test creates before the first exchange, with these ids.
    seeded: {
      users: [{ id: '100000000777', username: 'bob', email: 'bob@example.com' }],
      groups: [{ id: '10000042', name: 'devs' }],
      access_keys: [{ id: 'AKIDBobsKey0000000000000000000000000', user: '100000000777',
                      secret: 'BobsSecret0000000000000000000000' }],
    },
  },
  acs3: {
    sdk: '@alicloud/openapi-client 0.4.15 (callApi as the generated EIAM 2021-12-01 client)',
    profile: 'alibaba',
    tenant: 'idaas_goldencapture0000000000001',
    access_key: 'LTAIGoldenCapture0000001',
    secret: 'GoldenCaptureSecret00000000001',
    seeded: {
      ous: [{ id: 'ou_rootrootrootrootrootrootro', name: 'root' },
            { id: 'ou_salessalessalessalessaless', name: 'sales' }],
      custom_fields: [{ name: 'age' }],
      users: [{ id: 'user_bobbobbobbobbobbobbobbob', username: 'bob', email: 'bob@example.com',
                primary_ou: 'ou_rootrootrootrootrootrootro' }],
      groups: [{ id: 'group_devsdevsdevsdevsdevsdevs', name: 'devs' }],
    },
  },
};
fixtures.rpc = {
  ...fixtures.acs3,
  sdk: '@alicloud/pop-core 1.8.0 (RPC v1, HMAC-SHA1)',
  seeded: { ...fixtures.acs3.seeded,
            users: [{ ...fixtures.acs3.seeded.users[0], id: 'user_carolcarolcarolcarolcaro',
                      username: 'carol', email: 'carol@example.com' }] },
};

// --- the capture server --------------------------------------------------------
const captured = [];
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const url = new URL(req.url, 'http://capture');
    const headers = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
    }
    captured.push({ method: req.method, path: url.pathname, query: url.search.slice(1), headers,
                    body: Buffer.concat(chunks).toString('utf8') });
    const tencent = headers.some(([k]) => k.toLowerCase() === 'x-tc-action');
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(tencent ? { Response: { RequestId: 'capture' } }
                                   : { RequestId: 'capture' }));
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const endpoint = `127.0.0.1:${server.address().port}`;

// Runs `call` (the SDK's own method), keeps the request it sent with `expect`.
async function exchange(list, name, expect, call) {
  const before = captured.length;
  try { await call(); } catch { /* the placeholder answer may not satisfy the SDK */ }
  if (captured.length !== before + 1) throw new Error(`${name}: sent ${captured.length - before} requests`);
  list.push({ name, request: captured[before], expect });
}
const ok = (body) => ({ status: 200, body });

// --- Tencent CAM ---------------------------------------------------------------
async function tencent() {
  const tc = require('tencentcloud-sdk-nodejs');
  const f = fixtures.tencent;
  const cam = (sk) => new tc.cam.v20190116.Client({
    credential: { secretId: f.access_key, secretKey: sk }, region: 'ap-guangzhou',
    profile: { httpProfile: { endpoint, protocol: 'http://' } },
  });
  const c = cam(f.secret);
  const x = [];
  const err = (code) => ok({ Response: { Error: { Code: code, Message: S }, RequestId: S } });
  const bob = Number(f.seeded.users[0].id);
  const devs = Number(f.seeded.groups[0].id);
  const bobsKey = f.seeded.access_keys[0].id;
  await exchange(x, 'AddUser: every parameter, a password and an access key', ok({ Response: {
    Uin: N, Name: 'alice', Uid: N, SecretId: S, SecretKey: S, Password: ABSENT, RequestId: S } }),
  () => c.AddUser({ Name: 'alice', Remark: 'first', ConsoleLogin: 1, UseApi: 1,
                    Password: 'P@ssw0rd!23x', NeedResetPassword: 0, PhoneNum: '13800000000',
                    CountryCode: '86', Email: 'alice@example.com' }));
  await exchange(x, 'AddUser: console login without a password generates one', ok({ Response: {
    Name: 'dave', Password: S, SecretId: ABSENT } }),
  () => c.AddUser({ Name: 'dave', ConsoleLogin: 1 }));
  await exchange(x, 'AddUser: a name taken in another case', err('InvalidParameter.SubUserNameInUse'),
    () => c.AddUser({ Name: 'ALICE', ConsoleLogin: 0, Email: 'other@example.com' }));
  await exchange(x, 'AddUser: a password against the rules', err('InvalidParameter.PasswordViolatedRules'),
    () => c.AddUser({ Name: 'erin', ConsoleLogin: 1, Password: 'weak' }));
  await exchange(x, 'GetUser', ok({ Response: {
    Name: 'alice', Uin: N, Uid: N, Remark: 'first', ConsoleLogin: 1, PhoneNum: '13800000000',
    CountryCode: '86', Email: 'alice@example.com', RequestId: S } }),
  () => c.GetUser({ Name: 'alice' }));
  await exchange(x, 'ListUsers', ok({ Response: { Data: [{ Name: 'alice', Uin: N }, { Name: 'bob', Uin: bob }] } }),
    () => c.ListUsers({}));
  await exchange(x, 'UpdateUser', ok({ Response: { Error: ABSENT, RequestId: S } }),
    () => c.UpdateUser({ Name: 'alice', Remark: 'second' }));
  await exchange(x, 'CreateGroup', ok({ Response: { GroupId: N, Error: ABSENT } }),
    () => c.CreateGroup({ GroupName: 'ops', Remark: 'operations' }));
  await exchange(x, 'AddUserToGroup', ok({ Response: { Error: ABSENT } }),
    () => c.AddUserToGroup({ Info: [{ Uid: bob, GroupId: devs }] }));
  await exchange(x, 'ListGroups', ok({ Response: {
    TotalNum: 2, GroupInfo: [{ GroupName: 'devs', GroupId: devs }, { GroupName: 'ops', Remark: 'operations' }] } }),
  () => c.ListGroups({}));
  await exchange(x, 'CreateAccessKey', ok({ Response: {
    AccessKey: { AccessKeyId: S, SecretAccessKey: S, Status: 'Active' } } }),
  () => c.CreateAccessKey({ TargetUin: bob }));
  await exchange(x, 'ListAccessKeys', ok({ Response: {
    AccessKeys: [{ AccessKeyId: bobsKey, Status: 'Active' }] } }),
  () => c.ListAccessKeys({ TargetUin: bob }));
  await exchange(x, 'UpdateAccessKey', ok({ Response: { Error: ABSENT } }),
    () => c.UpdateAccessKey({ TargetUin: bob, AccessKeyId: bobsKey, Status: 'Inactive' }));
  await exchange(x, 'DeleteAccessKey', ok({ Response: { Error: ABSENT } }),
    () => c.DeleteAccessKey({ TargetUin: bob, AccessKeyId: bobsKey }));
  await exchange(x, 'DeleteUser with Force', ok({ Response: { Error: ABSENT } }),
    () => c.DeleteUser({ Name: 'alice', Force: 1 }));
  await exchange(x, 'GetUser after the delete', err('ResourceNotFound.UserNotExist'),
    () => c.GetUser({ Name: 'alice' }));
  await exchange(x, 'BatchAddUsers (quick creation, client.request)', ok({ Response: {
    Error: ABSENT } }),
  () => c.request('BatchAddUsers', { QuickCreate: 1, Users: [
    { Name: 'frank', ConsoleLogin: 1, Email: 'frank@example.com' },
    { Name: 'grace', ConsoleLogin: 1, Email: 'grace@example.com' }] }));
  await exchange(x, 'a wrong secret', err('AuthFailure.SignatureFailure'),
    () => cam('WrongSecret00000000000000000000x').GetUser({ Name: 'bob' }));
  return x;
}

// --- Alibaba EIAM, ACS3 ------------------------------------------------------------
async function acs3() {
  const OpenApi = require('@alicloud/openapi-client');
  const OpenApiUtil = require('@alicloud/openapi-util').default;
  const Util = require('@alicloud/tea-util');
  const f = fixtures.acs3;
  const client = (sk) => new OpenApi.default(new OpenApi.Config({
    accessKeyId: f.access_key, accessKeySecret: sk, endpoint, protocol: 'http' }));
  // As the generated EIAM client's *WithOptions methods call every action.
  const call = (c, action, query) => c.callApi(new OpenApi.Params({
    action, version: '2021-12-01', protocol: 'HTTPS', pathname: '/', method: 'POST',
    authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json',
  }), new OpenApi.OpenApiRequest({ query: OpenApiUtil.query(query) }), new Util.RuntimeOptions({}));
  const c = client(f.secret);
  const x = [];
  const I = f.tenant;
  const [root, sales] = f.seeded.ous.map((o) => o.id);
  const bob = f.seeded.users[0].id;
  const devs = f.seeded.groups[0].id;
  const err = (status, code) => ({ status, body: { Code: code, Message: S, RequestId: S } });
  // Seed 003's CreateUser example, every parameter (a password IDaaS's default
  // policy accepts in place of the seed's 123456).
  const seed003 = (username, token) => ({
    InstanceId: I, Username: username, DisplayName: 'name_001', Password: 'Pa55word!x7',
    PhoneRegion: '86', PhoneNumber: '12345678901', PhoneNumberVerified: true,
    Email: `${username}@example.com`, EmailVerified: true, UserExternalId: 'id_001',
    PrimaryOrganizationalUnitId: root, OrganizationalUnitIds: [sales], Description: 'description text',
    CustomFields: [{ FieldName: 'age', FieldValue: '10' }],
    PasswordInitializationConfig: {
      PasswordInitializationPolicyPriority: 'global', PasswordForcedUpdateStatus: 'enabled',
      UserNotificationChannels: ['sms'], PasswordInitializationType: 'random',
    },
    ClientToken: token,
  });
  await exchange(x, 'CreateUser: seed 003 example', ok({ RequestId: S, UserId: S }),
    () => call(c, 'CreateUser', seed003('user_001', 'golden-token-1')));
  await exchange(x, 'CreateUser: the same ClientToken again', ok({ RequestId: S, UserId: S }),
    () => call(c, 'CreateUser', seed003('user_001', 'golden-token-1')));
  await exchange(x, 'CreateUser: a username taken', err(403, 'ResourceDuplicated.Username'),
    () => call(c, 'CreateUser', { InstanceId: I, Username: 'BOB', PrimaryOrganizationalUnitId: root }));
  await exchange(x, 'GetUser', ok({ RequestId: S, User: {
    UserId: bob, Username: 'bob', Email: 'bob@example.com', PrimaryOrganizationalUnitId: root,
    Status: 'enabled' } }),
  () => call(c, 'GetUser', { InstanceId: I, UserId: bob }));
  await exchange(x, 'ListUsers', ok({ RequestId: S, TotalCount: N,
    Users: [{ Username: 'bob', UserId: bob }, { Username: 'user_001', DisplayName: 'name_001' }] }),
  () => call(c, 'ListUsers', { InstanceId: I }));
  await exchange(x, 'UpdateUser', ok({ RequestId: S, Code: ABSENT }),
    () => call(c, 'UpdateUser', { InstanceId: I, UserId: bob, DisplayName: 'Bob B' }));
  await exchange(x, 'DisableUser', ok({ RequestId: S, Code: ABSENT }),
    () => call(c, 'DisableUser', { InstanceId: I, UserId: bob }));
  await exchange(x, 'EnableUser', ok({ RequestId: S, Code: ABSENT }),
    () => call(c, 'EnableUser', { InstanceId: I, UserId: bob }));
  await exchange(x, 'CreateOrganizationalUnit', ok({ RequestId: S, OrganizationalUnitId: S }),
    () => call(c, 'CreateOrganizationalUnit', { InstanceId: I, OrganizationalUnitName: 'support', ParentId: I }));
  await exchange(x, 'ListOrganizationalUnits', ok({ RequestId: S, OrganizationalUnits: [
    { OrganizationalUnitName: 'root', OrganizationalUnitId: root },
    { OrganizationalUnitName: 'support' }] }),
  () => call(c, 'ListOrganizationalUnits', { InstanceId: I }));
  await exchange(x, 'CreateGroup', ok({ RequestId: S, GroupId: S }),
    () => call(c, 'CreateGroup', { InstanceId: I, GroupName: 'ops' }));
  await exchange(x, 'AddUsersToGroup', ok({ RequestId: S, Code: ABSENT }),
    () => call(c, 'AddUsersToGroup', { InstanceId: I, GroupId: devs, UserIds: [bob] }));
  await exchange(x, 'DeleteUser', ok({ RequestId: S, Code: ABSENT }),
    () => call(c, 'DeleteUser', { InstanceId: I, UserId: bob }));
  await exchange(x, 'GetUser after the delete', err(404, 'EntityNotExist.User'),
    () => call(c, 'GetUser', { InstanceId: I, UserId: bob }));
  await exchange(x, 'a wrong secret', err(400, 'SignatureDoesNotMatch'),
    () => call(client('WrongSecret0000000000000000000'), 'ListUsers', { InstanceId: I }));
  return x;
}

// --- Alibaba EIAM, RPC v1 ------------------------------------------------------------
async function rpc() {
  const RPCClient = require('@alicloud/pop-core').RPCClient;
  const f = fixtures.rpc;
  const pop = (sk) => new RPCClient({ accessKeyId: f.access_key, accessKeySecret: sk,
                                      endpoint: `http://${endpoint}`, apiVersion: '2021-12-01' });
  const p = pop(f.secret);
  const x = [];
  const I = f.tenant;
  const root = f.seeded.ous[0].id;
  const carol = f.seeded.users[0].id;
  const err = (status, code) => ({ status, body: { Code: code, Message: S, RequestId: S } });
  await exchange(x, 'CreateUser, POST form', ok({ RequestId: S, UserId: S }),
    () => p.request('CreateUser', {
      InstanceId: I, Username: 'user_002', Password: 'Pa55word!x7', Email: 'user_002@example.com',
      EmailVerified: true, PrimaryOrganizationalUnitId: root,
      CustomFields: [{ FieldName: 'age', FieldValue: '11' }], ClientToken: 'golden-token-2',
    }, { method: 'POST' }));
  await exchange(x, 'GetUser, GET query', ok({ RequestId: S, User: { UserId: carol, Username: 'carol' } }),
    () => p.request('GetUser', { InstanceId: I, UserId: carol }));
  await exchange(x, 'ListUsers, GET query', ok({ RequestId: S, Users: [
    { Username: 'carol' }, { Username: 'user_002' }] }),
  () => p.request('ListUsers', { InstanceId: I }));
  await exchange(x, 'DeleteUser, POST form', ok({ RequestId: S, Code: ABSENT }),
    () => p.request('DeleteUser', { InstanceId: I, UserId: carol }, { method: 'POST' }));
  await exchange(x, 'a wrong secret', err(400, 'SignatureDoesNotMatch'),
    () => pop('WrongSecret0000000000000000000').request('ListUsers', { InstanceId: I }));
  return x;
}

fs.mkdirSync(out, { recursive: true });
for (const [name, file, run] of [['tencent', 'tencent_cam', tencent], ['acs3', 'alibaba_acs3', acs3],
                                  ['rpc', 'alibaba_rpc', rpc]]) {
  const exchanges = await run();
  const fixture = { ...fixtures[name], captured: new Date().toISOString(), exchanges };
  fs.writeFileSync(path.join(out, `${file}.json`), `${JSON.stringify(fixture, null, 1)}\n`);
  console.log(`${file}.json: ${exchanges.length} exchanges`);
}
server.close();
