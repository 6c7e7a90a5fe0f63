#!/usr/bin/env node
// Headless "default browser" for Orgdesk's end-to-end tests.
//
//   node tests/browser/sign-in-driver.mjs <URL>
//
// Opens URL in headless Chromium. For an authorization URL it signs in on the Logto (stand-in)
// form when the form appears, then waits until the browser has loaded the app's loopback
// redirect target. For an end-session URL it waits until the sign-out has completed.
// Environment:
//   ORGDESK_TEST_USER, ORGDESK_TEST_PASSWORD   credentials typed into the sign-in form
//   ORGDESK_TEST_BROWSER_PROFILE   profile dir kept between runs (else a temp dir, removed)
//   ORGDESK_TEST_SCREENSHOT_DIR    save a PNG of the final page here
//   ORGDESK_TEST_BROWSER_LOG       append progress lines here too
//   ORGDESK_TEST_BROWSER_TIMEOUT   seconds before giving up (default 30)
//   ORGDESK_TEST_CHROMIUM          browser binary (default /usr/bin/chromium)
// Never logs tokens or codes: URLs are printed without query string or fragment.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { chromium } from 'playwright-core';

const EXIT_FAILED = 1;
const EXIT_USAGE = 64;
const EXIT_TIMEOUT = 124;

const CHROMIUM_ARGS = [
  '--no-sandbox', // root in CI: Chromium refuses to start with its sandbox
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--password-store=basic', // never touch the test session's Secret Service (gnome-keyring)
];

const FORM = {
  identifier: 'input[name="identifier"]',
  password: 'input[name="password"]',
  submit: 'button[type="submit"]',
  error: '[role="alert"]',
};

const started = Date.now();

