// Issue 9, finding 2, with node-postgres: a client with statement_timeout = 100 and
// search_path = acc_tenant, given as startup parameters (`startup`: node-postgres's
// statement_timeout and options: '-c search_path=acc_tenant') or by SET outside a transaction
// (`set`), leaves; the next plain client of the same user and database must see the server's
// defaults, and its insert into the unqualified table leak_target must land in public.
// Usage: node session-state-leak.mjs startup|set
import { endpoint, report, value, withClient } from './common.mjs'

const how = process.argv[2]
const pooler = endpoint('POOLER')

const leaverConfig = how === 'startup'
  ? { ...pooler, statement_timeout: 100, options: '-c search_path=acc_tenant' }
  : pooler
const leaver = await withClient(leaverConfig, async client => {
  if (how === 'set') {
    await client.query('SET statement_timeout = 100')
    await client.query('SET search_path = acc_tenant')
  }
  return {
    statementTimeout: await value(client, 'show statement_timeout'),
    searchPath: await value(client, 'show search_path')
  }
})
const next = await withClient(pooler, async client => ({
  statementTimeout: await value(client, 'show statement_timeout'),
  searchPath: await value(client, 'show search_path'),
  inserted: (await client.query("insert into leak_target (who) values ('next')")).rowCount
}))

report({ leaver, next })
