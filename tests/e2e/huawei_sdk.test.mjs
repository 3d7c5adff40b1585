// End-to-end test of `iamctl serve` driven by the real Huawei Cloud Node SDK
// (@huaweicloud/huaweicloud-sdk-iam 3.1.172 on huaweicloud-sdk-core 3.1.211,
// pinned in package.json). Run with `node --test huawei_sdk.test.mjs` from
// tests/e2e after `npm ci`, with the environment that tests/e2e/run.sh sets:
// IAM_URL, IAM_TENANT, IAM_AK, IAM_SK (and HOME, which the SDK writes
// ~/.huaweicloud/application_id under).
//
// The tests in the describe block run in order and share state: the user made
// by keystoneCreateUser is shown, listed, disabled and finally deleted.
// Set IAM_E2E_SDK_LOG=error (or debug) to see the SDK's own log4js output,
// which is silenced by default: every error it would log is asserted on here.

import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';

const require = createRequire(import.meta.url);

const REQUIRED = ['IAM_URL', 'IAM_TENANT', 'IAM_AK', 'IAM_SK'];
const missing = REQUIRED.filter((k) => !process.env[k]);
if (missing.length) {
  // Fail loudly: no silent skips when the harness did not set things up.
  throw new Error(`huawei_sdk.test.mjs: missing environment variables: ${missing.join(', ')} ` +
                  '(set by tests/e2e/run.sh)');
}
const { IAM_URL, IAM_TENANT, IAM_AK, IAM_SK } = process.env;

const core = require('@huaweicloud/huaweicloud-sdk-core');
const iam = require('@huaweicloud/huaweicloud-sdk-iam/v3/public-api');

// The core logs every failed request to stdout through log4js (colored
// console appender, see core logger/log4jLogger.js). Reconfigure the same
// log4js instance: stderr, and off unless asked for.
{
  const coreRequire = createRequire(require.resolve('@huaweicloud/huaweicloud-sdk-core'));
  const log4js = coreRequire('log4js');
  log4js.configure({
    appenders: { err: { type: 'stderr' } },
    categories: { default: { appenders: ['err'], level: process.env.IAM_E2E_SDK_LOG || 'off' } },
  });
}

function makeClient(ak, sk) {
  const cred = new core.GlobalCredentials().withAk(ak).withSk(sk).withDomainId(IAM_TENANT);
  return iam.IamClient.newBuilder().withCredential(cred).withEndpoint(IAM_URL).build();
}

// A per-run suffix: lower-case letters and digits, so that every name below
// stays within Huawei's username rules (5-32 characters, leading letter).
const SUFFIX = (Date.now().toString(36).slice(-5) + randomBytes(3).toString('hex')).toLowerCase();
const PASSWORD = 'Summer-Breeze7';

function describeError(e) {
  if (!e || typeof e !== 'object') return String(e);
  return `httpStatusCode=${e.httpStatusCode} errorCode=${JSON.stringify(e.errorCode)} ` +
         `errorMsg=${JSON.stringify(e.errorMsg)} requestId=${JSON.stringify(e.requestId)}`;
}

// Awaits a call the SDK should reject with HTTP `status`; returns the error.
async function rejectsWith(promise, status, what) {
  let result;
  try {
    result = await promise;
  } catch (e) {
    assert.equal(e.httpStatusCode, status, `${what}: expected HTTP ${status}, got ${describeError(e)}`);
    assert.equal(e.constructor && e.constructor.name, 'ClientRequestException', `${what}: error class`);
    assert.ok(e.requestId, `${what}: the error carries no X-Request-Id (${describeError(e)})`);
    return e;
  }
  assert.fail(`${what}: expected HTTP ${status}, but the call succeeded: ${JSON.stringify(result)}`);
}

// Awaits a call that must succeed; turns an SDK rejection into a readable failure.
async function ok(promise, what) {
  try {
    return await promise;
  } catch (e) {
    assert.fail(`${what}: the call was rejected: ${describeError(e)}`);
  }
}

