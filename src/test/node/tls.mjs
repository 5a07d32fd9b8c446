// TLS to the pooler from both Node.js drivers, as their own suites test it: node-postgres verifying
// the pooler's certificate against the test CA (CA_FILE), and postgres.js with ssl 'require',
// connecting again over TLS after its idle connection was closed ("Reconnect using SSL").
import fs from 'node:fs'
import postgres from 'postgres'
import { endpoint, report, value, withClient } from './common.mjs'

const pooler = endpoint('POOLER')
const ca = fs.readFileSync(process.env.CA_FILE)

const pg = await withClient({ ...pooler, ssl: { ca, rejectUnauthorized: true } }, async client => ({
  encrypted: client.connection.stream.encrypted === true,
  answer: await value(client, 'select 40 + 2')
}))

const sql = postgres({ ...pooler, ssl: 'require', max: 1, idle_timeout: 0.2 })
const [{ first }] = await sql`select 1 as first`
await new Promise(resolve => setTimeout(resolve, 1000))
const [{ again }] = await sql`select 2 as again`
await sql.end()

report({ pg, postgres: { first, again } })
