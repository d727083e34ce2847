import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';

/**
 * The GraphQL IDE, offline-capable but light: Yoga's GraphiQL bundle ships every script, style
 * and web worker inlined into one 9 MB page. Here the page is a small shell and each asset is a
 * file of its own under a content-hashed name, compressed once (brotli and gzip) and served
 * with a year-long immutable cache, so a browser downloads the bundle once per release and
 * repeat visits cost the shell alone. The bundle is loaded the first time the IDE is asked for,
 * so a gateway with the IDE switched off never holds it.
 */
export const IDE_ASSET_PATH = '/ide-assets/';

interface Asset {
  contentType: string;
  identity: Buffer;
  brotli: Buffer;
  gzip: Buffer;
  etag: string;
}

export interface IdeOptions {
  title: string;
  /** The GraphQL endpoint the IDE sends operations to. */
  endpoint: string;
  defaultQuery: string;
  /** JSON text of the default request headers. */
  headers: string;
}

interface LoadedIde {
  assets: Map<string, Asset>;
  page: Asset;
}

type Bundle = typeof import('@graphql-yoga/render-graphiql/graphiql');

function compress(contentType: string, content: string | Buffer): Asset {
  const identity = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return {
    contentType,
    identity,
    brotli: brotliCompressSync(identity, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 9 } }),
    gzip: gzipSync(identity, { level: 9 }),
    etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 22)}"`,
  };
}

const hashedName = (base: string, extension: string, content: string | Buffer) =>
  `${base}.${createHash('sha256').update(content).digest('hex').slice(0, 12)}.${extension}`;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
// JSON embedded in a <script> must not be able to close it.
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

async function loadIde(options: IdeOptions): Promise<LoadedIde> {
  const bundle: Bundle = await import('@graphql-yoga/render-graphiql/graphiql');
  // The favicon comes as a data: URI of a 150 KB icon; as a file it is fetched once, not per page.
  const favicon = Buffer.from(bundle.favicon.slice(bundle.favicon.indexOf(',') + 1), 'base64');
  const files: [string, string, string | Buffer][] = [
    [hashedName('graphiql', 'js', bundle.js), 'text/javascript; charset=utf-8', bundle.js],
    [hashedName('graphiql', 'css', bundle.css), 'text/css; charset=utf-8', bundle.css],
    [hashedName('editor.worker', 'js', bundle.editorWorkerService), 'text/javascript; charset=utf-8', bundle.editorWorkerService],
    [hashedName('json.worker', 'js', bundle.jsonWorker), 'text/javascript; charset=utf-8', bundle.jsonWorker],
    [hashedName('graphql.worker', 'js', bundle.graphqlWorker), 'text/javascript; charset=utf-8', bundle.graphqlWorker],
    [hashedName('favicon', 'ico', favicon), 'image/x-icon', favicon],
  ];
  const assets = new Map(files.map(([name, type, text]) => [name, compress(type, text)]));
  const [script, style, editorWorker, jsonWorker, graphqlWorker, icon] = files.map(([name]) => `${IDE_ASSET_PATH}${name}`);
  const settings = {
    title: options.title,
    endpoint: options.endpoint,
    defaultQuery: options.defaultQuery,
    headers: options.headers,
    defaultHeaders: options.headers,
    defaultEditorToolsVisibility: 'headers',
  };
  const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${escapeHtml(options.title)}</title>
    <link rel="icon" href="${icon}" />
    <link rel="stylesheet" href="${style}" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>The GraphQL IDE needs JavaScript.</noscript>
    <div id="root"></div>
    <script>
      self.MonacoEnvironment = {
        globalAPI: false,
        getWorkerUrl: (moduleId, label) => (${scriptJson({ editorWorkerService: editorWorker, json: jsonWorker, graphql: graphqlWorker })})[label],
      };
    </script>
    <script src="${script}"></script>
    <script>YogaGraphiQL.renderYogaGraphiQL(document.querySelector('#root'), ${scriptJson(settings)});</script>
  </body>
</html>
`;
  return { assets, page: compress('text/html; charset=utf-8', page) };
}

function send(req: IncomingMessage, res: ServerResponse, asset: Asset, cacheControl: string): void {
  if (req.headers['if-none-match'] === asset.etag) {
    res.writeHead(304, { etag: asset.etag, 'cache-control': cacheControl });
    res.end();
    return;
  }
  const accepted = String(req.headers['accept-encoding'] ?? '');
  const [encoding, body] = /\bbr\b/.test(accepted) ? ['br', asset.brotli] : /\bgzip\b/.test(accepted) ? ['gzip', asset.gzip] : [undefined, asset.identity];
  res.writeHead(200, {
    'content-type': asset.contentType,
    'content-length': String(body.length),
    'cache-control': cacheControl,
    etag: asset.etag,
    vary: 'accept-encoding',
    ...(encoding ? { 'content-encoding': encoding } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

export interface Ide {
  /** The IDE page (GET with an HTML Accept on the GraphQL path). */
  page(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** An asset under IDE_ASSET_PATH; false when the path names none. */
  asset(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean>;
}

export function createIde(options: IdeOptions): Ide {
  let loaded: Promise<LoadedIde> | undefined;
  const load = () => (loaded ??= loadIde(options));
  return {
    async page(req, res) {
      send(req, res, (await load()).page, 'no-cache');
    },
    async asset(req, res, pathname) {
      const asset = (await load()).assets.get(pathname.slice(IDE_ASSET_PATH.length));
      if (!asset) return false;
      send(req, res, asset, 'public, max-age=31536000, immutable');
      return true;
    },
  };
}
