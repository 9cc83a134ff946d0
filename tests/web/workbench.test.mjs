// The workbench in a real browser: Debian's Chromium driven by playwright-core, against vigild
// following a generated day of logs plus fixtures whose user agent, user name, bucket policy
// and DNS name carry script payloads.
//   usage: node workbench.test.mjs VIGIL_BINARY OUT_DIR
// Screenshots of the overview and of a finding go to OUT_DIR; the page weights are printed.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const [vigil, out] = process.argv.slice(2);
if (!vigil || !out) {
  console.error('usage: node workbench.test.mjs VIGIL_BINARY OUT_DIR');
  process.exit(2);
}
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });

let failures = 0, checks = 0;
function check(ok, what) {
  checks++;
  if (!ok) failures++;
  console.log((ok ? 'ok   ' : 'FAIL ') + what);
}

// ---- data: a generated day with every attack, and the hostile fixtures ----
const gen = path.join(out, 'gen'), inbox = path.join(out, 'inbox');
execFileSync(vigil, ['simulate', '--out', gen, '--accounts', '1', '--days', '1', '--events-per-day', '2000',
  '--flows-per-day', '10000', '--dns-per-day', '2000', '--attacks'], { stdio: ['ignore', 'ignore', 'inherit'] });
fs.cpSync(path.join(gen, 'AWSLogs'), path.join(inbox, 'AWSLogs'), { recursive: true });

