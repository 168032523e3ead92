import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  contentSecurityPolicy,
  createNonce,
  escapeHtml,
  renderInspectorHtml,
} from '../../src/extension/inspector/inspectorHtml';

const VSCODE_CSP_SOURCE = "'self' https://*.vscode-cdn.net";

function page(overrides: Partial<Parameters<typeof renderInspectorHtml>[0]> = {}): string {
  return renderInspectorHtml({
    cspSource: VSCODE_CSP_SOURCE,
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/dist/inspector.js',
    styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/inspector.css',
    nonce: 'AAAAAAAAAAAAAAAAAAAAAA==',
    initialState: { runId: 'run-1', epoch: 50, title: 'Base · paper loss' },
    ...overrides,
  });
}

/** The CSP meta tag's policy as directive → sources. */
function policyOf(html: string): Map<string, string[]> {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
  assert.ok(content, 'a CSP meta tag');
  const policy = content
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...sources]) => [name, sources]),
  );
}

describe('renderInspectorHtml', () => {
  it('denies everything by default and runs scripts only by nonce', () => {
    const policy = policyOf(page());
    assert.deepEqual(policy.get('default-src'), ["'none'"]);
    assert.deepEqual(policy.get('script-src'), ["'nonce-AAAAAAAAAAAAAAAAAAAAAA=='"]);
    for (const [name, sources] of policy) {
      assert.ok(
        !sources.includes("'unsafe-inline'") && !sources.includes("'unsafe-eval'"),
        `${name} allows ${sources.join(' ')}`,
      );
    }
  });

  it('allows styles and fonts from the webview source, images also from data: and blob:', () => {
    const policy = policyOf(page());
    assert.deepEqual(policy.get('style-src'), [
      "'self'",
      'https://*.vscode-cdn.net',
      "'nonce-AAAAAAAAAAAAAAAAAAAAAA=='",
    ]);
    assert.deepEqual(policy.get('img-src'), ["'self'", 'https://*.vscode-cdn.net', 'data:', 'blob:']);
    assert.deepEqual(policy.get('font-src'), ["'self'", 'https://*.vscode-cdn.net']);
    assert.equal(policy.get('connect-src'), undefined, 'no network access at all');
  });

  it('loads exactly one script, the bundle, carrying the nonce', () => {
    const html = page();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    assert.deepEqual(scripts, [
      '<script nonce="AAAAAAAAAAAAAAAAAAAAAA==" src="https://file+.vscode-resource.vscode-cdn.net/ext/media/dist/inspector.js">',
    ]);
    assert.match(
      html,
      /<meta property="csp-nonce" content="AAAAAAAAAAAAAAAAAAAAAA==">/,
      'the nonce the UI toolkit gives its <style> elements',
    );
    assert.match(
      html,
      /<link rel="stylesheet" href="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/media\/inspector\.css">/,
    );
    assert.ok(!/\son[a-z]+=/i.test(html), 'no inline event handlers');
    assert.ok(!/style="/.test(html), 'no inline style attributes');
  });

  it('writes the initial state into a meta tag that round-trips, escaped against markup', () => {
    const hostile = { runId: 'run-"1"', epoch: null, title: '</title><script>alert(1)</script> & "quotes"' };
    const html = page({ initialState: hostile });
    assert.equal([...html.matchAll(/<script/g)].length, 1, 'the title cannot add a script');
    const content = /<meta name="invertscope-initial-state" content="([^"]*)">/.exec(html)?.[1] ?? '';
    const decoded = content
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
    assert.deepEqual(JSON.parse(decoded), hostile);
    assert.match(
      html,
      /<title>&lt;\/title&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;quotes&quot;<\/title>/,
    );
  });

  it('rejects a nonce or CSP source that could inject into the policy', () => {
    assert.throws(() => page({ nonce: "abc' 'unsafe-inline" }), /invalid nonce/);
    assert.throws(() => page({ nonce: 'short' }), /invalid nonce/);
    assert.throws(() => page({ cspSource: "https://x; script-src 'unsafe-inline'" }), /invalid cspSource/);
    assert.throws(() => page({ cspSource: '' }), /invalid cspSource/);
    assert.doesNotThrow(() => page({ cspSource: 'vscode-webview://abc123' }));
  });
});

describe('createNonce', () => {
  it('makes a 128-bit base64 nonce that the page accepts', () => {
    const nonce = createNonce();
    assert.equal(Buffer.from(nonce, 'base64').length, 16);
    assert.doesNotThrow(() => page({ nonce }));
    assert.ok(contentSecurityPolicy('x:', nonce).includes(`'nonce-${nonce}'`));
  });

  it('never repeats', () => {
    const nonces = new Set(Array.from({ length: 1000 }, createNonce));
    assert.equal(nonces.size, 1000);
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and attributes', () => {
    assert.equal(
      escapeHtml(`<a href="x" title='y'>&</a>`),
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});
