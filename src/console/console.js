// iamcore console. It calls the same HTTP APIs as any client: Keystone's and
// Huawei's (users, groups, access keys, events), iamcore's batch create,
// password check and password policy. The session is an HttpOnly cookie; every
// change carries the CSRF token the sign-in answered. No rule is checked here:
// the engine's answers are shown, each tied to its field. Nothing a server
// sent is ever parsed as HTML (textContent only).

const $ = (selector, root = document) => root.querySelector(selector);
let session = null;  // {user: {id, name}, domain_id, csrf_token}
let groupsCache = null;

class ApiError extends Error {
  constructor(status, data) {
    super(messageOf(data) || `The server answered ${status}.`);
    this.status = status;
    this.data = data;
  }
}

function messageOf(data) {
  if (!data) return '';
  if (data.error && data.error.message) return data.error.message;  // Keystone
  if (data.error_msg) return data.error_msg;  // Huawei
  return data.message || '';
}

async function api(method, path, body) {
  const headers = {Accept: 'application/json'};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && session) headers['X-CSRF-Token'] = session.csrf_token;
  const response = await fetch(path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (response.status === 401 && !path.startsWith('/console/api/session')) {
    session = null;
    go('#/signin');
  }
  return {status: response.status, ok: response.ok, data};
}

async function call(method, path, body) {
  const r = await api(method, path, body);
  if (!r.ok) throw new ApiError(r.status, r.data);
  return r.data;
}

function say(text) { $('#status').textContent = text; }

function go(hash) {
  if (location.hash === hash) route(); else location.hash = hash;
}

// Shows a view and returns its own element: a view's late answers (a list
// loaded after the user moved on) then land in a detached element, never in
// the view that replaced it.
function show(templateId) {
  const main = $('#main');
  const view = el('div', {class: 'view'});
  view.append($(templateId).content.cloneNode(true));
  main.replaceChildren(view);
  main.focus();
  return view;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v; else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function when(t) { return t ? new Date(t).toLocaleString() : '—'; }

// An engine message reads "field: what is wrong"; the field names an input.
function fieldError(input, message) {
  const id = input.getAttribute('aria-describedby')?.split(' ').pop() || '';
  const target = id ? (input.closest('.view') || document).querySelector(`#${CSS.escape(id)}`) : null;
  input.setAttribute('aria-invalid', 'true');
  if (target && target.classList.contains('field-error')) {
    target.textContent = message;
  } else {
    const p = el('p', {class: 'field-error', id: `${input.id || input.name}-error-${Math.random().toString(36).slice(2)}`}, message);
    input.after(p);
    input.setAttribute('aria-describedby', p.id);
  }
}

function clearErrors(form) {
  for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
  for (const p of form.querySelectorAll('.field-error')) p.textContent = '';
  const formError = form.querySelector('.form-error');
  if (formError) { formError.hidden = true; formError.textContent = ''; }
}

function formError(form, message) {
  const p = form.querySelector('.form-error');
  p.textContent = message;
  p.hidden = false;
  p.focus?.();
}

function confirmDialog(text) {
  const dialog = $('#confirm');
  $('#confirm-text').textContent = text;
  return new Promise(resolve => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), {once: true});
    dialog.showModal();
    $('#confirm-ok').focus();
  });
}

// A one-time download: the CSV is built, offered, and dropped.
function download(filename, rows) {
  const quote = v => `"${String(v ?? '').replaceAll('"', '""')}"`;
  const csv = rows.map(r => r.map(quote).join(',')).join('\r\n') + '\r\n';
  const url = URL.createObjectURL(new Blob([csv], {type: 'text/csv'}));
  const a = el('a', {href: url, download: filename});
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// --- Sign in and out.

async function viewSignIn() {
  const main = show('#view-sign-in');
  const form = $('#sign-in-form', main);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    clearErrors(form);
    const data = Object.fromEntries(new FormData(form));
    if (!data.new_password) delete data.new_password;
    const r = await api('POST', '/console/api/session', {session: data});
    if (r.ok) {
      session = r.data;
      form.reset();
      go('#/users');
      return;
    }
    if (r.data?.error?.message?.startsWith('session.new_password') || r.status === 409 ||
        (r.status === 412)) {
      $('#sign-in-reset', main).hidden = false;
      const input = $('#sign-in-new-password', main);
      if (data.new_password) fieldError(input, messageOf(r.data));
      input.focus();
      return;
    }
    const message = messageOf(r.data);
    if (data.new_password && /password/.test(message) && !/wrong/.test(message)) {
      fieldError($('#sign-in-new-password', main), message);
    } else {
      formError(form, message || 'Sign-in failed.');
    }
  });
  $('#sign-in-domain', main).focus();
}

