// Issue 9, finding 4, with postgres.js, which prepares every query as a named statement and, once
// prepared, sends only Bind and Execute and decodes the rows with the RowDescription it cached.
// When the table changes shape PostgreSQL refuses to run the stale statement (0A000 "cached plan
// must not change result type", routine RevalidateCachedQuery); postgres.js then forgets it,
// prepares the query again under a new name and returns the new rows (retry() in its
// src/connection.js; it retries on that routine, not on the SQLSTATE).
//
// The client runs `select * from shape` once, the table is altered with `ALTER_SQL` over DIRECT,
// and the client runs the same query again:
// - `switch`: with a pool of two server connections, two other clients hold one each in an open
//   transaction so that the second run is given the connection that did not prepare the statement
//   (holder 1 holds X while the first run takes Y; holder 2 takes Y; holder 1 leaves);
// - `same`: the second run is on the connection of the first (a pool of one).
// Usage: node reprepare-shape.mjs switch|same ALTER_SQL
import pg from 'pg'
import postgres from 'postgres'
import { endpoint, outcome, report, value, withClient } from './common.mjs'

const [mode, alter] = process.argv.slice(2)
const pooler = endpoint('POOLER')

async function holder() {
  const client = new pg.Client(pooler)
  await client.connect()
  await client.query('BEGIN')
  return { client, pid: await value(client, 'select pg_backend_pid()') }
}

const sql = postgres({ ...pooler, max: 1 })
const first = mode === 'switch' ? await holder() : null
const before = await outcome(() => sql`select * from shape order by id`)
const second = mode === 'switch' ? await holder() : null
if (first) {
  await first.client.end()
}
await withClient(endpoint('DIRECT'), client => client.query(alter))
const after = await outcome(() => sql`select * from shape order by id`)
if (second) {
  await second.client.query('COMMIT')
  await second.client.end()
}
await sql.end()

report({
  before: before.value ? [...before.value] : before.error,
  after: after.value ? [...after.value] : null,
  afterError: after.error ?? null,
  holderPids: [first?.pid, second?.pid].filter(pid => pid !== undefined)
})
