// The console in a real browser: Debian's headless Chromium driven by
// playwright-core (pinned in package.json; no browser download), against the
// `iamctl serve` that tests/e2e/run.sh starts. Environment: IAM_URL,
// IAM_TENANT, IAM_ADMIN, IAM_PASSWORD (the first tenant's administrator),
// IAM_TENANT2, IAM_ADMIN2, IAM_PASSWORD2 (a second tenant's), IAM_CHROMIUM
// (default /usr/bin/chromium), IAM_SCREENSHOTS (where each page's picture is
// kept as a test artifact).
//
// The tests run in order and share the first administrator's page: users are
// created with each password type and with an access key, the rule list is
// watched while typing, the key file is downloaded and read, a user is found,
// disabled, its audit log read, and deleted; the second tenant's
// administrator then sees none of it.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const REQUIRED = ['IAM_URL', 'IAM_TENANT', 'IAM_ADMIN', 'IAM_PASSWORD', 'IAM_TENANT2', 'IAM_ADMIN2',
  'IAM_PASSWORD2', 'IAM_SCREENSHOTS'];
const missing = REQUIRED.filter((k) => !process.env[k]);
if (missing.length) {
  throw new Error(`console.test.mjs: missing environment variables: ${missing.join(', ')} ` +
                  '(set by tests/e2e/run.sh)');
}
const env = process.env;
const CONSOLE = `${env.IAM_URL}/console/`;
const suffix = Date.now().toString(36).slice(-5);
const names = {
  link: `link.${suffix}`, generated: `gen.${suffix}`, manual: `manual.${suffix}`,
  quick: `quick.${suffix}`, batch2: `second.${suffix}`,
};
const STRONG = 'Harbor-Lights7!q';

let browser;
let context;
let page;
const pageErrors = [];