async function signOut() {
  await api('DELETE', '/console/api/session');
  session = null;
  go('#/signin');
}

// --- Users.

const pages = {markers: [''], index: 0, name: ''};

async function viewUsers() {
  const main = show('#view-users');
  $('#user-search-name', main).value = pages.name;
  $('#user-search', main).addEventListener('submit', event => {
    event.preventDefault();
    pages.name = $('#user-search-name', main).value.trim();
    pages.markers = [''];
    pages.index = 0;
    loadUsers(main);
  });
  $('#page-next', main).addEventListener('click', () => { pages.index += 1; loadUsers(main); });
  $('#page-previous', main).addEventListener('click', () => { pages.index -= 1; loadUsers(main); });
  await loadUsers(main);
}

async function loadUsers(main) {
  const query = new URLSearchParams({limit: '20'});
  if (pages.name) query.set('name__startswith', pages.name);
  if (pages.markers[pages.index]) query.set('marker', pages.markers[pages.index]);
  const data = await call('GET', `/v3/users?${query}`);
  const next = data.links?.next ? new URL(data.links.next).searchParams.get('marker') : '';
  pages.markers[pages.index + 1] = next;
  $('#user-count', main).textContent = `${data.total_number} user${data.total_number === 1 ? '' : 's'}`;
  $('#page-number', main).textContent = `Page ${pages.index + 1}`;
  $('#page-previous', main).disabled = pages.index === 0;
  $('#page-next', main).disabled = !next;
  const rows = data.users.map(u => el('tr', {'data-user': u.name},
    el('td', {}, el('a', {href: `#/users/${encodeURIComponent(u.id)}`}, u.name)),
    el('td', {class: u.enabled ? 'enabled' : 'disabled'}, u.enabled ? 'Enabled' : 'Disabled'),
    el('td', {}, u.email || '—'),
    el('td', {}, u.pwd_status ? 'Required' : 'No'),
    el('td', {},
      el('button', {type: 'button', onclick: () => setEnabled(u, !u.enabled).then(() => loadUsers(main))},
        u.enabled ? 'Disable' : 'Enable'), ' ',
      el('button', {type: 'button', class: 'danger', onclick: () => deleteUser(u).then(() => loadUsers(main))},
        'Delete'))));
  $('#user-table tbody', main).replaceChildren(...rows);
}

async function setEnabled(user, enabled) {
  await call('PUT', `/v3.0/OS-USER/users/${encodeURIComponent(user.id)}`, {user: {enabled}});
  say(`${user.name} is ${enabled ? 'enabled' : 'disabled'}.`);
}

async function deleteUser(user) {
  if (!await confirmDialog(`Delete user ${user.name}? Its access keys and group memberships go with it.`)) return false;
  await call('DELETE', `/v3/users/${encodeURIComponent(user.id)}`);
  say(`${user.name} was deleted.`);
  return true;
}

// --- Create User.

async function groups() {
  if (!groupsCache) groupsCache = (await call('GET', '/v3/groups')).groups;
  return groupsCache;
}

// Each row's inputs are named by their row ("User name, user 2") and carry
// their error paragraph's id; renumbered when a row goes.
function numberRows(tbody) {
  [...tbody.rows].forEach((row, index) => {
    for (const input of row.querySelectorAll('input')) {
      input.id = `row-${index}-${input.name}`;
      input.setAttribute('aria-label', `${input.dataset.label}, user ${index + 1}`);
      input.setAttribute('aria-describedby', `row-${index}-${input.name}-error`);
      input.nextElementSibling.id = `row-${index}-${input.name}-error`;
    }
    row.querySelector('button').setAttribute('aria-label', `Remove user ${index + 1}`);
  });
}

function addRow(tbody) {
  const cell = (name, label, type = 'text') => el('td', {},
    el('input', {name, type, 'data-label': label}), el('p', {class: 'field-error'}));
  const row = el('tr', {},
    cell('username', 'User name'), cell('email', 'Email', 'email'), cell('phone', 'Mobile number', 'tel'),
    el('td', {}, el('button', {type: 'button', onclick: () => {
      if (tbody.rows.length > 1) { row.remove(); numberRows(tbody); }
    }}, 'Remove')));
  tbody.append(row);
  numberRows(tbody);
  return row;
}