describe('Huawei Cloud IAM Node SDK against iamctl serve', () => {
  let client;
  const state = {};
  const kname = `sdkks${SUFFIX}`;      // Keystone-created user
  const hname = `sdkhw${SUFFIX}`;      // v3.0 OS-USER-created user
  const gname = `sdkgrp${SUFFIX}`;
  const email = `${hname}@example.com`;
  // A mobile number unique to the run (phone numbers are unique per tenant).
  const phone = '138' + String(parseInt(randomBytes(4).toString('hex'), 16) % 1e8).padStart(8, '0');

  before(() => {
    client = makeClient(IAM_AK, IAM_SK);
  });

  test('keystoneCreateUser: 201 with id, echoed name, links.self', async () => {
    const opt = new iam.KeystoneCreateUserOption()
      .withName(kname).withDomainId(IAM_TENANT).withPassword(PASSWORD).withEnabled(true)
      .withDescription('made by huawei_sdk.test.mjs');
    const res = await ok(client.keystoneCreateUser(
      new iam.KeystoneCreateUserRequest().withBody(new iam.KeystoneCreateUserRequestBody().withUser(opt))),
      'keystoneCreateUser');
    assert.equal(res.httpStatusCode, 201, JSON.stringify(res));
    const u = res.user;
    assert.ok(u && typeof u === 'object', `no "user" object: ${JSON.stringify(res)}`);
    assert.equal(typeof u.id, 'string');
    assert.ok(u.id.length > 0, 'empty user id');
    assert.equal(u.name, kname);
    assert.equal(u.domain_id, IAM_TENANT);
    assert.equal(u.enabled, true);
    assert.ok(u.links && typeof u.links.self === 'string' && u.links.self.length > 0,
              `links.self missing: ${JSON.stringify(u.links)}`);
    assert.ok(u.links.self.includes(u.id), `links.self ${u.links.self} does not name ${u.id}`);
    assert.ok(!('password' in u), 'the password is echoed back');
    state.userId = u.id;
  });

  test('keystoneShowUser: 200 with the same user', async () => {
    assert.ok(state.userId, 'needs the user from keystoneCreateUser');
    const res = await ok(client.keystoneShowUser(new iam.KeystoneShowUserRequest().withUserId(state.userId)),
                         'keystoneShowUser');
    assert.equal(res.httpStatusCode, 200);
    assert.equal(res.user.id, state.userId);
    assert.equal(res.user.name, kname);
    assert.equal(res.user.domain_id, IAM_TENANT);
    assert.equal(res.user.enabled, true);
    assert.ok(res.user.links && res.user.links.self, 'links.self missing');
  });

  test('keystoneListUsers: the name filter finds exactly that user', async () => {
    assert.ok(state.userId, 'needs the user from keystoneCreateUser');
    const res = await ok(client.keystoneListUsers(new iam.KeystoneListUsersRequest().withName(kname)),
                         'keystoneListUsers(name)');
    assert.equal(res.httpStatusCode, 200);
    assert.ok(Array.isArray(res.users), `no "users" array: ${JSON.stringify(res)}`);
    assert.deepEqual(res.users.map((u) => u.id), [state.userId]);
    assert.equal(res.users[0].name, kname);
    assert.ok(res.links && 'self' in res.links, `list links missing: ${JSON.stringify(res.links)}`);

    const both = await ok(client.keystoneListUsers(
      new iam.KeystoneListUsersRequest().withName(kname).withDomainId(IAM_TENANT).withEnabled(true)),
      'keystoneListUsers(name, domain_id, enabled)');
    assert.deepEqual(both.users.map((u) => u.id), [state.userId]);

    const none = await ok(client.keystoneListUsers(
      new iam.KeystoneListUsersRequest().withName(`nosuch${SUFFIX}`)), 'keystoneListUsers(unknown name)');
    assert.deepEqual(none.users, []);
  });

  test('keystoneUpdateUserByAdmin: disable, then show says enabled false', async () => {
    assert.ok(state.userId, 'needs the user from keystoneCreateUser');
    const body = new iam.KeystoneUpdateUserByAdminRequestBody()
      .withUser(new iam.KeystoneUpdateUserOption().withEnabled(false));
    const res = await ok(client.keystoneUpdateUserByAdmin(
      new iam.KeystoneUpdateUserByAdminRequest().withUserId(state.userId).withBody(body)),
      'keystoneUpdateUserByAdmin');
    assert.equal(res.httpStatusCode, 200);
    assert.equal(res.user.id, state.userId);
    assert.equal(res.user.enabled, false);

    const shown = await ok(client.keystoneShowUser(new iam.KeystoneShowUserRequest().withUserId(state.userId)),
                           'keystoneShowUser after disable');
    assert.equal(shown.user.enabled, false);

    const listed = await ok(client.keystoneListUsers(
      new iam.KeystoneListUsersRequest().withName(kname).withEnabled(true)), 'keystoneListUsers(enabled=true)');
    assert.deepEqual(listed.users, [], 'a disabled user is listed under enabled=true');
  });

  test('createUser (v3.0 OS-USER) with email, areacode and phone: 201', async () => {
    const opt = new iam.CreateUserOption()
      .withName(hname).withDomainId(IAM_TENANT).withPassword(PASSWORD).withEnabled(true)
      .withEmail(email).withAreacode('0086').withPhone(phone).withDescription('v3.0 user');
    const res = await ok(client.createUser(
      new iam.CreateUserRequest().withBody(new iam.CreateUserRequestBody().withUser(opt))), 'createUser');
    assert.equal(res.httpStatusCode, 201, JSON.stringify(res));
    const u = res.user;
    assert.ok(u && typeof u.id === 'string' && u.id.length > 0, `no user id: ${JSON.stringify(res)}`);
    assert.equal(u.name, hname);
    assert.equal(u.domain_id, IAM_TENANT);
    assert.equal(u.enabled, true);
    assert.equal(u.email, email);
    assert.equal(u.phone, phone);
    // Huawei writes the country code as "0086"; any spelling of 86 is the same code.
    assert.equal(String(u.areacode).replace(/^\+?0*/, ''), '86', `areacode ${JSON.stringify(u.areacode)}`);
    assert.ok(!('password' in u), 'the password is echoed back');
    state.hwUserId = u.id;
  });

  test('showUser (v3.0 OS-USER): 200 with the contact fields', async () => {
    assert.ok(state.hwUserId, 'needs the user from createUser');
    const res = await ok(client.showUser(new iam.ShowUserRequest().withUserId(state.hwUserId)), 'showUser');
    assert.equal(res.httpStatusCode, 200);
    assert.equal(res.user.id, state.hwUserId);
    assert.equal(res.user.name, hname);
    assert.equal(res.user.email, email);
    assert.equal(res.user.phone, phone);
  });

  test('updateUser (v3.0 OS-USER PUT): the description changes', async () => {
    assert.ok(state.hwUserId, 'needs the user from createUser');
    const body = new iam.UpdateUserRequestBody().withUser(new iam.UpdateUserOption().withDescription('changed'));
    const res = await ok(client.updateUser(new iam.UpdateUserRequest().withUserId(state.hwUserId).withBody(body)),
                         'updateUser');
    assert.equal(res.httpStatusCode, 200);
    assert.equal(res.user.id, state.hwUserId);
    assert.equal(res.user.description, 'changed');
    const shown = await ok(client.keystoneShowUser(new iam.KeystoneShowUserRequest().withUserId(state.hwUserId)),
                           'keystoneShowUser of the v3.0 user');
    assert.equal(shown.user.description, 'changed');
    assert.equal(shown.user.enabled, true);
  });

  test('createPermanentAccessKey: access + secret, and the new key signs requests', async () => {
    assert.ok(state.hwUserId, 'needs the user from createUser');
    const body = new iam.CreatePermanentAccessKeyRequestBody().withCredential(
      new iam.CreateCredentialOption().withUserId(state.hwUserId).withDescription('e2e key'));
    const res = await ok(client.createPermanentAccessKey(new iam.CreatePermanentAccessKeyRequest().withBody(body)),
                         'createPermanentAccessKey');
    assert.equal(res.httpStatusCode, 201, JSON.stringify({ ...res, credential: res.credential && '<hidden>' }));
    const c = res.credential;
    assert.ok(c && typeof c.access === 'string' && c.access.length > 0, 'no access key returned');
    assert.ok(typeof c.secret === 'string' && c.secret.length > 0, 'no secret returned');
    assert.notEqual(c.access, IAM_AK);
    assert.equal(c.user_id, state.hwUserId);
    state.ak = c.access;
    state.sk = c.secret;

    // The new key's signature must be accepted: anything but 401. The user has
    // no grants, so 403 is acceptable; a 2xx must show the right user.
    const own = makeClient(c.access, c.secret);
    try {
      const shown = await own.keystoneShowUser(new iam.KeystoneShowUserRequest().withUserId(state.hwUserId));
      assert.ok(shown.httpStatusCode >= 200 && shown.httpStatusCode < 300);
      assert.equal(shown.user.id, state.hwUserId);
    } catch (e) {
      if (e instanceof assert.AssertionError) throw e;
      assert.notEqual(e.httpStatusCode, 401, `the new AK/SK was not accepted: ${describeError(e)}`);
      assert.equal(e.httpStatusCode, 403, `unexpected error with the new AK/SK: ${describeError(e)}`);
    }

    // And with the right AK but a wrong SK it is 401.
    const wrong = makeClient(c.access, c.secret.slice(0, -1) + (c.secret.endsWith('A') ? 'B' : 'A'));
    await rejectsWith(wrong.keystoneShowUser(new iam.KeystoneShowUserRequest().withUserId(state.hwUserId)),
                      401, 'new AK with a wrong SK');
  });

  test('listPermanentAccessKeys: the new key is listed without its secret', async () => {
    assert.ok(state.ak, 'needs the key from createPermanentAccessKey');
    const res = await ok(client.listPermanentAccessKeys(
      new iam.ListPermanentAccessKeysRequest().withUserId(state.hwUserId)), 'listPermanentAccessKeys');
    assert.equal(res.httpStatusCode, 200);
    assert.ok(Array.isArray(res.credentials), `no "credentials" array: ${JSON.stringify(res)}`);
    const mine = res.credentials.filter((k) => k.access === state.ak);
    assert.equal(mine.length, 1, `key ${state.ak} not listed once: ${JSON.stringify(res.credentials)}`);
    assert.ok(!mine[0].secret, 'the list shows the secret');
    assert.equal(mine[0].user_id, state.hwUserId);
    assert.equal(mine[0].status, 'active');
    assert.equal(mine[0].description, 'e2e key', 'the list loses the description given at creation');
  });

  test('deletePermanentAccessKey: 204, then the key is refused with 401', async () => {
    assert.ok(state.ak, 'needs the key from createPermanentAccessKey');
    const res = await ok(client.deletePermanentAccessKey(
      new iam.DeletePermanentAccessKeyRequest().withAccessKey(state.ak)), 'deletePermanentAccessKey');
    assert.equal(res.httpStatusCode, 204);
    const gone = makeClient(state.ak, state.sk);
    await rejectsWith(gone.keystoneShowUser(new iam.KeystoneShowUserRequest().withUserId(state.hwUserId)),
                      401, 'a deleted AK');
  });

  test('keystoneCreateGroup: 201 with id and echoed name', async () => {
    const opt = new iam.KeystoneCreateGroupOption()
      .withName(gname).withDomainId(IAM_TENANT).withDescription('e2e group');
    const res = await ok(client.keystoneCreateGroup(
      new iam.KeystoneCreateGroupRequest().withBody(new iam.KeystoneCreateGroupRequestBody().withGroup(opt))),
      'keystoneCreateGroup');
    assert.equal(res.httpStatusCode, 201, JSON.stringify(res));
    assert.ok(res.group && typeof res.group.id === 'string' && res.group.id.length > 0,
              `no group id: ${JSON.stringify(res)}`);
    assert.equal(res.group.name, gname);
    assert.equal(res.group.domain_id, IAM_TENANT);
    state.groupId = res.group.id;
  });

  test('keystoneAddUserToGroup: 204', async () => {
    assert.ok(state.groupId && state.hwUserId, 'needs the group and the v3.0 user');
    const res = await ok(client.keystoneAddUserToGroup(
      new iam.KeystoneAddUserToGroupRequest().withGroupId(state.groupId).withUserId(state.hwUserId)),
      'keystoneAddUserToGroup');
    assert.equal(res.httpStatusCode, 204);
    await rejectsWith(client.keystoneAddUserToGroup(
      new iam.KeystoneAddUserToGroupRequest().withGroupId(state.groupId).withUserId(`0${'f'.repeat(31)}`)),
      404, 'keystoneAddUserToGroup with an unknown user');
  });

  test('custom policies: created, granted to the group, its member acts by them until revoked', async () => {
    assert.ok(state.groupId && state.hwUserId, 'needs the group and its member');
    const policy = (actions) => new iam.ServicePolicy().withVersion('1.1')
      .withStatement([new iam.ServiceStatement().withAction(actions).withEffect('Allow')]);
    const made = await ok(client.createCloudServiceCustomPolicy(
      new iam.CreateCloudServiceCustomPolicyRequest().withBody(
        new iam.CreateCloudServiceCustomPolicyRequestBody().withRole(
          new iam.ServicePolicyRoleOption().withDisplayName(`lister${SUFFIX}`).withType('AX')
            .withDescription('lists users').withPolicy(policy(['iam:users:listUsers']))))),
      'createCloudServiceCustomPolicy');
    assert.equal(made.httpStatusCode, 201, JSON.stringify(made));
    const roleId = made.role.id;
    assert.equal(made.role.display_name, `lister${SUFFIX}`);
    const shown = await ok(client.showCustomPolicy(new iam.ShowCustomPolicyRequest().withRoleId(roleId)),
                           'showCustomPolicy');
    assert.equal(shown.role.description, 'lists users');
    const listed = await ok(client.listCustomPolicies(new iam.ListCustomPoliciesRequest()),
                            'listCustomPolicies');
    assert.ok(listed.roles.some((r) => r.id === roleId), JSON.stringify(listed));

    // The member's own key, made by the administrator.
    const key = await ok(client.createPermanentAccessKey(new iam.CreatePermanentAccessKeyRequest().withBody(
      new iam.CreatePermanentAccessKeyRequestBody().withCredential(
        new iam.CreateCredentialOption().withUserId(state.hwUserId)))), 'createPermanentAccessKey');
    const member = makeClient(key.credential.access, key.credential.secret);
    await rejectsWith(member.keystoneListUsers(new iam.KeystoneListUsersRequest()), 403, 'before the grant');

    const grant = (req) => req.withDomainId(IAM_TENANT).withGroupId(state.groupId).withRoleId(roleId);
    const granted = await ok(client.keystoneAssociateGroupWithDomainPermission(
      grant(new iam.KeystoneAssociateGroupWithDomainPermissionRequest())), 'grant');
    assert.equal(granted.httpStatusCode, 204);
    const held = await ok(client.keystoneListDomainPermissionsForGroup(
      new iam.KeystoneListDomainPermissionsForGroupRequest().withDomainId(IAM_TENANT).withGroupId(state.groupId)),
      'keystoneListDomainPermissionsForGroup');
    assert.deepEqual(held.roles.map((r) => r.id), [roleId]);
    const users = await ok(member.keystoneListUsers(new iam.KeystoneListUsersRequest()), 'after the grant');
    assert.equal(users.httpStatusCode, 200);

    // Edited to read only single users: listing is refused on the next call.
    await ok(client.updateCloudServiceCustomPolicy(new iam.UpdateCloudServiceCustomPolicyRequest()
      .withRoleId(roleId).withBody(new iam.UpdateCloudServiceCustomPolicyRequestBody().withRole(
        new iam.ServicePolicyRoleOption().withDisplayName(`lister${SUFFIX}`).withType('AX')
          .withPolicy(policy(['iam:users:getUser']))))), 'updateCloudServiceCustomPolicy');
    await rejectsWith(member.keystoneListUsers(new iam.KeystoneListUsersRequest()), 403, 'after the edit');

    await rejectsWith(client.deleteCustomPolicy(new iam.DeleteCustomPolicyRequest().withRoleId(roleId)),
                      409, 'deleting a granted policy');
    const revoked = await ok(client.keystoneRemoveDomainPermissionFromGroup(
      grant(new iam.KeystoneRemoveDomainPermissionFromGroupRequest())), 'revoke');
    assert.equal(revoked.httpStatusCode, 204);
    await ok(client.deleteCustomPolicy(new iam.DeleteCustomPolicyRequest().withRoleId(roleId)),
             'deleteCustomPolicy');
    await rejectsWith(client.showCustomPolicy(new iam.ShowCustomPolicyRequest().withRoleId(roleId)),
                      404, 'the deleted policy');
    await ok(client.deletePermanentAccessKey(
      new iam.DeletePermanentAccessKeyRequest().withAccessKey(key.credential.access)), 'deletePermanentAccessKey');
  });

  test('duplicate user name: 409 on /v3/users and on /v3.0/OS-USER/users', async () => {
    assert.ok(state.userId && state.hwUserId, 'needs both users');
    const ks = new iam.KeystoneCreateUserOption().withName(kname).withDomainId(IAM_TENANT).withPassword(PASSWORD);
    const e1 = await rejectsWith(client.keystoneCreateUser(
      new iam.KeystoneCreateUserRequest().withBody(new iam.KeystoneCreateUserRequestBody().withUser(ks))),
      409, 'keystoneCreateUser with a taken name');
    assert.ok(e1.errorMsg, 'no error message');

    const hw = new iam.CreateUserOption().withName(hname).withDomainId(IAM_TENANT).withPassword(PASSWORD);
    const e2 = await rejectsWith(client.createUser(
      new iam.CreateUserRequest().withBody(new iam.CreateUserRequestBody().withUser(hw))),
      409, 'createUser with a taken name');
    assert.match(String(e2.errorCode), /1109/, `v3.0 error_code ${describeError(e2)}`);

    // Nothing new was made: the name still lists one user.
    const listed = await ok(client.keystoneListUsers(new iam.KeystoneListUsersRequest().withName(kname)), 'list');
    assert.deepEqual(listed.users.map((u) => u.id), [state.userId]);
  });

  test('keystoneDeleteUser: 204, then show is 404', async () => {
    assert.ok(state.userId, 'needs the user from keystoneCreateUser');
    const res = await ok(client.keystoneDeleteUser(new iam.KeystoneDeleteUserRequest().withUserId(state.userId)),
                         'keystoneDeleteUser');
    assert.equal(res.httpStatusCode, 204);
    await rejectsWith(client.keystoneShowUser(new iam.KeystoneShowUserRequest().withUserId(state.userId)),
                      404, 'keystoneShowUser of a deleted user');
    await rejectsWith(client.keystoneDeleteUser(new iam.KeystoneDeleteUserRequest().withUserId(state.userId)),
                      404, 'keystoneDeleteUser twice');
    const listed = await ok(client.keystoneListUsers(new iam.KeystoneListUsersRequest().withName(kname)), 'list');
    assert.deepEqual(listed.users, []);
    if (state.hwUserId) {
      const r2 = await ok(client.keystoneDeleteUser(new iam.KeystoneDeleteUserRequest().withUserId(state.hwUserId)),
                          'keystoneDeleteUser of the v3.0 user');
      assert.equal(r2.httpStatusCode, 204);
    }
  });

  test('wrong SK: 401', async () => {
    const bad = makeClient(IAM_AK, IAM_SK.slice(0, -1) + (IAM_SK.endsWith('x') ? 'y' : 'x'));
    await rejectsWith(bad.keystoneListUsers(new iam.KeystoneListUsersRequest().withName(kname)),
                      401, 'keystoneListUsers with a wrong SK');
    const e = await rejectsWith(bad.keystoneCreateUser(new iam.KeystoneCreateUserRequest().withBody(
      new iam.KeystoneCreateUserRequestBody().withUser(
        new iam.KeystoneCreateUserOption().withName(`sdkbad${SUFFIX}`).withDomainId(IAM_TENANT).withPassword(PASSWORD)))),
      401, 'keystoneCreateUser with a wrong SK');
    assert.ok(e.errorMsg);
    const listed = await ok(client.keystoneListUsers(new iam.KeystoneListUsersRequest().withName(`sdkbad${SUFFIX}`)),
                            'list after the refused create');
    assert.deepEqual(listed.users, [], 'a request with a wrong signature created a user');

    const unknown = makeClient('UNKNOWNAK00000000000', IAM_SK);
    await rejectsWith(unknown.keystoneListUsers(new iam.KeystoneListUsersRequest()), 401, 'an unknown AK');
  });
});
