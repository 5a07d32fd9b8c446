// Issue 9, finding 1: a client's own SET client_encoding must be reported to it (ParameterStatus)
// even when the server connection it is given already had that value from a client before it.
// A node-postgres client sets LATIN1 and leaves; then a postgres.js client, which keeps every
// ParameterStatus it receives in sql.parameters, sets LATIN1 too. Its StartupMessage asks for
// client_encoding UTF8 (`utf8`, postgres.js's default) or leaves it out (`none`:
// `connection: { client_encoding: '' }`, the database's default applies).
// Usage: node client-encoding-report.mjs utf8|none
import postgres from 'postgres'
import { endpoint, report, withClient } from './common.mjs'

const startup = process.argv[2]
const pooler = endpoint('POOLER')

await withClient(pooler, client => client.query('SET client_encoding = LATIN1'))

const sql = postgres({ ...pooler, max: 1, ...(startup === 'none' ? { connection: { client_encoding: '' } } : {}) })
await sql`select 1`
const atStartup = sql.parameters.client_encoding
await sql.unsafe('SET client_encoding = LATIN1')
const afterSet = sql.parameters.client_encoding
const [{ client_encoding: server }] = await sql.unsafe('show client_encoding')
await sql.end()

report({ atStartup, afterSet, server })
