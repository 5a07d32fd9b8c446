// Issue 9, finding 1: a node-postgres client sets client_encoding = LATIN1 and leaves; the next
// client, which never touches the setting, inserts 'é€' into encoding_target, as UTF-8 (both
// drivers always send text in UTF-8; the text is here rather than an argument, which the JVM
// would encode in the locale's charset). The next client is
// - `pg`: node-postgres, whose StartupMessage always asks for client_encoding UTF8 (pg-protocol's
//   serializer adds it whatever the configuration says);
// - `postgres`: postgres.js with `connection: { client_encoding: '' }`, which leaves
//   client_encoding out of its StartupMessage (it drops empty values), so the database's default
//   (UTF8) applies, as for libpq programs such as psql when not on a terminal.
// Usage: node client-encoding-leak.mjs pg|postgres
import postgres from 'postgres'
import { endpoint, report, value, withClient } from './common.mjs'

const victim = process.argv[2]
const text = 'é€'
const pooler = endpoint('POOLER')

const leaverEncoding = await withClient(pooler, async client => {
  await client.query('SET client_encoding = LATIN1')
  return value(client, 'show client_encoding')
})

let next
if (victim === 'pg') {
  next = await withClient(pooler, async client => ({
    clientEncoding: await value(client, 'show client_encoding'),
    inserted: await value(client, 'insert into encoding_target (t) values ($1) returning t', [text])
  }))
} else {
  const sql = postgres({ ...pooler, max: 1, connection: { client_encoding: '' } })
  next = {
    clientEncoding: (await sql.unsafe('show client_encoding'))[0].client_encoding,
    inserted: (await sql`insert into encoding_target (t) values (${text}) returning t`)[0].t
  }
  await sql.end()
}

report({ leaverEncoding, ...next })
