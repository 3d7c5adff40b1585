// End-to-end test of `iamctl serve` driven by the real Tencent Cloud Node SDK
// (tencentcloud-sdk-nodejs 4.1.313, pinned in package.json: the typed CAM
// client, TC3-HMAC-SHA256). tests/e2e/run.sh starts a server under the
// tencent profile and sets TC_URL, TC_AK, TC_SK (the key `iamctl bootstrap`
// made). The tests run in order and share the users they create.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';

const require = createRequire(import.meta.url);
const missing = ['TC_URL', 'TC_AK', 'TC_SK'].filter((k) => !process.env[k]);
if (missing.length) {
  throw new Error(`tencent_sdk.test.mjs: missing ${missing.join(', ')} (set by tests/e2e/run.sh)`);
}
const { TC_URL, TC_AK, TC_SK } = process.env;
const tc = require('tencentcloud-sdk-nodejs');

function cam(secretId, secretKey) {
  return new tc.cam.v20190116.Client({
    credential: { secretId, secretKey },
    region: 'ap-guangzhou',
    profile: { httpProfile: { endpoint: new URL(TC_URL).host, protocol: 'http://' } },
  });
}
const admin = cam(TC_AK, TC_SK);
const suffix = randomBytes(3).toString('hex');
const name = (base) => `${base}_${suffix}`;

async function rejectsWith(promise, code) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    assert.ok(e.requestId, 'the error carries the RequestId');
    return true;
  });
}

