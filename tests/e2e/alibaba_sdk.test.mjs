// End-to-end test of `iamctl serve` driven by Alibaba Cloud's own Node
// clients, pinned in package.json: @alicloud/openapi-client 0.4.15 (ACS3,
// `callApi` with the Params and OpenApiRequest that the generated EIAM SDK's
// createUserWithOptions builds) and @alicloud/pop-core 1.8.0 (RPC v1,
// HMAC-SHA1). tests/e2e/run.sh starts a server under the alibaba profile and
// sets ALI_URL, ALI_INSTANCE, ALI_AK, ALI_SK, ALI_OU (the bootstrap's root OU)
// and ALI_OU2 (a second OU) and defines the custom field "age".
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';

const require = createRequire(import.meta.url);
const missing = ['ALI_URL', 'ALI_INSTANCE', 'ALI_AK', 'ALI_SK', 'ALI_OU', 'ALI_OU2'].filter(
  (k) => !process.env[k]);
if (missing.length) {
  throw new Error(`alibaba_sdk.test.mjs: missing ${missing.join(', ')} (set by tests/e2e/run.sh)`);
}
const { ALI_URL, ALI_INSTANCE, ALI_AK, ALI_SK, ALI_OU, ALI_OU2 } = process.env;
const OpenApi = require('@alicloud/openapi-client');
const OpenApiUtil = require('@alicloud/openapi-util').default;
const Util = require('@alicloud/tea-util');
const RPCClient = require('@alicloud/pop-core').RPCClient;

function openapi(accessKeyId, accessKeySecret) {
  return new OpenApi.default(new OpenApi.Config({
    accessKeyId, accessKeySecret, endpoint: new URL(ALI_URL).host, protocol: 'http',
  }));
}
// As the generated EIAM client calls every action: all parameters in the query.
async function eiam(client, action, query) {
  const params = new OpenApi.Params({
    action, version: '2021-12-01', protocol: 'HTTPS', pathname: '/', method: 'POST',
    authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json',
  });
  const res = await client.callApi(params, new OpenApi.OpenApiRequest({ query: OpenApiUtil.query(query) }),
                                   new Util.RuntimeOptions({}));
  assert.equal(res.statusCode, 200);
  assert.ok(res.body.RequestId);
  return res.body;
}
const admin = openapi(ALI_AK, ALI_SK);
const pop = new RPCClient({ accessKeyId: ALI_AK, accessKeySecret: ALI_SK, endpoint: ALI_URL,
                            apiVersion: '2021-12-01' });
const suffix = randomBytes(3).toString('hex');
const name = (base) => `${base}_${suffix}`;

// Seed 003's CreateUser example, every parameter (the password one this
// instance's policy accepts).
const phones = new Map();
function phoneFor(username) {
  if (!phones.has(username)) phones.set(username, `139${String(10000000 + phones.size * 7919).slice(-8)}`);
  return phones.get(username);
}
function seed003(username, token) {
  return {
    InstanceId: ALI_INSTANCE, Username: username, DisplayName: 'name_001', Password: 'Pa55word!x7',
    PhoneRegion: '86', PhoneNumber: phoneFor(username),
    PhoneNumberVerified: true, Email: `${username}@example.com`, EmailVerified: true,
    UserExternalId: `ext_${username}`, PrimaryOrganizationalUnitId: ALI_OU,
    OrganizationalUnitIds: [ALI_OU2], Description: 'description text',
    CustomFields: [{ FieldName: 'age', FieldValue: '10' }],
    PasswordInitializationConfig: {
      PasswordInitializationPolicyPriority: 'global', PasswordForcedUpdateStatus: 'enabled',
      UserNotificationChannels: ['sms'], PasswordInitializationType: 'random',
    },
    ClientToken: token,
  };
}

async function rejectsWith(promise, code, status) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    if (status !== undefined) assert.equal(e.statusCode, status);
    assert.ok(!String(e.message).includes('Pa55word'), 'no password in an error');
    return true;
  });
}

