"""psycopg 3 preparing every query, with a statement cache of two: it closes the statements it
evicts, with SQL DEALLOCATE when its libpq is older than 17. Prints one JSON line: the psycopg and
libpq versions, and the first error, if any. Arguments: host port user password dbname."""
import json
import sys

import psycopg

host, port, user, password, dbname = sys.argv[1:6]
result = {"psycopg": psycopg.__version__, "libpq": psycopg.pq.version(), "queries": 0, "error": None}
try:
    with psycopg.connect(host=host, port=port, user=user, password=password, dbname=dbname, autocommit=True) as conn:
        conn.prepare_threshold = 0
        conn.prepared_max = 2
        for i in range(5):
            for j in range(4):
                row = conn.execute(f"SELECT {j} + %s::int", [i]).fetchone()
                if row[0] != i + j:
                    raise AssertionError(f"SELECT {j} + {i} gave {row[0]}")
                result["queries"] += 1
except Exception as e:  # the test reports what the driver raised
    result["error"] = f"{type(e).__name__}: {str(e).strip().splitlines()[0]}"
print(json.dumps(result))