const acct = '111122223333';
const XSS_UA = '<img src=x onerror="window.__xss=1">';
const XSS_USER = 'x<img src=x onerror=window.__xss=2>';
const XSS_SID = '</script><script>window.__xss=3</script>';
const XSS_UA2 = '"><svg onload=window.__xss=4>';
const XSS_DNS = '<img src=x onerror=window.__xss=5>.example.';
// The generated day's Tor client connects to this address at 09:25 (simulate is deterministic);
// a resolver answer naming it earlier puts the hostile name into that finding's passive DNS.
const TOR_IP = '204.8.99.81';
const badIp = fs.readFileSync(path.join(gen, 'intel', 'custom-threats.txt'), 'utf8').split('\n').find((l) => /^\d/.test(l)).trim();
const identity = { type: 'IAMUser', principalId: 'AIDAXSSFIXTURE00001', arn: `arn:aws:iam::${acct}:user/${XSS_USER}`, accountId: acct, accessKeyId: 'AKIAXSSFIXTURE000001', userName: XSS_USER };
const ct = (time, name, source, ip, ua, params) => ({
  eventVersion: '1.09', userIdentity: identity, eventTime: time, eventSource: source, eventName: name, awsRegion: 'us-east-1',
  sourceIPAddress: ip, userAgent: ua, requestParameters: params, responseElements: null, requestID: 'r-' + name,
  eventID: '00000000-0000-4000-8000-' + String(time.replace(/\D/g, '')).slice(-12), readOnly: false, eventType: 'AwsApiCall',
  managementEvent: true, recipientAccountId: acct, eventCategory: 'Management',
});
const records = [
  ct('2026-11-01T12:01:00Z', 'ListUsers', 'iam.amazonaws.com', badIp, XSS_UA, null),
  ct('2026-11-01T12:02:00Z', 'PutBucketPolicy', 's3.amazonaws.com', '198.51.100.7', XSS_UA2, {
    bucketName: 'xss-fixture-bucket', Host: 'xss-fixture-bucket.s3.amazonaws.com', policy: '',
    bucketPolicy: { Version: '2012-10-17', Statement: [{ Sid: XSS_SID, Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::xss-fixture-bucket/*' }] },
  }),
];
const ctDir = path.join(inbox, 'AWSLogs', acct, 'CloudTrail', 'us-east-1', '2026', '11', '01');
fs.mkdirSync(ctDir, { recursive: true });
fs.writeFileSync(path.join(ctDir, `${acct}_CloudTrail_us-east-1_20261101T1205Z_xssfixture.json.gz`), zlib.gzipSync(JSON.stringify({ Records: records })));
const dnsDir = path.join(inbox, 'AWSLogs', acct, 'vpcdnsquerylogs', 'vpc-0a0a0a0a0a0a0a0a0', '2026', '11', '01');
fs.mkdirSync(dnsDir, { recursive: true });
fs.writeFileSync(path.join(dnsDir, `${acct}_vpcdnsquerylogs_vpc-0a0a0a0a0a0a0a0a0_20261101T0900Z_xssfixture.log.gz`), zlib.gzipSync(JSON.stringify({
  version: '1.100000', account_id: acct, region: 'us-east-1', vpc_id: 'vpc-0a0a0a0a0a0a0a0a0', query_timestamp: '2026-11-01T09:00:00Z',
  query_name: XSS_DNS, query_type: 'A', query_class: 'IN', rcode: 'NOERROR', answers: [{ Rdata: TOR_IP, Type: 'A', Class: 'IN' }],
  srcaddr: '10.9.9.9', srcport: '40000', transport: 'UDP', srcids: { instance: 'i-0a0a0a0a0a0a0a0a0' },
}) + '\n'));

// Everything is in place before vigild starts and equally old, so vigild reads it all in the
// event-time order of the names, as it would have read it live.
const old = new Date(Date.now() - 3600e3);
for (const f of fs.readdirSync(inbox, { recursive: true })) fs.utimesSync(path.join(inbox, f), old, old);

// ---- vigild ----
const lists = execFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'scripts', 'demo_lists.sh'), [gen], { encoding: 'utf8' }).trim().split(/\s+/);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// whatever way the test ends (a failed wait throws), no vigild outlives it
const daemons = [];
process.on('exit', () => daemons.forEach((d) => d.kill('SIGTERM')));
/* Start `vigil serve` with args on a free port, its stderr in logPath; its address. */
async function startVigild(args, logPath) {
  const d = spawn(vigil, ['serve', '--listen', '127.0.0.1:0', ...args], { stdio: ['ignore', 'ignore', fs.openSync(logPath, 'w')] });
  daemons.push(d);
  for (let i = 0; i < 100; i++) {
    await sleep(100);
    const m = /API on (http:\/\/[0-9.:]+)\//.exec(fs.readFileSync(logPath, 'utf8'));
    if (m) return m[1];
  }
  throw new Error('vigild did not start: ' + fs.readFileSync(logPath, 'utf8'));
}
const logPath = path.join(out, 'vigild.log');
let browser;
async function finish(code) {
  if (browser) await browser.close().catch(() => {});
  process.exit(code);
}
process.on('unhandledRejection', (e) => { console.error(e); console.error(fs.readFileSync(logPath, 'utf8').slice(-2000)); finish(1); });

const base = await startVigild(['--watch', inbox, '--state', path.join(out, 'state'), ...lists], logPath);
const det = (await (await fetch(base + '/detector')).json()).detectorIds[0];
const post = async (p, body) => (await fetch(base + '/detector/' + det + p, { method: 'POST', body: JSON.stringify(body) })).json();
// wait until every file is read (each is at least one ledger piece)
const files = fs.readdirSync(inbox, { recursive: true }).filter((f) => f.endsWith('.gz')).length;
let read = 0;
for (let i = 0; i < 1200 && read < files; i++) {
  await sleep(100);
  read = Number((/^vigil_files_total (\d+)/m.exec(await (await fetch(base + '/metrics')).text()) || [0, 0])[1]);
}
check(read >= files, `vigild read the ${files} files`);
const sev = (await post('/findings/statistics', { findingStatisticTypes: ['COUNT_BY_SEVERITY'] })).findingStatistics.countBySeverity;
const last = Object.values(sev).reduce((a, b) => a + b, 0);
console.log(`vigild at ${base}: ${last} findings`);
const typeIds = async (type, more) => (await post('/findings', { findingCriteria: { criterion: { type: { eq: [type] }, ...more } } })).findingIds;
const fixture = { accountId: { eq: [acct] } };
// the hostile texts and the findings that carry them
const hostile = [
  ['Recon:IAMUser/MaliciousIPCaller.Custom', fixture, [XSS_UA, XSS_USER]],
  ['Policy:S3/BucketAnonymousAccessGranted', fixture, [XSS_SID, XSS_UA2]],
  ['UnauthorizedAccess:EC2/TorClient', { 'service.action.networkConnectionAction.remoteIpDetails.ipAddressV4': { eq: [TOR_IP] } }, ['<img\\032src=x\\032onerror=window.__xss=5>.example']],
];
for (const [t, c] of hostile) check((await typeIds(t, c)).length > 0, 'fixture finding exists: ' + t);

// ---- the browser ----
browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
const problems = [], dialogs = [];
page.on('pageerror', (e) => problems.push(e.message));
page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
// page weight: headers and bodies of every response a view needed (vigild does not compress)
let sizes = [];
page.on('requestfinished', (r) => sizes.push(r.sizes().then((z) => z.responseBodySize + z.responseHeadersSize)));
const weigh = async (fn) => {
  sizes = [];
  await fn();
  await page.waitForLoadState('networkidle');
  return (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
};
const xssFired = () => page.evaluate(() => window.__xss);
// a finding's page, once its own header and log records are in (a hash change re-renders
// asynchronously, so the previous page's elements may still be there at first)
async function openFinding(id) {
  await page.goto(base + '/#/finding/' + id);
  await page.waitForSelector(`h1[data-id="${id}"]`);
  await page.waitForSelector('[data-test=evidence] pre', { state: 'attached' });
}

// overview
const overviewBytes = await weigh(async () => { await page.goto(base + '/#/'); await page.waitForSelector('[data-test=count-total]'); });
const total = Number(await page.textContent('[data-test=count-total]'));
check(total === last, `overview counts ${total} open findings, as the API does (${last})`);
check((await page.locator('[data-test=ingest]').textContent()).includes('Records parsed'), 'overview shows ingest health');
check(await page.locator('svg.chart rect').count() > 0, 'overview draws the findings-by-day chart');
await page.screenshot({ path: path.join(out, 'overview.png'), fullPage: true });

// list, filter
const listBytes = await weigh(async () => { await page.goto(base + '/#/findings'); await page.waitForSelector('table.findings tbody tr[data-id]'); });
const allRows = await page.locator('table.findings tbody tr[data-id]').count();
check(allRows > 10, `the findings list loads (${allRows} rows on the first page)`);
await page.selectOption('select[name=sev]', 'high');
await page.waitForFunction(() => location.hash.includes('sev=high'));
await page.waitForSelector('table.findings tbody tr[data-id]');
const bands = await page.locator('table.findings tbody tr[data-id] .sev').evaluateAll((els) => els.map((e) => e.dataset.sev));
check(bands.length > 0 && bands.every((b) => b === 'High'), `severity filter High shows only High findings (${bands.length})`);
await page.fill('input[name=savename]', 'high-only');
await page.click('.savefilter button');
await page.waitForSelector('.savefilter .msg:has-text("Saved")');
check(((await (await fetch(base + '/detector/' + det + '/filter')).json()).filterNames || []).includes('high-only'), 'the list saves its criteria as a filter');
await page.goto(base + '/#/findings?filter=high-only&archived=all');
await page.waitForFunction(() => document.querySelector('select[name=filter]')?.value === 'high-only');
await page.waitForSelector('table.findings tbody tr[data-id]');
const saved = await page.locator('table.findings tbody tr[data-id] .sev').evaluateAll((els) => els.map((e) => e.dataset.sev));
check(saved.length > 0 && saved.every((b) => b === 'High'), 'choosing the saved filter applies it');
await page.goto(base + '/#/findings?q=AKIAXSSFIXTURE000001');
await page.waitForSelector('[data-test=list-status]:has-text("AKIAXSSFIXTURE000001")');
await page.waitForSelector('table.findings tbody tr[data-id]');
check(await page.locator('table.findings tbody tr[data-id]').count() === 2, 'search by access key finds the two fixture findings');

// a Tor finding on an instance: explanation, evidence
const torEc2 = (await typeIds('UnauthorizedAccess:EC2/TorClient'))[0];
check(!!torEc2, 'the generated day has an EC2 Tor finding');
const detailBytes = await weigh(() => openFinding(torEc2));
const expl = await page.textContent('[data-test=explanation]');
check(/opened connections to|exchanged traffic with|accepted connections from/.test(expl) && /packets/.test(expl) && /Tor exit node/.test(expl), 'EC2 Tor finding explains the connections, packets and the Tor list: ' + expl.slice(0, 120));
check((await page.textContent('[data-test=pivots]')).includes('All flows of'), 'EC2 Tor finding offers the flows pivot');
check(await page.locator('[data-test=evidence] pre.raw').count() > 0, 'EC2 Tor finding shows its flow records');
if (lists.includes('--ip-data')) {
  const owner = await page.textContent('[data-test=ip-context]');
  check(/AS\d+ /.test(owner) && /Country/.test(owner), 'the remote address shows its AS and country: ' + owner.replace(/\s+/g, ' ').slice(0, 120));
} else {
  console.log('skip  address owner check: no data/enrich (make enrich-data)');
}
await page.screenshot({ path: path.join(out, 'finding.png'), fullPage: true });

// a flow log in a custom format (version-5 fields): its records are read by their file's header
const tor = (await post('/findings/get', { findingIds: await typeIds('UnauthorizedAccess:EC2/TorClient') })).findings;
const custom = tor.find((f) => f.resource.instanceDetails.instanceId);
check(!!custom, 'the generated day has a Tor finding from the custom-format flow log');
await openFinding(custom.id);
check((await page.textContent('[data-test=evidence]')).includes('instance-id') &&
  /packets/.test(await page.textContent('[data-test=explanation]')), 'its records are shown by field name and counted');

// a Tor finding on an IAM user: credentials explained, pivot runs the query
const torIam = (await typeIds('UnauthorizedAccess:IAMUser/TorIPCaller'))[0];
await openFinding(torIam);
check((await page.textContent('[data-test=explanation]')).includes('Someone holding the credentials'), 'IAM Tor finding says someone holding the credentials called APIs');
check(/long-lived IAM user access key|temporary session/.test(await page.textContent('[data-test=credentials]')), 'IAM Tor finding explains the credential type');
await page.click('[data-test=pivots] a >> nth=0');
await page.waitForSelector('[data-test=activity] table', { timeout: 15000 });
const actRows = await page.locator('[data-test=activity] table tr').count();
check(await page.locator('[data-test=activity] svg line.mark').count() > 0, 'the timeline marks the findings on the activity chart');
check(actRows > 1, `the access-key pivot lists the key's raw activity (${actRows - 1} records)`);

// archive, then unarchive
await page.goto(base + '/#/finding/' + torIam);
await page.waitForSelector('[data-test=archive]');
await page.click('[data-test=archive]');
await page.waitForSelector('[data-test=action-msg]:has-text("Archived")');
const archived = (await post('/findings/get', { findingIds: [torIam] })).findings[0].service.archived;
check(archived === true, 'archiving from the page archives the finding');
await page.waitForSelector('[data-test=archive]:has-text("Unarchive")');
await page.click('[data-test=archive]');
await page.waitForSelector('[data-test=action-msg]:has-text("Unarchived")');
check((await post('/findings/get', { findingIds: [torIam] })).findings[0].service.archived === false, 'unarchiving from the page unarchives it');
await page.fill('textarea[aria-label="feedback comment"]', 'expected: red team exercise <b>bold</b>');
await page.click('[data-test=useful]');
await page.waitForSelector('[data-test=action-msg]:has-text("Feedback recorded")');
check(true, 'feedback is recorded');

// a suppression rule from the finding: owner, reason and expiry go to vigild's filter
await page.click('details.suppress summary');
await page.fill('input[name=owner]', 'soc-oncall');
await page.fill('input[name=reason]', 'red team exercise');
await page.fill('input[name=expiry]', '2027-01-31');
await page.click('form[data-test=suppress] button');
await page.waitForSelector('[data-test=action-msg]:has-text("Suppression rule")');
const ruleName = await page.inputValue('input[name=filtername]');
const rule = await (await fetch(base + '/detector/' + det + '/filter/' + encodeURIComponent(ruleName))).json();
check(rule.action === 'ARCHIVE' && rule.owner === 'soc-oncall' && rule.reason === 'red team exercise' && /^2027-01-31/.test(rule.expiresAt || '') &&
  JSON.stringify(rule.findingCriteria).includes('UnauthorizedAccess:IAMUser/TorIPCaller'), 'a suppression rule is made from the finding with owner, reason and expiry: ' + JSON.stringify(rule).slice(0, 160));

// live: findings written while the list is open appear without a reload
await page.goto(base + '/#/findings?account=000000000000&archived=all');
await page.waitForSelector('table.findings td.muted:has-text("No findings match")');
await post('/findings/create', { findingTypes: ['Recon:EC2/Portscan'] });
await page.waitForSelector('table.findings tbody tr[data-id]', { timeout: 15000 });
check((await page.textContent('table.findings tbody')).includes('[SAMPLE]'), 'the list shows new findings as vigild writes them');

// the hostile fixtures: shown as text, never run
for (const [t, c, payloads] of hostile) {
  const id = (await typeIds(t, c))[0];
  await openFinding(id);
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
  const text = await page.textContent('main');
  for (const p of payloads) {
    const shown = text.includes(p);
    check(shown, `${t}: ${JSON.stringify(p)} is shown as text`);
    if (!shown) console.log('     finding ' + id + ' as the API has it: ' + JSON.stringify((await post('/findings/get', { findingIds: [id] })).findings[0]).slice(0, 1500) + '\n     page: ' + text.slice(0, 1500));
  }
  check(await page.locator('main img, main script, main svg:not(.chart), main b').count() === 0, `${t}: no element was made from log text`);
}
await page.goto(base + '/#/findings?q=AKIAXSSFIXTURE000001');
await page.waitForSelector('table.findings tbody tr[data-id]');
await page.goto(base + '/#/entity/accessKey/AKIAXSSFIXTURE000001?at=2026-11-01T12:01:00Z&span=1h');
await page.waitForSelector('[data-test=activity] table');
await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
// pretty-printed JSON escapes the payload's quotes: look for the part before them
check((await page.textContent('[data-test=activity]')).includes('<img src=x onerror='), 'the fixture user agent shows in the raw activity as text');
check(await xssFired() === undefined && dialogs.length === 0, 'no payload ran (window.__xss unset, no dialog)');
const csp = (await fetch(base + '/')).headers.get('content-security-policy') || '';
check(/script-src 'self'/.test(csp) && !/unsafe-inline/.test(csp), 'the page is served with a strict Content-Security-Policy');
check((await fetch(base + '/detector/' + det + '/findings/archive', { method: 'POST', headers: { Origin: 'http://evil.example' }, body: JSON.stringify({ findingIds: [torIam] }) })).status === 403, 'a cross-origin write is refused');
check(problems.length === 0, 'no script error or CSP violation in the console' + (problems.length ? ': ' + problems.join(' | ') : ''));

// a vigild with tokens: the page asks for one, keeps it out of the URL, and a read token
// cannot archive
const tokDir = path.join(out, 'tokens-state');
fs.mkdirSync(tokDir, { recursive: true });
const READ = 'analyst-read-token-0123456789';
fs.writeFileSync(path.join(out, 'tokens'), `analyst read ${READ}\n`, { mode: 0o600 });
const tokBase = await startVigild(['--tokens', path.join(out, 'tokens'), '--watch', path.join(out, 'gen', 'intel'), '--state', tokDir],
  path.join(out, 'vigild-tokens.log'));
const p2 = await browser.newPage();
const urls = [];
p2.on('request', (r) => urls.push(r.url()));
await p2.goto(tokBase + '/#/');
await p2.waitForSelector('#token');
check(true, 'with tokens, the page asks for one');
await p2.fill('#token', READ);
await p2.click('button[type=submit]');
await p2.waitForSelector('[data-test=count-total]');
check(await p2.textContent('[data-test=count-total]') === '0', 'with a read token the overview loads');
check(urls.every((u) => !u.includes(READ)), 'the token never appears in a URL');
const denied = await p2.evaluate(async (t) => (await fetch('/detector', { headers: { 'X-Vigil-Token': t + 'x' } })).status, READ);
check(denied === 401, 'a wrong token is refused');

console.log(`page weight: first load with the overview ${(overviewBytes / 1024).toFixed(1)} KB, then the list ${(listBytes / 1024).toFixed(1)} KB, a finding ${(detailBytes / 1024).toFixed(1)} KB (transferred: headers and bodies)`);
console.log(`screenshots: ${path.join(out, 'overview.png')} ${path.join(out, 'finding.png')}`);
console.log(`${checks - failures}/${checks} workbench checks passed`);
await finish(failures ? 1 : 0);