describe('Alibaba IDaaS EIAM through @alicloud/openapi-client (ACS3)', () => {
  let userId;
  test('CreateUser with every seed-003 parameter answers {RequestId, UserId}', async () => {
    const body = await eiam(admin, 'CreateUser', seed003(name('user_001'), `tok-${suffix}`));
    assert.deepEqual(Object.keys(body).sort(), ['RequestId', 'UserId']);
    assert.match(body.UserId, /^user_[a-z2-7]{26}$/);
    userId = body.UserId;
  });

  test('the client token replays the first answer', async () => {
    const body = await eiam(admin, 'CreateUser', seed003(name('user_001'), `tok-${suffix}`));
    assert.equal(body.UserId, userId);
  });

  test('GetUser reads back every field, OUs, custom fields', async () => {
    const { User } = await eiam(admin, 'GetUser', { InstanceId: ALI_INSTANCE, UserId: userId });
    assert.equal(User.Username, name('user_001'));
    assert.equal(User.DisplayName, 'name_001');
    assert.equal(User.EmailVerified, true);
    assert.equal(User.PrimaryOrganizationalUnitId, ALI_OU);
    assert.deepEqual(User.OrganizationalUnits.map((o) => o.OrganizationalUnitId), [ALI_OU, ALI_OU2]);
    assert.deepEqual(User.CustomFields, [{ FieldName: 'age', FieldValue: '10' }]);
    assert.equal(User.Status, 'enabled');
  });

  test('a duplicate username is 403 ResourceDuplicated.Username', async () => {
    const dup = seed003(name('USER_001'), `tok2-${suffix}`);
    dup.Email = `other.${suffix}@example.com`;
    dup.PhoneNumber = '19900000000';
    await rejectsWith(eiam(admin, 'CreateUser', dup), 'ResourceDuplicated.Username', 403);
  });

  test('groups and OUs, update, disable, list, delete', async () => {
    const ou = await eiam(admin, 'CreateOrganizationalUnit', {
      InstanceId: ALI_INSTANCE, OrganizationalUnitName: name('dept'), ParentId: ALI_INSTANCE });
    assert.match(ou.OrganizationalUnitId, /^ou_/);
    const ous = await eiam(admin, 'ListOrganizationalUnits', { InstanceId: ALI_INSTANCE, PageSize: 100 });
    assert.ok(ous.OrganizationalUnits.some((o) => o.OrganizationalUnitId === ou.OrganizationalUnitId));
    const group = await eiam(admin, 'CreateGroup', { InstanceId: ALI_INSTANCE, GroupName: name('ops') });
    await eiam(admin, 'AddUsersToGroup', { InstanceId: ALI_INSTANCE, GroupId: group.GroupId, UserIds: [userId] });
    await eiam(admin, 'UpdateUser', { InstanceId: ALI_INSTANCE, UserId: userId, DisplayName: 'renamed' });
    await eiam(admin, 'DisableUser', { InstanceId: ALI_INSTANCE, UserId: userId });
    const { User } = await eiam(admin, 'GetUser', { InstanceId: ALI_INSTANCE, UserId: userId });
    assert.equal(User.DisplayName, 'renamed');
    assert.equal(User.Status, 'disabled');
    assert.equal(User.Groups[0].GroupId, group.GroupId);
    const list = await eiam(admin, 'ListUsers', { InstanceId: ALI_INSTANCE, Status: 'disabled', PageSize: 100 });
    assert.ok(list.Users.some((u) => u.UserId === userId));
    await eiam(admin, 'DeleteUser', { InstanceId: ALI_INSTANCE, UserId: userId });
    await rejectsWith(eiam(admin, 'GetUser', { InstanceId: ALI_INSTANCE, UserId: userId }),
                      'EntityNotExist.User', 404);
  });

  test('a wrong secret and an unknown key are refused', async () => {
    await rejectsWith(eiam(openapi(ALI_AK, 'x'.repeat(30)), 'ListUsers', { InstanceId: ALI_INSTANCE }),
                      'SignatureDoesNotMatch', 400);
    await rejectsWith(eiam(openapi('LTAI' + 'x'.repeat(20), ALI_SK), 'ListUsers', { InstanceId: ALI_INSTANCE }),
                      'InvalidAccessKeyId.NotFound', 404);
  });
});

describe('Alibaba IDaaS EIAM through @alicloud/pop-core (RPC v1, HMAC-SHA1)', () => {
  let userId;
  test('CreateUser by GET and by POST form, flattened parameters', async () => {
    const flat = {
      InstanceId: ALI_INSTANCE, Username: name('pop_user'), Password: 'Pa55word!x7',
      PrimaryOrganizationalUnitId: ALI_OU, 'CustomFields.1.FieldName': 'age', 'CustomFields.1.FieldValue': '7',
      'PasswordInitializationConfig.PasswordForcedUpdateStatus': 'enabled', ClientToken: `pop-${suffix}`,
    };
    const body = await pop.request('CreateUser', flat);
    assert.match(body.UserId, /^user_/);
    userId = body.UserId;
    const posted = await pop.request('CreateUser', { ...flat, Username: name('pop_post'), ClientToken: `pop2-${suffix}` },
                                     { method: 'POST' });
    assert.match(posted.UserId, /^user_/);
  });

  test('GetUser, a duplicate, DeleteUser', async () => {
    const { User } = await pop.request('GetUser', { InstanceId: ALI_INSTANCE, UserId: userId });
    assert.equal(User.Username, name('pop_user'));
    // json-bigint (pop-core's parser) makes objects without a prototype.
    assert.deepEqual(User.CustomFields.map((f) => ({ ...f })), [{ FieldName: 'age', FieldValue: '7' }]);
    await rejectsWith(pop.request('CreateUser', {
      InstanceId: ALI_INSTANCE, Username: name('pop_user'), PrimaryOrganizationalUnitId: ALI_OU }),
                      'ResourceDuplicated.Username');
    await pop.request('DeleteUser', { InstanceId: ALI_INSTANCE, UserId: userId });
    await rejectsWith(pop.request('GetUser', { InstanceId: ALI_INSTANCE, UserId: userId }), 'EntityNotExist.User');
  });

  test('a wrong secret is SignatureDoesNotMatch', async () => {
    const bad = new RPCClient({ accessKeyId: ALI_AK, accessKeySecret: 'x'.repeat(30), endpoint: ALI_URL,
                                apiVersion: '2021-12-01' });
    await rejectsWith(bad.request('ListUsers', { InstanceId: ALI_INSTANCE }), 'SignatureDoesNotMatch');
  });
});
