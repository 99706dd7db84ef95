import { safeNext } from './safe-next.js';
import { readCookie } from './console-sessions.service.js';
import { html, trusted } from './html.js';

describe('console building blocks', () => {
  it('escapes every value put into a page, and keeps markup made by html itself', () => {
    const name = `<script>alert("x")</script>' & "`;
    const inner = html`<b>${'ok'}</b>`;
    const page = html`<p title="${name}">${name}</p>${inner}${[1, null, false, 'a']}`;
    expect(page.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; &amp; &quot;">' +
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; &amp; &quot;</p><b>ok</b>1a',
    );
    expect(html`${trusted('<hr>')}`.value).toBe('<hr>');
  });

  it.each([
    ['/console/audit?caseId=1', '/console/audit?caseId=1'],
    ['/console', '/console'],
    ['https://evil.example/console', '/console'],
    ['//evil.example/console', '/console'],
    ['/console//evil.example', '/console'],
    ['/console\\@evil.example', '/console'],
    ['/consoleevil', '/console'],
    ['/v1/agencies', '/console'],
    ['/console/\u0100', '/console'],
    ['/console/\u0000', '/console'],
    ['/console/a\nb', '/console'],
    [undefined, '/console'],
  ])('after sign-in goes back to %s → %s, never off the console', (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });

  it('reads one cookie among others', () => {
    expect(readCookie('a=1; __Host-filet-session=abc; b=2', '__Host-filet-session')).toBe('abc');
    expect(readCookie('a=1', '__Host-filet-session')).toBeUndefined();
    expect(readCookie(undefined, 'a')).toBeUndefined();
  });
});
