'use strict';
/*
 * PostGraphile 4.14.1 serving one district schema: the benchmark peer of our GraphQL API.
 *
 *   NODE_ENV=production DATABASE_URL=postgresql://... PEER_SCHEMA=district_yinzhou node server.js
 *
 * Environment:
 *   DATABASE_URL    the database (required)
 *   PEER_SCHEMA     the district's PostgreSQL schema, e.g. district_yinzhou (required); apply
 *                   functions.sql to it first
 *   PORT            default 5055; PEER_HOST (the address to bind) default 127.0.0.1
 *   PEER_WORKERS    worker processes, default os.cpus().length (node's cluster module: the
 *                   workers share the listening socket, as `postgraphile --cluster-workers` does)
 *   PEER_POOL_SIZE  PostgreSQL connections per worker, default 10 (PostGraphile's own default)
 *
 * Each worker builds its schema by introspection before it listens, so a connection to PORT is
 * refused until the peer can answer; the primary prints "ready" once every worker listens.
 * A worker that dies takes the whole peer down (exit 1): a benchmark never runs on fewer workers
 * than it was told. SIGTERM or SIGINT stop it cleanly.
 */
const cluster = require('node:cluster');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { postgraphile } = require('postgraphile');
const { makePgSmartTagsFromFilePlugin } = require('postgraphile/plugins');

const DATABASE_URL = process.env.DATABASE_URL;
const SCHEMA = process.env.PEER_SCHEMA;
const HOST = process.env.PEER_HOST || '127.0.0.1';
const PORT = positiveInt('PORT', 5055);
const WORKERS = positiveInt('PEER_WORKERS', os.cpus().length);
const POOL_SIZE = positiveInt('PEER_POOL_SIZE', 10);

function positiveInt(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) fail(`${name} must be a positive integer, not ${raw}`);
  return value;
}

function fail(message) {
  console.error(`peer: ${message}`);
  process.exit(2);
}

if (!DATABASE_URL) fail('set DATABASE_URL');
if (!SCHEMA || !/^[a-z_][a-z0-9_]*$/.test(SCHEMA)) fail('set PEER_SCHEMA to a district schema name');
if (process.env.NODE_ENV !== 'production') {
  console.warn('peer: NODE_ENV is not "production"; run it as the benchmark does, with NODE_ENV=production');
}

/*
 * PostGraphile 4's documented production options: the "For Production" set of
 * https://www.graphile.org/postgraphile/usage-cli/#recommended-options and its library-mode twin
 * (https://www.graphile.org/postgraphile/usage-library/#recommended-options).
 *
 * Taken from that set:
 *   retryOnInitFail: true             keep retrying introspection rather than exit if the
 *                                     database is not up yet
 *   dynamicJson: true                 JSON as JSON, not strings (no JSON columns are asked for)
 *   setofFunctionsContainNulls: false our SETOF functions never yield null rows, so their
 *                                     items are non-null (as in our schema)
 *   ignoreRBAC: false                 expose only what the connecting role is granted
 *   extendedErrors: ['errcode']       errors carry the PostgreSQL error code, nothing more
 *   graphiql: false                   no GraphiQL route
 *   enableQueryBatching: true         accept an array of operations in one request (the bodies
 *                                     the harness sends are single operations)
 *   disableQueryLog: true             the docs: "our default logging has performance issues";
 *                                     our API does not log each query either
 *   legacyRelations: 'omit'           only the current relation field names
 * Explicitly off (the default, and what production means):
 *   watchPg: false                    no schema watching (it also needs the postgraphile_watch
 *                                     event triggers); the schema is built once per worker
 *   showErrorStack: false, allowExplain: false (defaults; no stacks or EXPLAIN in responses)
 * Left out of the set, on purpose:
 *   subscriptions                     our API serves no subscriptions; the option would only add
 *                                     a websocket endpoint, no cost or benefit to queries
 *   appendPlugins @graphile-contrib/pg-simplify-inflector
 *                                     another package that only shortens names; the classic
 *                                     names (OrgsPartyorg, orgsPartyorgByNodeId, ...) are kept
 * Added, with no effect on the benchmarked reads:
 *   disableDefaultMutations: true     the peer is read-only and typically connects as the
 *                                     schema owner; no generated create/update/delete mutations
 *   postgraphile.tags.json5           smart tags that leave accounts, tokens, sessions, grants,
 *                                     the audit trail and the members' encrypted/hashed columns
 *                                     out of the schema, as our API does
 * Not used: GRAPHILE_TURBO (experimental), pgSettings (it would wrap every request in a
 * transaction to set them; the search path is set once per connection instead, below).
 */
const options = {
  retryOnInitFail: true,
  dynamicJson: true,
  setofFunctionsContainNulls: false,
  ignoreRBAC: false,
  extendedErrors: ['errcode'],
  graphiql: false,
  enableQueryBatching: true,
  disableQueryLog: true,
  legacyRelations: 'omit',
  watchPg: false,
  showErrorStack: false,
  allowExplain: false,
  disableDefaultMutations: true,
  graphqlRoute: '/graphql',
  appendPlugins: [makePgSmartTagsFromFilePlugin(path.join(__dirname, 'postgraphile.tags.json5'))],
};

// PostGraphile qualifies every table it names with the schema; the functions of functions.sql
// name theirs unqualified and use ltree's operators from public, so every connection runs with
// the district first on its search path (as django-tenants arranges for our API).
const pool = {
  connectionString: DATABASE_URL,
  max: POOL_SIZE,
  options: `-c search_path=${SCHEMA},public`,
};

if (cluster.isPrimary && WORKERS > 1) {
  runPrimary();
} else {
  runWorker();
}

function runPrimary() {
  let ready = 0;
  let stopping = false;
  const stop = (code) => {
    if (stopping) return;
    stopping = true;
    process.exitCode = code;
    for (const worker of Object.values(cluster.workers)) worker.process.kill('SIGTERM');
    setTimeout(() => process.exit(code), 5000).unref();
  };
  cluster.on('message', (_worker, message) => {
    if (message === 'listening' && ++ready === WORKERS) announce();
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    console.error(`peer: worker ${worker.process.pid} exited (${signal || code}); stopping`);
    stop(1);
  });
  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(0));
  for (let i = 0; i < WORKERS; i++) cluster.fork();
}

function announce() {
  console.log(
    `peer: PostGraphile ready on http://${HOST}:${PORT}/graphql serving ${SCHEMA} ` +
      `(${WORKERS} worker${WORKERS === 1 ? '' : 's'}, pool ${POOL_SIZE} each)`,
  );
}

async function runWorker() {
  const middleware = postgraphile(pool, SCHEMA, options);
  await middleware.getGraphQLSchema(); // introspect before accepting connections
  const server = http.createServer(middleware);
  server.keepAliveTimeout = 65000; // longer than any benchmark client's idle keep-alive
  server.listen(PORT, HOST, () => {
    if (cluster.isWorker) process.send('listening');
    else announce();
  });
  const stop = () => {
    server.close();
    server.closeAllConnections();
    middleware.release().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', () => {
    if (cluster.isPrimary) stop(); // a worker waits for the primary's SIGTERM
  });
}