async function viewCreate() {
  const main = show('#view-create');
  const form = $('#create-form', main);
  const tbody = $('#user-rows tbody', main);
  const maxUsers = 10;
  addRow(tbody);
  $('#add-row', main).addEventListener('click', () => {
    if (tbody.rows.length >= maxUsers) { say(`At most ${maxUsers} users at once.`); return; }
    addRow(tbody).querySelector('input').focus();
  });
  const sync = () => {
    const quick = form.mode.value === 'quick';
    $('#custom-options', main).hidden = quick;
    const consoleAccess = form.console_access.checked;
    $('#password-options', main).disabled = !consoleAccess;
    $('#manual-password', main).hidden = form.password_mode.value !== 'manual';
  };
  form.addEventListener('change', sync);
  sync();

  // The rules, checked live by the server as the password is typed.
  let pending = 0;
  const passwordInput = $('#create-password', main);
  passwordInput.addEventListener('input', async () => {
    const ticket = ++pending;
    const first = tbody.rows[0];
    const body = {password_check: {password: passwordInput.value,
      user_name: first.querySelector('[name=username]').value,
      email: first.querySelector('[name=email]').value}};
    const r = await call('POST', '/v3.0/OS-SECURITYPOLICY/password-check', body);
    if (ticket !== pending) return;
    const verdict = $('#password-verdict', main);
    verdict.textContent = r.valid ? 'The password meets every rule.' : `${r.violations.length} rule${r.violations.length === 1 ? '' : 's'} not met:`;
    verdict.className = r.valid ? 'verdict-ok' : 'muted';
    $('#password-violations', main).replaceChildren(...r.violations.map(v => el('li', {'data-reason': v.reason}, v.message)));
  });

  const list = $('#group-choices', main);
  const all = await groups();
  list.replaceChildren(...all.map(g => el('li', {'data-name': g.name},
    el('label', {}, el('input', {type: 'checkbox', name: 'group', value: g.id}), ` ${g.name}`))));
  $('#group-filter', main).addEventListener('input', event => {
    const word = event.target.value.trim().toLowerCase();
    for (const li of list.children) li.hidden = word !== '' && !li.dataset.name.toLowerCase().includes(word);
  });

  form.addEventListener('submit', async event => {
    event.preventDefault();
    clearErrors(form);
    const quick = form.mode.value === 'quick';
    const users = [];
    for (const row of tbody.rows) {
      const value = name => row.querySelector(`[name=${name}]`).value.trim();
      const user = {username: value('username')};
      if (value('email')) user.email = value('email');
      if (value('phone')) user.phone = value('phone');
      if (form.send_email.checked) user.notify = ['email'];
      if (quick) {
        user.quick_create = true;
        user.password_mode = 'generated';
      } else {
        user.access_key = form.programmatic.checked;
        if (form.console_access.checked) {
          user.password_mode = form.password_mode.value;
          if (user.password_mode === 'manual') user.password = passwordInput.value;
          user.require_password_reset = form.require_reset.checked;
        }
        const chosen = [...form.querySelectorAll('[name=group]:checked')].map(c => c.value);
        if (chosen.length) user.groups = chosen;
      }
      users.push(user);
    }
    const r = await api('POST', '/v3.0/OS-USER/users/batch', {users});
    if (r.status === 201) {
      viewCreated(r.data.items.map(i => i.result));
      return;
    }
    const items = r.data?.items || [];
    let shown = false;
    for (const item of items) {
      if (!item.error || item.error.reason === 'batch.aborted') continue;
      const row = tbody.rows[item.index];
      const field = item.error.field || '';
      const input = field === 'password' ? passwordInput
        : row?.querySelector(`[name=${CSS.escape(field.replace(/^phone_region$/, 'phone'))}]`);
      if (input) { fieldError(input, item.error.message); shown = true; }
      else { formError(form, `User ${item.index + 1}: ${item.error.message}`); shown = true; }
    }
    if (!shown) {
      const message = messageOf(r.data) || 'The users were not created.';
      const match = /^users\[(\d+)\]\.(\w+)/.exec(message);
      const input = match && tbody.rows[+match[1]]?.querySelector(`[name=${match[2]}]`);
      if (input) fieldError(input, message); else formError(form, message);
    }
    form.querySelector('[aria-invalid=true]')?.focus();
  });
}

