// The sample mini-program (clients/examples/wechat) checked against the
// structure WeChat documents for a mini-program project
// (developers.weixin.qq.com/miniprogram/dev/reference/configuration/app.html,
// …/configuration/page.html, …/configuration/sitemap.html,
// …/devtools/projectconfig.html): app.json's properties and their types,
// every page's files, the tab bar's rules, the page configurations, and that
// what the WXML binds and imports exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as miniprogram from '../miniprogram/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'wechat');
const readJSON = (rel) => JSON.parse(fs.readFileSync(path.join(root, rel), 'utf8'));
const exists = (rel) => fs.existsSync(path.join(root, rel));

/** The properties app.json may have (the global configuration reference). */
const APP_KEYS = new Set([
  'entryPagePath', 'pages', 'window', 'tabBar', 'networkTimeout', 'debug', 'functionalPages', 'subpackages', 'workers',
  'requiredBackgroundModes', 'requiredPrivateInfos', 'plugins', 'preloadRule', 'resizable', 'usingComponents', 'permission',
  'sitemapLocation', 'style', 'useExtendedLib', 'entranceDeclare', 'darkmode', 'themeLocation', 'lazyCodeLoading',
  'singlePage', 'supportedMaterials', 'serviceProviderTicket', 'embeddedAppIdList', 'halfPage', 'debugOptions',
  'enablePassiveEvent', 'resolveAlias', 'renderer', 'rendererOptions', 'componentFramework', 'miniApp', 'static',
]);
/** The window properties (app.json's window and a page's .json). */
const WINDOW_KEYS = new Set([
  'navigationBarBackgroundColor', 'navigationBarTextStyle', 'navigationBarTitleText', 'navigationStyle', 'homeButton',
  'backgroundColor', 'backgroundTextStyle', 'backgroundColorTop', 'backgroundColorBottom', 'enablePullDownRefresh',
  'onReachBottomDistance', 'pageOrientation', 'restartStrategy', 'initialRenderingCache', 'visualEffectInBackground',
  'handleWebviewPreload',
]);
const PAGE_ONLY_KEYS = new Set(['disableScroll', 'usingComponents', 'style', 'singlePage', 'renderer', 'componentFramework']);
const HEX = /^#[0-9a-fA-F]{6}$/;

const app = readJSON('app.json');

test('app.json has only documented properties, pages first and a sitemap', () => {
  assert.deepEqual(Object.keys(app).filter((k) => !APP_KEYS.has(k)), []);
  assert.ok(Array.isArray(app.pages) && app.pages.length > 0, 'pages is a non-empty string[]');
  assert.equal(new Set(app.pages).size, app.pages.length, 'pages repeat');
  for (const p of app.pages) assert.match(p, /^[\w-]+(\/[\w-]+)*$/, `page path ${p}: no leading slash, no extension`);
  assert.equal(typeof app.sitemapLocation, 'string');
  const sitemap = readJSON(app.sitemapLocation);
  assert.ok(Array.isArray(sitemap.rules) && sitemap.rules.every((r) => ['allow', 'disallow'].includes(r.action) && typeof r.page === 'string'));
});

test("app.json's window, tabBar and networkTimeout have the documented types and values", () => {
  const w = app.window;
  assert.deepEqual(Object.keys(w).filter((k) => !WINDOW_KEYS.has(k)), []);
  for (const k of ['navigationBarBackgroundColor', 'backgroundColor']) if (w[k] !== undefined) assert.match(w[k], HEX, k);
  assert.ok(['black', 'white'].includes(w.navigationBarTextStyle), 'navigationBarTextStyle is black or white');
  const tb = app.tabBar;
  assert.ok(tb.list.length >= 2 && tb.list.length <= 5, 'a tab bar has 2 to 5 tabs');
  for (const tab of tb.list) {
    assert.ok(app.pages.includes(tab.pagePath), `tab ${tab.pagePath} is one of pages`);
    assert.equal(typeof tab.text, 'string');
  }
  for (const k of ['color', 'selectedColor', 'backgroundColor']) assert.match(tb[k], HEX, `tabBar.${k}`);
  for (const [k, v] of Object.entries(app.networkTimeout)) {
    assert.ok(['request', 'connectSocket', 'uploadFile', 'downloadFile'].includes(k), `networkTimeout.${k}`);
    assert.ok(Number.isInteger(v) && v > 0, `networkTimeout.${k} is a number of ms`);
  }
});

