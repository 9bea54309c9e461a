/**
 * How deeply an HTML document's elements nest, by one linear scan of its tags, before it is
 * parsed: the DOM parser slows down super-linearly with nesting (16k nested `<div>`s: 4 s; 64k:
 * 67 s) and the Markdown converter recurses once per level.
 *
 * A stack of open elements as the parser keeps one, simplified: an end tag closes the innermost
 * open element of its name and those inside it, and is ignored when none is open. Void elements
 * and elements whose end is implied by their next sibling (`<p>`, `<li>`, `<td>`, ...) are not
 * stacked, so sloppy but ordinary HTML is not overcounted; `/>` closes only inside SVG and MathML,
 * as in a browser; raw-text elements (`<script>`, `<style>`, ...) are skipped to their end tag.
 * It does not replay every repair rule of HTML parsing; the parser's time and memory limits
 * stop what it misses.
 */
const words = (s: string) => new Set(s.split(' '));
const VOID = words(
  'area base br col embed hr img input link meta param source track wbr basefont bgsound frame keygen image',
);
const IMPLIED_END = words(
  'p li dt dd option optgroup tr td th thead tbody tfoot rb rt rp rtc colgroup caption html head body',
);
const RAW_TEXT = words('script style textarea title xmp iframe noembed noframes plaintext noscript');
const FOREIGN = new Set(['svg', 'math']);

const TAG = /<(\/?)([A-Za-z][^\s/>]*)|<!--|<[!?]/g;

/** Index just past the `>` that ends the tag whose attributes start at `from` (quotes may hold `>`). */
function tagEnd(html: string, from: number): number {
  let quote = '';
  for (let i = from; i < html.length; i++) {
    const ch = html[i];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '>') return i + 1;
  }
  return html.length;
}

/** The deepest nesting found, or a number above `limit` as soon as it passes `limit`. */
export function htmlDepth(html: string, limit: number): number {
  const stack: string[] = [];
  /** Open elements per name: an end tag with none open is ignored without searching the stack. */
  const open = new Map<string, number>();
  let foreign = 0;
  let max = 0;
  const tag = new RegExp(TAG.source, 'g');
  for (let m = tag.exec(html); m; m = tag.exec(html)) {
    if (m[0] === '<!--') {
      const end = html.indexOf('-->', tag.lastIndex);
      tag.lastIndex = end < 0 ? html.length : end + 3;
      continue;
    }
    const end = tagEnd(html, tag.lastIndex);
    tag.lastIndex = end;
    if (m[2] === undefined) continue;
    const name = m[2].toLowerCase();
    if (m[1]) {
      if (!open.get(name)) continue;
      for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
        open.set(top, open.get(top)! - 1);
        if (FOREIGN.has(top)) foreign--;
        if (top === name) break;
      }
      continue;
    }
    if (RAW_TEXT.has(name)) {
      const close = new RegExp(`</${name}`, 'ig');
      close.lastIndex = end;
      tag.lastIndex = close.exec(html)?.index ?? html.length;
      continue;
    }
    const selfClosing = (foreign > 0 || FOREIGN.has(name)) && html[end - 2] === '/';
    if (VOID.has(name) || IMPLIED_END.has(name) || selfClosing) continue;
    stack.push(name);
    open.set(name, (open.get(name) ?? 0) + 1);
    if (FOREIGN.has(name)) foreign++;
    if (stack.length > max && (max = stack.length) > limit) return max;
  }
  return max;
}