function viewCreated(results) {
  const main = show('#view-created');
  // Not a place to come back to: the secrets are offered once.
  history.replaceState(null, '', '#/created');
  groupsCache = null;
  $('#created-list', main).replaceChildren(...results.map(r => el('li', {},
    el('a', {href: `#/users/${encodeURIComponent(r.user.id)}`}, r.user.name),
    r.login_link_sent ? ' — a first-login link was sent by email' : '')));
  let rows = results.filter(r => r.generated_password || r.access_key?.secret).map(r =>
    [r.user.name, r.generated_password || '', r.access_key?.id || '', r.access_key?.secret || '']);
  results.length = 0;  // the secrets are kept only in the rows to download
  if (!rows.length) return;
  $('#download-box', main).hidden = false;
  const button = $('#download', main);
  button.addEventListener('click', () => {
    download('credentials.csv', [['User Name', 'Password', 'Access Key Id', 'Secret Access Key'], ...rows]);
    rows = [];
    button.disabled = true;
    button.textContent = 'Downloaded (not available again)';
    say('The credentials were downloaded; they cannot be shown again.');
  }, {once: true});
  button.focus();
}

// --- One user.

async function viewUser(id) {
  const main = show('#view-user');
  const path = `/v3.0/OS-USER/users/${encodeURIComponent(id)}`;
  const {user} = await call('GET', path);
  $('#user-title', main).textContent = user.name;
  const facts = [['User ID', user.id], ['Status', user.enabled ? 'Enabled' : 'Disabled'],
    ['Email', user.email || '—'], ['Mobile number', user.phone ? `+${user.areacode} ${user.phone}` : '—'],
    ['Access type', user.access_mode], ['Password reset required', user.pwd_status ? 'Yes' : 'No'],
    ['Created', when(user.create_time)]];
  $('#user-facts', main).replaceChildren(...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));

  const form = $('#modify-form', main);
  form.email.value = user.email || '';
  form.phone.value = user.phone || '';
  form.description.value = user.description || '';
  form.enabled.checked = user.enabled;
  form.addEventListener('submit', async event => {
    event.preventDefault();
    clearErrors(form);
    const body = {email: form.email.value.trim(), description: form.description.value,
      enabled: form.enabled.checked};
    if (form.phone.value.trim()) body.phone = form.phone.value.trim();
    const r = await api('PUT', path, {user: body});
    if (r.ok) { say('Saved.'); viewUser(id); return; }
    const message = messageOf(r.data);
    const match = /^user\.(\w+)/.exec(message);
    const input = match && form.elements[match[1]];
    if (input) fieldError(input, message); else formError(form, message);
  });

  const mine = (await call('GET', `/v3/users/${encodeURIComponent(id)}/groups`)).groups;
  $('#user-groups', main).replaceChildren(...(mine.length ? mine.map(g => el('li', {}, g.name, ' ',
    el('button', {type: 'button', onclick: async () => {
      await call('DELETE', `/v3/groups/${encodeURIComponent(g.id)}/users/${encodeURIComponent(id)}`);
      say(`Removed from ${g.name}.`);
      viewUser(id);
    }}, `Remove from ${g.name}`))) : [el('li', {class: 'muted'}, 'In no group.')]));
  const others = (await groups()).filter(g => !mine.some(m => m.id === g.id));
  $('#join-group', main).replaceChildren(...others.map(g => el('option', {value: g.id}, g.name)));
  $('#join-form', main).hidden = others.length === 0;
  $('#join-form', main).addEventListener('submit', async event => {
    event.preventDefault();
    const group = $('#join-group', main).value;
    await call('PUT', `/v3/groups/${encodeURIComponent(group)}/users/${encodeURIComponent(id)}`);
    say('Added to the group.');
    viewUser(id);
  });

  const keys = (await call('GET', `/v3.0/OS-CREDENTIAL/credentials?user_id=${encodeURIComponent(id)}`)).credentials;
  $('#key-table tbody', main).replaceChildren(...keys.map(k => el('tr', {},
    el('td', {}, k.access), el('td', {}, k.status), el('td', {}, when(k.create_time)),
    el('td', {}, k.last_use_time ? when(k.last_use_time) : 'Never'),
    el('td', {}, el('button', {type: 'button', class: 'danger', onclick: async () => {
      if (!await confirmDialog(`Delete access key ${k.access}?`)) return;
      await call('DELETE', `/v3.0/OS-CREDENTIAL/credentials/${encodeURIComponent(k.access)}`);
      viewUser(id);
    }}, 'Delete')))));
  $('#create-key', main).addEventListener('click', async () => {
    const {credential} = await call('POST', '/v3.0/OS-CREDENTIAL/credentials', {credential: {user_id: id}});
    download('credentials.csv', [['User Name', 'Access Key Id', 'Secret Access Key'],
      [user.name, credential.access, credential.secret]]);
    say('The access key was downloaded; its secret cannot be shown again.');
    viewUser(id);
  });

  const {events} = await call('GET', `${path}/events?limit=50`);
  $('#event-table tbody', main).replaceChildren(...events.map(e => el('tr', {'data-action': e.action},
    el('td', {}, when(e.time)), el('td', {}, e.action), el('td', {}, e.outcome + (e.reason ? ` (${e.reason})` : '')),
    el('td', {}, e.actor || '—'), el('td', {}, e.source || '—'))));

  $('#delete-user', main).addEventListener('click', async () => {
    if (await deleteUser(user)) go('#/users');
  });
}