async function shot(name) {
  mkdirSync(env.IAM_SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(env.IAM_SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function signIn(p, tenant, identifier, password) {
  await p.goto(CONSOLE);
  await p.getByLabel('Account ID').waitFor();
  // By keyboard, as a user without a mouse would.
  await p.getByLabel('Account ID').focus();
  await p.keyboard.type(tenant);
  await p.keyboard.press('Tab');
  await p.keyboard.type(identifier);
  await p.keyboard.press('Tab');
  await p.keyboard.type(password);
  await p.keyboard.press('Enter');
}

// Fills one user row of the Create User form (rows count from 0).
async function fillRow(index, username, email) {
  await page.getByLabel(`User name, user ${index + 1}`, { exact: true }).fill(username);
  if (email) await page.getByLabel(`Email, user ${index + 1}`, { exact: true }).fill(email);
}

async function createUsers() {
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByRole('heading', { name: 'Users created' }).waitFor();
}

async function downloadCsv() {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download credentials (CSV)' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'credentials.csv');
  const text = readFileSync(await download.path(), 'utf8');
  return text.trim().split('\r\n').map((line) => line.split(',').map((v) => JSON.parse(v)));
}

async function openUser(name) {
  await page.goto(`${CONSOLE}#/users`);
  await page.getByLabel('Search by user name').fill(name);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.locator(`tr[data-user="${name}"]`).waitFor();
}

describe('the console in Chromium', () => {
  before(async () => {
    browser = await chromium.launch({
      executablePath: env.IAM_CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox'],  // root in CI
    });
    context = await browser.newContext({ acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
  });
  after(async () => { await browser?.close(); });

  test('is served with its security headers, from this origin only', async () => {
    const response = await page.goto(CONSOLE);
    const h = response.headers();
    assert.match(h['content-security-policy'], /script-src 'self'/);
    assert.doesNotMatch(h['content-security-policy'], /unsafe-inline/);
    assert.equal(h['x-frame-options'], 'DENY');
    assert.equal(h['x-content-type-options'], 'nosniff');
    // No inline script: every script is a file.
    assert.equal(await page.locator('script:not([src])').count(), 0);
  });

  test('a wrong password is refused and named in an alert', async () => {
    await signIn(page, env.IAM_TENANT, env.IAM_ADMIN, 'Not-The-Password1');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /wrong/);
    await shot('sign-in-refused');
  });

  test('signs in; the session cookie is HttpOnly and SameSite=Strict', async () => {
    await signIn(page, env.IAM_TENANT, env.IAM_ADMIN, env.IAM_PASSWORD);
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    const cookie = (await context.cookies()).find((c) => c.name === 'iam_console');
    assert.ok(cookie, 'no session cookie');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    // The page's scripts cannot read it.
    assert.doesNotMatch(await page.evaluate(() => document.cookie), /iam_console/);
    await shot('users');
  });

  test('a change without the CSRF token is refused', async () => {
    const status = await page.evaluate(async () => (await fetch('/v3/groups', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ group: { name: 'forged' } }),
    })).status);
    assert.equal(status, 403);
  });

  test('creates a user group', async () => {
    await page.getByRole('link', { name: 'User groups' }).click();
    await page.getByLabel('Name', { exact: true }).fill(`ops.${suffix}`);
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.getByRole('cell', { name: `ops.${suffix}` }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill(`audit.${suffix}`);
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.getByRole('cell', { name: `audit.${suffix}` }).waitFor();
    await shot('groups');
  });

  test('creates a user whose password is set at first login through an emailed link', async () => {
    await page.goto(`${CONSOLE}#/create`);
    await fillRow(0, names.link, `${names.link}@example.com`);
    await page.getByLabel('Set by the user at first login').check();
    // The keyword filter finds the group; the user joins it.
    await page.getByLabel('Filter groups by keyword').fill(`ops.${suffix}`);
    assert.equal(await page.locator('#group-choices li:not([hidden])').count(), 1);
    await page.getByLabel(`ops.${suffix}`).check();
    await shot('create-user');
    await createUsers();
    assert.match(await page.locator('#created-list').textContent(), /first-login link was sent/);
    // No password and no key: nothing to download.
    assert.equal(await page.locator('#download-box').isHidden(), true);
  });

  test('creates two users at once with generated passwords and access keys; the file is offered once', async () => {
    await page.goto(`${CONSOLE}#/create`);
    await fillRow(0, names.generated);
    await page.getByRole('button', { name: 'Add user' }).click();
    await fillRow(1, names.batch2);
    await page.getByLabel('Programmatic access').check();
    await page.getByLabel('Automatically generated').check();
    await createUsers();
    await shot('users-created');
    const rows = await downloadCsv();
    assert.deepEqual(rows[0], ['User Name', 'Password', 'Access Key Id', 'Secret Access Key']);
    assert.deepEqual(rows.slice(1).map((r) => r[0]).sort(), [names.batch2, names.generated].sort());
    for (const [, password, ak, sk] of rows.slice(1)) {
      assert.ok(password.length >= 8, password);
      assert.match(ak, /^[A-Z0-9]{20}$/);
      assert.match(sk, /^[A-Za-z0-9]{40}$/);
    }
    const button = page.getByRole('button', { name: /Downloaded/ });
    assert.equal(await button.isDisabled(), true);
    // The secrets are in no page text.
    const body = await page.locator('body').textContent();
    for (const [, password, , sk] of rows.slice(1)) {
      assert.ok(!body.includes(password) && !body.includes(sk));
    }
    names.generatedPassword = rows.find((r) => r[0] === names.generated)[1];
  });

  test('the new user signs in with the generated password and must reset it first', async () => {
    const other = await browser.newContext();
    const p = await other.newPage();
    await signIn(p, env.IAM_TENANT, names.generated, names.generatedPassword);
    const newPassword = p.getByLabel('New password');
    await newPassword.waitFor();
    await newPassword.fill('weak');
    await p.getByRole('button', { name: 'Sign in' }).click();
    // The engine's rule is shown on the field.
    await p.locator('#sign-in-new-password[aria-invalid="true"]').waitFor();
    await newPassword.fill(STRONG);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.locator('#who', { hasText: names.generated }).waitFor();
    await other.close();
  });

  test('the password field lists every unmet rule while typing', async () => {
    await page.goto(`${CONSOLE}#/create`);
    await fillRow(0, names.manual, `${names.manual}@example.com`);
    await page.getByLabel('Set now').check();
    const password = page.getByLabel('Password', { exact: true });
    await password.pressSequentially('abc');
    await page.locator('#password-violations li[data-reason="password.too_short"]').waitFor();
    const reasons = await page.locator('#password-violations li').evaluateAll(
      (items) => items.map((i) => i.dataset.reason));
    assert.ok(reasons.includes('password.too_short'), reasons.join());
    assert.ok(reasons.includes('password.too_few_classes'), reasons.join());
    await shot('password-rules');
    await password.fill('');
    await password.pressSequentially(STRONG);
    await page.locator('#password-verdict', { hasText: 'meets every rule' }).waitFor();
    await page.getByLabel('Require a password reset').uncheck();
    await createUsers();
    assert.equal(await page.locator('#download-box').isHidden(), true);
  });

  test('quick creation makes an administrator with a generated password', async () => {
    await page.goto(`${CONSOLE}#/create`);
    await page.getByLabel('Quick creation').check();
    await fillRow(0, names.quick, `${names.quick}@example.com`);
    await page.getByLabel('Send each new user their sign-in information by email').check();
    await createUsers();
    const rows = await downloadCsv();
    assert.equal(rows[1][0], names.quick);
    assert.ok(rows[1][1].length >= 8);
  });

  test('pages through the users of a search, 20 at a time', async () => {
    // 25 users in three batches (10, 10, 5), programmatic only: no password.
    for (const [first, count] of [[0, 10], [10, 10], [20, 5]]) {
      await page.goto(`${CONSOLE}#/users`);
      await page.goto(`${CONSOLE}#/create`);
      for (let i = 1; i < count; i++) await page.getByRole('button', { name: 'Add user' }).click();
      for (let i = 0; i < count; i++) await fillRow(i, `pg${suffix}.${String(first + i).padStart(2, '0')}`);
      await page.getByLabel('Management console access').uncheck();
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      await page.getByRole('heading', { name: 'Users created' }).waitFor();
      assert.equal(await page.locator('#created-list li').count(), count);
    }
    await page.goto(`${CONSOLE}#/users`);
    await page.getByLabel('Search by user name').fill(`pg${suffix}`);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('#user-count', { hasText: '25 users' }).waitFor();
    const rows = page.locator('#user-table tbody tr');
    assert.equal(await rows.count(), 20);
    assert.equal(await page.getByRole('button', { name: 'Previous' }).isDisabled(), true);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('#page-number', { hasText: 'Page 2' }).waitFor();
    assert.deepEqual(await rows.evaluateAll((r) => r.map((x) => x.dataset.user)),
      [20, 21, 22, 23, 24].map((i) => `pg${suffix}.${i}`));
    assert.equal(await page.getByRole('button', { name: 'Next' }).isDisabled(), true);
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.locator('#page-number', { hasText: 'Page 1' }).waitFor();
    assert.equal(await rows.count(), 20);
  });

  test('an invalid row is refused with the error on its field, and nothing is created', async () => {
    await page.goto(`${CONSOLE}#/create`);
    await fillRow(0, `fine.${suffix}`, `fine.${suffix}@example.com`);
    await page.getByRole('button', { name: 'Add user' }).click();
    await fillRow(1, 'x');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const bad = page.getByLabel('User name, user 2', { exact: true });
    await page.locator('#row-1-username[aria-invalid="true"]').waitFor();
    assert.match(await page.locator('#row-1-username-error').textContent(), /username/);
    // The first row is fine: only the second one is marked.
    assert.equal(await page.locator('[aria-invalid="true"]').count(), 1);
    assert.equal(await bad.evaluate((e) => e === document.activeElement), true,
      await page.evaluate(() => document.activeElement?.outerHTML));
    await shot('create-refused');
    await page.goto(`${CONSOLE}#/users`);
    await page.getByLabel('Search by user name').fill(`fine.${suffix}`);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('#user-count', { hasText: '0 users' }).waitFor();
  });

  test('finds a user, disables it, reads its groups, keys and audit log, then deletes it', async () => {
    await openUser(names.link);
    await page.locator(`tr[data-user="${names.link}"]`).getByRole('link', { name: names.link }).click();
    await page.getByRole('heading', { name: names.link }).waitFor();
    await page.locator('#user-groups', { hasText: `ops.${suffix}` }).waitFor();
    // An access key made here is downloaded once.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Create access key' }).click(),
    ]);
    const lines = readFileSync(await download.path(), 'utf8').trim().split('\r\n');
    assert.equal(lines.length, 2);
    assert.match(lines[1], new RegExp(`^"${names.link.replace('.', '\\.')}","[A-Z0-9]{20}","[A-Za-z0-9]{40}"$`));
    await page.locator('#key-table tbody tr').first().waitFor();

    await openUser(names.link);
    const row = page.locator(`tr[data-user="${names.link}"]`);
    await row.getByRole('button', { name: 'Disable' }).click();
    await row.getByRole('cell', { name: 'Disabled' }).waitFor();
    await row.getByRole('link', { name: names.link }).click();
    await page.getByRole('heading', { name: names.link }).waitFor();
    for (const action of ['iam:CreateUser', 'iam:DisableUser']) {
      await page.locator(`#event-table tr[data-action="${action}"]`).first().waitFor();
    }
    await shot('user-detail');
    await page.getByRole('button', { name: 'Delete user' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    await page.getByRole('heading', { name: 'Users', exact: true }).waitFor();
    await page.getByLabel('Search by user name').fill(names.link);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('#user-count', { hasText: '0 users' }).waitFor();
  });

  test('the password policy settings are shown, refused on their field when out of range, saved, and applied', async () => {
    await page.getByRole('link', { name: 'Password policy' }).click();
    const minimum = page.getByLabel('Minimum length (characters)');
    await page.locator('#policy-facts', { hasText: 'Maximum length' }).waitFor();
    assert.equal(await minimum.inputValue(), '6');
    const validity = page.getByLabel('Validity period (days; 0: unlimited)');
    await validity.fill('999');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#policy-password_validity_period[aria-invalid="true"]').waitFor();
    assert.match(await page.locator('#policy-password_validity_period-error').textContent(), /0 to 180/);
    await validity.fill('90');
    await minimum.fill('10');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'saved' }).waitFor();
    await shot('password-policy');
    // The rule list of Create User now asks for 10 characters.
    await page.goto(`${CONSOLE}#/create`);
    await fillRow(0, `policy.${suffix}`);
    await page.getByLabel('Set now').check();
    await page.getByLabel('Password', { exact: true }).pressSequentially('Abcdefg1!');
    await page.locator('#password-violations li', { hasText: '10 to' }).waitFor();
    // Back to the profile's, for whatever runs next on this server.
    await page.goto(`${CONSOLE}#/policy`);
    await minimum.fill('6');
    await validity.fill('0');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'saved' }).waitFor();
  });

  test('another tenant\'s administrator sees none of it', async () => {
    const other = await browser.newContext();
    const p = await other.newPage();
    await signIn(p, env.IAM_TENANT2, env.IAM_ADMIN2, env.IAM_PASSWORD2);
    await p.getByRole('heading', { name: 'Users' }).waitFor();
    await p.locator('#user-count', { hasText: '1 user' }).waitFor();
    const listed = await p.locator('#user-table tbody tr').evaluateAll(
      (rows) => rows.map((r) => r.dataset.user));
    assert.deepEqual(listed, [env.IAM_ADMIN2]);
    const groups = await p.evaluate(async () => (await (await fetch('/v3/groups')).json()).groups);
    assert.deepEqual(groups, []);
    await other.close();
  });

  test('signs out: the session ends', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Account ID').waitFor();
    const status = await page.evaluate(async () => (await fetch('/v3/users')).status);
    assert.equal(status, 401);
    assert.deepEqual(pageErrors.filter((e) => !/401|403|40\d/.test(e)), []);
  });
});