test('every page has its .js and .wxml, its .json holds window properties only, and its .js calls Page', () => {
  assert.ok(exists('app.js') && /\bApp\(/.test(fs.readFileSync(path.join(root, 'app.js'), 'utf8')), 'app.js calls App');
  for (const p of app.pages) {
    assert.ok(exists(p + '.js'), `${p}.js`);
    assert.ok(exists(p + '.wxml'), `${p}.wxml`);
    assert.match(fs.readFileSync(path.join(root, p + '.js'), 'utf8'), /\bPage\(\{/, `${p}.js calls Page`);
    if (exists(p + '.json')) {
      const conf = readJSON(p + '.json');
      assert.deepEqual(Object.keys(conf).filter((k) => !WINDOW_KEYS.has(k) && !PAGE_ONLY_KEYS.has(k)), [], `${p}.json`);
    }
  }
});

/** wxmlTags lists the WXML's tags in order: {name, close, self, attrs}. */
function wxmlTags(src) {
  const out = [];
  for (const m of src.matchAll(/<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:.-]+(?:="[^"]*")?)*)\s*(\/?)>/g)) {
    const attrs = {};
    for (const a of m[3].matchAll(/([\w:.-]+)(?:="([^"]*)")?/g)) attrs[a[1]] = a[2] === undefined ? '' : a[2];
    out.push({ name: m[2], close: m[1] === '/', self: m[4] === '/', attrs });
  }
  return out;
}

test("every page's WXML is balanced and each event it binds is a method of its Page", () => {
  for (const p of app.pages) {
    const src = fs.readFileSync(path.join(root, p + '.wxml'), 'utf8');
    const js = fs.readFileSync(path.join(root, p + '.js'), 'utf8');
    const stack = [];
    let bound = 0;
    for (const t of wxmlTags(src)) {
      if (t.close) assert.equal(stack.pop(), t.name, `${p}.wxml: </${t.name}> closes another tag`);
      else if (!t.self) stack.push(t.name);
      for (const [k, v] of Object.entries(t.attrs)) {
        if (!/^(bind|catch)/.test(k)) continue;
        bound++;
        assert.match(js, new RegExp(`\\n  (async )?${v}\\(`), `${p}.wxml binds ${k}="${v}", which ${p}.js lacks`);
      }
    }
    assert.deepEqual(stack, [], `${p}.wxml leaves tags open`);
    assert.ok(bound > 0, `${p}.wxml binds no event`);
  }
});

test('the project opens in DevTools against make run, and its imports resolve', () => {
  const proj = readJSON('project.config.json');
  assert.equal(proj.compileType, 'miniprogram');
  assert.equal(typeof proj.appid, 'string');
  assert.equal(proj.setting.urlCheck, false, 'make run serves http on 127.0.0.1: the legal-domain check must be off');
  const pkg = readJSON('package.json');
  assert.equal(pkg.dependencies['ossgate-upload'], 'file:../..', 'the sample installs this package');
  const files = ['app.js', 'uploader.js', 'config.js', ...app.pages.map((p) => p + '.js')];
  for (const f of files) {
    const src = fs.readFileSync(path.join(root, f), 'utf8');
    for (const m of src.matchAll(/from '([^']+)'/g)) {
      if (m[1].startsWith('.')) assert.ok(exists(path.join(path.dirname(f), m[1])), `${f} imports ${m[1]}, which is missing`);
      else assert.equal(m[1], 'ossgate-upload', `${f} imports ${m[1]}`);
    }
    for (const m of src.matchAll(/import \{([^}]+)\} from 'ossgate-upload'/g)) {
      for (const name of m[1].split(',').map((s) => s.trim())) assert.equal(typeof miniprogram[name], 'function', `ossgate-upload has no ${name}`);
    }
  }
});

// The uni-app sample page (clients/examples/uniapp) against uni-app's
// documented project files (uniapp.dcloud.net.cn/collocation/pages.html,
// …/collocation/manifest.html): pages.json's pages and styles, a .vue file per
// page whose template's handlers are methods of the page, a manifest.json.
const uniRoot = path.resolve(root, '..', 'uniapp');
const uniJSON = (rel) => JSON.parse(fs.readFileSync(path.join(uniRoot, rel), 'utf8'));

test("the uni-app sample's pages.json and manifest.json have the documented structure", () => {
  const pages = uniJSON('pages.json');
  assert.deepEqual(Object.keys(pages).filter((k) => !['pages', 'globalStyle', 'tabBar', 'easycom', 'condition', 'subPackages', 'preloadRule', 'entryPagePath', 'uniIdRouter', 'leftWindow', 'topWindow', 'rightWindow'].includes(k)), []);
  assert.ok(Array.isArray(pages.pages) && pages.pages.length > 0);
  for (const pg of pages.pages) {
    assert.match(pg.path, /^[\w-]+(\/[\w-]+)*$/, `page path ${pg.path}`);
    assert.ok(fs.existsSync(path.join(uniRoot, pg.path + '.vue')), `${pg.path}.vue`);
    assert.deepEqual(Object.keys(pg.style || {}).filter((k) => !WINDOW_KEYS.has(k)), [], `${pg.path} style`);
  }
  const g = pages.globalStyle;
  assert.ok(['black', 'white'].includes(g.navigationBarTextStyle));
  for (const k of ['navigationBarBackgroundColor', 'backgroundColor']) assert.match(g[k], HEX, k);
  const manifest = uniJSON('manifest.json');
  assert.equal(typeof manifest.name, 'string');
  assert.equal(manifest['mp-weixin'].setting.urlCheck, false, 'make run serves http on 127.0.0.1');
  for (const f of ['main.js', 'App.vue']) assert.ok(fs.existsSync(path.join(uniRoot, f)), f);
});

test("the uni-app page's template binds methods it has and imports what the package exports", () => {
  for (const pg of uniJSON('pages.json').pages) {
    const src = fs.readFileSync(path.join(uniRoot, pg.path + '.vue'), 'utf8');
    const template = /<template>([\s\S]*)<\/template>/.exec(src);
    const script = /<script>([\s\S]*)<\/script>/.exec(src);
    assert.ok(template && script, `${pg.path}.vue has a template and a script`);
    const methods = script[1].slice(script[1].indexOf('methods: {'));
    const handlers = [...template[1].matchAll(/@(\w+)="(\w+)/g)];
    assert.ok(handlers.length > 0, 'no handler bound');
    for (const [, ev, name] of handlers) assert.match(methods, new RegExp(`\\n    (async )?${name}\\(`), `@${ev}="${name}" is not a method`);
    for (const m of script[1].matchAll(/import \{([^}]+)\} from '([^']+)'/g)) {
      assert.equal(m[2], 'ossgate-upload');
      for (const name of m[1].split(',').map((x) => x.trim())) assert.equal(typeof miniprogram[name], 'function', name);
    }
  }
});
