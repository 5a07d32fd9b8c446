// The harness works: both drivers run a query through the pooler (node-postgres as a simple query,
// postgres.js as a named prepared statement with a parameter).
import postgres from 'postgres'
import { endpoint, report, value, withClient } from './common.mjs'

const pg = await withClient(endpoint('POOLER'), client => value(client, 'select 1'))

const sql = postgres({ ...endpoint('POOLER'), max: 1 })
const [{ answer }] = await sql`select ${41}::int + 1 as answer`
await sql.end()

report({ pg, postgres: answer })