/** Strips query strings and fragments from every URL in a text. */
export function redact(text) {
  return String(text).replace(/(\bhttps?:\/\/[^\s?#"'<>]*)[?#][^\s"'<>]*/g, '$1?…');
}

function log(message) {
  const line = `sign-in-driver +${((Date.now() - started) / 1000).toFixed(2)}s: ${redact(message)}`;
  process.stderr.write(`${line}\n`);
  if (process.env.ORGDESK_TEST_BROWSER_LOG) {
    try {
      appendFileSync(process.env.ORGDESK_TEST_BROWSER_LOG, `${new Date().toISOString()} ${line}\n`);
    } catch { /* a log we cannot write must not fail the sign-in */ }
  }
}

class DriverError extends Error {}

const SIGNAL_STATUS = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
/** What a signal does; main() replaces it once there is a profile or a browser to clean up. */
let onSignal = (signal) => process.exit(SIGNAL_STATUS[signal]);

/** What the run has to reach: the app's redirect target, or the end of a sign-out. */
function goalFor(url) {
  const isEndSession = /\/session\/end\/?$/.test(url.pathname);
  if (isEndSession) {
    const postLogout = url.searchParams.get('post_logout_redirect_uri');
    const target = postLogout ? new URL(postLogout) : null;
    return {
      kind: 'sign-out',
      reached: (u) => (target ? sameTarget(u, target) : /\/session\/end\/success\/?$/.test(u.pathname)),
    };
  }
  const redirect = url.searchParams.get('redirect_uri');
  const target = redirect ? new URL(redirect) : null;
  return {
    kind: 'sign-in',
    // Without redirect_uri (e.g. a pushed request) accept any loopback /callback.
    reached: (u) => (target ? sameTarget(u, target)
      : u.hostname === '127.0.0.1' && u.pathname === '/callback' && u.origin !== url.origin),
  };
}

function sameTarget(u, target) {
  return u.origin === target.origin && u.pathname === target.pathname;
}

function parse(url) {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Rejects as soon as a page load goes wrong: the identity provider answers with an error
 * status, or a navigation (e.g. to a loopback receiver that is not listening) fails.
 */
function watchForFailures(page, idpOrigin) {
  let fail;
  const failed = new Promise((_, reject) => { fail = reject; });
  failed.catch(() => {});
  const isMainNavigation = (request) => request.isNavigationRequest() && request.frame() === page.mainFrame();
  page.on('response', async (response) => {
    if (!isMainNavigation(response.request())) return;
    if (response.status() < 400 || parse(response.url())?.origin !== idpOrigin) return;
    let detail = '';
    try {
      const body = await response.json();
      detail = `${body.code ?? body.error}: ${body.error_description ?? body.message ?? ''}`;
    } catch { /* not JSON */ }
    fail(new DriverError(`identity provider answered ${response.status()} for ${response.url()} ${detail}`));
  });
  page.on('requestfailed', (request) => {
    if (!isMainNavigation(request)) return;
    fail(new DriverError(`loading ${request.url()} failed: ${request.failure()?.errorText ?? 'unknown error'}`));
  });
  return failed;
}

async function waitForGoal(page, goal, errors, timeout) {
  await Promise.race([
    page.waitForURL((u) => goal.reached(u), { waitUntil: 'load', timeout }),
    errors,
  ]);
}

async function fillSignInForm(page, user, password) {
  if (!user || !password) throw new DriverError('the sign-in form appeared but ORGDESK_TEST_USER/ORGDESK_TEST_PASSWORD are not set');
  log(`sign-in form at ${page.url()}: signing in as ${user}`);
  await page.fill(FORM.identifier, user);
  await page.fill(FORM.password, password);
  await page.click(FORM.submit);
}

/** Sign in when the form appears; done when the app's redirect target has loaded. */
async function runSignIn(page, goal, errors, timeout) {
  const formShown = () => page.locator(FORM.identifier).waitFor({ state: 'visible', timeout }).then(() => 'form');
  const goalReached = () => waitForGoal(page, goal, errors, timeout).then(() => 'goal');

  let outcome = await Promise.race([goalReached(), formShown()]);
  if (outcome === 'form') {
    await fillSignInForm(page, process.env.ORGDESK_TEST_USER, process.env.ORGDESK_TEST_PASSWORD);
    const rejected = page.locator(FORM.error).waitFor({ state: 'visible', timeout }).then(() => 'rejected');
    outcome = await Promise.race([goalReached(), rejected]);
    if (outcome === 'rejected') {
      throw new DriverError(`sign-in rejected: ${(await page.locator(FORM.error).innerText()).trim()}`);
    }
  } else {
    log('no sign-in form: the browser session was still signed in');
  }
  const landed = new URL(page.url());
  const error = landed.searchParams.get('error');
  log(`loaded the redirect target ${page.url()}${error ? ` (it carries error=${error})` : ''}`);
}

async function runSignOut(page, goal, errors, timeout) {
  await waitForGoal(page, goal, errors, timeout);
  log(`signed out; final page ${page.url()}`);
}

async function screenshot(page, label) {
  const dir = process.env.ORGDESK_TEST_SCREENSHOT_DIR;
  if (!dir || !page) return;
  try {
    mkdirSync(dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const file = join(dir, `browser-${stamp}-${process.pid}-${label}.png`);
    await page.screenshot({ path: file, fullPage: true, timeout: 5000 });
    log(`screenshot ${file}`);
  } catch (error) {
    log(`screenshot failed: ${error.message}`);
  }
}

async function main() {
  const [rawUrl, ...extra] = process.argv.slice(2);
  const url = parse(rawUrl);
  if (!url || extra.length || !/^https?:$/.test(url.protocol)) {
    process.stderr.write('usage: sign-in-driver.mjs <http(s) URL>\n');
    return EXIT_USAGE;
  }
  const timeoutMs = 1000 * Number(process.env.ORGDESK_TEST_BROWSER_TIMEOUT || 30);
  const ownProfile = !process.env.ORGDESK_TEST_BROWSER_PROFILE;
  const profile = process.env.ORGDESK_TEST_BROWSER_PROFILE || mkdtempSync(join(tmpdir(), 'orgdesk-browser-'));
  const goal = goalFor(url);

  let launching;
  let context;
  let page;
  let timer;
  let status = EXIT_FAILED;
  for (const signal of Object.keys(SIGNAL_STATUS)) process.on(signal, (sig) => onSignal(sig));
  onSignal = (signal) => {
    if (ownProfile) rmSync(profile, { recursive: true, force: true });
    process.exit(SIGNAL_STATUS[signal]);
  };
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new DriverError(`timed out after ${timeoutMs / 1000} s`), { timeout: true })), timeoutMs);
  });
  deadline.catch(() => {});
  try {
    log(`${goal.kind}: opening ${url.href} (profile ${ownProfile ? 'temporary' : profile})`);
    launching = chromium.launchPersistentContext(profile, {
      executablePath: process.env.ORGDESK_TEST_CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      // Signals are handled below, so the temporary profile is removed too.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    onSignal = async (signal) => {
      log(`interrupted by ${signal}`);
      const ctx = context ?? await launching.catch(() => undefined);
      await ctx?.close().catch(() => {});
      if (ownProfile) rmSync(profile, { recursive: true, force: true });
      process.exit(SIGNAL_STATUS[signal]);
    };
    context = await Promise.race([launching, deadline]);
    page = context.pages()[0] ?? await context.newPage();
    const errors = watchForFailures(page, url.origin);
    const remaining = () => Math.max(1000, timeoutMs - (Date.now() - started));
    const run = async () => {
      await page.goto(url.href, { waitUntil: 'commit', timeout: remaining() });
      if (goal.kind === 'sign-out') await runSignOut(page, goal, errors, remaining());
      else await runSignIn(page, goal, errors, remaining());
    };
    await Promise.race([run(), errors, deadline]);
    await screenshot(page, 'final');
    status = 0;
  } catch (error) {
    log(`FAILED: ${error instanceof DriverError ? error.message : error.message ?? error}`);
    await screenshot(page, 'failure');
    status = error.timeout ? EXIT_TIMEOUT : EXIT_FAILED;
  } finally {
    clearTimeout(timer);
    // After a timeout during launch the browser may still arrive: close it as well.
    context ??= await Promise.race([launching?.catch(() => undefined), sleep(5000)]);
    await context?.close().catch(() => {});
    if (ownProfile) rmSync(profile, { recursive: true, force: true });
  }
  log(status === 0 ? 'done' : `exit ${status}`);
  return status;
}

process.exit(await main());
