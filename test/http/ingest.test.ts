/** /memory/ingest and /memory/ingest/url end to end: every content type, root→section links per user, broken input. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { userScope } from '../../src/store/scope.js';
import { deepHtml } from '../helpers/docs/hostile-docs.js';
import { makeDocx } from '../helpers/docs/make-docx.js';
import { makePdf } from '../helpers/docs/make-pdf.js';
import { servePages } from '../helpers/page-server.js';
import { openHarness, type Backend, type Harness } from './harness.js';

const b64 = (b: Buffer) => b.toString('base64');

for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  describe(`document ingestion over HTTP on ${backend}`, () => {
    let h: Harness;
    let site: Awaited<ReturnType<typeof servePages>>;
    before(async () => {
      h = await openHarness(backend);
      site = await servePages({
        '/recipe': {
          type: 'text/html',
          body: '<h1>Pancakes</h1><p>Whisk flour, eggs and milk, then fry in butter.</p>',
        },
        '/huge': { type: 'text/html', body: `<p>${'y'.repeat(100_000)}</p>` },
        '/photo': { type: 'image/jpeg', body: Buffer.from([0xff, 0xd8, 0xff]) },
        '/deep': { type: 'text/html', body: deepHtml(5000) },
      });
    });
    after(async () => {
      await site.close();
      await h.close();
    });

    test('each content type becomes one memory of the named user', async () => {
      const docs: Array<[string, string, RegExp]> = [
        ['txt', 'Plain text about sourdough starters.', /sourdough starters/],
        ['markdown', '# Packing list\n\n- tent\n- stove', /# Packing list/],
        ['html', '<h2>Chess</h2><p>The <b>Sicilian</b> defence.</p>', /## Chess[\s\S]*\*\*Sicilian\*\*/],
        ['pdf', b64(makePdf([['Invoice 2291 for consulting services']])), /Invoice 2291 for consulting services/],
        ['docx', b64(makeDocx(['# Minutes', 'Budget approved for the new lab.'])), /# Minutes[\s\S]*Budget approved/],
      ];
      for (const [type, data, expected] of docs) {
        const r = await h.call('POST', '/memory/ingest', {
          body: { content_type: type.toUpperCase(), data, user_id: 'ingrid', metadata: { source: 'test' } },
        });
        assert.equal(r.status, 200, `${type}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.strategy, 'single');
        assert.equal(r.body.child_count, 0);
        assert.equal(r.body.extraction.content_type, type);
        const m = await h.call('GET', `/memory/${r.body.root_memory_id}?user_id=ingrid`);
        assert.match(m.body.content, expected);
        assert.equal(m.body.metadata.source, 'test');
        assert.equal(m.body.metadata.ingestion_strategy, 'single');
        assert.equal(m.body.user_id, 'ingrid');
      }
    });

    test('a long document becomes a root linked to every section, all of that user', async () => {
      const topics = [
        'astronomy telescopes comets',
        'baking bread yeast ovens',
        'sailing boats harbours wind',
        'chess openings gambits endgames',
        'volcano lava magma eruptions',
        'violin bows strings rosin',
        'glacier ice crevasses moraines',
        'beekeeping hives honey queens',
        'railway locomotives timetables signals',
        'orchids greenhouse humidity pots',
        'cycling gears saddles climbs',
        'pottery clay kilns glazes',
      ];
      // Distinct vocabulary per section: near-identical sections would (rightly) deduplicate.
      const paragraphs = topics.map(
        (t, i) =>
          `Chapter ${i + 1} covers ${t}. `.repeat(3) +
          `Notes on ${t.split(' ').reverse().join(' and ')} follow in detail here.`.repeat(4),
      );
      const r = await h.call('POST', '/memory/ingest', {
        body: {
          content_type: 'txt',
          data: paragraphs.join('\n\n'),
          config: { force_root: true, sec_sz: 600 },
          user_id: 'rita',
        },
      });
      assert.equal(r.status, 200);
      assert.equal(r.body.strategy, 'root-child');
      assert.ok(r.body.child_count >= 8, `child_count ${r.body.child_count}`);
      assert.equal(r.body.total_tokens, Math.ceil(paragraphs.join('\n\n').trim().length / 4));

      const list = (await h.call('GET', '/memory/all?user_id=rita&l=100')).body.items;
      const root = list.find((m: any) => m.id === r.body.root_memory_id);
      const children = list.filter((m: any) => m.metadata.is_child);
      assert.equal(root.primary_sector, 'reflective');
      assert.match(root.content, /^\[Document: TXT\]/);
      assert.equal(children.length, r.body.child_count);
      for (const c of children) assert.equal(c.metadata.parent_id, root.id);
      assert.deepEqual(
        children.map((c: any) => c.metadata.section_index).sort((a: number, b: number) => a - b),
        [...children.keys()],
      );

      const links = await h.memory.store.outgoingWaypoints(userScope('rita'), [root.id]);
      const linked = new Set(links.filter((w) => w.weight === 1).map((w) => w.dstId));
      for (const c of children)
        assert.ok(linked.has(c.id), `section ${c.metadata.section_index} is linked from the root`);
      // None of it is visible to anybody else.
      assert.equal(
        (await h.call('GET', '/memory/all?user_id=ingrid&l=100')).body.items.filter((m: any) => m.metadata.parent_id)
          .length,
        0,
      );
    });

    test('a document ingested again with a changed section keeps its root, which links the new section too', async () => {
      const parts = [
        'comets telescopes orbits',
        'yeast ovens crusts',
        'harbours sails tides',
        'glaciers moraines crevasses',
      ].map((t, i) => {
        const said = `Section ${i} is all about ${t}. `.repeat(6);
        return `${said}Closing words on ${t}.`;
      });
      const body = (sections: string[]) => ({
        content_type: 'txt',
        data: sections.join('\n\n'),
        config: { force_root: true, sec_sz: 400 },
        user_id: 'vera',
      });
      const first = await h.call('POST', '/memory/ingest', { body: body(parts) });
      const changed = [
        ...parts.slice(0, 3),
        'Section 3 now covers violins, bows, strings and rosin instead. '.repeat(4),
      ];
      const second = await h.call('POST', '/memory/ingest', { body: body(changed) });
      assert.equal(second.status, 200, JSON.stringify(second.body));
      // Same preview and section count: the root repeats the stored one.
      assert.equal(second.body.root_memory_id, first.body.root_memory_id);
      const rootId = first.body.root_memory_id;
      const items = (await h.call('GET', '/memory/all?user_id=vera&l=100')).body.items;
      const added = items.find((m: any) => m.content.startsWith('Section 3 now covers violins'));
      assert.equal(added.metadata.parent_id, rootId);
      const linked = (await h.memory.store.outgoingWaypoints(userScope('vera'), [rootId]))
        .filter((w) => w.weight === 1)
        .map((w) => w.dstId);
      for (const m of items.filter((x: any) => x.metadata.is_child))
        assert.ok(linked.includes(m.id), `section ${m.content.slice(0, 30)} is linked`);
      assert.equal(items.filter((x: any) => x.metadata.is_child).length, 5);
    });

    test('URL ingestion fetches the page from a local server', async () => {
      const r = await h.call('POST', '/memory/ingest/url', { body: { url: site.url('/recipe'), user_id: 'uma' } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.extraction.source_url, site.url('/recipe'));
      const m = await h.call('GET', `/memory/${r.body.root_memory_id}?user_id=uma`);
      assert.match(m.body.content, /^# Pancakes/);
    });

    test('a user key may not fetch from loopback; the admin may', async () => {
      const { key } = (await h.call('POST', '/admin/keys', { body: { user_id: 'uma' } })).body;
      const hits = site.hits();
      const r = await h.call('POST', '/memory/ingest/url', { key, body: { url: site.url('/recipe') } });
      assert.equal(r.status, 403, JSON.stringify(r.body));
      assert.match(r.body.message, /not a public address; only the admin key may fetch from it/);
      assert.equal(site.hits(), hits);
    });

    test('broken, unsupported and too large input are 4xx and store nothing', async () => {
      const cases: Array<[string, unknown, number, RegExp]> = [
        ['/memory/ingest', { content_type: 'pdf', data: b64(Buffer.from('not a pdf at all')) }, 400, /not a PDF/],
        ['/memory/ingest', { content_type: 'docx', data: b64(Buffer.from('PK\u0003\u0004broken')) }, 400, /DOCX/],
        ['/memory/ingest', { content_type: 'pdf', data: '***' }, 400, /base64/],
        ['/memory/ingest', { content_type: 'exe', data: 'x' }, 400, /content_type/],
        ['/memory/ingest/url', { url: site.url('/huge') }, 413, /larger than/],
        ['/memory/ingest/url', { url: site.url('/photo') }, 415, /image\/jpeg/],
        // A fetched page is parsed within the same limits as an uploaded one.
        ['/memory/ingest/url', { url: site.url('/deep') }, 413, /over OM_INGEST_MAX_DEPTH=256/],
        ['/memory/ingest', { content_type: 'html', data: deepHtml(5000) }, 413, /over OM_INGEST_MAX_DEPTH=256/],
        [
          '/memory/ingest',
          {
            content_type: 'txt',
            data: Array.from({ length: 520 }, (_, i) => `Paragraph ${i} ${'word '.repeat(25)}`).join('\n\n'),
            config: { sec_sz: 200, force_root: true },
          },
          413,
          /makes 520 sections, over OM_INGEST_MAX_SECTIONS=500/,
        ],
        ['/memory/ingest/url', { url: site.url('/missing') }, 400, /HTTP 404/],
        ['/memory/ingest/url', { url: 'ftp://example.com/x' }, 400, /http and https/],
      ];
      for (const [path, body, status, message] of cases) {
        const r = await h.call('POST', path, { body: { ...(body as object), user_id: 'broken' } });
        assert.equal(r.status, status, `${JSON.stringify(body)} → ${JSON.stringify(r.body)}`);
        assert.match(r.body.message, message);
      }
      assert.equal((await h.call('GET', '/memory/all?user_id=broken')).body.items.length, 0);
    });
  });
}