describe('Tencent CAM through tencentcloud-sdk-nodejs', () => {
  let alice;
  let quick;
  test('AddUser with a password and an access key; the new key signs its own calls', async () => {
    alice = await admin.AddUser({
      Name: name('alice'), Remark: 'first', ConsoleLogin: 1, UseApi: 1, Password: 'P@ssw0rd!23x',
      NeedResetPassword: 0, PhoneNum: '13800000000', CountryCode: '86', Email: `alice.${suffix}@example.com`,
    });
    assert.equal(alice.Name, name('alice'));
    assert.equal(typeof alice.Uin, 'number');
    assert.equal(alice.Password, undefined);
    assert.match(alice.SecretId, /^AKID[A-Za-z0-9]{32}$/);
    assert.equal(alice.SecretKey.length, 32);
    const self = await cam(alice.SecretId, alice.SecretKey).GetUser({ Name: name('alice') });
    assert.equal(self.Email, `alice.${suffix}@example.com`);
    assert.equal(self.ConsoleLogin, 1);
    assert.equal(self.Uin, alice.Uin);
  });

  test('AddUser with console login and no password generates one, shown once', async () => {
    const bob = await admin.AddUser({ Name: name('bob'), ConsoleLogin: 1 });
    assert.equal(bob.Password.length, 32);
    assert.equal(bob.SecretKey, undefined);
    const again = await admin.GetUser({ Name: name('bob') });
    assert.equal(again.Password, undefined);
  });

  test('a duplicate name is InvalidParameter.SubUserNameInUse', async () => {
    await rejectsWith(admin.AddUser({ Name: name('ALICE'), Email: `x.${suffix}@example.com` }),
                      'InvalidParameter.SubUserNameInUse');
  });

  test('a weak password and a bad name are refused with CAM codes', async () => {
    await rejectsWith(admin.AddUser({ Name: name('carol'), ConsoleLogin: 1, Password: 'weak' }),
                      'InvalidParameter.PasswordViolatedRules');
    await rejectsWith(admin.AddUser({ Name: 'bad name!', ConsoleLogin: 1 }),
                      'InvalidParameter.UserNameIllegal');
    await rejectsWith(admin.GetUser({ Name: name('carol') }), 'ResourceNotFound.UserNotExist');
  });

  test('ListUsers, UpdateUser', async () => {
    const list = await admin.ListUsers();
    assert.ok(list.Data.some((u) => u.Name === name('alice') && u.Uin === alice.Uin));
    await admin.UpdateUser({ Name: name('alice'), Remark: 'second' });
    assert.equal((await admin.GetUser({ Name: name('alice') })).Remark, 'second');
  });

  test('access keys: create for a user, list, delete', async () => {
    const made = await admin.CreateAccessKey({ TargetUin: alice.Uin, Description: 'ci' });
    assert.equal(made.AccessKey.SecretAccessKey.length, 32);
    assert.equal(made.AccessKey.Status, 'Active');
    const keys = await admin.ListAccessKeys({ TargetUin: alice.Uin });
    assert.equal(keys.AccessKeys.length, 2);
    assert.ok(keys.AccessKeys.every((k) => k.SecretAccessKey === undefined));
    await admin.DeleteAccessKey({ AccessKeyId: made.AccessKey.AccessKeyId, TargetUin: alice.Uin });
    assert.equal((await admin.ListAccessKeys({ TargetUin: alice.Uin })).AccessKeys.length, 1);
  });

  test('groups: CreateGroup, AddUserToGroup, ListGroups', async () => {
    const group = await admin.CreateGroup({ GroupName: name('ops'), Remark: 'on call' });
    assert.equal(typeof group.GroupId, 'number');
    await admin.AddUserToGroup({ Info: [{ GroupId: group.GroupId, Uin: alice.Uin }] });
    const groups = await admin.ListGroups({ Keyword: name('ops') });
    assert.equal(groups.TotalNum, 1);
    assert.equal(groups.GroupInfo[0].GroupId, group.GroupId);
    await rejectsWith(admin.CreateGroup({ GroupName: name('ops') }), 'InvalidParameter.GroupNameInUse');
  });

  test('BatchAddUsers (iamcore): up to 10 at once, all or none, quick creation', async () => {
    await rejectsWith(admin.request('BatchAddUsers', {
      Users: [{ Name: name('b1'), ConsoleLogin: 1 }, { Name: 'bad name', ConsoleLogin: 1 }],
    }), 'InvalidParameter.UserNameIllegal');
    await rejectsWith(admin.GetUser({ Name: name('b1') }), 'ResourceNotFound.UserNotExist');
    const batch = await admin.request('BatchAddUsers', {
      QuickCreate: 1, Users: [{ Name: name('b1'), ConsoleLogin: 1 }, { Name: name('b2'), UseApi: 1, ConsoleLogin: 1 }],
    });
    assert.equal(batch.Users.length, 2);
    assert.equal(batch.Users[0].Password.length, 32);
    assert.equal(batch.Users[1].SecretKey.length, 32);
    quick = batch.Users[1];
  });

  test('policies decide: a sub-user with none is refused, a quick-created one is an administrator', async () => {
    const alices = cam(alice.SecretId, alice.SecretKey);
    await rejectsWith(alices.AddUser({ Name: name('sneaky'), ConsoleLogin: 1 }),
                      'AuthFailure.UnauthorizedOperation');
    await rejectsWith(alices.ListUsers(), 'AuthFailure.UnauthorizedOperation');
    await rejectsWith(alices.DeleteUser({ Name: name('bob'), Force: 1 }), 'AuthFailure.UnauthorizedOperation');
    await rejectsWith(admin.GetUser({ Name: name('sneaky') }), 'ResourceNotFound.UserNotExist');
    assert.equal((await admin.GetUser({ Name: name('bob') })).Name, name('bob'));
    // Seed 001: quick-created users have AdministratorAccess by default.
    const made = await cam(quick.SecretId, quick.SecretKey).AddUser({ Name: name('byquick'), ConsoleLogin: 1 });
    assert.equal(made.Name, name('byquick'));
  });

  test('a policy allowing only GetUser, attached to the sub-user: it reads, never creates or deletes', async () => {
    const doc = JSON.stringify({ version: '2.0', statement: [
      { effect: 'allow', action: ['cam:GetUser'], resource: ['*'] }] });
    const { PolicyId } = await admin.CreatePolicy({ PolicyName: name('getonly'), PolicyDocument: doc,
                                                    Description: 'read sub-users' });
    assert.equal(typeof PolicyId, 'number');
    const got = await admin.GetPolicy({ PolicyId });
    assert.equal(got.PolicyName, name('getonly'));
    assert.equal(got.Type, 1);
    assert.equal(got.PolicyDocument, doc);
    const local = await admin.ListPolicies({ Scope: 'Local', Keyword: name('getonly') });
    assert.equal(local.TotalNum, 1);
    assert.equal(local.List[0].PolicyId, PolicyId);
    await admin.AttachUserPolicy({ PolicyId, AttachUin: alice.Uin });
    const alices = cam(alice.SecretId, alice.SecretKey);
    assert.equal((await alices.GetUser({ Name: name('bob') })).Name, name('bob'));
    await rejectsWith(alices.AddUser({ Name: name('sneaky2'), ConsoleLogin: 1 }),
                      'AuthFailure.UnauthorizedOperation');
    await rejectsWith(alices.DeleteUser({ Name: name('bob'), Force: 1 }),
                      'AuthFailure.UnauthorizedOperation');
    // Edited: the next call is decided by the new version.
    await admin.UpdatePolicy({ PolicyId, PolicyDocument: JSON.stringify({ version: '2.0', statement: [
      { effect: 'allow', action: ['cam:ListUsers'], resource: ['*'] }] }) });
    await rejectsWith(alices.GetUser({ Name: name('bob') }), 'AuthFailure.UnauthorizedOperation');
    assert.ok((await alices.ListUsers()).Data.length >= 2);
    await rejectsWith(admin.DeletePolicy({ PolicyId: [PolicyId] }), 'ResourceInUse');
    await admin.DetachUserPolicy({ PolicyId, DetachUin: alice.Uin });
    await admin.DeletePolicy({ PolicyId: [PolicyId] });
    await rejectsWith(admin.GetPolicy({ PolicyId }), 'ResourceNotFound.PolicyIdNotFound');
  });

  test('an explicit Deny on every user beats AdministratorAccess', async () => {
    const quicks = cam(quick.SecretId, quick.SecretKey);
    const deny = JSON.stringify({ version: '2.0', statement: [
      { effect: 'deny', action: ['cam:AddUser', 'cam:DeleteUser'], resource: ['qcs::cam::uin/*:uin/*'] }] });
    const { PolicyId } = await admin.CreatePolicy({ PolicyName: name('nousers'), PolicyDocument: deny });
    await admin.AttachUserPolicy({ PolicyId, AttachUin: quick.Uin });
    await rejectsWith(quicks.AddUser({ Name: name('denied'), ConsoleLogin: 1 }),
                      'AuthFailure.UnauthorizedOperation');
    await rejectsWith(quicks.DeleteUser({ Name: name('byquick'), Force: 1 }),
                      'AuthFailure.UnauthorizedOperation');
    assert.equal((await quicks.GetUser({ Name: name('byquick') })).Name, name('byquick'));
    await admin.DetachUserPolicy({ PolicyId, DetachUin: quick.Uin });
    assert.equal((await quicks.AddUser({ Name: name('allowed'), ConsoleLogin: 1 })).Name, name('allowed'));
  });

  test('DeleteUser refuses a user with keys unless Force is 1', async () => {
    await rejectsWith(admin.DeleteUser({ Name: name('alice') }), 'OperationDenied.HaveKeys');
    await admin.DeleteUser({ Name: name('alice'), Force: 1 });
    await rejectsWith(admin.GetUser({ Name: name('alice') }), 'ResourceNotFound.UserNotExist');
  });

  test('a wrong secret and an unknown SecretId are refused', async () => {
    await rejectsWith(cam(TC_AK, 'x'.repeat(32)).ListUsers(), 'AuthFailure.SignatureFailure');
    await rejectsWith(cam('AKID' + 'x'.repeat(32), TC_SK).ListUsers(), 'AuthFailure.SecretIdNotFound');
    // The deleted user's key went with it.
    await rejectsWith(cam(alice.SecretId, alice.SecretKey).ListUsers(), 'AuthFailure.SecretIdNotFound');
  });
});