// --- Groups and the password policy.

async function viewGroups() {
  const main = show('#view-groups');
  const form = $('#group-form', main);
  const load = async () => {
    groupsCache = null;
    $('#group-table tbody', main).replaceChildren(...(await groups()).map(g => el('tr', {},
      el('td', {}, g.name), el('td', {}, g.description || '—'),
      el('td', {}, el('button', {type: 'button', class: 'danger', onclick: async () => {
        if (!await confirmDialog(`Delete user group ${g.name}?`)) return;
        await call('DELETE', `/v3/groups/${encodeURIComponent(g.id)}`);
        load();
      }}, 'Delete')))));
  };
  form.addEventListener('submit', async event => {
    event.preventDefault();
    clearErrors(form);
    const r = await api('POST', '/v3/groups', {group: {name: form.name.value.trim(),
      description: form.description.value}});
    if (!r.ok) {
      const message = messageOf(r.data);
      const match = /^group\.(\w+)/.exec(message);
      if (match && form.elements[match[1]]) fieldError(form.elements[match[1]], message);
      else formError(form, message);
      return;
    }
    form.reset();
    say('The group was created.');
    load();
  });
  await load();
}

const policyPath = () =>
  `/v3.0/OS-SECURITYPOLICY/domains/${encodeURIComponent(session.domain_id)}/password-policy`;

async function viewPolicy() {
  const main = show('#view-policy');
  const form = $('#policy-form', main);
  const fill = p => {
    for (const input of form.elements) {
      if (!(input.name in p)) continue;
      if (input.type === 'checkbox') input.checked = p[input.name]; else input.value = p[input.name];
    }
    const facts = [
      ['Maximum length', `${p.maximum_password_length} characters`],
      ['Special characters', p.special_characters],
      ['Not the email address or mobile number', p.password_not_contact ? 'Yes' : 'No'],
      ['Common passwords refused', p.blocklist ? 'Yes' : 'No'],
    ];
    if (p.custom_pattern_description) facts.push(['Administrator rule', p.custom_pattern_description]);
    $('#policy-facts', main).replaceChildren(...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  };
  fill((await call('GET', policyPath())).password_policy);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    clearErrors(form);
    const settings = {};
    for (const input of form.elements) {
      if (!input.name) continue;
      settings[input.name] = input.type === 'checkbox' ? input.checked : Number(input.value);
    }
    const r = await api('PUT', policyPath(), {password_policy: settings});
    if (r.ok) { fill(r.data.password_policy); say('The password policy was saved.'); return; }
    const message = messageOf(r.data);
    const match = /^password_policy\.(\w+)/.exec(message);
    const input = match && form.elements[match[1]];
    if (input) { fieldError(input, message); input.focus(); } else formError(form, message);
  });
}

// --- Routing.

async function route() {
  say('');
  if (!session) {
    const r = await api('GET', '/console/api/session');
    session = r.ok ? r.data : null;
  }
  $('#nav').hidden = $('#sign-out').hidden = !session;
  $('#who').textContent = session ? `${session.user.name} @ ${session.domain_id}` : '';
  const hash = location.hash || '#/users';
  if (!session) {
    if (hash !== '#/signin') { location.hash = '#/signin'; return; }
    return viewSignIn();
  }
  try {
    const user = /^#\/users\/(.+)$/.exec(hash);
    if (user) return await viewUser(decodeURIComponent(user[1]));
    if (hash === '#/create') return await viewCreate();
    if (hash === '#/groups') return await viewGroups();
    if (hash === '#/policy') return await viewPolicy();
    if (hash === '#/signin' || hash !== '#/users') { location.hash = '#/users'; return; }
    return await viewUsers();
  } catch (error) {
    say(error.message);
  }
}

$('#sign-out').addEventListener('click', signOut);
window.addEventListener('hashchange', route);
window.addEventListener('unhandledrejection', event => say(event.reason?.message || 'Something failed.'));
route();
